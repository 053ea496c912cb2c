"""A recorded session: a consultation whose room events were written with the BRIEF's shapes."""
import pytest

from app.core.realtime import record_event
from app.documents.event_types import AmendmentDecided, DocumentVersion
from app.extensions import db
from app.rooms.event_types import AgendaChanged, FloorGiven, PresenceJoined
from app.votes.event_types import MotionClosed


def joined(c, user, role="delegate"):
    record_event(c.id, PresenceJoined(user_id=user.id, name=user.name, constituency=user.constituency, organisation={"id": user.organisation_id, "name": user.organisation.name}, role=role), user)


def floor(c, chair, user, item_id):
    record_event(c.id, FloorGiven(user_id=user.id, name=user.name, constituency=user.constituency, agenda_item_id=item_id, queue=[]), chair)


@pytest.fixture
def session(factory):
    """A live ECOWAS consultation with three agenda items, a tripartite delegation, a speaker
    list, a document with versions and an amendment decision, and one closed motion. The
    workers' delegate never came."""
    from app.consultations import agenda as consultation_agenda
    sec = factory.secretariat
    c = factory.consultation(status="live", title="Portability of social security benefits")
    items = [consultation_agenda.add_agenda_item(sec, c, t) for t in ("Opening", "Draft framework", "Conclusions")]
    db.session.commit()
    people = factory.tripartite(c)
    gov, emp, wrk = people["government"], people["employers"], people["workers"]
    adviser = factory.user("adviser", org=gov.organisation)
    factory.participant(c, adviser)
    outsider = factory.user("delegate", "workers")
    for u in (gov, emp, adviser):
        joined(c, u)
    joined(c, sec, "secretariat")
    record_event(c.id, AgendaChanged(agenda_item_id=items[0].id, title="Opening", position=1), sec)
    floor(c, sec, gov, items[0].id)
    record_event(c.id, AgendaChanged(agenda_item_id=items[1].id, title="Draft framework", position=2), sec)
    floor(c, sec, emp, items[1].id)
    floor(c, sec, adviser, items[1].id)
    floor(c, sec, gov, None)  # no item in the event: the current one (Draft framework) counts
    record_event(c.id, DocumentVersion(document_id=7, title="Regional framework", number=2, note="After the first reading"), sec)
    record_event(c.id, AmendmentDecided(document_id=7, amendment_id=3, decision="accepted", reason="Clearer scope", version_number=3, title="Regional framework"), sec)
    record_event(c.id, AmendmentDecided(document_id=7, amendment_id=4, decision="rejected", reason="Outside the mandate", version_number=None, title="Regional framework"), sec)
    record_event(c.id, AgendaChanged(agenda_item_id=items[2].id, title="Conclusions", position=3), sec)
    record_event(c.id, MotionClosed(motion_id=11, question="Adopt the regional framework?", result={"outcome": "carried", "reason": "two-thirds reached",
                                                         "tallies": {"yes": 5, "no": 1, "abstain": 0},
                                                         "by_constituency": {"government": {"yes": 2, "no": 0},
                                                                             "workers": {"yes": 1, "no": 1}},
                                                         "turnout": {"government": 2, "workers": 2},
                                                         "quorum_met": True}), sec)
    db.session.commit()
    return {"c": c, "items": items, "gov": gov, "emp": emp, "wrk": wrk, "adviser": adviser,
            "outsider": outsider, "sec": sec}
