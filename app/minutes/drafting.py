"""Draft minutes from the session record: the stored room events of a consultation (presence,
agenda changes, floor, document versions, amendment decisions, closed motions) plus its
agenda and participants. Pure reading: nothing here writes."""
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext
from sqlalchemy import select

from app.accounts.models import User
from app.consultations.event_types import AgendaEdited, ParticipantUpdated, ParticipantWithdrawn, SessionStatus
from app.consultations import words
from app.consultations.models import Consultation
from app.core import labels
from app.core.realtime import RoomEvent
from app.documents.event_types import AmendmentDecided, DocumentVersion
from app.extensions import db
from app.minutes.sittings import span, sittings_of, utc_when
from app.minutes.speaking import speaking_times_lines
from app.minutes.statements import marker
from app.minutes.wording import _
from app.rooms.event_types import AgendaChanged, FloorGiven, PresenceChanged, PresenceJoined
from app.votes.event_types import DeputyChanged, MotionClosed, MotionOpened

CONSTITUENCY_ORDER = ("government", "employers", "workers", "stakeholder", "observer", "secretariat")


# What a draft leaves for the secretariat to write (the msgids drafting writes, in any language).
PLACEHOLDERS = ("Summary of the discussion: to be completed by the secretariat.", "[summary of the statement]",
                "To be completed by the secretariat.")


def placeholders_in(body: str) -> list[dict]:
    """The placeholders a draft left in `body`, in whichever working language it was drafted:
    [{"text", "count"}], longest first (a shorter one inside a longer is not counted twice)."""
    from flask_babel import force_locale

    from app.core.languages import LANGUAGES
    phrases = set()
    for lang in LANGUAGES:
        with force_locale(lang):
            phrases.update(gettext(p) for p in PLACEHOLDERS)
    found, rest = [], body or ""
    for phrase in sorted(phrases, key=len, reverse=True):
        n = rest.count(phrase)
        if n:
            found.append({"text": phrase, "count": n})
            rest = rest.replace(phrase, "")
    return found


def constituency_label(key: str | None) -> str:
    return labels.label(labels.CONSTITUENCY_GROUP, key, None if key else _("Other"))


def outcome_label(outcome: str | None) -> str:
    return labels.label(labels.OUTCOME, outcome, None if outcome else _("No result"))


@dataclass
class Person:
    user_id: int
    name: str
    constituency: str | None
    organisation: str
    role: str


@dataclass
class ItemRecord:
    item_id: int | None
    title: str
    position: int
    statements: list[dict] = field(default_factory=list)
    motions: list[dict] = field(default_factory=list)
    documents: list[int] = field(default_factory=list)


@dataclass
class SessionRecord:
    attended: dict[int, Person] = field(default_factory=dict)
    absent: list[Person] = field(default_factory=list)
    items: list[ItemRecord] = field(default_factory=list)
    documents: dict[int, dict] = field(default_factory=dict)
    motions: list[dict] = field(default_factory=list)
    # the secretariat's decisions on credentials, roles, deputies and the agenda: (type, data)
    procedure: list[tuple[str, dict]] = field(default_factory=list)
    first_at: datetime | None = None
    last_at: datetime | None = None
    last_seq: int = 0
    sittings: list = field(default_factory=list)  # sittings.Sitting, in order


