"""The msgids drafting.py writes inside f-strings. pybabel on Python 3.11 does not look inside an
f-string, so these were never extracted and French, Portuguese and Arabic minutes kept English
headings; listed here (lazy, never evaluated for display) so they reach the catalogues.
tests/i18n/test_fstring_msgids.py fails when a msgid used inside an f-string is missing."""
from flask_babel import lazy_gettext as _l

EXTRACTED = (
    _l("Quorum met"), _l("Quorum not met"), _l("scheduled; no sitting was recorded"), _l("Sittings"),
    _l("not closed"), _l("Sitting %(n)s"), _l("Attendance by sitting"), _l("Record"),
    _l("drafted from %(n)s recorded events of the session"), _l("Attendance"), _l("No attendance was recorded."),
    _l("Absent or excused"), _l("No agenda."), _l("Proceedings"),
    _l("Summary of the discussion: to be completed by the secretariat."), _l("Took the floor"),
    _l("Documents considered"), _l("Documents discussed"), _l("version"), _l("giving version"),
    _l("No document version was recorded."), _l("No motion was put to the vote."),
    _l("Summary of the discussion"), _l("To be completed by the secretariat."),
)
