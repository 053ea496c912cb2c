"""consultations: meeting_url, the video or phone bridge of a hybrid sitting

Revision ID: b7d2e4f1a903
Revises: 5d0c4b7e9a31
Create Date: 2026-11-29 23:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d2e4f1a903'
down_revision = '5d0c4b7e9a31'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.add_column(sa.Column('meeting_url', sa.String(length=500), nullable=True))


def downgrade():
    with op.batch_alter_table('consultation', schema=None) as batch_op:
        batch_op.drop_column('meeting_url')
