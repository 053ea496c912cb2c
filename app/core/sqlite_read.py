"""Read-only queries on a SQLite database file, run in an offload worker: `rows(stmt)`.

Rule: a query that makes SQLite work for a long time (full-text search with ranking over a large
archive: every match is scored and sorted before the page is cut) runs in a worker process, not on
the gevent event loop. sqlite3 runs a statement in C without yielding, so a 50,000-record search
held the loop, and every live room of the process, for its whole duration.

The statement is compiled here with SQLAlchemy's SQLite dialect and its parameters are processed
by their column types (a UTC datetime becomes SQLite's text form), then the worker runs the SQL on
its own read-only connection to the same file (WAL: it reads the last committed state without
waiting for writers) and sends back plain tuples. The caller gets rows with the statement's column
names as attributes.

The query stays in the web process when the worker could not see what it would: an in-memory
database, PostgreSQL (psycopg waits cooperatively, the server does the work), or a transaction that
has written rows it has not committed (the worker would not see them)."""
import sqlite3
from collections import namedtuple

_connections: dict[str, sqlite3.Connection] = {}
_KEPT = 4  # databases a worker keeps a connection to (tests use one file per test)


def rows(stmt, *, budget: float = 30.0) -> list:
    """The rows of a SELECT, computed in a worker process when the database is a SQLite file
    and the session has no uncommitted writes; in this process otherwise."""
    from app.core import offload
    from app.core.db import session_has_written
    from app.extensions import db
    engine = db.engine
    path = engine.url.database
    if engine.dialect.name != "sqlite" or not path or path == ":memory:" or path.startswith("file:") \
            or session_has_written():
        return list(db.session.execute(stmt))
    sql, params = compile_sqlite(stmt, engine.dialect)
    names, found = offload.run(read, path, sql, params, budget=budget, lane="quick")
    row = namedtuple("Row", names, rename=True)
    return [row(*values) for values in found]


def compile_sqlite(stmt, dialect) -> tuple[str, tuple]:
    """(SQL with ? placeholders, parameters processed by their types) for this dialect."""
    compiled = stmt.compile(dialect=dialect)
    state = compiled.construct_expanded_state()
    base_of = {new: old for old, news in (state.parameter_expansion or {}).items() for new in news}
    values = []
    for name, value in zip(state.positiontup or (), state.positional_parameters or (), strict=True):
        bind = compiled.binds[base_of.get(name, name)]
        process = bind.type.dialect_impl(dialect).bind_processor(dialect)
        values.append(process(value) if process else value)
    return state.statement, tuple(values)


def read(path: str, sql: str, params: tuple) -> tuple[list[str], list[tuple]]:
    """In the worker: (column names, rows) of one statement on a query-only connection."""
    conn = _connections.get(path)
    if conn is None:
        while len(_connections) >= _KEPT:
            _connections.pop(next(iter(_connections))).close()
        conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute("PRAGMA query_only = 1")
        conn.execute("PRAGMA busy_timeout = 5000")
        _connections[path] = conn
    cur = conn.execute(sql, params)
    found = cur.fetchall()
    return [d[0] for d in cur.description], found
