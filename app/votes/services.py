"""Motions: drafting, opening, closing (by hand or at closes_at), ballots and the audit trail.

Concurrency: a ballot holds a shared lock on its motion row (SELECT ... FOR SHARE on
PostgreSQL; SQLite's single writer does the same) while it checks that the motion is open and
writes; closing takes an exclusive lock (FOR UPDATE). So ballots run side by side, a close
waits for the ballots in flight and then freezes exactly what they stored, and a ballot that
arrives after the close sees it closed (409). One ballot per slot is a unique constraint; the
write is an INSERT ... ON CONFLICT, so simultaneous double submissions cannot duplicate.
"""
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite

from app.consultations.models import AgendaItem, Consultation
from app.consultations.services import Access, can_manage, get_access, require_manage
from app.core.db import utcnow
from app.core.errors import Conflict, Forbidden, Invalid, NotFound, not_found_as
from app.core.events import Searchable
from app.core.features import features_of
from app.core.realtime import record_event
from app.extensions import db
from app.consultations import attendance, procedure, words
from app.votes import progress
from app.votes.eligibility import slot_for, voting_groups
from app.votes.event_types import MotionClosed, MotionOpened
from app.votes.models import BALLOTS, DEFAULT_OPTIONS, Ballot, Motion, SecretChoice, SecretTally, VoteAudit, VoterRecord
from app.votes.results import AUDIT_ENTRY, BALLOT_RECEIPT, MY_BALLOT, compute_result, live_register

MAX_OPTIONS = 10


def audit(m: Motion, action: str, actor=None, slot=None, **detail) -> None:
    db.session.add(VoteAudit(motion_id=m.id, action=action, actor_id=actor.id if actor else None,
                             slot_id=slot.id if slot else None, detail=detail))


# --- reading ------------------------------------------------------------------------------

def can_see(actor, m: Motion) -> bool:
    return m.status != "draft" or can_manage(actor, m.consultation)


def _visible_motion(actor, motion_id) -> tuple[Motion, Access]:
    """The motion if the actor may see it, with the actor's access to its consultation; one
    NotFound ("No such motion.") for a missing motion, a hidden consultation and a draft alike,
    so no answer tells them apart."""
    m = db.session.get(Motion, motion_id) if isinstance(motion_id, int) and not isinstance(motion_id, bool) else None
    if m is None:
        raise NotFound("No such motion.")
    with not_found_as("No such motion."):
        a = get_access(actor, m.consultation_id)
    if not can_see(actor, m):
        raise NotFound("No such motion.")
    return m, a


def get_motion(actor, motion_id) -> Motion:
    """The motion if the actor may see its consultation (drafts: secretariat only); NotFound
    otherwise. A motion past its closes_at is closed here (the caller commits)."""
    m, _a = _visible_motion(actor, motion_id)
    if m.is_due():
        close_due(m)
    return m


def list_motions(actor, c: Consultation) -> list[Motion]:
    """The consultation's motions, newest first; drafts only for the secretariat."""
    stmt = select(Motion).where(Motion.consultation_id == c.id).order_by(Motion.id.desc())
    if not can_manage(actor, c):
        stmt = stmt.where(Motion.status != "draft")
    items = list(db.session.scalars(stmt))
    for m in items:
        if m.is_due():
            close_due(m)
    return items


# --- drafting -----------------------------------------------------------------------------

def _options(raw) -> list[str]:
    if raw is None:
        return list(DEFAULT_OPTIONS)
    opts = [o.strip() for o in raw]
    if len(opts) < 2 or len(opts) > MAX_OPTIONS or len(set(opts)) != len(opts) or any(
            not o or len(o) > 100 for o in opts):
        raise Invalid(_l("options must be 2 to %(n)s different labels of at most 100 characters.", n=MAX_OPTIONS),
                      {"options": "invalid list"})
    if "yes" not in opts or "no" not in opts:
        raise Invalid('options must include "yes" and "no" (the votes cast); others are recorded like abstentions.',
                      {"options": "must include yes and no"})
    return opts


