"""JSON resources: the caller's notifications, marking them read, and notification settings."""
from flask import jsonify

from app.api import ApiBlueprint, actor, json_body, page, query_args
from app.core.errors import Invalid
from app.core.shapes import INT, STR, Shape, enum, list_of, nullable, page_of
from app.core.validation import Field, parse
from app.extensions import db
from app.notifications import delivery, failures, services
from app.notifications.delivery import NOTIFICATION
from app.notifications.models import EMAIL_MODES

api = ApiBlueprint("notifications", __name__)

LIST_QUERY = {"unread": Field(str, choices=("0", "1", "true", "false")), "cursor": Field(int),
              "limit": Field(int)}
SETTINGS_BODY = {"email": Field(str, choices=EMAIL_MODES), "timezone": Field(str, max_len=64),
                 "calendar": Field(str, choices=("regenerate", "revoke"))}


SETTINGS = Shape("NotificationSettings", {"email": enum(*EMAIL_MODES), "timezone": STR,
                                          "calendar_url": nullable(STR), "email_modes": list_of(enum(*EMAIL_MODES))})
UNREAD = Shape("UnreadCount", {"unread": INT})


def _settings(user) -> dict:
    s = services.get_settings(user)
    return SETTINGS.dump({"email": s.email_mode, "timezone": user.timezone, "calendar_url": services.calendar_url(s),
                          "email_modes": list(EMAIL_MODES)})


def _ids(value) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) > 500 or any(
            isinstance(i, bool) or not isinstance(i, int) for i in value):
        raise Invalid("ids must be a list of integers.", {"ids": "must be a list of integers"})
    return value


@api.operation("/notifications", returns=page_of(NOTIFICATION, {"unread": INT}, "NotificationList"), summary="The caller's notifications, newest first, with the unread count",
               query=LIST_QUERY, tag="notifications")
def list_notifications():
    user = actor()
    q = query_args(LIST_QUERY)
    items, nxt = services.list_notifications(user, unread_only=q.get("unread") in ("1", "true"),
                                             before=q.get("cursor"), limit=q.get("limit") or 50)
    body = page([delivery.serialize(n, user) for n in items], nxt)
    body["unread"] = delivery.unread_count(user.id)
    return jsonify(body)


@api.operation("/notifications/read", ("POST",), returns=UNREAD, summary="Mark notifications read: {ids: [integer, ...]} or {all: true}; returns {unread}",
               body={"all": Field(bool)}, tag="notifications")
def read_notifications():
    user = actor()
    raw = json_body()
    ids = _ids(raw.get("ids"))
    data = parse({k: v for k, v in raw.items() if k != "ids"}, {"all": Field(bool)})
    unread = services.mark_read(user, ids=ids, all_=bool(data.get("all")))
    db.session.commit()
    return jsonify(UNREAD.dump({"unread": unread}))


@api.operation("/notifications/settings", returns=SETTINGS, summary="The caller's notification settings", tag="notifications")
def get_settings():
    return jsonify(_settings(actor()))


@api.operation("/notifications/settings", ("PUT",), returns=SETTINGS, summary="Change e-mail mode (immediate|digest|off), time zone, "
               "or regenerate/revoke the calendar feed", body=SETTINGS_BODY, tag="notifications")
def put_settings():
    user = actor()
    data = parse(json_body(), SETTINGS_BODY, partial=True)
    services.update_settings(user, email_mode=data.get("email"), timezone=data.get("timezone"),
                             calendar=data.get("calendar"))
    db.session.commit()
    return jsonify(_settings(user))


@api.operation("/notifications/failures", returns=failures.FAILURES, summary="Secretariat: failed and retrying deliveries, "
       "{events: [...], mails: [...]}, each with its reason code and attempts", tag="notifications")
def list_failures():
    found = failures.list_failures(actor())
    return jsonify(failures.FAILURES.dump({"events": [failures.event_dict(r) for r in found["events"]],
                                           "mails": [failures.mail_dict(r) for r in found["mails"]]}))


@api.operation("/notifications/failures/mails/<int:outbox_id>/retry", ("POST",),
       returns=failures.FAILED_MAIL, summary="Secretariat: queue a failed mail again now", tag="notifications")
def retry_failed_mail(outbox_id: int):
    return _retry(failures.retry_mail, failures.mail_dict, outbox_id)


def _retry(retry, render, row_id: int):
    """A failed delivery queued again (secretariat, see failures): the row as it now stands."""
    row = retry(actor(), row_id)
    db.session.commit()
    return jsonify(render(row))


@api.operation("/notifications/failures/events/<int:failure_id>/retry", ("POST",),
       returns=failures.FAILED_EVENT, summary="Secretariat: try a failed event again on the worker's next pass", tag="notifications")
def retry_failed_event(failure_id: int):
    return _retry(failures.retry_event, failures.event_dict, failure_id)
