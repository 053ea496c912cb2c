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
from app.consultations.models import Consultation, Theme, consultation_theme
from app.consultations.services import visible_filter
from app.core.db import isoformat
from app.core.errors import NotFound
from app.extensions import db

LIST_LIMIT = 50
STANCES = ("support", "support_with_amendments", "oppose", "abstain")


def get_theme(slug: str) -> Theme:
    theme = db.session.scalar(select(Theme).where(Theme.slug == slug)) if isinstance(slug, str) else None
    if theme is None:
        raise NotFound("No such theme.")
    return theme


def _year():
    return cast(extract("year", func.coalesce(Consultation.starts_at, Consultation.created_at)), Integer)


def _published_consultations():
    return select(ThemeRecord.consultation_id).where(ThemeRecord.kind == "consultation",
                                                     ThemeRecord.is_published.is_(True))


class _Scope:
    """The SQL conditions of one reader on one theme."""

    def __init__(self, reader: User | None, theme: Theme):
        self.in_theme = Consultation.id.in_(
            select(consultation_theme.c.consultation_id).where(consultation_theme.c.theme_id == theme.id))
        rule = visible_filter(reader) if reader is not None else False
        if rule is None:  # the secretariat
            self.consultation, self.record = self.in_theme, self.in_theme
            return
        published_c = Consultation.id.in_(_published_consultations())
        published_r = ThemeRecord.is_published.is_(True)
        if rule is False:
            self.consultation = and_(self.in_theme, published_c)
            self.record = and_(self.in_theme, published_r)
        else:
            self.consultation = and_(self.in_theme, or_(rule, published_c))
            self.record = and_(self.in_theme, or_(rule, published_r))


def _consultations(scope: _Scope) -> tuple[list[dict], int, list[dict]]:
    year = _year().label("year")
    base = select(Consultation.id, Consultation.title, Consultation.level, Consultation.rec,
                  Consultation.country, Consultation.status, Consultation.starts_at, year).where(scope.consultation)
    rows = db.session.execute(base.order_by(year.desc(), Consultation.id.desc()).limit(LIST_LIMIT))
    items = [{"id": r.id, "title": r.title, "year": r.year, "level": r.level, "rec": r.rec, "country": r.country,
              "status": r.status, "starts_at": isoformat(r.starts_at)} for r in rows]
    by = db.session.execute(select(year, Consultation.level, func.count()).where(scope.consultation)
                            .group_by(year, Consultation.level).order_by(year, Consultation.level))
    by_year = [{"year": y, "level": lvl, "count": n} for y, lvl, n in by]
    return items, sum(b["count"] for b in by_year), by_year


def _records(scope: _Scope, kind: str) -> tuple[list[dict], int]:
    year = _year().label("year")
    cond = and_(ThemeRecord.kind == kind, scope.record)
    joined = select(ThemeRecord, Consultation.title.label("consultation_title"), Consultation.level,
                    Consultation.rec, Consultation.country, year) \
        .join(Consultation, Consultation.id == ThemeRecord.consultation_id).where(cond)
    total = db.session.scalar(select(func.count()).select_from(ThemeRecord)
                              .join(Consultation, Consultation.id == ThemeRecord.consultation_id).where(cond))
    items = []
    for rec, ctitle, level, rec_code, country, yr in db.session.execute(
            joined.order_by(ThemeRecord.at.desc(), ThemeRecord.id.desc()).limit(LIST_LIMIT)):
        item = {"id": rec.ref_id, "title": rec.title, "consultation_id": rec.consultation_id,
                "consultation": ctitle, "year": yr, "level": level, "rec": rec_code, "country": country,
                "at": isoformat(rec.at)}
        if kind == "position":
            item.update(document_id=rec.document_id, organisation=rec.organisation,
                        constituency=rec.constituency, stance=rec.stance)
        elif kind == "decision":
            item["outcome"] = rec.outcome
        elif kind == "document":
            item["document_id"] = rec.ref_id
        items.append(item)
    return items, total or 0


def _grouped(scope: _Scope, kind: str, *columns) -> list[tuple]:
    return list(db.session.execute(
        select(*columns, func.count()).select_from(ThemeRecord)
        .join(Consultation, Consultation.id == ThemeRecord.consultation_id)
        .where(ThemeRecord.kind == kind, scope.record).group_by(*columns)))


def _recs(scope: _Scope) -> list[dict]:
    """Where each REC stands: its REC-level consultations, their decisions by outcome and the
    positions taken in them by stance."""
    out: dict[str, dict] = {}

    def slot(code):
        return out.setdefault(code, {"rec": code, "consultations": 0, "last_year": None,
                                     "decisions": {}, "stances": {s: 0 for s in STANCES}})
    rec_level = and_(scope.consultation, Consultation.level == "rec")
    for code, n, last in db.session.execute(select(Consultation.rec, func.count(), func.max(_year()))
                                            .where(rec_level).group_by(Consultation.rec)):
        slot(code).update(consultations=n, last_year=last)
    for code, outcome, n in _grouped(scope, "decision", Consultation.rec, ThemeRecord.outcome):
        if code:
            slot(code)["decisions"][outcome or "unknown"] = n
    for code, stance, n in _grouped(scope, "position", Consultation.rec, ThemeRecord.stance):
        if code and stance in STANCES:
            slot(code)["stances"][stance] = n
    return [out[k] for k in sorted(out)]


def theme_overview(reader: User | None, slug: str) -> dict:
    """The theme page's content for a reader (None: the public, published material only).
    NotFound for an unknown slug."""
    theme = get_theme(slug)
    scope = _Scope(reader, theme)
    consultations, n_consultations, by_year = _consultations(scope)
    documents, n_documents = _records(scope, "document")
    decisions, n_decisions = _records(scope, "decision")
    positions, n_positions = _records(scope, "position")
    stances = [{"year": y, "constituency": c, "stance": s, "count": n}
               for y, c, s, n in sorted(_grouped(scope, "position", _year(), ThemeRecord.constituency,
                                                 ThemeRecord.stance), key=lambda r: (r[0], r[1] or "", r[2] or ""))]
    return {
        "theme": theme.to_dict(),
        "counts": {"consultations": n_consultations, "documents": n_documents, "decisions": n_decisions,
                   "positions": n_positions},
        "consultations": consultations, "documents": documents, "decisions": decisions,
        "positions": positions, "by_year": by_year, "stances": stances, "recs": _recs(scope),
    }