class _Replay:
    """Reads the consultation's stored events in order; one method per event type it consumes
    (SUBSCRIPTIONS), so a type nobody declares cannot be listened for."""

    def __init__(self, c: Consultation) -> None:
        self.rec = SessionRecord()
        self.members = {p.user_id: p for p in c.participants}
        self.items = {i.id: ItemRecord(i.id, i.title, i.position) for i in c.agenda}
        self.outside = ItemRecord(None, _("Outside the agenda"), 10**6)
        self.current: int | None = None
        self.opened_under: dict[int, int | None] = {}

    def bucket(self, item_id, title=None) -> ItemRecord:
        if item_id is None:
            return self.outside
        if item_id not in self.items:  # an item since removed: keep what the event said
            self.items[item_id] = ItemRecord(item_id, title or _("Agenda item %(id)s", id=item_id), 10**5 + item_id)
        return self.items[item_id]

    def person(self, uid: int, data: dict) -> Person:
        p = self.members.get(uid)
        org = (data.get("organisation") or {}).get("name") if isinstance(data.get("organisation"), dict) else None
        return Person(uid, data.get("name") or (p.user.name if p else _("Participant %(id)s", id=uid)),
                      data.get("constituency") or (p.constituency if p else None),
                      org or (p.organisation.name if p else ""),
                      data.get("role") or (p.role if p else ""))

    def presence_joined(self, ev: RoomEvent, d: dict) -> None:
        if isinstance(d.get("user_id"), int):
            self.rec.attended.setdefault(d["user_id"], self.person(d["user_id"], d))

    def presence_changed(self, ev: RoomEvent, d: dict) -> None:
        for person in d.get("joined") or ():
            if isinstance(person, dict):
                self.presence_joined(ev, person)

    def agenda_changed(self, ev: RoomEvent, d: dict) -> None:
        self.current = d.get("agenda_item_id")
        if self.current is not None:
            self.bucket(self.current, d.get("title"))

    def floor_given(self, ev: RoomEvent, d: dict) -> None:
        if not isinstance(d.get("user_id"), int):
            return
        speaker = self.rec.attended.setdefault(d["user_id"], self.person(d["user_id"], d))
        item = self.bucket(d.get("agenda_item_id") or self.current)
        item.statements.append({"seq": ev.seq, "user_id": d["user_id"], "name": d.get("name") or speaker.name,
                                "constituency": d.get("constituency") or speaker.constituency,
                                "organisation": speaker.organisation, "at": ev.at})

    def _document(self, d: dict) -> dict:
        return self.rec.documents.setdefault(d["document_id"], {"title": d.get("title") or "", "versions": [],
                                                                "amendments": []})

    def document_version(self, ev: RoomEvent, d: dict) -> None:
        if d.get("document_id") is None:
            return
        doc = self._document(d)
        doc["title"] = d.get("title") or doc["title"]
        note = d.get("note") or ""
        if not note and d.get("amendment_id"):
            note = _("Amendment %(n)s by %(organisation)s accepted", n=d["amendment_id"],
                     organisation=d.get("amendment_by") or "")
        doc["versions"].append({"number": d.get("number"), "note": note, "at": ev.at})
        item = self.bucket(self.current)
        if d["document_id"] not in item.documents:
            item.documents.append(d["document_id"])

    def amendment_decided(self, ev: RoomEvent, d: dict) -> None:
        if d.get("document_id") is not None:
            self._document(d)["amendments"].append(d)

    def motion_opened(self, ev: RoomEvent, d: dict) -> None:
        if isinstance(d.get("motion_id"), int):
            self.opened_under[d["motion_id"]] = d.get("agenda_item_id") or self.current

    def motion_closed(self, ev: RoomEvent, d: dict) -> None:
        """A decision belongs to the item its motion names, else the item current when the vote
        opened, else (events recorded before either) the item current when it closed."""
        item_id = d.get("agenda_item_id") or self.opened_under.get(d.get("motion_id")) or self.current
        motion = dict(d, item_id=item_id)
        self.rec.motions.append(motion)
        self.bucket(item_id).motions.append(motion)

    def session_status(self, ev: RoomEvent, d: dict) -> None:
        """Read for the record's time span only."""

    def run(self, consultation_id: int) -> None:
        stmt = (select(RoomEvent).where(RoomEvent.consultation_id == consultation_id,
                                        RoomEvent.type.in_([*HANDLED, *PROCEDURE])).order_by(RoomEvent.seq))
        for ev in db.session.scalars(stmt):
            if ev.type in PROCEDURE:  # recorded, but not part of the session's time span
                self.rec.procedure.append((ev.type, ev.data or {}))
                continue
            self.rec.first_at = self.rec.first_at or ev.at
            self.rec.last_at = ev.at
            self.rec.last_seq = ev.seq
            getattr(self, HANDLED[ev.type])(ev, ev.data or {})