def resolve_rule(c: Consultation, data: dict) -> tuple[str, dict]:
    """(preset name or "custom", rule object) from a motion's `rule` (a preset name or an object;
    the consultation's default rule when absent) and the older `weights` and `quorum` fields.
    Raises Invalid naming the field."""
    raw = data.get("rule")
    if raw is None:
        raw = c.default_rule
    if raw is None:
        raise Invalid("Choose a rule: a preset name or a rule object.", {"rule": "required"})
    voting = voting_groups(c)
    rule = procedure.expand_rule(raw, voting)
    if data.get("weights") is not None and isinstance(rule["groups"], dict):
        try:
            rule["groups"] = procedure.expand_rule({"groups": {"weights": data["weights"]}}, voting)["groups"]
        except Invalid as err:
            raise Invalid(err._message, {"weights": next(iter(err.details["fields"].values()))}) from None
    if data.get("quorum") is not None:
        try:
            rule["quorum"] = procedure.expand_rule({"quorum": data["quorum"]})["quorum"]
        except Invalid as err:
            raise Invalid(err._message, {"quorum": "invalid"}) from None
    if data.get("ballot") == "secret" and rule["unit"] != "delegate":
        raise Invalid("A secret ballot counts delegates: one vote per country or organisation needs an open ballot.",
                      {"ballot": "secret needs unit delegate"})
    return (raw if isinstance(raw, str) else procedure.preset_of(rule) or "custom"), rule


def _future(when, field: str = "closes_at"):
    if when is not None and when <= utcnow():
        raise Invalid(_l("%(name)s must be in the future.", name=field), {field: "in the past"})
    return when


def create_motion(actor, c: Consultation, data: dict) -> Motion:
    """Secretariat drafts a motion: question, options (default yes/no/abstain, must include yes
    and no), ballot, rule, weights (weighted rule), quorum, closes_at, agenda item, document
    version. Raises Forbidden, Conflict (archived consultation) or Invalid."""
    require_manage(actor, c)
    if c.status == "archived":
        raise Conflict("An archived consultation takes no new motions.")
    if data.get("ballot") not in BALLOTS:
        raise Invalid("ballot must be roll_call, show_of_hands or secret.", {"ballot": "not an allowed value"})
    name, rule = resolve_rule(c, data)
    item_id = data.get("agenda_item_id")
    if item_id is not None:
        item = db.session.get(AgendaItem, item_id)
        if item is None or item.consultation_id != c.id:
            raise Invalid("No such agenda item in this consultation.", {"agenda_item_id": "unknown"})
    m = Motion(consultation_id=c.id, question=data["question"], options=_options(data.get("options")),
               ballot=data["ballot"], rule=name, procedure=rule,
               weights=rule["groups"]["weights"] if isinstance(rule["groups"], dict) else None,
               quorum=data.get("quorum") if data.get("quorum") is not None else rule["quorum"], status="draft", agenda_item_id=item_id,
               document_version_id=data.get("document_version_id"),
               closes_at=_future(data.get("closes_at")), created_by_id=actor.id)
    db.session.add(m)
    db.session.flush()
    audit(m, "created", actor, ballot=m.ballot, rule=m.rule)
    return m


def put_to_vote(actor, kind: str, ref_id) -> Motion:
    """Secretariat drafts a motion deciding another feature's record (an amendment on the floor):
    the owner (app.core.features: motion_origins) checks the record may be put and words the
    question; the rule is the consultation's (or its standing body's; a simple majority when it has
    none), the ballot a show of hands.
    The owner decides the record when the motion closes (motion.closed carries the origin).
    Raises NotFound, Forbidden, Conflict (a motion on it is drafted or open), Invalid (no rule)."""
    spec = features_of().motion_origins[kind](actor, ref_id)
    c = db.session.get(Consultation, spec["consultation_id"])
    require_manage(actor, c)
    pending = db.session.scalar(select(Motion.id).where(
        Motion.origin_kind == kind, Motion.origin_id == ref_id, Motion.status != "closed"))
    if pending is not None:
        raise Conflict("A motion on this is drafted or open already.")
    m = create_motion(actor, c, {"question": spec["question"], "ballot": "show_of_hands",
                                 # no rule set for the consultation or its body: a simple majority
                                 "rule": None if c.default_rule is not None else "simple",
                                 "agenda_item_id": spec.get("agenda_item_id"),
                                 "document_version_id": spec.get("document_version_id")})
    m.origin_kind, m.origin_id = kind, ref_id
    db.session.flush()
    return m


