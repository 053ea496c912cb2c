"""The live room page, and plain-form fallbacks of its actions for browsers without JavaScript."""
from flask import Blueprint, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.consultations import attendance
from app.consultations.services import can_manage, meeting_url_for, participant_of
from app.core import labels
from app.core.pages import form_action
from app.rooms import access, floor, services, speakers

bp = Blueprint("rooms", __name__, url_prefix="/consultations")


def room_action(c, user):
    """The consultation page's button to enter the room (participants and the secretariat)."""
    if c.status == "draft" or not (user.is_secretariat or participant_of(user, c) is not None):
        return None
    return {"url": url_for("rooms.room", consultation_id=c.id), "label": _("Enter the live room"),
            "cls": "primary" if c.status == "live" else ""}


def group_of(entry: dict) -> str:
    """Presence group: observers by role, everyone else by their organisation's constituency."""
    if entry.get("role") == "observer":
        return "observer"
    return entry.get("constituency") or "observer"


@bp.get("/<int:consultation_id>/room")
@login_required
def room(consultation_id: int):
    c, _p = access.get_room(current_user, consultation_id)
    snap = services.snapshot(current_user, c, None)
    groups = {key: [] for key in labels.CONSTITUENCY_GROUP}
    for entry in snap["presence"]:
        groups.setdefault(group_of(entry), []).append(entry)
    moves = speaker_moves(snap["state"]["speakers"]) if snap["state"]["me"]["can_moderate"] else []
    people = sorted({p.user_id: p for p in c.participants}.values(), key=lambda p: p.user.name)
    return render_template("rooms/room.html", c=c, seq=snap["seq"], state=snap["state"], groups=groups,
                           group_labels=labels.translated("constituency_group"), chat=services.recent_chat(c), people=people,
                           attendance=attendance.summary(c), meeting_url=meeting_url_for(current_user, c), moves=moves,
                           can_manage=can_manage(current_user, c))


def speaker_moves(speakers_: list[dict]) -> list[dict]:
    """For each place on the list, the `user_ids` a "Move up" / "Move down" form posts: the list's
    new order up to the moved places, as the room script sends `speakers:reorder` (None at an end)."""
    ids = [s["user_id"] for s in speakers_]

    def moved(i, j):
        if j < 0 or j >= len(ids):
            return None
        new = ids[:]
        new[i], new[j] = new[j], new[i]
        return new[:max(i, j) + 1]
    return [{"up": moved(i, i - 1), "down": moved(i, i + 1)} for i in range(len(ids))]


ACTIONS = {
    "chat": lambda u, cid, f: services.send_chat(u, cid, f.get("text", ""), f.get("client_id") or None),
    "raise": lambda u, cid, f: floor.raise_hand(u, cid, f.get("kind") or None),
    "lower": lambda u, cid, f: floor.lower_hand(u, cid, _int_or_none(f.get("user_id"))),
    "give": lambda u, cid, f: floor.give_floor(u, cid, _int_or_none(f.get("user_id")), _int_or_none(f.get("limit_s"))),
    "speaker": lambda u, cid, f: speakers.add_speaker(u, cid, _int_or_none(f.get("user_id")), f.get("kind") or None),
    "first": lambda u, cid, f: speakers.reorder_speakers(u, cid, [_int_or_none(f.get("user_id"))]),
    "reorder": lambda u, cid, f: speakers.reorder_speakers(u, cid, [_int_or_none(v) for v in f.getlist("user_ids")]),
    "release": lambda u, cid, f: floor.release_floor(u, cid),
    "agenda": lambda u, cid, f: floor.set_agenda_item(u, cid, _int_or_none(f.get("agenda_item_id"))),
    "mute": lambda u, cid, f: floor.mute(u, cid, _int_or_none(f.get("user_id"))),
    "unmute": lambda u, cid, f: floor.unmute(u, cid, _int_or_none(f.get("user_id"))),
    "remove": lambda u, cid, f: floor.remove_from_room(u, cid, _int_or_none(f.get("user_id"))),
    "session": lambda u, cid, f: floor.set_session_status(u, cid, f.get("status")),
}


def _int_or_none(value):
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return value


@bp.post("/<int:consultation_id>/room/<action>")
@login_required
def act(consultation_id: int, action: str):
    """One form per action, the same services as the socket events (used without JavaScript)."""
    fn = ACTIONS.get(action)
    if fn is None:
        return redirect(url_for("rooms.room", consultation_id=consultation_id))
    return form_action(lambda: fn(current_user, consultation_id, request.form), None,
                       url_for("rooms.room", consultation_id=consultation_id), refusals_on_page=True)
