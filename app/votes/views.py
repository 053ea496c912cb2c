"""Pages: the motions section of a consultation page, the motion page, and their forms
(draft, open, close, vote, name a deputy). Every page works without JavaScript."""

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext
from flask_login import current_user, login_required
from sqlalchemy import select

from app.consultations.models import Participant
from app.consultations.procedure import PRESET_NAMES
from app.consultations.services import can_manage, get_visible, participant_of, update_consultation
from app.core.errors import DomainError, Invalid
from app.core.i18n import local_to_utc
from app.core.pages import form_action
from app.core.validation import check_line
from app.extensions import db
from app.votes import eligibility, rule_form, services
from app.votes.results import results_csv, serialize, shown_result

bp = Blueprint("votes", __name__)
BALLOT_LABELS = {"roll_call": lazy_gettext("Roll call (who voted what is published)"),
                 "show_of_hands": lazy_gettext("Show of hands (counts per constituency, no names)"),
                 "secret": lazy_gettext("Secret (totals only)")}
RULE_LABELS = PRESET_NAMES


def _reason(result: dict | None) -> str:
    return (shown_result(result) or {}).get("reason", "")


def _local_to_utc(value: str | None):
    return local_to_utc(value, current_user.timezone, "closes_at", _("The closing time is not a valid date and time."))


def motions_section(c, user):
    """The consultation page's section: motions with status and turnout, forms by role."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    manage = can_manage(user, c)
    # the one list rule: drafts for the secretariat only, and a motion past its closing time is
    # closed (its result frozen) before it is shown
    motions = services.list_motions(user, c)
    db.session.commit()
    me = participant_of(user, c)
    advisers, deputy = [], None
    if me is not None and me.role == "delegate":
        advisers = list(db.session.scalars(select(Participant).where(
            Participant.consultation_id == c.id, Participant.role == "adviser",
            Participant.organisation_id == me.organisation_id)))
        deputy = eligibility.deputy_for(me)
    return {"title": _("Motions and votes"), "template": "votes/_section.html",
            "context": {"motions": motions, "can_manage": manage, "me": me, "advisers": advisers,
                        "deputy": deputy, "ballots": BALLOT_LABELS, "rules": RULE_LABELS, "reason": _reason,
                        "compose": rule_form.compose_fields() if manage else [],
                        "preset_words": rule_form.preset_words() if manage else [],
                        "default_words": rule_form.default_words(c),
                        "can_vote": eligibility.can_vote(user, c)}}


def _back(m_or_c_id, motion: bool = True):
    if motion:
        return redirect(url_for("votes.motion_page", motion_id=m_or_c_id))
    return redirect(url_for("consultations.detail", consultation_id=m_or_c_id, _anchor="motions"))


def _local_back() -> str | None:
    """The page a form asks to come back to (`back`): a path of this site only, else None."""
    back = request.form.get("back", "")
    if not back.startswith("/") or back.startswith("//") or "\\" in back:
        return None
    return back


def _back_or_motion(motion_id: int):
    """After opening or closing from another page (the live room), back to it; else the motion."""
    back = _local_back()
    return lambda: redirect(back) if back else _back(motion_id)


def _act(fn, success: str, target):
    """A vote's refusals (not eligible, closed) are read on the motion's page."""
    return form_action(fn, success, target, refusals_on_page=True)


@bp.get("/motions/<int:motion_id>")
@login_required
def motion_page(motion_id: int):
    m = services.get_motion(current_user, motion_id)
    db.session.commit()
    data = serialize(m)
    mine = services.my_ballot(current_user, m)
    return render_template("votes/motion.html", m=m, data=data, mine=mine, c=m.consultation,
                           can_manage=can_manage(current_user, m.consultation),
                           ballots=BALLOT_LABELS, rules=RULE_LABELS)


@bp.get("/motions/<int:motion_id>/results.<fmt>")
@login_required
def results_download(motion_id: int, fmt: str):
    m = services.get_motion(current_user, motion_id)
    db.session.commit()
    if m.status != "closed" or fmt not in ("csv", "json"):
        flash(_("The result is published when the motion closes."), "error")
        return _back(m.id)
    if fmt == "csv":
        body, mime = results_csv(m), "text/csv"
    else:
        from flask import json
        body, mime = json.dumps({"motion_id": m.id, "question": m.question, "result": shown_result(m.result)}, indent=2), \
            "application/json"
    return Response(body, mimetype=mime,
                    headers={"Content-Disposition": f'attachment; filename="motion-{m.id}-result.{fmt}"'})


@bp.post("/consultations/<int:consultation_id>/motions")
@login_required
def create_motion(consultation_id: int):
    c = get_visible(current_user, consultation_id)
    f = request.form
    try:
        quorum = f.get("quorum", "").strip()
        options = [o.strip() for o in f.get("options", "").split(",") if o.strip()] or None
        item = f.get("agenda_item_id", "")
        data = {"question": (f.get("question") or "").strip()[:2000], "options": options,
                "ballot": f.get("ballot"), "rule": rule_form.rule_from_form(f),
                "quorum": int(quorum) if quorum.isdigit() else (quorum or None),
                "closes_at": _local_to_utc(f.get("closes_at")),
                "agenda_item_id": int(item) if item.isdigit() else None}
        if not data["question"]:
            raise Invalid(_("Write the question of the motion."), {"question": "required"})
        check_line("question", data["question"])
        for option in options or ():
            check_line("options", option)
        m = services.create_motion(current_user, c, data)
        db.session.commit()
    except DomainError as err:
        db.session.rollback()
        if err.status == 404:
            raise
        flash(err.message, "error")
        return _back(c.id, motion=False)
    flash(_("Motion drafted. Check it, then open it for voting."), "success")
    return _back(m.id)


@bp.post("/amendments/<int:amendment_id>/motion")
@login_required
def amendment_motion(amendment_id: int):
    """The reader's "Put to the vote" button (secretariat): the draft motion's page, to open it."""
    back = _local_back() or url_for("consultations.index")
    return form_action(lambda: services.put_to_vote(current_user, "amendment", amendment_id),
                       _("Motion drafted on the amendment. Open it for voting; its result decides the amendment."),
                       back, then=lambda m: url_for("votes.motion_page", motion_id=m.id))


@bp.post("/consultations/<int:consultation_id>/rule")
@login_required
def default_rule(consultation_id: int):
    """The consultation's default rule of procedure (secretariat): a preset, composed, or none."""
    c = get_visible(current_user, consultation_id)
    rule = rule_form.rule_from_form(request.form)
    return form_action(lambda: update_consultation(current_user, c, {"rule": rule}),
                       _("The consultation's rule is saved."), lambda: _back(c.id, motion=False))


