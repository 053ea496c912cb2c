"""Coalesced presence (ROOMS_PRESENCE_TICK > 0): after a storm of joins every client's presence
list converges to who is really in the room, one announcement per tick; a rejoin with `since`
after a storm replays every event exactly once; leaving and rejoining within a tick ends as the
truth for every page, including one that joined in between."""
import pytest
from sqlalchemy import event, select
from sqlalchemy.orm import Session

from app.accounts.services import issue_token
from app.consultations import attendance
from app.consultations.event_types import SessionStatus
from app.consultations.models import Consultation
from app.core import pg
from app.core.realtime import RoomEvent, record_event
from app.extensions import db, socketio
from app.rooms import presence
from tests.rooms.conftest import room_events

STORM = 60


@pytest.fixture
def coalesced(app):
    app.config["ROOMS_PRESENCE_TICK"] = 0.25  # no loop under tests: flush_presence() is the tick
    app.config["RATELIMIT_ENABLED"] = False  # 60 sign-ins from one address
    presence.flush_presence()  # nothing left from another test's app
    yield
    presence.flush_presence()


@pytest.fixture
def crowd(app, factory, coalesced):
    """A live room and STORM more accepted delegates, a token each."""
    c, people = factory.live_room()
    delegates = []
    for i in range(STORM):
        u = factory.user("delegate", ("government", "employers", "workers")[i % 3], name=f"Storm delegate {i:02d}")
        factory.participant(c, u, constituency=u.organisation.constituency)
        delegates.append(u)
    tokens = {}
    for u in [*delegates, people["government"], people["workers"]]:
        tokens[u.id] = issue_token(app.config["SECRET_KEY"], u, 3600)[0]
    db.session.commit()
    ids = {"gov": people["government"].id, "workers": people["workers"].id, "storm": [u.id for u in delegates]}
    return c.id, tokens, ids


def _open(app, token):
    sc = socketio.test_client(app, auth={"token": token})
    assert sc.is_connected()
    return sc


def _join(sc, cid, since=None):
    payload = {"consultation_id": cid} if since is None else {"consultation_id": cid, "since": since}
    res = sc.emit("room:join", payload, callback=True)
    assert res["ok"], res
    return res


class View:
    """What a page knows: the join answer's presence, then events applied in seq order once."""

    def __init__(self, res):
        self.seq = res["seq"]
        self.present = {p["user_id"] for p in res["presence"]}
        self.seen: list[int] = []
        self.apply(res["events"])

    def apply(self, events):
        for ev in sorted(events, key=lambda e: e["seq"]):
            if ev["seq"] <= self.seq and ev["seq"] in self.seen:
                continue
            self.seen.append(ev["seq"])
            self.seq = max(self.seq, ev["seq"])
            d = ev["data"]
            if ev["type"] == "presence.joined":
                self.present.add(d["user_id"])
            elif ev["type"] == "presence.left":
                self.present.discard(d["user_id"])
            elif ev["type"] == "presence.changed":
                self.present |= {p["user_id"] for p in d["joined"]}
                self.present -= set(d["left"])


def _truth(cid):
    from app.rooms.models import RoomMember
    return set(db.session.scalars(select(RoomMember.user_id).where(RoomMember.consultation_id == cid)))


def _presence_events(cid):
    return list(db.session.scalars(select(RoomEvent).where(
        RoomEvent.consultation_id == cid, RoomEvent.type.like("presence.%")).order_by(RoomEvent.seq)))


