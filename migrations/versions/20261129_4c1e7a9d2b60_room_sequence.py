"""realtime: each room's seq in its own table (room_sequence), not on consultation

Revision ID: 4c1e7a9d2b60
Revises: 92b806f53415
Create Date: 2026-11-29 17:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '4c1e7a9d2b60'
down_revision = '92b806f53415'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('room_sequence',
    sa.Column('consultation_id', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_seq', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'], name=op.f('fk_room_sequence_consultation_id_consultation'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('consultation_id', name=op.f('pk_room_sequence'))
    )
    op.execute("INSERT INTO room_sequence (consultation_id, last_seq) SELECT id, last_seq FROM consultation")
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('last_seq')


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.Integer(), nullable=False, server_default='0'))
    op.execute("UPDATE consultation SET last_seq = COALESCE((SELECT last_seq FROM room_sequence "
               "WHERE room_sequence.consultation_id = consultation.id), 0)")
    op.drop_table('room_sequence')
