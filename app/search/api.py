"""GET /api/v1/search: ranked hits the caller may see, with highlighted snippets."""
from flask import jsonify

from app.accounts.models import RECS
from app.api import ApiBlueprint, actor, page, query_args
from app.consultations.models import LEVELS, STATUSES
from app.core.pacing import takes_turns
from app.core.shapes import page_of
from app.core.validation import Field
from app.search import services
from app.search.models import KINDS

api = ApiBlueprint("search", __name__)

SEARCH_QUERY = {
    "q": Field(str, required=True, max_len=services.MAX_QUERY),
    "kind": Field(str, choices=KINDS), "level": Field(str, choices=LEVELS), "rec": Field(str, choices=RECS),
    "country": Field(str, max_len=2), "theme": Field(str, max_len=80), "year": Field(int),
    "status": Field(str, choices=STATUSES), "consultation_id": Field(int),
    "limit": Field(int), "cursor": Field(str, max_len=10),
}


@api.operation("/search", returns=page_of(services.HIT), summary="Search minutes, documents, positions and decisions the caller may see",
               query=SEARCH_QUERY, tag="search")
@takes_turns
def search():
    user = actor()
    args = query_args(SEARCH_QUERY)
    filters = {k: args.get(k) for k in services.FILTERS}
    items, nxt = services.search(user, args.get("q", ""), filters, limit=args.get("limit") or 20,
                                 cursor=args.get("cursor"))
    return jsonify(page(items, nxt))