def test_storm_presence_converges_with_one_announcement_per_tick(app, crowd):
    cid, tokens, ids = crowd
    first = _open(app, tokens[ids["gov"]])
    views = {ids["gov"]: View(_join(first, cid))}
    presence.flush_presence()
    before = len(_presence_events(cid))
    clients = {ids["gov"]: first}
    # the storm: everybody joins, some leave again, all before the tick
    for uid in ids["storm"]:
        clients[uid] = sc = _open(app, tokens[uid])
        views[uid] = View(_join(sc, cid))
    for uid in ids["storm"][:5]:
        clients.pop(uid).disconnect()
    assert presence.flush_presence() == STORM
    announced = _presence_events(cid)[before:]
    assert [e.type for e in announced] == ["presence.changed"]
    assert {p["user_id"] for p in announced[0].data["joined"]} == set(ids["storm"][5:])
    assert sorted(announced[0].data["left"]) == sorted(ids["storm"][:5])  # seen by pages that joined meanwhile
    # every page, whenever it joined, ends with the truth
    truth = _truth(cid)
    assert truth == {ids["gov"], *ids["storm"][5:]}
    for uid, sc in clients.items():
        views[uid].apply(room_events(sc))
        assert views[uid].present == truth, uid
    # a late-comer's answer already holds the truth
    late = _open(app, tokens[ids["workers"]])
    assert {p["user_id"] for p in _join(late, cid)["presence"]} == truth | {ids["workers"]}
    # the announced people carry what presence.joined carries
    person = next(p for p in announced[0].data["joined"] if p["user_id"] == ids["storm"][5])
    assert person == {"user_id": ids["storm"][5], "name": "Storm delegate 05", "constituency": "workers",
                      "organisation": person["organisation"], "role": "delegate"}


def test_departures_of_a_storm_are_one_event_and_the_lists_converge(app, crowd):
    cid, tokens, ids = crowd
    watcher = _open(app, tokens[ids["gov"]])
    view = View(_join(watcher, cid))
    clients = {uid: _open(app, tokens[uid]) for uid in ids["storm"][:20]}
    for sc in clients.values():
        _join(sc, cid)
    presence.flush_presence()
    for sc in clients.values():  # the hall's Wi-Fi drops
        sc.disconnect()
    presence.flush_presence()
    view.apply(room_events(watcher))
    assert view.present == _truth(cid) == {ids["gov"]}
    last = _presence_events(cid)[-1]
    assert last.type == "presence.changed" and sorted(last.data["left"]) == sorted(ids["storm"][:20])


def test_rejoin_with_since_after_a_storm_replays_every_event_once(app, crowd):
    cid, tokens, ids = crowd
    gov = _open(app, tokens[ids["gov"]])
    since = _join(gov, cid)["seq"]
    gov.disconnect()
    sender = _open(app, tokens[ids["workers"]])
    _join(sender, cid)
    for k, uid in enumerate(ids["storm"]):
        _join(_open(app, tokens[uid]), cid)
        if k % 10 == 0:
            assert sender.emit("chat:send", {"consultation_id": cid, "text": f"during the storm {k}"},
                               callback=True)["ok"]
        if k % 25 == 0:
            presence.flush_presence()
    presence.flush_presence()
    back = _open(app, tokens[ids["gov"]])
    res = _join(back, cid, since=since)
    seqs = [e["seq"] for e in res["events"]]
    assert seqs == list(range(since + 1, res["seq"] + 1))  # no gap, no duplicate
    stored = [tuple(row) for row in db.session.execute(select(RoomEvent.seq, RoomEvent.type).where(
        RoomEvent.consultation_id == cid, RoomEvent.seq > since).order_by(RoomEvent.seq))]
    assert [(e["seq"], e["type"]) for e in res["events"]] == stored
    assert sum(e["type"] == "chat.message" for e in res["events"]) == 6
    # a second page rejoining from the same seq gets the same answer
    again = _join(_open(app, tokens[ids["storm"][0]]), cid, since=since)
    assert [e["seq"] for e in again["events"]][:len(seqs)] == seqs
    view = View(res)
    presence.flush_presence()
    view.apply(room_events(back))
    assert view.present == _truth(cid)


