"""Minutes: drafting from the session record, editing while draft, circulation with a correction
deadline, corrections to one's own statements, adoption, and corrigenda.

Who: the secretariat drafts, edits, circulates, decides corrections and adopts. Participants
read minutes once circulated (drafts are the secretariat's working copy) and correct the
passages reporting their own statements until the deadline. Adopted minutes never change.
"""
from datetime import datetime, timedelta

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from app.consultations import services as consultations
from app.consultations.models import Consultation
from app.core.db import isoformat, utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, not_found_as
from app.core.events import Searchable
from app.core.markdown import render
from app.core.languages import LANGUAGES
from app.core.realtime import RoomEvent, record_event
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, enum, list_of, nullable
from app.extensions import db
from app.minutes import statements
from app.minutes.drafting import _, draft_body, placeholders_in, session_record
from app.minutes.wording import drafting_in
from app.minutes.event_types import CorrectionDecided, MinutesStatus
from app.minutes.sittings import utc_date
from app.accounts.models import PERSON_REF
from app.minutes.models import STATUSES, Correction, Minutes

DEFAULT_CORRECTION_DAYS = 14
MAX_BODY = 200_000
DRAFTABLE = ("live", "closed", "archived")


# --- reading ---------------------------------------------------------------------------------

def can_read(actor, m: Minutes) -> bool:
    c = db.session.get(Consultation, m.consultation_id)
    if c is None or not consultations.can_view(actor, c):
        return False
    return m.status != "draft" or consultations.can_manage(actor, c)


def get_minutes(actor, minutes_id) -> Minutes:
    """The minutes if the actor may read them; NotFound for missing and hidden alike."""
    m = db.session.get(Minutes, minutes_id) if isinstance(minutes_id, int) and not isinstance(minutes_id, bool) else None
    if m is None or not can_read(actor, m):
        raise NotFound("No such minutes.")
    return m


def minutes_of(actor, c: Consultation) -> list[Minutes]:
    """The consultation's minutes and corrigenda the actor may read, oldest first."""
    stmt = select(Minutes).where(Minutes.consultation_id == c.id).order_by(Minutes.id)
    if not consultations.can_manage(actor, c):
        stmt = stmt.where(Minutes.status != "draft")
    return list(db.session.scalars(stmt))


def original_of(c: Consultation) -> Minutes | None:
    return db.session.scalar(select(Minutes).where(Minutes.consultation_id == c.id,
                                                   Minutes.corrigendum_of_id.is_(None)))


def issued_statements(consultation_id: int) -> statements.Issued:
    """{anchor: speaker} of every statement the session record holds (its floor.given events):
    the server's own record of who said what, which no text in the minutes can change."""
    rows = db.session.execute(select(RoomEvent.seq, RoomEvent.data).where(
        RoomEvent.consultation_id == consultation_id, RoomEvent.type == "floor.given"))
    return {f"st-{seq}": data["user_id"] for seq, data in rows
            if isinstance(data, dict) and isinstance(data.get("user_id"), int)}


def statements_of(m: Minutes) -> list[statements.Statement]:
    """The statements of the minutes that count (issued markers only, see statements.py)."""
    return statements.statements(m.body, issued_statements(m.consultation_id))


def html_of(m: Minutes, viewer_id: int | None = None, body: str | None = None):
    return statements.to_html(m.body if body is None else body, viewer_id, issued_statements(m.consultation_id))


def _check_markers(m: Minutes, body: str) -> None:
    """A body the secretariat saves may carry only the markers the session record issued, each
    once, naming its own speaker (422): markers are the server's, never typed."""
    if statements.unissued_markers(body, issued_statements(m.consultation_id)):
        raise Invalid("Statement markers cannot be added, changed or duplicated; keep the ones drafted.",
                      {"body": "statement marker"})


def _require_manage(actor, m: Minutes) -> Consultation:
    c = db.session.get(Consultation, m.consultation_id)
    if not consultations.can_manage(actor, c):
        raise Forbidden("Only the secretariat may do this to the minutes.")
    return c


