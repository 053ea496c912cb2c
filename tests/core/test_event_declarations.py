"""The spine's contract: every event type is declared by its feature, produced somewhere, and
every consumer (notifications, minutes, search, the room's JavaScript) listens only for declared
types that something produces. Payloads are checked against their declarations in every test
(TestConfig.CHECK_EVENT_PAYLOADS), so the whole suite exercises the producers."""
import ast
import re
from pathlib import Path

import pytest

from app.core.events import DECLARED, Event, declare, mismatches
from app.core.realtime import record_event
from app.extensions import db

ROOT = Path(__file__).resolve().parents[2]


def _declaring_modules() -> set[str]:
    return {cls.__module__ for cls in DECLARED.values()}


def produced_types() -> dict[str, list[str]]:
    """type -> places in app/ that construct its payload (any alias it is imported under)."""
    modules = _declaring_modules()
    by_name = {(cls.__module__, cls.__name__): t for t, cls in DECLARED.items()}
    out: dict[str, list[str]] = {}
    for path in sorted((ROOT / "app").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        tree = ast.parse(path.read_text(encoding="utf-8"))
        aliases = {}
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module in modules:
                for a in node.names:
                    if (node.module, a.name) in by_name:
                        aliases[a.asname or a.name] = by_name[(node.module, a.name)]
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in aliases:
                out.setdefault(aliases[node.func.id], []).append(f"{rel}:{node.lineno}")
            # a class passed on to be constructed by a helper (rooms' _restrict)
            elif isinstance(node, ast.Call):
                for arg in node.args:
                    if isinstance(arg, ast.Name) and arg.id in aliases:
                        out.setdefault(aliases[arg.id], []).append(f"{rel}:{node.lineno}")
    return out


def js_types() -> dict[str, set[str]]:
    """Event types the browser code switches on, per file."""
    pattern = re.compile(r"""(?:case\s+|type\s*===\s*)["']([a-z_]+\.[a-z_]+)["']""")
    return {p.name: set(pattern.findall(p.read_text(encoding="utf-8")))
            for p in sorted((ROOT / "static" / "js").glob("*.js"))}


def consumed_types(app) -> dict[str, set[str]]:
    from app.core.events import bus
    from app.minutes.drafting import HANDLED
    from app.notifications.dispatch import HANDLERS
    return {
        "notifications": set(HANDLERS),
        "minutes": set(HANDLED),
        "search": {cls.type for cls in bus(app).subscribed()},
        **{f"static/js/{name}": types for name, types in js_types().items()},
    }


def test_every_declared_type_has_a_producer():
    produced = produced_types()
    missing = sorted(t for t in DECLARED if t not in produced)
    assert not missing, f"declared but never recorded: {missing}"


def test_every_consumed_type_is_declared_and_produced(app):
    produced = produced_types()
    problems = []
    for consumer, types in consumed_types(app).items():
        for t in sorted(types):
            if t not in DECLARED:
                problems.append(f"{consumer} listens for {t}, which no feature declares")
            elif t not in produced:
                problems.append(f"{consumer} listens for {t}, which nothing records")
    assert not problems, "\n".join(problems)
    # the consumers really are wired: an empty map would pass the loop above
    assert {"document.status", "minutes.status", "motion.opened"} <= consumed_types(app)["notifications"]
    assert {"position.updated", "motion.closed", "minutes.status"} <= consumed_types(app)["search"]


def test_the_room_renders_every_type_declared_as_rendered():
    handled = set().union(*js_types().values())
    rendered = {t for t, cls in DECLARED.items() if cls.rendered}
    assert rendered - handled == set(), "declared as shown in the room, but no script handles it"
    assert {"chat.message", "motion.closed", "comment.created"} <= handled


def test_record_event_takes_only_declared_payloads(factory):
    c = factory.consultation(status="live")
    with pytest.raises(TypeError):
        record_event(c.id, "chat.message", factory.secretariat)  # the old, untyped call

    class Undeclared(Event):
        type = "chat.message"
    with pytest.raises(TypeError):
        record_event(c.id, Undeclared(), factory.secretariat)
    db.session.rollback()


def test_a_payload_of_the_wrong_shape_is_refused(factory):
    from app.rooms.event_types import HandRaised
    c = factory.consultation(status="live")
    with pytest.raises(TypeError, match="queue"):
        record_event(c.id, HandRaised(user_id=1, queue=["not an id"], kind="speak", agenda_item_id=None, speakers=[]),
                     factory.secretariat)
    db.session.rollback()
    rest = {"kind": "speak", "agenda_item_id": None, "speakers": []}
    assert mismatches("hand.raised", {"user_id": 1, "queue": [2, 3], **rest}) == []
    assert mismatches("hand.raised", {"user_id": "1", "queue": [], **rest}) == ["hand.raised.user_id: '1' is not <class 'int'>"]
    assert mismatches("hand.raised", {"user_id": 1, **rest}) == ["hand.raised.queue: missing"]
    assert mismatches("hand.raised", {"user_id": 1, "queue": [], "x": 1, **rest}) == ["hand.raised.x: not declared"]


def test_a_type_cannot_be_declared_twice():
    with pytest.raises(ValueError):
        @declare("chat.message")
        class AnotherChat(Event):
            text: str


def test_opening_a_draft_document_tells_the_participants(factory, client, token):
    """document.status was listened for but never recorded: "document opened" never went out."""
    from app.documents import services as documents
    from app.notifications.dispatch import dispatch_pending
    c = factory.consultation(status="live", title="Skills recognition")
    people = factory.tripartite(c)
    doc = documents.create_document(factory.secretariat, c.id, {"title": "Draft framework", "body": "# One\n\nText."})
    db.session.commit()
    dispatch_pending()
    documents.update_document(factory.secretariat, doc.id, {"status": "open"})
    db.session.commit()
    dispatch_pending()
    headers = token(people["workers"])
    kinds = [n["kind"] for n in client.get("/api/v1/notifications", headers=headers).json["items"]]
    assert kinds.count("document.opened") == 1
    assert "document.new" not in kinds  # one notice for one act


def test_search_indexes_through_the_spine(factory, client, token):
    """No feature calls search: filing a position records position.updated and search, a consumer,
    indexes it in the same transaction (a rolled-back position leaves no entry)."""
    from app.documents import contributions
    from app.documents import services as documents
    from app.search.models import SearchEntry
    c = factory.consultation(status="live")
    people = factory.tripartite(c)
    doc = documents.create_document(factory.secretariat, c.id, {"title": "Framework", "body": "# One\n\nText.",
                                                               "status": "open"})
    db.session.commit()
    contributions.file_position(people["employers"], doc.id, "oppose", "Portability needs funding first.")
    db.session.rollback()
    assert db.session.query(SearchEntry).filter_by(kind="position").count() == 0
    contributions.file_position(people["employers"], doc.id, "oppose", "Portability needs funding first.")
    db.session.commit()
    hits = client.get("/api/v1/search?q=portability funding", headers=token(people["employers"])).json["items"]
    assert [h["kind"] for h in hits] == ["position"]