def open_motion(actor, m: Motion, closes_at=None) -> Motion:
    """Secretariat opens a draft motion during the live session, or at any time before the
    session ends when it has a closing time (an asynchronous vote). Raises Conflict."""
    c = m.consultation
    require_manage(actor, c)
    m = _lock(m, update=True)
    if m.status != "draft":
        raise Conflict("This motion is open or closed already.")
    if closes_at is not None:
        m.closes_at = _future(closes_at)
    elif m.closes_at is not None and m.closes_at <= utcnow():
        raise Conflict("The closing time of this motion has passed; give a new one.")
    if c.status in ("closed", "archived", "draft") or (c.status != "live" and m.closes_at is None):
        raise Conflict("Open a motion during the live session, or give it a closing time for an asynchronous vote.")
    _require_register(m)
    _start(m, actor)
    return m


def _require_register(m: Motion) -> None:
    """A rule that reads the attendance register needs a sitting that keeps one."""
    rule = m.procedure
    if procedure.needs_register(rule) and attendance.sitting_of(m.consultation) is None:
        field = "rule.base" if rule["base"] == "present" else "rule.quorum"
        raise Invalid("This rule counts those present, and no sitting of this consultation keeps an attendance "
                      "register yet: open the live session first.", {field: "needs an attendance register"})


def _start(m: Motion, actor) -> None:
    c = m.consultation
    m.status, m.opened_at = "open", utcnow()
    progress.ensure_row(m)
    audit(m, "opened", actor, closes_at=m.closes_at.isoformat() if m.closes_at else None)
    record_event(c.id, MotionOpened(
        motion_id=m.id, question=m.question, options=list(m.options), ballot=m.ballot,
        rule=m.rule, closes_at=m.closes_at.isoformat().replace("+00:00", "Z") if m.closes_at else None,
        agenda_item_id=m.agenda_item_id), actor)
    db.session.flush()


def update_motion(actor, m: Motion, data: dict) -> Motion:
    """Secretariat changes a draft motion's question or rule (and the older weights and quorum).
    Raises Conflict once the motion is open (its rule is fixed while ballots are cast), Invalid."""
    require_manage(actor, m.consultation)
    m = _lock(m, update=True)
    if m.status != "draft":
        raise Conflict("The rule of a motion cannot change once it is open.")
    if data.get("question"):
        m.question = data["question"]
    if any(data.get(k) is not None for k in ("rule", "weights", "quorum")):
        merged = {"rule": data.get("rule") or (m.procedure if m.rule == "custom" else m.rule),
                  "weights": data.get("weights"), "quorum": data.get("quorum"), "ballot": m.ballot}
        m.rule, m.procedure = resolve_rule(m.consultation, merged)
        m.weights = m.procedure["groups"]["weights"] if isinstance(m.procedure["groups"], dict) else None
        m.quorum = data.get("quorum") if data.get("quorum") is not None else m.procedure["quorum"]
    audit(m, "changed", actor, rule=m.rule)
    db.session.flush()
    return m


def _follow_on(m: Motion, actor) -> Motion:
    """The vote that follows a failed consensus: same question, options and ballot, the same
    rule without consensus_first, linked both ways; _freeze opens it at once in a live session
    (otherwise it waits in draft for the secretariat to open it with a closing time)."""
    rule = procedure.follow_on(m.procedure)
    nxt = Motion(consultation_id=m.consultation_id, question=m.question, options=list(m.options), ballot=m.ballot,
                 rule=procedure.preset_of(rule) or "custom", procedure=rule, weights=m.weights, quorum=rule["quorum"],
                 status="draft", agenda_item_id=m.agenda_item_id, document_version_id=m.document_version_id,
                 created_by_id=actor.id if actor else m.created_by_id, previous_motion_id=m.id,
                 origin_kind=m.origin_kind, origin_id=m.origin_id)
    db.session.add(nxt)
    db.session.flush()
    m.next_motion_id = nxt.id
    audit(nxt, "created", actor, ballot=nxt.ballot, rule=nxt.rule, follows=m.id)
    return nxt


