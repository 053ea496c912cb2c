"""The room fixtures (a live consultation with its tripartite participants, bearer tokens)."""
from tests.rooms.conftest import bearer, live, room  # noqa: F401
