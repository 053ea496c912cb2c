"""The search index: one SearchEntry row per searchable record, mirrored into the database's
full-text index (an FTS5 table on SQLite, a generated tsvector column with a GIN index on
PostgreSQL). Both are created by DDL events at create_all time; docs/search.md gives the SQL an
Alembic migration must run."""
from datetime import datetime

from sqlalchemy import DDL, ForeignKey, Index, String, Text, UniqueConstraint, event
from sqlalchemy.orm import Mapped, mapped_column

from app.core.db import RecordRef, utcnow
from app.core.languages import REGISTRY
from app.extensions import db

KINDS = ("minutes", "document", "position", "decision", "consultation", "comment", "amendment")
# language code -> PostgreSQL text search configuration; anything else uses 'simple'.
PG_CONFIGS = {lang.code: lang.search_config for lang in REGISTRY if lang.search_config}


class SearchEntry(RecordRef, db.Model):
    __tablename__ = "search_entry"
    __table_args__ = (
        UniqueConstraint("kind", "ref_id"),
        Index("ix_search_entry_consultation", "consultation_id", "kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(ForeignKey("consultation.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    language: Mapped[str] = mapped_column(String(5), default="en")
    # is_publishable: the owning feature says the record may go public (final document,
    # adopted minutes); is_published: that, and a Publication of the consultation covers its kind.
    is_publishable: Mapped[bool] = mapped_column(default=False)
    is_published: Mapped[bool] = mapped_column(default=False, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


def pg_config_sql(column: str = "language") -> str:
    """A CASE expression turning the language code into a regconfig (immutable, so usable in a
    generated column)."""
    whens = " ".join(f"WHEN '{code}' THEN '{cfg}'::regconfig" for code, cfg in PG_CONFIGS.items())
    return f"(CASE {column} {whens} ELSE 'simple'::regconfig END)"


SQLITE_DDL = [
    # External-content FTS5 table: the text lives once, in search_entry; triggers keep it in sync.
    "CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5(title, body, content='search_entry', "
    "content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ai AFTER INSERT ON search_entry BEGIN "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_ad AFTER DELETE ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); END",
    "CREATE TRIGGER IF NOT EXISTS search_entry_au AFTER UPDATE OF title, body ON search_entry BEGIN "
    "INSERT INTO search_fts(search_fts, rowid, title, body) VALUES ('delete', old.id, old.title, old.body); "
    "INSERT INTO search_fts(rowid, title, body) VALUES (new.id, new.title, new.body); END",
]
SQLITE_DROP = [
    "DROP TRIGGER IF EXISTS search_entry_ai", "DROP TRIGGER IF EXISTS search_entry_ad",
    "DROP TRIGGER IF EXISTS search_entry_au", "DROP TABLE IF EXISTS search_fts",
]
PG_DDL = [
    "ALTER TABLE search_entry ADD COLUMN tsv tsvector GENERATED ALWAYS AS ("
    f"setweight(to_tsvector({pg_config_sql()}, coalesce(title, '')), 'A') || "
    f"setweight(to_tsvector({pg_config_sql()}, coalesce(body, '')), 'B')) STORED",
    # Ranking reads every matching tsvector: kept uncompressed, that is about twice as fast.
    "ALTER TABLE search_entry ALTER COLUMN tsv SET STORAGE EXTERNAL",
    "CREATE INDEX ix_search_entry_tsv ON search_entry USING gin (tsv)",
]

for _stmt in SQLITE_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in SQLITE_DROP:
    event.listen(SearchEntry.__table__, "before_drop", DDL(_stmt).execute_if(dialect="sqlite"))
for _stmt in PG_DDL:
    event.listen(SearchEntry.__table__, "after_create", DDL(_stmt).execute_if(dialect="postgresql"))
