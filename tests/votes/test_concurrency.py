"""Integrity under real concurrency: 200 delegates voting at once, each thread with its own
session and database connection; a close racing with ballots freezes exactly what was stored."""
import threading
from collections import Counter

from sqlalchemy import func, select

from app.accounts.models import Organisation, User
from app.core.errors import DomainError
from app.extensions import db
from app.votes import services
from app.votes.models import Ballot, Motion, SecretChoice, SecretTally, VoterRecord
from app.votes.results import recompute

N = 200
CHOICES = ("yes", "no", "abstain")


def _delegates(factory, c, n):
    return [u.id for u in factory.bulk_delegates(c, n)]


def _run_threads(app, jobs):
    """jobs: callables run in their own thread, app context and session, all released at once."""
    db.session.commit()  # the test's own session must not hold a transaction (SQLite's write lock)
    db.session.close()
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def worker(i, job):
        with app.app_context():
            try:
                barrier.wait(timeout=60)
                job()
                db.session.commit()
                results[i] = "ok"
            except DomainError as err:
                db.session.rollback()
                results[i] = err.code
            except Exception as err:  # reported, so the test fails with the cause
                db.session.rollback()
                results[i] = f"error: {err!r}"
            finally:
                db.session.remove()

    threads = [threading.Thread(target=worker, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=180)
    assert not any(t.is_alive() for t in threads)
    return results


def _ballot(uid, motion_id, choice):
    def job():
        services.cast_ballot(db.session.get(User, uid), motion_id, choice)
    return job


def test_200_delegates_at_once_exact_tallies_no_duplicates(app, factory, motion):
    c = factory.consultation(status="live")
    uids = _delegates(factory, c, N)
    m = motion(c, ballot="show_of_hands", rule="simple")
    expected = {uid: CHOICES[i % 3 if i % 7 else 0] for i, uid in enumerate(uids)}
    jobs = [_ballot(uid, m["id"], choice) for uid, choice in expected.items()]
    # every fifth delegate submits the same ballot twice at the same moment
    jobs += [_ballot(uid, m["id"], expected[uid]) for uid in uids[::5]]
    results = _run_threads(app, jobs)
    assert Counter(results) == {"ok": len(jobs)}
    stored = db.session.scalar(select(func.count()).select_from(Ballot).where(Ballot.motion_id == m["id"]))
    assert stored == N
    sec = db.session.merge(factory.secretariat)
    motion_row = services.get_motion(sec, m["id"])
    services.close_motion(sec, motion_row)
    db.session.commit()
    result = db.session.get(Motion, m["id"]).result
    assert result["tallies"] == dict(Counter(expected.values()))
    assert result["voted"] == N and sum(result["turnout"].values()) == N
    assert sum(sum(t.values()) for t in result["by_constituency"].values()) == N
    # nothing is accepted after close
    late = _run_threads(app, [_ballot(uid, m["id"], "yes") for uid in uids[:20]])
    assert set(late) == {"conflict"}
    db.session.expire_all()
    frozen = db.session.get(Motion, m["id"])
    assert recompute(frozen) == frozen.result


def test_close_racing_with_secret_ballots_freezes_exactly_what_was_stored(app, factory, motion):
    c = factory.consultation(status="live")
    uids = _delegates(factory, c, 120)
    m = motion(c, ballot="secret", rule="two_thirds")
    sec_id = factory.secretariat.id

    def close():
        sec = db.session.get(User, sec_id)
        services.close_motion(sec, services.get_motion(sec, m["id"]))

    jobs = [_ballot(uid, m["id"], CHOICES[i % 2]) for i, uid in enumerate(uids)]
    jobs.insert(len(jobs) // 2, close)
    results = _run_threads(app, jobs)
    accepted = results.count("ok") - 1  # minus the close
    assert set(results) <= {"ok", "conflict"}
    db.session.expire_all()
    frozen = db.session.get(Motion, m["id"])
    assert frozen.status == "closed"
    records = db.session.scalar(select(func.count()).select_from(VoterRecord).where(VoterRecord.motion_id == m["id"]))
    choices = db.session.scalar(select(func.sum(SecretTally.votes)).where(SecretTally.motion_id == m["id"]))
    assert db.session.scalar(select(func.count()).select_from(SecretChoice).where(SecretChoice.motion_id == m["id"])) == 0
    assert records == choices == accepted == frozen.result["voted"] == sum(frozen.result["tallies"].values())
    assert recompute(frozen) == frozen.result
    assert db.session.get(Organisation, db.session.get(User, uids[0]).organisation_id) is not None