def test_leave_and_rejoin_within_a_tick_end_as_the_truth(app, crowd):
    cid, tokens, ids = crowd
    watcher = _open(app, tokens[ids["gov"]])
    _join(watcher, cid)
    a = _open(app, tokens[ids["storm"][0]])
    _join(a, cid)
    presence.flush_presence()
    before = len(_presence_events(cid))
    room_events(watcher)
    view = View(_join(_open(app, tokens[ids["workers"]]), cid))
    a.disconnect()  # the connection drops ...
    gap = View(_join(_open(app, tokens[ids["storm"][2]]), cid))  # (a page that joined meanwhile)
    _join(_open(app, tokens[ids["storm"][0]]), cid)  # ... and the page is back within the tick
    b = _open(app, tokens[ids["storm"][1]])
    _join(b, cid)  # someone comes and goes within the tick
    view_b = View(_join(_open(app, tokens[ids["storm"][3]]), cid))  # (a page that saw them)
    b.disconnect()
    presence.flush_presence()
    (tick,) = _presence_events(cid)[before:]  # one announcement for all of it
    assert tick.type == "presence.changed"
    assert ids["storm"][0] in {p["user_id"] for p in tick.data["joined"]} and ids["storm"][1] in tick.data["left"]
    truth = _truth(cid)
    assert truth == {ids["gov"], ids["workers"], *ids["storm"][0:1], *ids["storm"][2:4]}
    for v in (view, gap, view_b):
        v.apply([tick.to_dict()])
        assert v.present == truth
    # a second tab changes nobody's presence: nothing to announce
    _join(_open(app, tokens[ids["storm"][0]]), cid)
    assert presence.flush_presence() == 0


def test_a_lone_change_in_a_tick_is_still_presence_joined_then_left(app, crowd):
    cid, tokens, ids = crowd
    watcher = _open(app, tokens[ids["gov"]])
    _join(watcher, cid)
    presence.flush_presence()
    room_events(watcher)
    a = _open(app, tokens[ids["storm"][3]])
    _join(a, cid)
    presence.flush_presence()
    (joined,) = room_events(watcher, {"presence.joined", "presence.changed"})
    assert joined["type"] == "presence.joined" and joined["data"]["user_id"] == ids["storm"][3]
    a.disconnect()
    presence.flush_presence()
    (left,) = room_events(watcher, {"presence.left", "presence.changed"})
    assert left["type"] == "presence.left" and left["data"] == {"user_id": ids["storm"][3]}


def test_a_tick_holds_the_room_in_c_and_checks_in_cooperatively(app, crowd, monkeypatch):
    """On PostgreSQL the tick's section under the room's lock waits in C (app.core.pg), so it is
    not held across the event loop's turns; the check-ins of a live sitting (rows that another
    request of the same process may hold) and the commit wait cooperatively again. On SQLite
    nothing is ever held. Either way the delegates are announced and checked in."""
    cid, tokens, ids = crowd
    postgres = db.session.get_bind().dialect.name == "postgresql"
    held = {"lock": [], "check_in": [], "commit": []}
    real_lock, real_check_in = presence.lock_room, presence.attendance.check_in

    def lock_room(consultation_id):
        real_lock(consultation_id)
        held["lock"].append(pg.is_held(db.session))

    def check_in(c, p, actor):
        held["check_in"].append(pg.is_held(db.session))
        return real_check_in(c, p, actor)

    def before_commit(sess):
        if held["lock"]:  # the tick's commit (the joins committed before it)
            held["commit"].append(pg.is_held(sess))

    monkeypatch.setattr(presence, "lock_room", lock_room)
    monkeypatch.setattr(presence.attendance, "check_in", check_in)
    c = db.session.get(Consultation, cid)
    record_event(cid, SessionStatus(status="live", previous="open"))  # a sitting opens
    db.session.commit()
    socks = [_open(app, tokens[uid]) for uid in ids["storm"][:3]]
    event.listen(Session, "before_commit", before_commit)
    try:
        for sc in socks:
            _join(sc, cid)
        assert presence.flush_presence() == 3
    finally:
        event.remove(Session, "before_commit", before_commit)
        for sc in socks:
            sc.disconnect()
    assert held["lock"] == [postgres]
    assert held["check_in"] == [False, False, False]
    assert held["commit"] == [False]
    assert {a["user_id"] for a in attendance.register(c)["present"]} == set(ids["storm"][:3])
