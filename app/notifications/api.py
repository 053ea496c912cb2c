"""JSON resources: the caller's notifications, marking them read, and notification settings."""
from flask import jsonify

from app.api import ApiBlueprint, actor, json_body, page, query_args
from app.core.errors import Invalid
from app.core.validation import Field, parse
from app.extensions import db
from app.notifications import delivery, failures, services
from app.notifications.models import EMAIL_MODES

api = ApiBlueprint("notifications", __name__)

LIST_QUERY = {"unread": Field(str, choices=("0", "1", "true", "false")), "cursor": Field(int),
              "limit": Field(int)}
SETTINGS_BODY = {"email": Field(str, choices=EMAIL_MODES), "timezone": Field(str, max_len=64),
                 "calendar": Field(str, choices=("regenerate", "revoke"))}


def _settings(user) -> dict:
    s = services.get_settings(user)
    return {"email": s.email_mode, "timezone": user.timezone, "calendar_url": services.calendar_url(s),
            "email_modes": list(EMAIL_MODES)}


def _ids(value) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 500 or any(
            isinstance(i, bool) or not isinstance(i, int) for i in value):
        raise Invalid("ids must be a list of integers.", {"ids": "must be a list of integers"})
    return value


@api.operation("/notifications", summary="The caller's notifications, newest first, with the unread count",
               query=LIST_QUERY, tag="notifications")
def list_notifications():
    user = actor()
    q = query_args(LIST_QUERY)
    items, nxt = services.list_notifications(user, unread_only=q.get("unread") in ("1", "true"),
                                             before=q.get("cursor"), limit=q.get("limit") or 50)
    body = page([delivery.serialize(n, user) for n in items], nxt)
    body["unread"] = delivery.unread_count(user.id)
    return jsonify(body)


@api.operation("/notifications/read", ("POST",), summary="Mark notifications read: {ids: [integer, ...]} or {all: true}; returns {unread}",
               body={"all": Field(bool)}, tag="notifications")
def read_notifications():
    user = actor()
    raw = json_body()
    ids = _ids(raw.get("ids"))
    data = parse({k: v for k, v in raw.items() if k != "ids"}, {"all": Field(bool)})
    unread = services.mark_read(user, ids=ids, all_=bool(data.get("all")))
    db.session.commit()
    return jsonify({"unread": unread})


@api.operation("/notifications/settings", summary="The caller's notification settings", tag="notifications")
def get_settings():
    return jsonify(_settings(actor()))


@api.operation("/notifications/settings", ("PUT",), summary="Change e-mail mode (immediate|digest|off), time zone, "
               "or regenerate/revoke the calendar feed", body=SETTINGS_BODY, tag="notifications")
def put_settings():
    user = actor()
    data = parse(json_body(), SETTINGS_BODY, partial=True)
    services.update_settings(user, email_mode=data.get("email"), timezone=data.get("timezone"),
                             calendar=data.get("calendar"))
    db.session.commit()
    return jsonify(_settings(user))


@api.operation("/notifications/failures", summary="Secretariat: failed and retrying deliveries, "
       "{events: [...], mails: [...]}, each with its reason code and attempts", tag="notifications")
def list_failures():
    found = failures.list_failures(actor())
    return jsonify({"events": [failures.event_dict(r) for r in found["events"]],
                    "mails": [failures.mail_dict(r) for r in found["mails"]]})


@api.operation("/notifications/failures/mails/<int:outbox_id>/retry", ("POST",),
       summary="Secretariat: queue a failed mail again now", tag="notifications")
def retry_failed_mail(outbox_id: int):
    row = failures.retry_mail(actor(), outbox_id)
    db.session.commit()
    return jsonify(failures.mail_dict(row))


@api.operation("/notifications/failures/events/<int:failure_id>/retry", ("POST",),
       summary="Secretariat: try a failed event again on the worker's next pass", tag="notifications")
def retry_failed_event(failure_id: int):
    row = failures.retry_event(actor(), failure_id)
    db.session.commit()
    return jsonify(failures.event_dict(row))