SUBSCRIPTIONS = {PresenceJoined: "presence_joined", PresenceChanged: "presence_changed", AgendaChanged: "agenda_changed", FloorGiven: "floor_given",
                 DocumentVersion: "document_version", AmendmentDecided: "amendment_decided",
                 MotionOpened: "motion_opened", MotionClosed: "motion_closed", SessionStatus: "session_status"}
HANDLED = {cls.type: method for cls, method in SUBSCRIPTIONS.items()}
PROCEDURE = {cls.type for cls in (ParticipantUpdated, ParticipantWithdrawn, DeputyChanged, AgendaEdited)}


def procedure_lines(rec: SessionRecord) -> list[str]:
    """The secretariat's recorded decisions on credentials, roles, deputies and the agenda (the
    events carry user ids, not names)."""
    ids = {d.get(k) for _t, d in rec.procedure for k in ("user_id", "deputy_user_id") if isinstance(d.get(k), int)}
    names = {u.id: u.name for u in db.session.scalars(select(User).where(User.id.in_(ids)))} if ids else {}
    actions = {"added": _("added"), "renamed": _("renamed"), "moved": _("moved"), "timed": _("time set"),
               "removed": _("removed")}
    out = []
    for type_, d in rec.procedure:
        if type_ == ParticipantUpdated.type:
            out.append("- " + _("%(name)s: credentials %(credentials)s, role %(role)s", name=names.get(d.get("user_id"), ""),
                                credentials=labels.label(labels.CREDENTIALS, d.get("credentials"), d.get("credentials")),
                                role=labels.label(labels.ROLE, d.get("role"), d.get("role"))))
        elif type_ == ParticipantWithdrawn.type:
            out.append("- " + _("%(name)s: removed from the consultation", name=names.get(d.get("user_id"), "")))
        elif type_ == DeputyChanged.type:
            out.append("- " + (_("%(name)s named deputy", name=names.get(d["deputy_user_id"], ""))
                               if d.get("deputy_user_id")
                               else _("A deputy was withdrawn")))
        elif type_ == AgendaEdited.type:
            out.append("- " + _("Agenda item %(position)s, %(title)s: %(action)s", position=d.get("position"),
                                title=d.get("title"), action=actions.get(d.get("action"), d.get("action"))))
    return out


def session_record(c: Consultation) -> SessionRecord:
    """Replay the consultation's events into who attended, who spoke under which agenda item,
    which documents and motions were handled."""
    replay = _Replay(c)
    replay.run(c.id)
    rec = replay.rec
    outside = replay.outside
    rec.items = sorted(replay.items.values(), key=lambda i: i.position)
    if outside.statements or outside.motions or outside.documents:
        rec.items.append(outside)
    entitled = [Person(p.user_id, p.user.name, p.constituency, p.organisation.name, p.role)
                for p in c.participants if p.credentials != "rejected"]
    rec.absent = [p for p in entitled if p.user_id not in rec.attended]
    rec.sittings = sittings_of(c, replay.person)
    for sitting in rec.sittings:  # present at a sitting (the register) is present
        present = {p.user_id for p in sitting.present}
        sitting.absent = [p for p in entitled if p.user_id not in present]
        for p in sitting.present:
            rec.attended.setdefault(p.user_id, p)
    rec.absent = [p for p in rec.absent if p.user_id not in rec.attended]
    return rec


# --- writing the Markdown ------------------------------------------------------------------------

def _when(dt: datetime | None) -> str:
    return utc_when(dt) if dt else _("not recorded")


def _scope(c: Consultation) -> str:
    if c.level == "national":
        return _("National (%(country)s)", country=c.country or "")
    if c.level == "rec":
        return _("Regional Economic Community (%(rec)s)", rec=c.rec or "")
    return _("Continental (African Union)")


def _people_by_group(people) -> list[str]:
    lines = []
    groups: dict[str, dict[str, list[Person]]] = {}
    for p in people:
        groups.setdefault(p.constituency or "", {}).setdefault(p.organisation or _("No organisation"), []).append(p)
    order = list(CONSTITUENCY_ORDER) + sorted(k for k in groups if k not in CONSTITUENCY_ORDER)
    for key in order:
        if key not in groups:
            continue
        lines.append(f"**{constituency_label(key)}**")
        lines.append("")
        for org in sorted(groups[key]):
            names = ", ".join(f"{p.name}" + (f" ({p.role})" if p.role else "") for p in
                              sorted(groups[key][org], key=lambda p: p.name))
            lines.append(f"- {org}: {names}")
        lines.append("")
    return lines