# --- the lifecycle ---------------------------------------------------------------------------

def draft_minutes(actor, c: Consultation, replace: bool = False) -> Minutes:
    """Secretariat only (403): write draft minutes from the stored session events. Once the
    session has started (409 before). Drafted in the drafter's language (`actor.language`),
    in a request or outside one. One set of minutes per consultation (409 if it exists);
    replace=True redrafts an existing draft, losing its edits."""
    consultations.require_manage(actor, c)
    if c.status not in DRAFTABLE:
        raise Conflict("Minutes can be drafted once the session has started.")
    existing = original_of(c)
    if existing is not None and not (replace and existing.status == "draft"):
        raise Conflict("This consultation has minutes already." if not replace else
                       "Only draft minutes can be redrafted.")
    m = existing or Minutes(consultation_id=c.id, created_by_id=actor.id)
    m.language = actor.language if actor.language in LANGUAGES else "en"
    with drafting_in(m.language):  # the drafter's language, in a request or not (seed-demo)
        rec = session_record(c)
        m.body = draft_body(c, rec)
        m.title = (_("Minutes: %(title)s", title=c.title))[:300]
    m.drafted_through_seq = rec.last_seq
    if existing is None:
        db.session.add(m)
    db.session.flush()
    return m


def update_minutes(actor, m: Minutes, body: str) -> Minutes:
    """Secretariat only (403), while draft (409)."""
    _require_manage(actor, m)
    m.require_status("draft", action="be edited")
    if len(body) > MAX_BODY:
        raise Invalid(_l("The minutes are longer than %(n)s characters.", n=MAX_BODY), {"body": "too long"})
    _check_markers(m, body)
    statements.to_html(body, strict=True)
    m.body = body
    db.session.flush()
    return m


def circulate(actor, m: Minutes, deadline: datetime | None = None) -> Minutes:
    """Secretariat only (403): send draft minutes (409 otherwise) to the participants, who may
    correct their own statements until the deadline (default 14 days; 422 if not in the future)."""
    _require_manage(actor, m)
    m.require_status("draft", action="be circulated")
    now = utcnow()
    deadline = deadline or now + timedelta(days=DEFAULT_CORRECTION_DAYS)
    if deadline <= now:
        raise Invalid("The correction deadline must be in the future.", {"deadline": "in the past"})
    m.circulate(deadline)
    _announce(actor, m)
    return m


def adopt(actor, m: Minutes, confirm_placeholders: bool = False) -> Minutes:
    """Secretariat only (403): adopt circulated minutes (409 otherwise), subject to the
    corrections received; every correction must have been decided first (409). Minutes that
    still hold a draft's placeholders ("[summary of the statement]", ...) are adopted only with
    confirm_placeholders, else 409 `placeholders_left` naming each placeholder and its count."""
    _require_manage(actor, m)
    m.require_status("circulated", action="be adopted")
    pending = db.session.scalar(select(func.count(Correction.id)).where(
        Correction.minutes_id == m.id, Correction.status == "pending"))
    if pending:
        raise Conflict(_l("Decide the pending corrections (%(n)s) before adopting the minutes.", n=pending))
    left = placeholders_in(m.body)
    if left and not confirm_placeholders:
        err = Conflict(_l("The minutes still hold text to be completed: %(list)s. Complete them, or confirm that "
                          "they are adopted as they are.",
                          list="; ".join(f"“{p['text']}” ({p['count']})" for p in left)), placeholders=left)
        err.code = "placeholders_left"
        raise err
    m.adopt(actor)
    _announce(actor, m)
    return m


