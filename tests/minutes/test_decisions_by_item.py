"""Each decision is reported under the agenda item its motion belongs to, not under whichever
item happened to be current (or the first one)."""
import re

from app.core.realtime import record_event
from app.extensions import db
from app.rooms.event_types import AgendaChanged
from app.votes.event_types import MotionClosed, MotionOpened

RESULT = {"outcome": "carried", "tallies": {"yes": 3, "no": 0}}


def _draft(client, token, c, sec):
    r = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=token(sec))
    assert r.status_code == 201, r.json
    return r.json["body"]


def _item(body: str, heading: str) -> str:
    start = body.index(heading)
    nxt = re.search(r"^#{2,3} ", body[start + len(heading):], re.MULTILINE)
    return body[start:start + len(heading) + nxt.start()] if nxt else body[start:]


def _agenda(factory, n=5):
    from app.consultations import agenda as consultation_agenda
    sec = factory.secretariat
    c = factory.consultation(status="live", title="Five items")
    items = [consultation_agenda.add_agenda_item(sec, c, f"Item {k}") for k in range(1, n + 1)]
    db.session.commit()
    return c, items, sec


def test_motions_named_for_items_four_and_five_sit_under_them(factory, client, token):
    c, items, sec = _agenda(factory)
    # the chair never moved the agenda past item 1, yet the motions name items 4 and 5
    record_event(c.id, AgendaChanged(agenda_item_id=items[0].id, title="Item 1", position=1), sec)
    record_event(c.id, MotionClosed(motion_id=41, question="Adopt the report?", result=RESULT,
                                    agenda_item_id=items[3].id), sec)
    record_event(c.id, MotionClosed(motion_id=51, question="Adopt the plan?", result=RESULT,
                                    agenda_item_id=items[4].id), sec)
    db.session.commit()
    body = _draft(client, token, c, sec)
    assert "Adopt the" not in _item(body, "### 3.1 Item 1")
    assert "**Adopt the report?** — Carried" in _item(body, "### 3.4 Item 4")
    assert "**Adopt the plan?** — Carried" in _item(body, "### 3.5 Item 5")
    decisions = body[body.index("## 5. Decisions"):body.index("## 6.")]
    assert "### 5.1" not in decisions
    assert "### 5.4 Item 4" in decisions and "(reported under 3.4)" in decisions
    assert decisions.index("Adopt the report?") < decisions.index("### 5.5 Item 5") < decisions.index("Adopt the plan?")


def test_without_a_named_item_the_item_current_when_the_vote_opened_counts(factory, client, token):
    c, items, sec = _agenda(factory, 3)
    record_event(c.id, AgendaChanged(agenda_item_id=items[1].id, title="Item 2", position=2), sec)
    record_event(c.id, MotionOpened(motion_id=7, question="Close the debate?", options=["yes", "no"],
                                    ballot="show_of_hands", rule="simple", closes_at=None), sec)
    record_event(c.id, AgendaChanged(agenda_item_id=items[2].id, title="Item 3", position=3), sec)
    record_event(c.id, MotionClosed(motion_id=7, question="Close the debate?", result=RESULT), sec)
    db.session.commit()
    body = _draft(client, token, c, sec)
    assert "Close the debate?" in _item(body, "### 3.2 Item 2")
    assert "Close the debate?" not in _item(body, "### 3.3 Item 3")


def test_a_motion_voted_through_the_service_carries_its_item(factory, client, token):
    from app.votes import services as votes
    c, items, sec = _agenda(factory, 4)
    people = factory.tripartite(c)
    m = votes.create_motion(sec, c, {"question": "Endorse item four?", "ballot": "show_of_hands", "rule": "simple",
                                     "agenda_item_id": items[3].id})
    votes.open_motion(sec, m)
    db.session.commit()
    for u in people.values():
        votes.cast_ballot(u, m.id, "yes")
    db.session.commit()
    votes.close_motion(sec, m)
    db.session.commit()
    body = _draft(client, token, c, sec)
    assert "**Endorse item four?**" in _item(body, "### 3.4 Item 4")
    assert "Endorse item four?" not in _item(body, "### 3.1 Item 1")
