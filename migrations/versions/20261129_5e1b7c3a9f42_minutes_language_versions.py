"""minutes: language versions

Revision ID: 5e1b7c3a9f42
Revises: b7d2e4f1a903
Create Date: 2026-11-29 23:20:00

"""
from alembic import op
import sqlalchemy as sa


revision = '5e1b7c3a9f42'
down_revision = 'b7d2e4f1a903'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('minutes_language_version',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('minutes_id', sa.Integer(), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('source_digest', sa.String(length=64), nullable=False),
    sa.Column('author_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['author_id'], ['user.id'], name=op.f('fk_minutes_language_version_author_id_user'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['minutes_id'], ['minutes.id'], name=op.f('fk_minutes_language_version_minutes_id_minutes'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_minutes_language_version'))
    )
    with op.batch_alter_table('minutes_language_version', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_minutes_language_version_minutes_id'), ['minutes_id'], unique=False)


def downgrade():
    with op.batch_alter_table('minutes_language_version', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_minutes_language_version_minutes_id'))
    op.drop_table('minutes_language_version')
