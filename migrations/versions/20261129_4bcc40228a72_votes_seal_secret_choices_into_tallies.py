"""votes: seal secret choices into tallies at close (no per-ballot row survives a close)

Closed secret motions get their choices converted: counts per (constituency, option) where the
frozen result published per-constituency counts, otherwise one total per option (constituency
""); their secret_choice rows are deleted. Open motions keep theirs until they close.

Revision ID: 4bcc40228a72
Revises: 7f3b2c8e5a14
Create Date: 2026-11-29 17:00:00.000000

"""
import json

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4bcc40228a72'
down_revision = '7f3b2c8e5a14'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('secret_tally',
    sa.Column('motion_id', sa.Integer(), nullable=False),
    sa.Column('constituency', sa.String(length=20), nullable=False),
    sa.Column('choice', sa.String(length=100), nullable=False),
    sa.Column('votes', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['motion_id'], ['motion.id'], name=op.f('fk_secret_tally_motion_id_motion'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('motion_id', 'constituency', 'choice', name=op.f('pk_secret_tally')),
    sqlite_with_rowid=False
    )
    conn = op.get_bind()
    motions = conn.execute(sa.text("SELECT id, result FROM motion WHERE ballot = 'secret' AND status = 'closed'")).all()
    for motion_id, result in motions:
        if isinstance(result, str):
            result = json.loads(result)
        published = (result or {}).get("by_constituency") is not None
        rows = conn.execute(sa.text("SELECT constituency, choice, COUNT(*) FROM secret_choice WHERE motion_id = :m "
                                    "GROUP BY constituency, choice"), {"m": motion_id}).all()
        counts: dict[tuple[str, str], int] = {}
        for constituency, choice, n in rows:
            key = (constituency if published else "", choice)
            counts[key] = counts.get(key, 0) + n
        for (constituency, choice), n in sorted(counts.items()):
            conn.execute(sa.text("INSERT INTO secret_tally (motion_id, constituency, choice, votes) "
                                 "VALUES (:m, :g, :c, :n)"), {"m": motion_id, "g": constituency, "c": choice, "n": n})
        conn.execute(sa.text("DELETE FROM secret_choice WHERE motion_id = :m"), {"m": motion_id})


def downgrade():
    # The per-ballot rows are gone by design; a downgrade expands the counts back into rows
    # (one per vote, random keys, no voter), which is all the older code needs to recompute.
    import secrets
    conn = op.get_bind()
    rows = conn.execute(sa.text("SELECT motion_id, constituency, choice, votes FROM secret_tally")).all()
    for motion_id, constituency, choice, n in rows:
        for _ in range(n):
            conn.execute(sa.text("INSERT INTO secret_choice (id, motion_id, constituency, choice) "
                                 "VALUES (:k, :m, :g, :c)"),
                         {"k": secrets.token_hex(16), "m": motion_id, "g": constituency, "c": choice})
    op.drop_table('secret_tally')
