"""documents: an accepted amendment's version stores no English note

The version an accepted amendment made used to store the note "Amendment N by <organisation>
(<person>) accepted" in English, shown as it was to French, Portuguese and Arabic readers. The
version already names its amendment (amendment_id); the note is now written at display in the
reader's language (DocumentVersion.note). This clears the stored English sentence on those
versions; a note the secretariat typed is left as it is. Data only: no schema change.

Revision ID: a3c9e5d7b1f2
Revises: 5e0c7a1b9d42
Create Date: 2026-11-30 02:50:00

"""
from alembic import op

# revision identifiers, used by Alembic.
revision = 'a3c9e5d7b1f2'
down_revision = '5e0c7a1b9d42'
branch_labels = None
depends_on = None


def upgrade():
    op.execute("UPDATE document_version SET note = '' WHERE amendment_id IS NOT NULL "
               "AND note LIKE 'Amendment % by % accepted'")


def downgrade():
    pass  # the display writes the same words; nothing to restore
