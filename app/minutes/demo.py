"""Demo content: a past ECOWAS session with its recorded events, adopted minutes, and a public
archive entry, so the archive, search and transparency page have something to show."""
from datetime import UTC, datetime, timedelta

from sqlalchemy import select, update

from app.consultations.models import AgendaItem, Consultation, Participant, Theme
from app.core.realtime import RoomEvent, record_event
from app.extensions import db
from app.minutes.drafting import PLACEHOLDERS
from app.minutes.wording import _, drafting_in
from app.rooms.event_types import AgendaChanged, FloorGiven, PresenceJoined
from app.votes import services as votes

TITLE = "ECOWAS: technical meeting on social security portability (past session)"
VOTES = {"gov.gh": "yes", "emp.gh": "yes", "wrk.gh": "yes", "gov.sn": "yes", "emp.sn": "abstain"}


def seed_minutes(consultations: dict, users: dict) -> None:
    from app.minutes import publication, services
    if db.session.scalar(select(Consultation).where(Consultation.title == TITLE)) is not None:
        return
    sec = users["secretariat"]
    start = datetime(datetime.now(UTC).year - 1, 11, 12, 9, 0, tzinfo=UTC)
    c = Consultation(title=TITLE, level="rec", rec="ECOWAS", status="live", starts_at=start,
                     ends_at=start + timedelta(hours=5), created_by_id=sec.id,
                     description="Social security institutions and social partners compared how pension "
                                 "rights of migrant workers are totalised across ECOWAS member states.",
                     voting_constituencies=["government", "employers", "workers"])
    c.themes = list(db.session.scalars(select(Theme).where(Theme.slug.in_(["social-security-portability"]))))
    db.session.add(c)
    db.session.flush()
    items = [AgendaItem(consultation_id=c.id, position=n, title=t) for n, t in enumerate(
        ["Opening", "Totalisation of insurance periods", "Conclusions"], start=1)]
    db.session.add_all(items)
    keys = ["gov.gh", "emp.gh", "wrk.gh", "gov.sn", "emp.sn", "wrk.sn"]
    for key in keys + ["secretariat"]:
        u = users[key]
        db.session.add(Participant(consultation_id=c.id, user_id=u.id, organisation_id=u.organisation_id,
                                   role="chair" if key == "secretariat" else "delegate", credentials="accepted"))
    db.session.flush()
    at = start
    for key in keys[:5] + ["secretariat"]:  # wrk.sn sent apologies
        u = users[key]
        at += timedelta(minutes=1)
        record_event(c.id, PresenceJoined(user_id=u.id, name=u.name, constituency=u.constituency,
                                          organisation={"id": u.organisation_id, "name": u.organisation.name},
                                          role="secretariat" if key == "secretariat" else "delegate"), u, at=at)
    for item, speakers in zip(items, [["gov.gh"], ["emp.gh", "wrk.gh", "gov.sn"], ["emp.sn"]], strict=True):
        at += timedelta(minutes=20)
        record_event(c.id, AgendaChanged(agenda_item_id=item.id, title=item.title, position=item.position),
                     sec, at=at)
        for key in speakers:
            u = users[key]
            at += timedelta(minutes=10)
            record_event(c.id, FloorGiven(user_id=u.id, name=u.name, constituency=u.constituency,
                                          agenda_item_id=item.id, queue=[]), sec, at=at)
    # the decision is a real vote, taken through the votes feature, dated in the past session
    at += timedelta(minutes=5)
    m = votes.create_motion(sec, c, {"question": "Recommend a regional totalisation agreement",
                                     "ballot": "roll_call", "rule": "simple"})
    votes.open_motion(sec, m)
    for key, choice in VOTES.items():
        votes.cast_ballot(users[key], m.id, choice)
    votes.close_motion(sec, m)
    db.session.execute(update(RoomEvent).where(RoomEvent.consultation_id == c.id, RoomEvent.at > at).values(at=at))
    m.opened_at = m.closed_at = at
    c.status = "closed"
    m = services.draft_minutes(sec, c)  # in the secretariat's language (app.minutes.wording)
    # the secretariat completes what the draft left to it, as it would before circulating (the
    # placeholders as the draft worded them; the demo's own text is the secretariat's, in English)
    with drafting_in(m.language):
        summary, statement, rest = (_(p) for p in PLACEHOLDERS)
    m.body = m.body.replace(f"_{summary}_",
                            "Delegates agreed that insurance periods completed in any member state should count "
                            "towards pension rights, and asked for a model agreement on totalisation.", 1)
    m.body = (m.body.replace(f"_{summary}_",
                             "The item was introduced by the secretariat and noted by the delegates.")
              .replace(statement, "Stated the position of the delegation on the item.")
              .replace(f"_{rest}_",
                       "The meeting closed with thanks to the host government and the interpreters."))
    services.circulate(sec, m, datetime.now(UTC) + timedelta(days=1))
    services.adopt(sec, m)
    publication.publish(sec, c)