def _counts(mapping, table: dict | None = None) -> str:
    """"Yes: 5, No: 1": each key worded in the minutes' language (vote options, constituencies)."""
    table = labels.VOTE_OPTION if table is None else table
    if isinstance(mapping, dict):
        return ", ".join(f"{labels.label(table, k)}: {v}" for k, v in mapping.items()) or "–"
    return str(mapping) if mapping is not None else "–"


def motion_lines(m: dict) -> list[str]:
    result = m.get("result") or {}
    # the reason is a code with parameters, worded now in the minutes' language; events recorded
    # before codes carry an English sentence, kept as it was
    why = (words.reason(result.get("outcome"), result["reason_code"], result.get("reason_params"))
           if result.get("reason_code") else result.get("reason"))
    lines = [f"- **{m.get('question') or _('Motion')}** — {outcome_label(result.get('outcome'))}"
             + (f". {why}" if why else "")]
    lines += [f"    - {line}" for line in words.arithmetic(result.get("arithmetic"))]
    if result.get("tallies"):
        lines.append(f"    - {_('Votes')}: {_counts(result['tallies'])}")
    by_c = result.get("by_constituency") or {}
    for key in CONSTITUENCY_ORDER:
        if key in by_c:
            lines.append(f"    - {constituency_label(key)}: {_counts(by_c[key])}")
    if result.get("turnout") is not None:
        lines.append(f"    - {_('Turnout')}: {_counts(result['turnout'], labels.CONSTITUENCY_GROUP)}")
    if result.get("quorum_met") is not None:
        lines.append(f"    - {_('Quorum met') if result['quorum_met'] else _('Quorum not met')}")
    return lines


def _session_lines(rec: SessionRecord, scheduled: str) -> list[str]:
    """The sittings that took place, each with its real opening and closing time; the
    scheduled dates only when no sitting was recorded."""
    if not rec.sittings:
        return [f"- **{_('Session')}:** {scheduled} ({_('scheduled; no sitting was recorded')})"]
    lines = [f"- **{_('Sittings')}:** {len(rec.sittings)}"]
    for s in rec.sittings:
        still = "" if s.closed_at else f" ({_('not closed')})"
        lines.append(f"    - {_('Sitting %(n)s', n=s.number)}: {span(s)}{still}")
    return lines


def _sitting_attendance(rec: SessionRecord) -> list[str]:
    """Who was present at each sitting, from its attendance register, and which entitled
    participants (credentials not rejected) were not, each list by constituency."""
    if not rec.sittings:
        return []
    lines = [f"### {_('Attendance by sitting')}", ""]
    for s in rec.sittings:
        lines += [f"#### {_('Sitting %(n)s', n=s.number)}: {span(s)}", ""]
        source = (_("%(n)s present according to the attendance register", n=len(s.present)) if s.from_register
                  else _("%(n)s present according to the room (no attendance register was kept)", n=len(s.present)))
        lines += [f"_{source}_", ""]
        lines += _people_by_group(s.present)
        if s.absent:
            absent = _("Absent (%(n)s)", n=len(s.absent))
            lines += [f"_{absent}_", ""]
            lines += _people_by_group(s.absent)
    return lines


def decisions_by_item(rec: SessionRecord) -> list[str]:
    """Section 5: each decision under the agenda item it was taken on (the heading says which
    subsection of the proceedings reports it in full), items in agenda order."""
    lines = []
    for n, item in enumerate(rec.items, start=1):
        if not item.motions:
            continue
        lines += [f"### 5.{n} {item.title}", ""]
        for m in item.motions:
            outcome = outcome_label((m.get("result") or {}).get("outcome"))
            where = _("reported under %(section)s", section="3.%d" % n)
            lines.append(f"- **{m.get('question') or _('Motion')}** — {outcome} ({where})")
        lines.append("")
    return lines


