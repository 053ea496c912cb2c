"""A theme across RECs and years: its consultations, documents, decisions and positions, counted
and listed from what the reader may see.

Visibility is the consultations service's rule (`visible_filter`: secretariat everything; others
non-draft consultations they take part in or public ones), widened, as in search, by material
the consultation's publication made public. The public page (reader None) sees only published
material. Every count and list is one SQL query over the theme's consultations joined to this
feature's read model (ThemeRecord), so the page costs the same few queries at 5,000
consultations as at five; lists are the newest LIST_LIMIT of each kind, the counts are whole.
"""
from sqlalchemy import Integer, and_, cast, extract, func, or_, select

from app.accounts.models import User
from app.bodies.models import ThemeRecord
from app.consultations.models import THEME, Consultation, Theme, consultation_theme
from app.consultations.services import visible_filter
from app.core.db import isoformat
from app.core.errors import NotFound
from app.core.shapes import BOOL, DATETIME, INT, STR, Shape, list_of, map_of, nullable
from app.extensions import db

LIST_LIMIT = 50
STANCES = ("support", "support_with_amendments", "oppose", "abstain")


def get_theme(slug: str) -> Theme:
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug)) if isinstance(slug, str) else None
    if theme is None:
        raise NotFound("No such theme.")
    return theme


def _year():
    """The session's year. On SQLite the stored text's first four characters (strftime on every
    row costs more than the whole rest of a theme page's queries)."""
    when = func.coalesce(Consultation.starts_at, Consultation.created_at)
    if db.engine.dialect.name == "sqlite":
        return cast(func.substr(when, 1, 4), Integer)
    return cast(extract("year", when), Integer)


def _published_consultations():
    return select(ThemeRecord.consultation_id).where(ThemeRecord.kind == "consultation",
                                                     ThemeRecord.is_published.is_(True))


class _Scope:
    """The SQL conditions of one reader on one theme: on Consultation (its list and counts) and
    on ThemeRecord (conditions on the record's own columns and id lists only, so the counts are
    one pass over one covering index, without a join)."""

    def __init__(self, reader: User | None, theme: Theme):
        in_theme = select(consultation_theme.c.consultation_id).where(consultation_theme.c.theme_id == theme.id)
        self.in_theme = Consultation.id.in_(in_theme)
        published_r = and_(ThemeRecord.is_published.is_(True), ThemeRecord.consultation_id.in_(in_theme))
        rule = visible_filter(reader) if reader is not None else False
        if rule is None:  # the secretariat
            self.consultation, self.record = self.in_theme, ThemeRecord.consultation_id.in_(in_theme)
            return
        published_c = Consultation.id.in_(_published_consultations())
        if rule is False:
            self.consultation, self.record = and_(self.in_theme, published_c), published_r
        else:
            self.consultation = and_(self.in_theme, or_(rule, published_c))
            visible = select(Consultation.id).where(self.in_theme, rule)
            self.record = or_(ThemeRecord.consultation_id.in_(visible), published_r)


def _consultations(scope: _Scope) -> tuple[list[dict], list[tuple]]:
    """The newest LIST_LIMIT consultations, and the counts by (year, level, rec)."""
    year = _year().label("year")
    base = select(Consultation.id, Consultation.title, Consultation.level, Consultation.rec,
                  Consultation.country, Consultation.status, Consultation.starts_at, year).where(scope.consultation)
    rows = db.session.execute(base.order_by(year.desc(), Consultation.id.desc()).limit(LIST_LIMIT))
    items = [{"id": r.id, "title": r.title, "year": r.year, "level": r.level, "rec": r.rec, "country": r.country,
              "status": r.status, "starts_at": isoformat(r.starts_at)} for r in rows]
    counts = list(db.session.execute(select(year, Consultation.level, Consultation.rec, func.count())
                                     .where(scope.consultation).group_by(year, Consultation.level, Consultation.rec)))
    return items, counts


def _records(scope: _Scope, kind: str) -> list[dict]:
    """The newest LIST_LIMIT records of one kind (index theme_record (kind, at))."""
    joined = select(ThemeRecord, Consultation.title) \
        .join(Consultation, Consultation.id == ThemeRecord.consultation_id) \
        .where(ThemeRecord.kind == kind, scope.record)
    items = []
    for rec, ctitle in db.session.execute(
            joined.order_by(ThemeRecord.at.desc(), ThemeRecord.id.desc()).limit(LIST_LIMIT)):
        item = {"id": rec.ref_id, "title": rec.title, "consultation_id": rec.consultation_id,
                "consultation": ctitle, "year": rec.year, "level": rec.level, "rec": rec.rec,
                "country": rec.country, "at": isoformat(rec.at)}
        if kind == "position":
            item.update(document_id=rec.document_id, organisation=rec.organisation,
                        constituency=rec.constituency, stance=rec.stance)
        elif kind == "decision":
            item["outcome"] = rec.outcome
        elif kind == "document":
            item["document_id"] = rec.ref_id
        items.append(item)
    return items