def create_corrigendum(actor, m: Minutes, body: str | None = None) -> Minutes:
    """Secretariat only (403): a later correction to adopted minutes (409 otherwise) is a new
    minutes record, drafted, circulated and adopted on its own, linked from the original."""
    c = _require_manage(actor, m)
    m.require_status("adopted", action="receive a corrigendum before adoption")
    original = m.corrigendum_of or m
    n = len(original.corrigenda) + 1
    adopted = utc_date(original.adopted_at) if original.adopted_at else ""
    default = "\n".join([f"# {_('Corrigendum')} {n}: {original.title}", "",
                         _("The minutes adopted on %(date)s are corrected as follows.", date=adopted), "",
                         "- " + _("Section …: for “…” read “…”"), ""])
    if body is not None and len(body) > MAX_BODY:
        raise Invalid(_l("The minutes are longer than %(n)s characters.", n=MAX_BODY), {"body": "too long"})
    if body is not None:
        _check_markers(m, body)
        statements.to_html(body, strict=True)
    corr = Minutes(consultation_id=c.id, corrigendum_of_id=original.id, created_by_id=actor.id,
                   title=f"{_('Corrigendum')} {n}: {original.title}"[:300], body=body or default,
                   language=original.language)
    db.session.add(corr)
    db.session.flush()
    return corr


def _announce(actor, m: Minutes) -> None:
    record_event(m.consultation_id, MinutesStatus(minutes_id=m.id, status=m.status,
                                                deadline=isoformat(m.correction_deadline),
                                                searchable=_searchable(m)), actor)


def _searchable(m: Minutes) -> Searchable | None:
    """Circulated and adopted minutes are searchable; adopted ones may go public."""
    if m.status == "draft":
        return None
    return Searchable("minutes", m.id, m.title, statements.strip_markers(m.body), m.language,
                      publishable=m.is_adopted)


# --- corrections -----------------------------------------------------------------------------

def _resolve_anchor(m: Minutes, actor, anchor: str) -> str:
    """The statement a correction targets. An anchor `st-N` names it; anything else is a quoted
    passage looked up in the statements. Only the speaker's own statements (403), by the
    session record's account of who spoke, not the text's."""
    issued = issued_statements(m.consultation_id)
    if statements.ANCHOR.match(anchor):
        s = statements.find(m.body, anchor, issued)
        if s is None:
            raise Invalid("The minutes have no statement with this anchor.", {"anchor": "unknown anchor"})
    else:
        if len(anchor.split()) < 2:
            raise Invalid("Quote at least two words of the passage.", {"anchor": "quote too short"})
        s = (statements.locate_quote(m.body, anchor, actor.id, issued)
             or statements.locate_quote(m.body, anchor, None, issued))
        if s is None:
            raise Invalid("The quoted passage is not in any statement of the minutes.", {"anchor": "not found"})
    if s.user_id != actor.id:
        raise Forbidden("You may only correct passages reporting your own statements.")
    return s.anchor


def submit_correction(actor, m: Minutes, anchor: str, text: str) -> Correction:
    """A participant (403 otherwise) proposes new wording for a passage reporting their own
    statement (403 for anyone else's), while the minutes are circulated (409) and before the
    deadline (409). Text holding a statement marker, or a piece of one, is refused (422)."""
    c = db.session.get(Consultation, m.consultation_id)
    if consultations.participant_of(actor, c) is None:
        raise Forbidden("Only participants may submit corrections.")
    m.require_status("circulated", action="take corrections")
    if m.deadline_passed():
        raise Conflict("The deadline for corrections has passed.")
    if statements.looks_like_marker(text):
        raise Invalid("A correction cannot contain a statement marker.", {"text": "statement marker"})
    statement = _resolve_anchor(m, actor, anchor)
    render(text)  # TooComplex (422) now rather than when the minutes are shown
    corr = Correction(minutes_id=m.id, anchor=anchor, statement=statement, text=text, author_id=actor.id)
    db.session.add(corr)
    db.session.flush()
    return corr


def list_corrections(actor, m: Minutes) -> list[Correction]:
    """The secretariat sees every correction; a participant their own."""
    stmt = select(Correction).where(Correction.minutes_id == m.id).order_by(Correction.id)
    c = db.session.get(Consultation, m.consultation_id)
    if not consultations.can_manage(actor, c):
        stmt = stmt.where(Correction.author_id == actor.id)
    return list(db.session.scalars(stmt))


