"""The words for every stored code, in one place and in the reader's language: Python (forms,
drafted minutes, exports), templates (`labels` in every page's context) and the browser's
scripts (`translated(name)`, handed to them as JSON data attributes) all read these tables. Stored
data keeps the code; the label is chosen when it is shown."""
from flask_babel import lazy_gettext as _l

# A person's or organisation's constituency (a badge beside a name).
CONSTITUENCY = {
    "government": _l("Government"), "employers": _l("Employers"), "workers": _l("Workers"),
    "stakeholder": _l("Stakeholder"), "secretariat": _l("Secretariat"), "observer": _l("Observer"),
}
# A constituency as a group of people (a heading, a column of results).
CONSTITUENCY_GROUP = {
    "government": _l("Government"), "employers": _l("Employers"), "workers": _l("Workers"),
    "stakeholder": _l("Stakeholders"), "secretariat": _l("Secretariat"), "observer": _l("Observers"),
}
ROLE = {"secretariat": _l("Secretariat"), "delegate": _l("Delegate"), "adviser": _l("Adviser"),
        "observer": _l("Observer"), "chair": _l("Chair")}
LEVEL = {"national": _l("National"), "rec": _l("Regional Economic Community"),
         "continental": _l("Continental (African Union)")}
CONSULTATION_STATUS = {"draft": _l("Draft"), "scheduled": _l("Scheduled"), "live": _l("Live"),
                       "closed": _l("Closed"), "archived": _l("Archived")}
CREDENTIALS = {"pending": _l("Pending"), "accepted": _l("Accepted"), "rejected": _l("Rejected")}
STANCE = {"support": _l("Support"), "support_with_amendments": _l("Support with amendments"),
          "oppose": _l("Oppose"), "abstain": _l("Abstain")}
OUTCOME = {"carried": _l("Carried"), "not_carried": _l("Not carried"), "void_no_quorum": _l("Void (no quorum)"),
           "no_consensus": _l("No consensus")}
# what a search hit is (one record), and the kinds to filter by (all records of a kind)
SEARCH_KIND = {"minutes": _l("Minutes"), "document": _l("Document"), "position": _l("Position"),
               "decision": _l("Decision"), "consultation": _l("Consultation"), "comment": _l("Comment"),
               "amendment": _l("Amendment")}
SEARCH_KINDS = {"minutes": _l("Minutes"), "document": _l("Documents"), "position": _l("Positions"),
                "decision": _l("Decisions"), "consultation": _l("Consultations"), "comment": _l("Comments"),
                "amendment": _l("Amendments")}

# the default options of a motion (a motion's own options are shown as written)
VOTE_OPTION = {"yes": _l("Yes"), "no": _l("No"), "abstain": _l("Abstain")}
TABLES = {"vote_option": VOTE_OPTION, "constituency": CONSTITUENCY, "constituency_group": CONSTITUENCY_GROUP, "role": ROLE, "level": LEVEL,
          "consultation_status": CONSULTATION_STATUS, "credentials": CREDENTIALS, "stance": STANCE,
          "outcome": OUTCOME, "search_kind": SEARCH_KIND, "search_kinds": SEARCH_KINDS}


def label(table: dict, code: str | None, default: str | None = None) -> str:
    """The label of a code; an unknown code is shown as itself (never an error on a page)."""
    if code in table:
        return str(table[code])
    return default if default is not None else (code or "")


def translated(name: str) -> dict[str, str]:
    """One table, translated now (plain strings: for JSON, and for pages that show hundreds)."""
    return {code: str(text) for code, text in TABLES[name].items()}


def init_app(app) -> None:
    @app.context_processor
    def _labels() -> dict:
        return {"labels": TABLES, "translated_labels": translated}
