"""bodies: fill the theme pages' read model with what existed before it

The theme pages read theme_record, which the spine's events fill from the moment the read model
was added. An installation that already held consultations would show their themes empty; this
migration writes the rows those events would have written: every document, every decided motion,
each organisation's current position, circulated and adopted minutes, and each published
consultation, with the consultation's year, level, REC and country and what its last
publication.changed covers. Rows already there are left as they are. Data only: no schema change.

Revision ID: 5d0c4b7e9a31
Revises: 91f7a6a5de26
Create Date: 2026-11-29 23:40:00

"""
import json
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = '5d0c4b7e9a31'
down_revision = '91f7a6a5de26'
branch_labels = None
depends_on = None


def _json(value):
    return json.loads(value) if isinstance(value, str) else (value or {})


def _when(value):
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value


def records(conn):
    """(kind, ref_id, consultation_id, fields) for every record the events would have kept."""
    for r in conn.execute(sa.text("SELECT id, consultation_id, title, status, created_at FROM document")):
        yield "document", r.id, r.consultation_id, {"title": r.title, "document_id": r.id,
                                                     "is_publishable": r.status == "final", "at": r.created_at}
    for r in conn.execute(sa.text("SELECT id, consultation_id, question, result, closed_at FROM motion "
                                  "WHERE status = 'closed' AND result IS NOT NULL")):
        outcome = str(_json(r.result).get("outcome") or "")[:30] or None
        yield "decision", r.id, r.consultation_id, {"title": r.question, "outcome": outcome,
                                                     "is_publishable": True, "at": r.closed_at}
    latest = sa.text(
        "SELECT p.id, p.document_id, p.constituency, p.stance, p.created_at, d.consultation_id, d.title, "
        "o.name AS org FROM document_position p JOIN document d ON d.id = p.document_id "
        "JOIN organisation o ON o.id = p.organisation_id WHERE p.id = (SELECT MAX(q.id) FROM document_position q "
        "WHERE q.document_id = p.document_id AND q.organisation_id = p.organisation_id)")
    for r in conn.execute(latest):
        yield "position", r.id, r.consultation_id, {
            "title": f"{r.org}: {r.title}", "document_id": r.document_id, "constituency": r.constituency,
            "stance": r.stance, "organisation": r.org[:200], "is_publishable": True, "at": r.created_at}
    for r in conn.execute(sa.text("SELECT id, consultation_id, title, status, created_at FROM minutes "
                                  "WHERE status <> 'draft'")):
        yield "minutes", r.id, r.consultation_id, {"title": r.title, "is_publishable": r.status == "adopted",
                                                    "at": r.created_at}


def upgrade():
    conn = op.get_bind()
    scope = {r.id: r for r in conn.execute(sa.text(
        "SELECT id, level, rec, country, starts_at, created_at FROM consultation"))}
    published = {}
    for r in conn.execute(sa.text("SELECT consultation_id, data FROM room_event WHERE type = 'publication.changed' "
                                  "ORDER BY consultation_id, seq")):
        published[r.consultation_id] = set(_json(r.data).get("kinds") or ())
    have = {(r.kind, r.ref_id) for r in conn.execute(sa.text("SELECT kind, ref_id FROM theme_record"))}
    rows = list(records(conn)) + [("consultation", cid, cid, {"title": "", "is_publishable": True, "at": None})
                                  for cid in published]
    now = datetime.now(UTC).replace(tzinfo=None)
    table = sa.table("theme_record", *(sa.column(n) for n in (
        "kind", "ref_id", "consultation_id", "year", "level", "rec", "country", "title", "document_id",
        "organisation", "constituency", "stance", "outcome", "is_publishable", "is_published", "at")))
    batch = []
    for kind, ref_id, cid, fields in rows:
        c = scope.get(cid)
        if c is None or (kind, ref_id) in have:
            continue
        when = _when(c.starts_at or c.created_at)
        batch.append({"kind": kind, "ref_id": ref_id, "consultation_id": cid, "year": when.year if when else None,
                      "level": c.level, "rec": c.rec, "country": c.country,
                      "title": (fields.get("title") or "")[:300], "document_id": fields.get("document_id"),
                      "organisation": fields.get("organisation", ""), "constituency": fields.get("constituency"),
                      "stance": fields.get("stance"), "outcome": fields.get("outcome"),
                      "is_publishable": fields["is_publishable"],
                      "is_published": fields["is_publishable"] and kind in published.get(cid, ()),
                      "at": _when(fields.get("at")) or now})
    if batch:
        op.bulk_insert(table, batch)


def downgrade():
    # The rows are indistinguishable from those the events wrote since; they stay.
    pass
