"""rooms: room_presence, the people each room was last told are present (presence tick)

Rooms with open sockets at upgrade get a row per person already present, so nobody is announced
twice.

Revision ID: 5e0c7a1b9d42
Revises: 5ec7e7a1a0b1
Create Date: 2026-11-29 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5e0c7a1b9d42'
down_revision = '5ec7e7a1a0b1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'room_presence',
        sa.Column('consultation_id', sa.Integer(), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['consultation_id'], ['consultation.id'],
                                name=op.f('fk_room_presence_consultation_id_consultation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['user_id'], ['user.id'],
                                name=op.f('fk_room_presence_user_id_user'), ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('consultation_id', 'user_id', name=op.f('pk_room_presence')),
    )
    op.execute("INSERT INTO room_presence (consultation_id, user_id) "
               "SELECT DISTINCT consultation_id, user_id FROM room_member")


def downgrade():
    op.drop_table('room_presence')
