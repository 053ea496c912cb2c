"""Pages: the secretariat's tools on a consultation's agenda and participants (the same services
as the API), and the audit page."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.accounts.models import User
from app.consultations import agenda, audit, participants
from app.consultations.services import get_visible
from app.consultations.views import bp
from app.core.errors import Invalid
from app.core.i18n import local_to_utc
from app.core.pages import form_action
from app.core.validation import check_line
from app.extensions import db


def _act(consultation_id: int, action, success: str, anchor: str):
    c = get_visible(current_user, consultation_id)
    return form_action(lambda: action(c), success,
                       url_for("consultations.detail", consultation_id=consultation_id, _anchor=anchor))


@bp.post("/<int:consultation_id>/agenda/<int:item_id>")
@login_required
def edit_agenda_item(consultation_id: int, item_id: int):
    """One form per item: rename, set or clear its time, or remove it."""
    f = request.form
    if f.get("remove"):
        return _act(consultation_id, lambda c: agenda.remove_agenda_item(current_user, c, item_id),
                    _("Agenda item removed."), "h-agenda")

    def save(c):
        title = check_line("title", (f.get("title") or "")[:300])
        item = agenda.rename_agenda_item(current_user, c, item_id, title)
        if "starts_at" in f:
            when = local_to_utc(f.get("starts_at", "").strip(), current_user.timezone, "starts_at",
                                _("The time is not a valid date and time."))
            if when != item.starts_at:
                agenda.time_agenda_item(current_user, c, item_id, when)
    return _act(consultation_id, save, _("Agenda item saved."), "h-agenda")


@bp.post("/<int:consultation_id>/credentials")
@login_required
def accept_credentials(consultation_id: int):
    ids = [int(x) for x in request.form.getlist("participant_id") if x.isdigit()]

    def accept(c):
        if not ids:
            raise Invalid(_("Tick the participants whose credentials you accept."), {"participant_id": "none"})
        return participants.accept_credentials(current_user, c, ids)
    return _act(consultation_id, accept, _("Credentials accepted."), "h-participants")


@bp.get("/<int:consultation_id>/audit")
@login_required
def audit_page(consultation_id: int):
    c, events, nxt = audit.audit_trail(current_user, consultation_id, request.args.get("before", type=int))
    ids = {uid for e in events for uid in [*(e.data or {}).get("user_ids", []), (e.data or {}).get("user_id"),
                                               (e.data or {}).get("deputy_user_id")]
           if isinstance(uid, int)}
    names = {u.id: u.name for u in db.session.query(User).filter(User.id.in_(ids))} if ids else {}
    return render_template("consultations/audit.html", c=c, events=events, next_before=nxt, names=names)
