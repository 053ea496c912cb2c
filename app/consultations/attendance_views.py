"""Pages: the attendance register of a sitting, and the roll call (secretariat or chair)."""
from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from app.consultations import attendance
from app.consultations.services import can_moderate, get_visible
from app.consultations.views import bp
from app.core.pages import form_action


@bp.get("/<int:consultation_id>/attendance")
@login_required
def attendance_page(consultation_id: int):
    c = get_visible(current_user, consultation_id)
    reg = attendance.register(c)
    present = {p["participant_id"] for p in reg["present"]}
    people = sorted(c.participants, key=lambda p: (p.constituency, p.organisation.name, p.user.name))
    return render_template("consultations/attendance.html", c=c, reg=reg, present=present, people=people,
                           can_call=can_moderate(current_user, c) and c.status == "live")


@bp.post("/<int:consultation_id>/attendance/<int:participant_id>")
@login_required
def roll_call(consultation_id: int, participant_id: int):
    c = get_visible(current_user, consultation_id)
    present = request.form.get("present") == "1"
    return form_action(lambda: attendance.set_presence(current_user, c, participant_id, present),
                       _("Attendance recorded."), url_for("consultations.attendance_page", consultation_id=c.id,
                                                          _anchor=f"p-{participant_id}"))