def _lock(m: Motion, update: bool) -> Motion:
    stmt = select(Motion).where(Motion.id == m.id).with_for_update(read=not update)
    return db.session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def _seal_secret(m: Motion, result: dict) -> None:
    """Replace the motion's per-ballot secret choices by the counts the result publishes: per
    group when it publishes groups, otherwise totals only (see models). Rows go in sorted order,
    so nothing stored follows the order of voting."""
    by_group = result.get("by_constituency")
    counts = ({(g, ch): n for g, tally in by_group.items() for ch, n in tally.items()} if by_group is not None
              else {("", ch): n for ch, n in result["tallies"].items()})
    db.session.execute(delete(SecretChoice).where(SecretChoice.motion_id == m.id))
    db.session.add_all(SecretTally(motion_id=m.id, constituency=g, choice=ch, votes=n)
                       for (g, ch), n in sorted(counts.items()) if n)
    db.session.flush()


def _freeze(m: Motion, actor=None) -> None:
    closed_at = m.closes_at if m.is_due() else utcnow()
    register = live_register(m)
    result = compute_result(m, register)
    if m.ballot == "secret":
        _seal_secret(m, result)
    m.status, m.closed_at, m.register = "closed", closed_at, register
    audit(m, "closed", actor, outcome=result["outcome"], automatic=actor is None)
    progress.record_progress(m)
    nxt = _follow_on(m, actor) if result["outcome"] == "no_consensus" else None
    if nxt is not None:
        result["next_motion_id"] = nxt.id
    m.result = result
    with force_locale("en"):
        text = words.reason(result["outcome"], result["reason_code"], result["reason_params"])
    record_event(m.consultation_id, MotionClosed(
        motion_id=m.id, question=m.question, agenda_item_id=m.agenda_item_id,
        result={k: result[k] for k in ("outcome", "reason_code", "reason_params", "tallies", "by_constituency",
                                       "turnout", "quorum_met", "voted", "eligible", "votes_cast", "arithmetic",
                                       "next_motion_id")}
        | ({"votes": result["votes"]} if "votes" in result else {}),
        origin={"kind": m.origin_kind, "id": m.origin_id} if m.origin_kind else None,
        # a decision is searchable (and publishable) once its result is frozen; the index is in English
        searchable=Searchable("decision", m.id, m.question, text, "en", publishable=True)), actor)
    if nxt is not None and m.consultation.status == "live":
        _start(nxt, actor)
    db.session.flush()


def close_motion(actor, m: Motion) -> Motion:
    """Secretariat closes an open motion; the result is frozen and announced. Raises Conflict
    for a draft or closed motion (one whose closes_at passed is closed at that time)."""
    require_manage(actor, m.consultation)
    m = _lock(m, update=True)
    if m.status == "draft":
        raise Conflict("This motion has not been opened.")
    if m.status == "closed":
        raise Conflict("This motion is closed already.")
    _freeze(m, actor if not m.is_due() else None)
    return m


def close_due(m: Motion) -> bool:
    """Close a motion whose closes_at has passed (idempotent under concurrency)."""
    m = _lock(m, update=True)
    if not m.is_due():
        return False
    _freeze(m)
    return True


def close_due_motions(now=None) -> int:
    """Freeze and announce every open motion whose closes_at has passed; returns how many."""
    now = now or utcnow()
    due = list(db.session.scalars(select(Motion).where(Motion.status == "open", Motion.closes_at <= now)))
    return sum(1 for m in due if close_due(m))


# --- ballots ------------------------------------------------------------------------------

def _insert(model):
    return (postgresql.insert if db.session.get_bind().dialect.name == "postgresql" else sqlite.insert)(model)


