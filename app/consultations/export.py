"""The participant list of a consultation as .xlsx, CSV, and the "List of participants" .docx that
meeting reports annex (whoever may see the consultation, as for GET .../participants).

The spreadsheets list every participant with credentials status; the .docx annex lists those whose
credentials were accepted, grouped by constituency, then organisation (with country), as reports
print them. No e-mail addresses: the annex is published with the report."""
from flask_babel import gettext as _

from app.core import labels, office
from app.consultations import services
from app.core.countries import country_name
from app.core.i18n import current_language

FORMATS = ("xlsx", "csv", "docx")


def _country(code: str | None) -> str:
    return country_name(code, current_language()) if code else ""


def participant_list(actor, consultation_id: int, fmt: str) -> tuple[bytes | str, str]:
    """(file body, file name); NotFound as for the consultation."""
    c = services.get_visible(actor, consultation_id)
    cl, roles, creds = labels.translated("constituency_group"), labels.translated("role"), labels.translated("credentials")
    groups = services.participants_by_constituency(c)
    name = office.filename(c.title, _("participants"))
    if fmt in ("csv", "xlsx"):
        header = [_("Name"), _("Organisation"), _("Constituency"), _("Country"), _("Role"), _("Credentials")]
        rows = [[p.user.name, p.organisation.name, cl.get(k, k), _country(p.organisation.country),
                 roles.get(p.role, p.role), creds.get(p.credentials, p.credentials)]
                for k, people in groups.items() for p in sorted(people, key=lambda p: (p.organisation.name, p.user.name))]
        if fmt == "csv":
            return office.csv_text([header, *rows]), name
        sheet = {"title": _("List of participants"), "header": header, "rows": rows, "rtl": office.reader_rtl(),
                 "widths": [28, 34, 16, 18, 14, 14]}
        return office.render("xlsx", [sheet], f"{c.title}: {_('List of participants')}"), name
    blocks = [["heading", 0, _("List of participants")], ["para", c.title]]
    for key, people in groups.items():
        accepted = [p for p in people if p.credentials == "accepted"]
        if not accepted:
            continue
        blocks.append(["heading", 1, cl.get(key, key)])
        by_org: dict[str, list] = {}
        for p in accepted:
            org = p.organisation.name + (f" ({_country(p.organisation.country)})" if p.organisation.country else "")
            by_org.setdefault(org, []).append(p)
        for org in sorted(by_org):
            blocks.append(["heading", 2, org])
            blocks.append(["para", "\n".join(f"{p.user.name}, {roles.get(p.role, p.role)}"
                                             for p in sorted(by_org[org], key=lambda p: p.user.name))])
    spec = {"title": f"{c.title}: {_('List of participants')}", "language": current_language(), "rtl": office.reader_rtl(),
            "blocks": blocks}
    return office.render("docx", spec), name
