"""Speaking times from the session record: a turn runs from its floor.given to the next
floor.released, floor.given or session.status (a turn still running when the record ends runs
to its last event). The draft minutes list them per agenda item and per speaker. Pure reading."""
from dataclasses import dataclass
from datetime import datetime

from flask import has_request_context
from flask_babel import ngettext
from sqlalchemy import select

from app.consultations.event_types import SessionStatus
from app.core.realtime import RoomEvent
from app.extensions import db
from app.rooms.event_types import FloorGiven, FloorReleased

ENDS = {FloorReleased.type, FloorGiven.type, SessionStatus.type}


@dataclass
class Turn:
    user_id: int
    name: str
    item_id: int | None
    started: datetime
    seconds: int = 0
    limit_s: int | None = None

    @property
    def over(self) -> bool:
        return bool(self.limit_s) and self.seconds > self.limit_s


def turns(consultation_id: int) -> list[Turn]:
    """Every turn on the floor, in order, with its length in whole seconds."""
    out: list[Turn] = []
    running: Turn | None = None
    last_at = None
    stmt = (select(RoomEvent.type, RoomEvent.at, RoomEvent.data)
            .where(RoomEvent.consultation_id == consultation_id, RoomEvent.type.in_(ENDS)).order_by(RoomEvent.seq))
    for type_, at, data in db.session.execute(stmt):
        last_at = at
        if running is not None:
            running.seconds = max(0, int((at - running.started).total_seconds()))
            running = None
        d = data or {}
        if type_ == FloorGiven.type and isinstance(d.get("user_id"), int):
            running = Turn(d["user_id"], d.get("name") or "", d.get("agenda_item_id"), at, limit_s=d.get("limit_s"))
            out.append(running)
    if running is not None and last_at is not None:
        running.seconds = max(0, int((last_at - running.started).total_seconds()))
    return out


def clock(seconds: int) -> str:
    """4:05, or 1:02:05 past an hour."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{h}:{m:02d}:{s:02d}" if h else f"{m}:{s:02d}"


def _turns(n: int) -> str:
    if has_request_context():
        return ngettext("%(num)d turn", "%(num)d turns", n)
    return f"{n} turn" if n == 1 else f"{n} turns"


def _over(n: int) -> str:
    if has_request_context():
        return ngettext("%(num)d over the time limit", "%(num)d over the time limit", n)
    return f"{n} over the time limit"


def _summary(ts: list[Turn]) -> str:
    text = _turns(len(ts)) + f", {clock(sum(t.seconds for t in ts))}"
    over = sum(1 for t in ts if t.over)
    return text + (f" ({_over(over)})" if over else "")


def _by_speaker(ts: list[Turn], label) -> list[str]:
    people: dict[int, list[Turn]] = {}
    for t in ts:
        people.setdefault(t.user_id, []).append(t)
    return [f"- {label(uid, group)}: {_summary(group)}" for uid, group in people.items()]


def speaking_times_lines(c, items, people, _) -> list[str]:
    """The Markdown of the speaking-times section: per agenda item (in agenda order), then per
    speaker. items: the draft's ItemRecords; people: {user_id: Person}; _: its gettext."""
    ts = turns(c.id)
    if not ts:
        return []

    def label(uid, group):
        p = people.get(uid)
        name = (p.name if p else "") or group[0].name
        return f"**{name}**" + (f" ({p.organisation})" if p and p.organisation else "")

    heading, total, by_speaker, outside = _("Speaking times"), _("Total"), _("By speaker"), _("Outside the agenda")
    out = [f"## {heading}", ""]
    titles = {i.item_id: (i.position, i.title) for i in items}
    order = sorted({t.item_id for t in ts}, key=lambda i: titles.get(i, (10**6, ""))[0] if i is not None else 10**7)
    for item_id in order:
        group = [t for t in ts if t.item_id == item_id]
        title = titles[item_id][1] if item_id in titles else outside
        out += [f"### {title}", "", *_by_speaker(group, label),
                f"- _{total}: {clock(sum(t.seconds for t in group))}_", ""]
    out += [f"### {by_speaker}", "", *_by_speaker(ts, label), ""]
    return out