def draft_body(c: Consultation, rec: SessionRecord) -> str:
    """The Markdown of draft minutes. Statement paragraphs carry markers (see statements.py)."""
    out = [f"# {_('Minutes')}: {c.title}", ""]
    themes = ", ".join(t.name for t in c.themes) or "–"
    start, end = c.starts_at or rec.first_at, c.ends_at or rec.last_at
    until = ""
    if end and start and end.date() == start.date():
        until = f" – {utc_when(end, time_only=True)}"
    elif end:
        until = f" – {_when(end)}"
    out += [f"- **{_('Level and scope')}:** {_scope(c)}",
            *_session_lines(rec, f"{_when(start)}{until}"),
            f"- **{_('Policy themes')}:** {themes}",
            f"- **{_('Record')}:** {_('drafted from %(n)s recorded events of the session', n=rec.last_seq)}", ""]
    out += [f"## 1. {_('Attendance')}", ""]
    out += _people_by_group(rec.attended.values()) or [f"_{_('No attendance was recorded.')}_", ""]
    if rec.absent:
        out += [f"### {_('Absent or excused')}", ""]
        out += _people_by_group(rec.absent)
    out += _sitting_attendance(rec)
    if rec.procedure:
        out += ["### " + _("Credentials and procedural decisions"), ""] + procedure_lines(rec) + [""]
    out += [f"## 2. {_('Agenda')}", ""]
    agenda = [i for i in rec.items if i.item_id is not None]
    out += [f"{n}. {i.title}" for n, i in enumerate(agenda, start=1)] or [f"_{_('No agenda.')}_"]
    out += ["", f"## 3. {_('Proceedings')}", ""]
    for n, item in enumerate(rec.items, start=1):
        out += [f"### 3.{n} {item.title}", "", f"_{_('Summary of the discussion: to be completed by the secretariat.')}_", ""]
        if item.statements:
            out += [f"**{_('Took the floor')}:**", ""]
            for s in item.statements:
                who = f"**{s['name']}** ({s['organisation'] + ', ' if s['organisation'] else ''}"
                who += f"{constituency_label(s['constituency']).lower()})"
                out += [marker(f"st-{s['seq']}", s["user_id"]) + who + ": "
                        + _("[summary of the statement]"), ""]
        if item.documents:
            titles = ", ".join(rec.documents[d]["title"] for d in item.documents if d in rec.documents)
            out += [f"{_('Documents considered')}: {titles}", ""]
        if item.motions:
            out += [f"**{_('Decisions')}:**", ""]
            for m in item.motions:
                out += motion_lines(m)
            out.append("")
    out += [f"## 4. {_('Documents discussed')}", ""]
    if rec.documents:
        for doc in rec.documents.values():
            versions = "; ".join(f"{_('version')} {v['number']}" + (f" ({v['note']})" if v["note"] else "")
                                 for v in doc["versions"]) or _("no new version during the session")
            out.append(f"- **{doc['title']}** — {versions}")
            for a in doc["amendments"]:
                decision = _("accepted") if a.get("decision") == "accepted" else _("rejected")
                line = f"    - {_('Amendment')} {a.get('amendment_id')}: {decision}"
                if a.get("version_number"):
                    line += f", {_('giving version')} {a['version_number']}"
                if a.get("reason_code") == "motion_result":
                    line += " — " + _("decided by the vote on motion %(id)s",
                                      id=(a.get("reason_params") or {}).get("motion_id"))
                elif a.get("reason"):
                    line += f" — {a['reason']}"
                out.append(line)
        out.append("")
    else:
        out += [f"_{_('No document version was recorded.')}_", ""]
    out += [f"## 5. {_('Decisions')}", ""]
    if rec.motions:
        out += decisions_by_item(rec)
    else:
        out += [f"_{_('No motion was put to the vote.')}_", ""]
    out += [f"## 6. {_('Summary of the discussion')}", "",
            f"_{_('To be completed by the secretariat.')}_", ""]
    out += speaking_times_lines(c, rec.items, rec.attended, _)
    # Each entry is one line; a line break in a name or title (user text) would let that text
    # start a line, and so a statement marker: fold them into spaces.
    return "\n".join(" ".join(line.splitlines()) for line in out)
