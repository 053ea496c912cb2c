"""Room events become notifications for exactly the people concerned, and never for others."""
from datetime import UTC, datetime, timedelta

import pytest

from app.consultations.event_types import SessionStatus
from app.core.db import utcnow
from app.core.realtime import record_event
from app.documents.event_types import (
    AmendmentCreated,
    AmendmentDecided,
    CommentCreated,
    DocumentStatus,
    DocumentVersion,
)
from app.extensions import db
from app.minutes.event_types import MinutesStatus
from app.rooms.event_types import ChatMessage, PresenceJoined
from app.votes.event_types import MotionClosed, MotionOpened
from tests.notifications.notif_support import parts, store_raw_event


def _kinds(api, user):
    return [n["kind"] for n in api(user).json["items"]]


@pytest.fixture
def room(factory, run_worker):
    """A scheduled consultation with a tripartite delegation, an observer and an outsider; the
    invitations are already handled (so each test sees only its own event's notices)."""
    c = factory.consultation(status="scheduled", title="Skills recognition",
                             starts_at=datetime(2026, 12, 1, 8, tzinfo=UTC))
    people = factory.tripartite(c)
    people["observer"] = factory.participant(c, user=factory.user("observer", "observer"), role="observer").user
    people["outsider"] = factory.user("delegate", "workers")
    run_worker()
    from app.notifications.models import Notification, Outbox
    db.session.query(Notification).delete()
    db.session.query(Outbox).delete()
    db.session.commit()
    return c, people


def test_document_version_reaches_participants_only(room, factory, smtp, run_worker, api):
    c, people = room
    record_event(c.id, DocumentVersion(document_id=7, title="Draft framework", number=2, note="after comments"), factory.secretariat)
    db.session.commit()
    run_worker()
    for key in ("government", "employers", "workers", "observer"):
        assert _kinds(api, people[key]) == ["document.version"]
        (msg,) = smtp.to(people[key].email)
        text, html = parts(msg)
        assert "Version 2 of Draft framework is out (Skills recognition)." in text
        assert msg["Subject"] == "[Baraza] Version 2 of Draft framework is out (Skills recognition)."
        assert f"http://localhost/consultations/{c.id}" in html
    assert _kinds(api, people["outsider"]) == []
    assert smtp.to(people["outsider"].email) == []
    assert smtp.to(factory.secretariat.email) == []  # the actor is not told of their own act


def test_nothing_about_a_draft_consultation(factory, smtp, run_worker, api):
    c = factory.consultation(status="draft")
    p = factory.participant(c)
    record_event(c.id, DocumentVersion(document_id=1, title="Secret", number=1, note=""), factory.secretariat)
    record_event(c.id, MinutesStatus(minutes_id=1, status="adopted", deadline=None), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, p.user) == []
    assert smtp.messages == []


def test_removed_participant_is_no_longer_told(room, factory, smtp, run_worker, api):
    from app.consultations import participants as consultation_participants
    from app.consultations.models import Participant
    c, people = room
    p = db.session.query(Participant).filter_by(consultation_id=c.id, user_id=people["workers"].id).one()
    consultation_participants.remove_participant(factory.secretariat, c, p.id)
    record_event(c.id, SessionStatus(status="live", previous="scheduled"), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, people["workers"]) == []
    assert _kinds(api, people["government"]) == ["session.live"]


def test_reschedule_through_the_api_tells_everyone_with_new_local_time(room, factory, smtp, run_worker, api):
    c, people = room
    people["government"].timezone = "Africa/Accra"
    people["employers"].timezone = "Africa/Johannesburg"
    db.session.commit()
    resp = api(factory.secretariat, "PATCH", f"/api/v1/consultations/{c.id}",
               json={"starts_at": "2026-12-02T10:00:00Z", "ends_at": "2026-12-02T16:00:00Z"})
    assert resp.status_code == 200
    run_worker()
    gov_text, _ = parts(smtp.to(people["government"].email)[0])
    emp_text, _ = parts(smtp.to(people["employers"].email)[0])
    assert "Wednesday 2 December 2026, 10:00 Africa/Accra (UTC+00:00)" in gov_text
    assert "Wednesday 2 December 2026, 12:00 Africa/Johannesburg (UTC+02:00)" in emp_text
    msg = smtp.to(people["employers"].email)[0]
    assert any(p.get_content_type() == "text/calendar" for p in msg.iter_attachments())
    assert smtp.to(people["outsider"].email) == []
    # a PATCH without a date change records nothing new
    api(factory.secretariat, "PATCH", f"/api/v1/consultations/{c.id}", json={"title": "Skills recognition II"})
    assert run_worker()[1] == {"sent": 0, "failed": 0}


