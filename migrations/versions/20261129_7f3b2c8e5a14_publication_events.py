"""minutes: announce each existing publication on the spine (publication.changed)

Search now learns what a consultation's publication covers from its room's last
publication.changed event, no longer from the publication table; consultations published before
this change get that event here, so entries indexed from now on are published as before.

Revision ID: 7f3b2c8e5a14
Revises: 4c1e7a9d2b60
Create Date: 2026-11-29 17:40:00

"""
import json
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7f3b2c8e5a14'
down_revision = '4c1e7a9d2b60'
branch_labels = None
depends_on = None

FLAGS = (("include_minutes", "minutes"), ("include_documents", "document"),
         ("include_positions", "position"), ("include_results", "decision"))


def upgrade():
    conn = op.get_bind()
    data = "CAST(:data AS JSON)" if conn.dialect.name == "postgresql" else ":data"
    pubs = conn.execute(sa.text(
        "SELECT consultation_id, published_by_id, include_minutes, include_documents, include_positions, "
        "include_results FROM publication")).mappings().all()
    for pub in pubs:
        cid = pub["consultation_id"]
        kinds = sorted({"consultation"} | {kind for flag, kind in FLAGS if pub[flag]})
        conn.execute(sa.text(
            "INSERT INTO room_sequence (consultation_id, last_seq) SELECT :cid, 0 WHERE NOT EXISTS "
            "(SELECT 1 FROM room_sequence WHERE consultation_id = :cid)"), {"cid": cid})
        conn.execute(sa.text("UPDATE room_sequence SET last_seq = last_seq + 1 WHERE consultation_id = :cid"),
                     {"cid": cid})
        seq = conn.execute(sa.text("SELECT last_seq FROM room_sequence WHERE consultation_id = :cid"),
                           {"cid": cid}).scalar_one()
        conn.execute(sa.text(
            "INSERT INTO room_event (consultation_id, seq, type, at, actor_id, actor, data) "
            f"VALUES (:cid, :seq, 'publication.changed', :at, NULL, NULL, {data})"),
            {"cid": cid, "seq": seq, "at": datetime.now(UTC).replace(tzinfo=None), "data": json.dumps({"kinds": kinds})})


def downgrade():
    op.execute("DELETE FROM room_event WHERE type = 'publication.changed'")