def cast_ballot(actor, motion_id, choice) -> dict:
    """An eligible delegate (or their deputy, in the same slot) votes; before close a new open
    ballot replaces the slot's earlier one, a secret ballot is final.

    Raises NotFound, Conflict (not open, past closes_at by server time, secret vote already
    cast), Forbidden (no vote), Invalid (unknown choice)."""
    m, a = _visible_motion(actor, motion_id)
    m = _lock(m, update=False)
    now = utcnow()
    if m.effective_status(now) != "open":
        raise Conflict("This motion is not open for voting.")
    slot = slot_for(actor, m.consultation, a.participant, known=True)
    if m.procedure["unit"] == "member_state" and slot.organisation.country is None:
        raise Forbidden("Under this rule a member state votes, and your organisation belongs to no member state.")
    if not isinstance(choice, str) or choice not in m.options:
        raise Invalid(_l("Choose one of: %(options)s.", options=", ".join(m.options)), {"choice": "not an option"})
    replaced = False
    if m.ballot == "secret":
        stmt = _insert(VoterRecord).values(motion_id=m.id, slot_id=slot.id, cast_by_id=actor.id,
                                           constituency=slot.constituency, voted_at=now)
        rid = db.session.execute(stmt.on_conflict_do_nothing(index_elements=["motion_id", "slot_id"])
                                 .returning(VoterRecord.id)).scalar()
        if rid is None:
            raise Conflict("Your vote is recorded already; a secret ballot cannot be changed.")
        db.session.add(SecretChoice(motion_id=m.id, constituency=slot.constituency, choice=choice))
        audit(m, "ballot", actor, slot)
    else:
        stmt = _insert(Ballot).values(motion_id=m.id, slot_id=slot.id, cast_by_id=actor.id,
                                      constituency=slot.constituency, choice=choice, cast_at=now, changes=0)
        stmt = stmt.on_conflict_do_update(
            index_elements=["motion_id", "slot_id"],
            set_={"choice": stmt.excluded.choice, "cast_by_id": stmt.excluded.cast_by_id,
                  "cast_at": stmt.excluded.cast_at, "changes": Ballot.changes + 1})
        changes = db.session.execute(stmt.returning(Ballot.changes)).scalar_one()
        replaced = changes > 0
        detail = {"choice": choice} if m.ballot == "roll_call" else {}
        audit(m, "ballot_changed" if replaced else "ballot", actor, slot, **detail)
    db.session.flush()
    progress.after_ballot(m)
    out = {"motion_id": m.id, "recorded": True, "replaced": replaced, "message": "Your vote is recorded."}
    if m.ballot != "secret":
        out["choice"] = choice
    return BALLOT_RECEIPT.dump(out)


def my_ballot(actor, m: Motion) -> dict:
    """Whether the actor may vote and whether their slot has voted; the choice for open ballots
    (a secret choice is not linked to anyone, so it cannot be shown back)."""
    try:
        slot = slot_for(actor, m.consultation)
    except Forbidden:
        return {"eligible": False, "voted": False}
    out = {"eligible": True, "voted": False, "slot_id": slot.id,
           "can_change": m.ballot != "secret" and m.effective_status() == "open"}
    if m.ballot == "secret":
        rec = db.session.scalar(select(VoterRecord).where(VoterRecord.motion_id == m.id, VoterRecord.slot_id == slot.id))
        if rec is not None:
            out.update(voted=True, cast_by_id=rec.cast_by_id, cast_at=rec.voted_at.isoformat(), can_change=False)
    else:
        b = db.session.scalar(select(Ballot).where(Ballot.motion_id == m.id, Ballot.slot_id == slot.id))
        if b is not None:
            out.update(voted=True, choice=b.choice, cast_by_id=b.cast_by_id, cast_at=b.cast_at.isoformat())
    if out["voted"]:
        out["message"] = "Your vote is recorded."
    return MY_BALLOT.dump(out)


def audit_trail(actor, m: Motion) -> list[dict]:
    """Secretariat only: every creation, opening, closing and ballot of the motion, in order."""
    require_manage(actor, m.consultation)
    rows = db.session.scalars(select(VoteAudit).where(VoteAudit.motion_id == m.id).order_by(VoteAudit.id))
    return [AUDIT_ENTRY.dump({"action": a.action, "actor_id": a.actor_id, "slot_id": a.slot_id,
                              "at": a.at.isoformat().replace("+00:00", "Z"), "detail": a.detail or {}}) for a in rows]