def _aggregate(scope: _Scope) -> list[tuple]:
    """Every count of the page in one grouped pass over the records the reader may see:
    (kind, year, level, rec, constituency, stance, outcome, n)."""
    cols = (ThemeRecord.kind, ThemeRecord.year, ThemeRecord.level, ThemeRecord.rec, ThemeRecord.constituency,
            ThemeRecord.stance, ThemeRecord.outcome)
    return list(db.session.execute(
        select(*cols, func.count()).where(ThemeRecord.kind.in_(("decision", "document", "position")), scope.record)
        .group_by(*cols)))


def _summaries(consultation_counts: list[tuple], groups: list[tuple]) -> dict:
    """Counts, consultations by year and level, stances by (year, constituency), and where each
    REC stands (its REC-level consultations, their decisions by outcome, positions by stance)."""
    counts = {"consultations": 0, "documents": 0, "decisions": 0, "positions": 0}
    by_year: dict[tuple, int] = {}
    recs: dict[str, dict] = {}

    def slot(code):
        return recs.setdefault(code, {"rec": code, "consultations": 0, "last_year": None,
                                      "decisions": {}, "stances": {s: 0 for s in STANCES}})
    for year, level, rec, n in consultation_counts:
        counts["consultations"] += n
        by_year[(year, level)] = by_year.get((year, level), 0) + n
        if level == "rec" and rec:
            r = slot(rec)
            r["consultations"] += n
            r["last_year"] = max(r["last_year"] or year, year)
    stances: dict[tuple, int] = {}
    for kind, year, level, rec, constituency, stance, outcome, n in groups:
        counts[kind + "s"] += n
        if kind == "position":
            stances[(year, constituency, stance)] = stances.get((year, constituency, stance), 0) + n
        if level != "rec" or not rec:
            continue
        if kind == "position" and stance in STANCES:
            slot(rec)["stances"][stance] += n
        elif kind == "decision":
            decisions = slot(rec)["decisions"]
            decisions[outcome or "unknown"] = decisions.get(outcome or "unknown", 0) + n
    return {
        "counts": counts,
        "by_year": [{"year": y, "level": lvl, "count": n} for (y, lvl), n in sorted(by_year.items())],
        "stances": [{"year": y, "constituency": c, "stance": s, "count": n}
                    for (y, c, s), n in sorted(stances.items(), key=lambda kv: (kv[0][0], kv[0][1] or "", kv[0][2] or ""))],
        "recs": [recs[k] for k in sorted(recs)],
    }


_PLACE = {"year": nullable(INT), "level": nullable(STR), "rec": nullable(STR), "country": nullable(STR)}
THEME_RECORD = Shape("ThemeRecord", {"id": INT, "title": STR, "consultation_id": INT, "consultation": STR,
                                     **_PLACE, "at": nullable(DATETIME)}, optional={
    "document_id": nullable(INT), "organisation": STR, "constituency": nullable(STR), "stance": nullable(STR),
    "outcome": nullable(STR)})
THEME_OVERVIEW = Shape("ThemeOverview", {
    "theme": THEME,
    "consultations": list_of(Shape("ThemeConsultation", {"id": INT, "title": STR, **_PLACE, "status": STR,
                                                         "starts_at": nullable(DATETIME)})),
    "documents": list_of(THEME_RECORD), "decisions": list_of(THEME_RECORD), "positions": list_of(THEME_RECORD),
    "counts": map_of(INT),
    "by_year": list_of(Shape("ThemeYearCount", {"year": nullable(INT), "level": nullable(STR), "count": INT})),
    "stances": list_of(Shape("ThemeStanceCount", {"year": nullable(INT), "constituency": nullable(STR),
                                                  "stance": nullable(STR), "count": INT})),
    "recs": list_of(Shape("ThemeRec", {"rec": STR, "consultations": INT, "last_year": nullable(INT),
                                       "decisions": map_of(INT), "stances": map_of(INT)}))},
    optional={"following": BOOL},
    description="A theme across RECs and years, as far as the reader may see (the public: published material).")


def theme_overview(reader: User | None, slug: str) -> dict:
    """The theme page's content for a reader (None: the public, published material only).
    NotFound for an unknown slug."""
    theme = get_theme(slug)
    scope = _Scope(reader, theme)
    consultations, consultation_counts = _consultations(scope)
    out = {"theme": theme.to_dict(), "consultations": consultations,
           "documents": _records(scope, "document"), "decisions": _records(scope, "decision"),
           "positions": _records(scope, "position")}
    out.update(_summaries(consultation_counts, _aggregate(scope)))
    return out
