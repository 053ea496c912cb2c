"""The search page: signed-in users search what they may see; anyone else the public archive."""
from flask import Blueprint, render_template, request
from flask_login import current_user

from app.consultations.services import list_themes
from app.core.pacing import takes_turns
from app.core.errors import Invalid
from app.core.pages import filters_from_args
from app.search import services

bp = Blueprint("search", __name__)


@bp.get("/search")
@takes_turns
def index():
    actor = current_user if current_user.is_authenticated else None
    q = (request.args.get("q") or "").strip()
    filters = filters_from_args(request.args)
    items, nxt, error = [], None, None
    if q:
        try:
            items, nxt = services.search(actor, q, filters, limit=20, cursor=request.args.get("cursor"))
        except Invalid as err:
            error = err.message
    next_args = None
    if nxt is not None:
        next_args = {k: v for k, v in request.args.items() if k != "cursor" and v}
        next_args["cursor"] = nxt
    status = 422 if error else 200
    return render_template("search/index.html", q=q, items=items, next_args=next_args, error=error,
                           args=request.args, themes=list_themes(), signed_in=actor is not None), status
