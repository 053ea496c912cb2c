"""Declarative base with a naming convention, and time helpers."""
from datetime import UTC, datetime

from sqlalchemy import DateTime, MetaData, String, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, registry

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator):
    """Stores naive UTC, returns aware UTC datetimes on every database alike."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    registry = registry(metadata=MetaData(naming_convention=NAMING_CONVENTION),
                        type_annotation_map={datetime: UTCDateTime})


class RecordRef:
    """Mixin: a row about another record, named by its kind and id (a comment, an amendment, a
    chat message, minutes...), which may live in any feature's table: the moderation records
    (app.consultations) and the search index (app.search)."""

    kind: Mapped[str] = mapped_column(String(20))
    ref_id: Mapped[int]


def utcnow() -> datetime:
    return datetime.now(UTC)


def isoformat(value: datetime | None) -> str | None:
    if value is None:
        return None
    return value.astimezone(UTC).isoformat().replace("+00:00", "Z")


def is_fulltext_artifact(obj, name: str | None, type_: str) -> bool:
    """The SQLite FTS5 tables and the PostgreSQL tsvector column/index of search, which raw DDL
    creates (migrations and create_all alike) and no model declares."""
    if type_ == "table" and name and name.startswith("search_fts"):
        return True
    if type_ == "column" and name == "tsv":
        return True
    if type_ == "index" and name == "ix_search_entry_tsv":
        return True
    return False


# --- SQLite's one write lock and slow work that needs no database -------------------------------

_CHANGES_AT_BEGIN = "baraza_changes_at_begin"


@event.listens_for(Engine, "begin")
def _note_changes_at_begin(conn) -> None:
    if conn.dialect.name == "sqlite":
        conn.info[_CHANGES_AT_BEGIN] = conn.connection.dbapi_connection.total_changes


def _session():
    """The app's database session, found through the app (app.extensions imports this module:
    importing it back would close a circle)."""
    from flask import current_app
    return current_app.extensions["sqlalchemy"].session()


def release_idle_write_lock() -> bool:
    """On SQLite every transaction begins IMMEDIATE (app/__init__.py), so it holds the one write
    lock from its first query, reads included. Before a caller waits for slow work that needs no
    database (a Markdown render in a worker process, app.core.markdown), end the current
    transaction if it has written nothing yet, so other requests and rooms write meanwhile; the
    caller's next query begins a new one. Loaded objects stay loaded (expire_on_commit is off).
    Returns whether it ended one; anything else (PostgreSQL, a write already made, a savepoint)
    is left as it is."""
    from flask import has_app_context
    if not has_app_context():
        return False
    session = _session()
    if not session.in_transaction() or session.in_nested_transaction() or session_has_written():
        return False
    if session.connection().dialect.name != "sqlite":
        return False
    session.commit()
    return True


def session_has_written() -> bool:
    """Whether the current SQLite transaction holds changes another connection cannot see yet
    (objects not flushed, or rows written since it began); False outside one or on PostgreSQL."""
    from flask import has_app_context
    if not has_app_context():
        return False
    session = _session()
    if session.new or session.dirty or session.deleted:
        return True
    if not session.in_transaction():
        return False
    conn = session.connection()
    return conn.dialect.name == "sqlite" and \
        conn.connection.dbapi_connection.total_changes != conn.info.get(_CHANGES_AT_BEGIN, -1)
