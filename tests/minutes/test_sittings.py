"""The minutes list the sittings that actually took place (opened and closed by the room's
session.status events), with who was present at each from its attendance register, and who of
the entitled participants was not (by constituency)."""
from datetime import UTC, datetime

from app.consultations import attendance, services
from app.extensions import db


def _draft(client, token, c, sec, lang=None):
    headers = token(sec)
    if lang:
        client.patch("/api/v1/me", json={"language": lang}, headers=headers)
    r = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=headers)
    assert r.status_code == 201, r.json
    return r.json["body"]


def _two_sittings(factory):
    sec = factory.secretariat
    c = factory.consultation(status="scheduled", title="Two sittings",
                             starts_at=datetime(2031, 3, 1, 9, tzinfo=UTC), ends_at=datetime(2031, 3, 1, 17, tzinfo=UTC))
    people = factory.tripartite(c)
    db.session.commit()
    parts = {p.user_id: p for p in c.participants}
    gov, emp, wrk = people["government"], people["employers"], people["workers"]
    services.change_status(sec, c, "live")
    attendance.set_presence(sec, c, parts[gov.id].id, True)
    attendance.set_presence(sec, c, parts[emp.id].id, True)
    db.session.commit()
    services.change_status(sec, c, "closed")
    db.session.commit()
    services.change_status(sec, c, "live")  # reopened the next day: a second sitting
    attendance.set_presence(sec, c, parts[wrk.id].id, True)
    db.session.commit()
    services.change_status(sec, c, "closed")
    db.session.commit()
    return c, sec, gov, emp, wrk


def test_each_sitting_is_listed_with_its_attendance(factory, client, token):
    c, sec, gov, emp, wrk = _two_sittings(factory)
    body = _draft(client, token, c, sec)
    head = body[:body.index("## 1.")]
    assert "**Sittings:** 2" in head and "Sitting 1: " in head and "Sitting 2: " in head
    assert "1 March 2031" not in head  # the scheduled date is not what happened
    by_sitting = body[body.index("### Attendance by sitting"):body.index("## 2. Agenda")]
    by_sitting = by_sitting.split("\n### ")[0]  # up to the next subsection (credentials and procedural decisions)
    first = by_sitting[by_sitting.index("#### Sitting 1"):by_sitting.index("#### Sitting 2")]
    second = by_sitting[by_sitting.index("#### Sitting 2"):]
    assert "2 present according to the attendance register" in first
    present1, absent1 = first.split("_Absent (")
    assert gov.name in present1 and emp.name in present1 and wrk.name not in present1
    assert "1 present according to the attendance register" in second
    present2, absent2 = second.split("_Absent (")
    assert wrk.name in present2 and gov.name not in present2
    assert wrk.name in absent1 and gov.name not in absent1 and emp.name not in absent1
    assert gov.name in absent2 and emp.name in absent2 and wrk.name not in absent2
    # present at a sitting is present: nobody of the three is listed absent
    assert "### Absent or excused" not in body[:body.index("### Attendance by sitting")]


def test_sitting_times_are_the_real_ones(factory, client, token):
    from sqlalchemy import select

    from app.core.realtime import RoomEvent
    c, sec, *_ = _two_sittings(factory)
    opened = db.session.scalars(select(RoomEvent).where(RoomEvent.consultation_id == c.id,
                                                        RoomEvent.type == "session.status").order_by(RoomEvent.seq)).all()
    body = _draft(client, token, c, sec)
    first_open = opened[0].at
    assert f"Sitting 1: {first_open.day} {first_open.strftime('%B %Y, %H:%M')}" in body


def test_no_sitting_recorded_names_the_schedule_as_such(session, client, token):
    from sqlalchemy import delete

    from app.core.realtime import RoomEvent
    # a record kept before sittings were: no session.status event
    db.session.execute(delete(RoomEvent).where(RoomEvent.consultation_id == session["c"].id,
                                               RoomEvent.type == "session.status"))
    db.session.commit()
    body = _draft(client, token, session["c"], session["sec"])
    assert "**Session:**" in body and "scheduled; no sitting was recorded" in body
    assert "Attendance by sitting" not in body


def test_the_live_fixture_session_has_one_sitting_from_the_room(session, client, token):
    body = _draft(client, token, session["c"], session["sec"])
    assert "**Sittings:** 1" in body and "(not closed)" in body
    first = body[body.index("#### Sitting 1"):body.index("## 2. Agenda")]
    # the fixture's joins were recorded without a register: the room says who came, and says so
    assert "no attendance register was kept" in first or "attendance register" in first
    assert session["gov"].name in first


def test_sittings_in_french_name_the_month_in_french(factory, client, token):
    c, sec, *_ = _two_sittings(factory)
    body = _draft(client, token, c, sec, lang="fr")
    assert "Séance 1" in body
    month = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
             "novembre", "décembre"][datetime.now(UTC).month - 1]
    assert month in body
    assert datetime.now(UTC).strftime("%B") not in body or month == datetime.now(UTC).strftime("%B").lower()


def test_each_sitting_names_its_absentees_by_constituency(factory, client, token):
    """Sitting 1: the workers' delegate and an employers' adviser were away, listed under their
    groups; an observer whose credentials were rejected is not entitled, so never absent."""
    c, sec, gov, emp, wrk = _two_sittings(factory)
    adviser = factory.user("adviser", org=emp.organisation)
    factory.participant(c, adviser, role="adviser")
    refused = factory.participant(c, factory.user("observer", "observer"), role="observer", credentials="rejected")
    db.session.expire(c)  # its participants, loaded before (one session in tests)
    body = _draft(client, token, c, sec)
    first = body[body.index("#### Sitting 1"):body.index("#### Sitting 2")]
    absent = first.split("_Absent (", 1)[1]
    assert absent.startswith("2)_")
    employers, workers = absent.index("**Employers**"), absent.index("**Workers**")
    assert employers < absent.index(adviser.name) < workers < absent.index(wrk.name)
    by_sitting = body[body.index("### Attendance by sitting"):].split("\n### ")[0]  # not the procedural decisions
    assert refused.user.name not in by_sitting


def test_absentees_are_worded_in_french(factory, client, token):
    c, sec, gov, emp, wrk = _two_sittings(factory)
    body = _draft(client, token, c, sec, lang="fr")
    first = body[body.index("#### Séance 1"):body.index("#### Séance 2")]
    assert "_Absents (1)_" in first and wrk.name in first.split("_Absents (1)_")[1]
