"""Pages of moderation: hide and report forms (posted from the document reader and the room), and
the secretariat's review page of reports and hidden content."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.consultations import moderation
from app.consultations.views import bp
from app.core.pages import form_action


def _back(default: str) -> str:
    """The page the form came from (a local path only)."""
    back = request.form.get("back", "")
    return back if back.startswith("/") and not back.startswith("//") and "\\" not in back else default


@bp.post("/content/<kind>/<int:ref_id>/hide")
@login_required
def hide_content(kind: str, ref_id: int):
    return form_action(lambda: moderation.hide_content(current_user, kind, ref_id, request.form.get("reason")),
                       _("Hidden. Readers now see that the secretariat hid it."), _back(url_for("consultations.index")))


@bp.post("/content/<kind>/<int:ref_id>/report")
@login_required
def report_content(kind: str, ref_id: int):
    return form_action(lambda: moderation.report_content(current_user, kind, ref_id, request.form.get("reason")),
                       _("Reported. The secretariat will review it."), _back(url_for("consultations.index")))


@bp.get("/<int:consultation_id>/moderation")
@login_required
def moderation_page(consultation_id: int):
    review = moderation.review_list(current_user, consultation_id)
    return render_template("consultations/moderation.html", c=review["consultation"], **review)


@bp.post("/reports/<int:report_id>/dismiss")
@login_required
def dismiss_report(report_id: int):
    return form_action(lambda: moderation.dismiss_report(current_user, report_id), _("Report dismissed."),
                       _back(url_for("consultations.index")))