@bp.post("/motions/<int:motion_id>/open")
@login_required
def open_motion(motion_id: int):
    m = services.get_motion(current_user, motion_id)
    return _act(lambda: services.open_motion(current_user, m, _local_to_utc(request.form.get("closes_at"))),
                _("Motion opened: voting has started."), _back_or_motion(motion_id))


@bp.post("/motions/<int:motion_id>/close")
@login_required
def close_motion(motion_id: int):
    m = services.get_motion(current_user, motion_id)
    return _act(lambda: services.close_motion(current_user, m), _("Motion closed: the result is published."),
                _back_or_motion(motion_id))


@bp.post("/motions/<int:motion_id>/vote")
@login_required
def vote(motion_id: int):
    choice = request.form.get("choice", "")
    return _act(lambda: services.cast_ballot(current_user, motion_id, choice), _("Your vote is recorded."),
                lambda: _back(motion_id))


@bp.post("/consultations/<int:consultation_id>/deputy")
@login_required
def deputy(consultation_id: int):
    c = get_visible(current_user, consultation_id)
    user_id = request.form.get("user_id", type=int)
    if user_id:
        return _act(lambda: eligibility.name_deputy(current_user, c, user_id), _("Deputy named."),
                    lambda: _back(c.id, motion=False))
    return _act(lambda: eligibility.remove_deputy(current_user, c), _("Deputy withdrawn."),
                lambda: _back(c.id, motion=False))