def get_correction(actor, correction_id) -> Correction:
    corr = db.session.get(Correction, correction_id) if isinstance(correction_id, int) else None
    if corr is None:
        raise NotFound("No such correction.")
    with not_found_as("No such correction."):
        m = get_minutes(actor, corr.minutes_id)
    c = db.session.get(Consultation, m.consultation_id)
    if not consultations.can_manage(actor, c) and corr.author_id != actor.id:
        raise NotFound("No such correction.")
    return corr


def decide_correction(actor, corr: Correction, accept: bool, reason: str = "") -> Correction:
    """Secretariat only (403): accept (the passage is rewritten in the minutes) or reject a
    pending correction (409 if decided), while the minutes are circulated (409). A passage that
    is no longer in the minutes cannot be accepted (409): reject it with a reason."""
    m = corr.minutes
    _require_manage(actor, m)
    m.require_status("circulated", action="take corrections")
    if corr.status != "pending":
        raise Conflict("This correction has been decided already.")
    if accept:
        issued = issued_statements(m.consultation_id)
        if statements.looks_like_marker(corr.text) or issued.get(corr.statement) != corr.author_id:
            # stored before markers were checked: it could only forge or move a statement
            raise Conflict("This correction would change the statement markers; reject it with a reason.")
        quote = None if statements.ANCHOR.match(corr.anchor) else corr.anchor
        body = statements.replace_statement(m.body, corr.statement, corr.text, quote, issued)
        if body is None:
            raise Conflict("The passage is no longer in the minutes; reject the correction with a reason.")
        if statements.markers(body) != statements.markers(m.body):
            raise Conflict("This correction would change the statement markers; reject it with a reason.")
        statements.to_html(body, strict=True)
        m.body = body
    corr.status = "accepted" if accept else "rejected"
    corr.reason = reason or ""
    corr.decided_at = utcnow()
    corr.decided_by_id = actor.id
    db.session.flush()
    record_event(m.consultation_id, CorrectionDecided(minutes_id=m.id, correction_id=corr.id,
                                                      decision=corr.status, searchable=_searchable(m)), actor)
    return corr


# --- shapes ----------------------------------------------------------------------------------

MINUTES = Shape("Minutes", {
    "id": INT, "consultation_id": INT, "title": STR, "status": enum(*STATUSES), "body": STR, "html": STR,
    "language": enum(*LANGUAGES), "correction_deadline": nullable(DATETIME), "corrections_open": BOOL,
    "circulated_at": nullable(DATETIME), "adopted_at": nullable(DATETIME), "adopted_by": nullable(PERSON_REF),
    "corrigendum_of_id": nullable(INT),
    "corrigenda": list_of(Shape("CorrigendumRef", {"id": INT, "status": enum(*STATUSES)})),
    "statements": list_of(Shape("StatementRef", {"anchor": STR, "user_id": nullable(INT)})),
    "created_at": DATETIME, "updated_at": DATETIME})


def serialize(m: Minutes, viewer=None) -> dict:
    return MINUTES.dump({
        "id": m.id, "consultation_id": m.consultation_id, "title": m.title, "status": m.status,
        "body": m.body, "html": str(html_of(m, viewer.id if viewer else None)),
        "language": m.language,
        "correction_deadline": isoformat(m.correction_deadline),
        "corrections_open": m.status == "circulated" and not m.deadline_passed(),
        "circulated_at": isoformat(m.circulated_at), "adopted_at": isoformat(m.adopted_at),
        "adopted_by": {"id": m.adopted_by.id, "name": m.adopted_by.name} if m.adopted_by else None,
        "corrigendum_of_id": m.corrigendum_of_id,
        "corrigenda": [{"id": x.id, "status": x.status} for x in m.corrigenda
                       if viewer is None or x.status != "draft" or viewer.is_secretariat],
        "statements": [{"anchor": s.anchor, "user_id": s.user_id} for s in statements_of(m)],
        "created_at": isoformat(m.created_at), "updated_at": isoformat(m.updated_at),
    })