def test_amendment_decided_tells_the_proposing_organisation(room, factory, smtp, run_worker, api):
    c, people = room
    gov = people["government"]
    colleague = factory.user("adviser", org=gov.organisation)
    factory.participant(c, user=colleague, role="adviser")
    run_worker()
    record_event(c.id, AmendmentCreated(document_id=3, amendment_id=41, anchor="p-2", text="new text", rationale="clarity", organisation={"id": gov.organisation_id, "name": "x"}), gov)
    record_event(c.id, AmendmentDecided(document_id=3, amendment_id=41, decision="accepted", reason="agreed", version_number=3, title="Draft framework"), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, gov) == ["amendment.accepted"]
    assert _kinds(api, colleague) == ["amendment.accepted", "invited"]  # the whole organisation's delegation
    assert _kinds(api, people["employers"]) == []
    assert "amendment to Draft framework was accepted" in smtp.to(colleague.email)[-1]["Subject"]


def test_amendment_decided_for_the_proposer_themself(room, factory, run_worker, api):
    c, people = room
    wrk = people["workers"]
    record_event(c.id, AmendmentCreated(document_id=3, amendment_id=5, anchor="p-1", text="t", rationale="r", organisation={"id": wrk.organisation_id,
                                                                                    "name": "w"}), wrk)
    record_event(c.id, AmendmentDecided(document_id=3, amendment_id=5, decision="rejected", reason="no", version_number=None, title="Doc"), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, wrk) == ["amendment.rejected"]


def test_reply_tells_the_parent_author_only(room, factory, smtp, run_worker, api):
    c, people = room
    gov, emp, wrk = people["government"], people["employers"], people["workers"]
    record_event(c.id, CommentCreated(document_id=3, comment_id=10, parent_id=None, anchor="p-1", body="first", html="<p>first</p>", version_number=1), gov)
    record_event(c.id, CommentCreated(document_id=3, comment_id=11, parent_id=10, anchor="p-1", body="a reply", html="<p>a reply</p>", version_number=1), emp)
    record_event(c.id, CommentCreated(document_id=3, comment_id=12, parent_id=10, anchor="p-1", body="my own follow-up", html="", version_number=1), gov)
    record_event(c.id, CommentCreated(document_id=3, comment_id=20, parent_id=None, anchor="p-2", body="second",
                                      html="", version_number=1), wrk)
    record_event(c.id, CommentCreated(document_id=3, comment_id=21, parent_id=20, anchor="p-2", body="x",
                                      html="", version_number=1), gov)
    db.session.commit()
    run_worker()
    assert _kinds(api, gov) == ["comment.reply"]
    assert api(gov).json["items"][0]["text"] == f"{emp.name} replied to your comment in Skills recognition."
    assert _kinds(api, emp) == []
    assert _kinds(api, wrk) == ["comment.reply"]
    assert len(smtp.to(gov.email)) == 1


def test_async_vote_opened_then_reminded_once_and_not_after_close(room, factory, smtp, run_worker, api):
    from app.notifications.jobs import send_reminders
    c, people = room
    now = utcnow()
    closes = now + timedelta(days=3)
    record_event(c.id, MotionOpened(motion_id=1, question="Adopt the framework?", options=["yes", "no"], ballot="roll_call", rule="simple", closes_at=closes.isoformat()), factory.secretariat)
    record_event(c.id, MotionOpened(motion_id=2, question="Adjourn?", options=["yes", "no"], ballot="show_of_hands", rule="simple", closes_at=None), factory.secretariat)
    db.session.commit()
    run_worker()
    for key in ("government", "employers", "workers"):
        assert _kinds(api, people[key]) == ["motion.opened"]
    assert _kinds(api, people["observer"]) == []  # observers do not vote
    assert _kinds(api, people["outsider"]) == []

    assert send_reminders(now + timedelta(days=1)) == 0  # not yet
    assert send_reminders(closes - timedelta(hours=23)) == 3
    assert send_reminders(closes - timedelta(hours=22)) == 0  # once per stage
    assert _kinds(api, people["workers"]) == ["motion.reminder", "motion.opened"]
    assert "The vote closes" in api(people["workers"]).json["items"][0]["text"]

    record_event(c.id, MotionClosed(motion_id=1, question="Adopt the framework?", result={"outcome": "carried"}), factory.secretariat)
    db.session.commit()
    run_worker()
    assert send_reminders(closes - timedelta(minutes=30)) == 0


