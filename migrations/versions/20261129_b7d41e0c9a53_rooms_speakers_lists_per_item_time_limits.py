"""rooms: speakers' lists per agenda item, points of order, time limits of turns

hand_raise gains the agenda item whose list it is on, its kind (speak | point_of_order) and a
position the chair may change; one hand per person per item. room_floor keeps the turn's
limit; consultation.speaking_time_s is the default limit.

Revision ID: b7d41e0c9a53
Revises: 5e1b7c3a9f42
Create Date: 2026-11-29 23:20:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d41e0c9a53'
down_revision = '5e1b7c3a9f42'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('speaking_time_s', sa.Integer(), nullable=True))
    with op.batch_alter_table('room_floor', schema=None) as batch_op:
        batch_op.add_column(sa.Column('limit_s', sa.Integer(), nullable=True))
    with op.batch_alter_table('hand_raise', schema=None) as batch_op:
        batch_op.add_column(sa.Column('agenda_item_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.String(length=20), nullable=False, server_default='speak'))
        batch_op.add_column(sa.Column('position', sa.Integer(), nullable=False, server_default='0'))
        batch_op.drop_constraint(batch_op.f('uq_hand_raise_consultation_id_user_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_hand_raise_consultation_id_agenda_item_id_user_id'),
                                          ['consultation_id', 'agenda_item_id', 'user_id'])
        batch_op.create_foreign_key(batch_op.f('fk_hand_raise_agenda_item_id_agenda_item'), 'agenda_item',
                                    ['agenda_item_id'], ['id'], ondelete='CASCADE')
    with op.batch_alter_table('hand_raise', schema=None) as batch_op:
        batch_op.alter_column('kind', server_default=None)
        batch_op.alter_column('position', server_default=None)


def downgrade():
    op.execute("DELETE FROM hand_raise")
    with op.batch_alter_table('hand_raise', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_hand_raise_agenda_item_id_agenda_item'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('uq_hand_raise_consultation_id_agenda_item_id_user_id'), type_='unique')
        batch_op.create_unique_constraint(batch_op.f('uq_hand_raise_consultation_id_user_id'), ['consultation_id', 'user_id'])
        batch_op.drop_column('position')
        batch_op.drop_column('kind')
        batch_op.drop_column('agenda_item_id')
    with op.batch_alter_table('room_floor', schema=None) as batch_op:
        batch_op.drop_column('limit_s')
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('speaking_time_s')
