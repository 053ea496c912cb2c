"""Joins served in socket batches count toward the burst after which a worker gives its free heap
memory back (app/core/heap.py)."""
from app.core import heap


def test_each_join_served_is_counted_toward_a_burst(room, socket):
    c, people = room
    with heap._lock:
        heap._served = 0
    for who in ("government", "employers", "workers"):
        sc = socket(people[who])
        assert sc.emit("room:join", {"consultation_id": c.id}, callback=True)["ok"]
    with heap._lock:
        served, heap._served = heap._served, 0
    assert served == 3