def test_vote_opened_inside_the_last_day_gets_only_the_last_hour_reminder(room, factory, run_worker):
    from app.notifications.jobs import send_reminders
    c, _people = room
    closes = utcnow() + timedelta(hours=5)
    record_event(c.id, MotionOpened(motion_id=9, question="Q?", options=[], ballot="secret", rule="simple", closes_at=closes.isoformat()), factory.secretariat)
    db.session.commit()
    run_worker()
    assert send_reminders(utcnow()) == 0
    assert send_reminders(closes - timedelta(minutes=50)) == 3


def test_minutes_circulated_with_deadline_and_adopted(room, factory, smtp, run_worker, api):
    c, people = room
    people["workers"].timezone = "Africa/Dakar"
    db.session.commit()
    record_event(c.id, MinutesStatus(minutes_id=4, status="circulated", deadline="2026-12-10T17:00:00Z"), factory.secretariat)
    record_event(c.id, MinutesStatus(minutes_id=4, status="draft", deadline=None), factory.secretariat)
    record_event(c.id, MinutesStatus(minutes_id=4, status="adopted", deadline=None), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, people["workers"]) == ["minutes.adopted", "minutes.circulated"]
    texts = [parts(m)[0] for m in smtp.to(people["workers"].email)]
    assert any("corrections until Thursday 10 December 2026, 17:00 Africa/Dakar (UTC+00:00)" in t for t in texts)


def test_document_opened_for_comments(room, factory, run_worker, api):
    c, people = room
    record_event(c.id, DocumentStatus(document_id=2, title="Policy brief", status="open", previous="draft",
                                      comments_close_at=None), factory.secretariat)
    record_event(c.id, DocumentStatus(document_id=2, title="Policy brief", status="closed", previous="open",
                                      comments_close_at=None), factory.secretariat)
    db.session.commit()
    run_worker()
    assert _kinds(api, people["employers"]) == ["document.opened"]


def test_a_bad_event_is_skipped_and_does_not_block_the_rest(room, factory, run_worker, api):
    c, people = room
    # events stored before their payloads were declared, or written by hand
    store_raw_event(c.id, "motion.opened", {"motion_id": "x", "closes_at": "not a date"})
    store_raw_event(c.id, "amendment.decided", {"amendment_id": None})
    record_event(c.id, SessionStatus(status="live", previous="scheduled"), factory.secretariat)
    db.session.commit()
    handled, _ = run_worker()
    assert handled == 3
    assert _kinds(api, people["government"]) == ["session.live"]
    assert run_worker()[0] == 0  # each event is handled once


def test_dispatcher_waits_at_a_gap_in_event_ids(room, factory, run_worker, app):
    from app.core.realtime import RoomEvent
    from app.notifications.dispatch import dispatch_pending
    c, people = room
    first = record_event(c.id, SessionStatus(status="live", previous="scheduled"), factory.secretariat)
    second = record_event(c.id, DocumentVersion(document_id=1, title="D", number=2, note=""), factory.secretariat)
    db.session.commit()
    # simulate a transaction that has not committed yet: the first id is not visible
    row = db.session.get(RoomEvent, first.id)
    saved = row.to_dict()
    db.session.delete(row)
    db.session.commit()
    assert dispatch_pending(now=utcnow()) == 0  # stops at the gap
    assert dispatch_pending(now=utcnow() + timedelta(seconds=60)) == 1  # the gap is old: skip it
    assert saved["type"] == "session.status" and second.id > first.id


def test_a_busy_room_chat_is_passed_over_and_the_event_inside_it_still_notifies(room, factory, run_worker, api):
    c, people = room
    gov = people["government"]
    for i in range(30):
        record_event(c.id, ChatMessage(message_id=i, text=f"m{i}", html="", client_id=None), gov)
    record_event(c.id, SessionStatus(status="live", previous="scheduled"), factory.secretariat)
    for _ in range(30):
        record_event(c.id, PresenceJoined(user_id=gov.id, name=gov.name, constituency="government",
                                          organisation=None, role="delegate"), gov)
    db.session.commit()
    handled, _ = run_worker()
    assert handled == 61  # every event passed, in one pass
    assert _kinds(api, people["workers"]) == ["session.live"]
    assert run_worker()[0] == 0
