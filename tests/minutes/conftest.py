"""A recorded session: a consultation whose room events were written with the BRIEF's shapes."""
import pytest

from app.core.realtime import record_event
from app.extensions import db


def joined(c, user, role="delegate"):
    record_event(c.id, "presence.joined", user, {
        "user_id": user.id, "name": user.name, "constituency": user.constituency,
        "organisation": {"id": user.organisation_id, "name": user.organisation.name}, "role": role})


def floor(c, chair, user, item_id):
    record_event(c.id, "floor.given", chair, {"user_id": user.id, "name": user.name,
                                              "constituency": user.constituency, "agenda_item_id": item_id,
                                              "queue": []})


@pytest.fixture
def session(factory):
    """A live ECOWAS consultation with three agenda items, a tripartite delegation, a speaker
    list, a document with versions and an amendment decision, and one closed motion. The
    workers' delegate never came."""
    from app.consultations import services
    sec = factory.secretariat
    c = factory.consultation(status="live", title="Portability of social security benefits")
    items = [services.add_agenda_item(sec, c, t) for t in ("Opening", "Draft framework", "Conclusions")]
    db.session.commit()
    people = factory.tripartite(c)
    gov, emp, wrk = people["government"], people["employers"], people["workers"]
    adviser = factory.user("adviser", org=gov.organisation)
    factory.participant(c, adviser)
    outsider = factory.user("delegate", "workers")
    for u in (gov, emp, adviser):
        joined(c, u)
    joined(c, sec, "secretariat")
    record_event(c.id, "agenda.changed", sec, {"agenda_item_id": items[0].id, "title": "Opening", "position": 1})
    floor(c, sec, gov, items[0].id)
    record_event(c.id, "agenda.changed", sec, {"agenda_item_id": items[1].id, "title": "Draft framework", "position": 2})
    floor(c, sec, emp, items[1].id)
    floor(c, sec, adviser, items[1].id)
    floor(c, sec, gov, None)  # no item in the event: the current one (Draft framework) counts
    record_event(c.id, "document.version", sec, {"document_id": 7, "title": "Regional framework", "number": 2,
                                                 "note": "After the first reading"})
    record_event(c.id, "amendment.decided", sec, {"document_id": 7, "amendment_id": 3, "decision": "accepted",
                                                  "reason": "Clearer scope", "version_number": 3,
                                                  "title": "Regional framework"})
    record_event(c.id, "amendment.decided", sec, {"document_id": 7, "amendment_id": 4, "decision": "rejected",
                                                  "reason": "Outside the mandate", "version_number": None,
                                                  "title": "Regional framework"})
    record_event(c.id, "agenda.changed", sec, {"agenda_item_id": items[2].id, "title": "Conclusions", "position": 3})
    record_event(c.id, "motion.closed", sec, {"motion_id": 11, "question": "Adopt the regional framework?",
                                              "result": {"outcome": "carried", "reason": "two-thirds reached",
                                                         "tallies": {"yes": 5, "no": 1, "abstain": 0},
                                                         "by_constituency": {"government": {"yes": 2, "no": 0},
                                                                             "workers": {"yes": 1, "no": 1}},
                                                         "turnout": {"government": 2, "workers": 2},
                                                         "quorum_met": True}})
    db.session.commit()
    return {"c": c, "items": items, "gov": gov, "emp": emp, "wrk": wrk, "adviser": adviser,
            "outsider": outsider, "sec": sec}
