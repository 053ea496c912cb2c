"""The secretariat's written output after a consultation: the compilation of comments and
amendments by paragraph, and the positions matrix, as .docx, .xlsx or CSV.

Who: anyone who may read the document (participants already read every comment, amendment and
position on the page). The compilation follows the current version's paragraphs in order, each
with its number and text, then its amendments (organisation, constituency, date, status, proposed
text, rationale, decision) and its comment threads (the first comment and its replies, with
status open / resolved); then comments on the whole document and those on paragraphs of earlier
versions. A constituency filter keeps the amendments of that constituency and the threads it wrote
in (a thread is kept whole, as context). Two queries whatever the number of comments."""
from flask_babel import gettext as _
from sqlalchemy import select

from app.core import labels, office
from app.core.office import plain, reader_rtl
from app.core.i18n import current_language, when_date, when_time
from app.documents import reading, services
from app.documents.models import STANCES, Amendment, Comment
from app.extensions import db

FORMATS = ("docx", "xlsx", "csv")


def _when(dt) -> str:
    return f"{when_date(dt)} {when_time(dt)}" if dt else ""


def _org(record) -> str:
    return record.organisation.name if record.organisation else ""


def _sections(doc, version, constituency: str | None) -> list[dict]:
    """[{number, anchor, text, amendments, threads}] in reading order, then the two extra groups."""
    comments = list(db.session.scalars(select(Comment).where(Comment.document_id == doc.id).order_by(Comment.id)))
    amendments = list(db.session.scalars(select(Amendment).where(Amendment.document_id == doc.id).order_by(Amendment.id)))
    threads: dict[int, list[Comment]] = {}
    for c in comments:
        threads.setdefault(c.root_id, []).append(c)
    if constituency:
        threads = {k: t for k, t in threads.items() if any(c.constituency == constituency for c in t)}
        amendments = [a for a in amendments if a.constituency == constituency]
    by_anchor: dict[str | None, dict] = {}
    for thread in threads.values():
        by_anchor.setdefault(thread[0].anchor, {"amendments": [], "threads": []})["threads"].append(thread)
    for a in amendments:
        by_anchor.setdefault(a.anchor, {"amendments": [], "threads": []})["amendments"].append(a)
    sections, seen = [], set()
    for n, p in enumerate(version.paragraphs, start=1):
        if p.get("kind") == "footnotes":
            continue
        seen.add(p["anchor"])
        items = by_anchor.get(p["anchor"], {"amendments": [], "threads": []})
        sections.append({"number": str(n), "anchor": p["anchor"], "text": plain(p["html"]), **items})
    general = by_anchor.get(None)
    if general:
        sections.append({"number": "", "anchor": "", "text": _("Comments on the whole document"), **general})
    earlier = {"amendments": [], "threads": []}
    for anchor, items in by_anchor.items():
        if anchor is not None and anchor not in seen:
            earlier["amendments"] += items["amendments"]
            earlier["threads"] += items["threads"]
    if earlier["amendments"] or earlier["threads"]:
        sections.append({"number": "", "anchor": "", "text": _("On paragraphs of earlier versions"), **earlier})
    return sections


def _columns() -> list[str]:
    return [_("Paragraph"), _("Anchor"), _("Paragraph text"), _("Kind"), _("Number"), _("Organisation"),
            _("Constituency"), _("Author"), _("Date"), _("Status"), _("Text"), _("Thread"), _("Rationale"),
            _("Decision")]


def _statuses() -> dict[str, str]:
    return {"proposed": _("Proposed"), "accepted": _("Accepted"), "rejected": _("Rejected"),
            "open": _("Not resolved"), "resolved": _("Resolved")}


def _rows(sections: list[dict]) -> list[list]:
    cl = labels.translated("constituency")
    kinds = {"amendment": _("Amendment"), "comment": _("Comment"), "reply": _("Reply")}
    statuses = _statuses()
    rows = []
    for s in sections:
        head = [s["number"], s["anchor"], s["text"]]
        if not s["amendments"] and not s["threads"]:
            rows.append(head + [""] * 11)
        for a in s["amendments"]:
            rows.append(head + [kinds["amendment"], f"A{a.id}", _org(a), cl.get(a.constituency, a.constituency),
                                a.proposer.name, _when(a.created_at), statuses.get(a.status, a.status), a.text, "",
                                a.rationale, a.reason])
        for thread in s["threads"]:
            root = thread[0]
            status = statuses["resolved" if root.resolved_at else "open"]
            for c in thread:
                kind = kinds["comment" if c is root else "reply"]
                rows.append(head + [kind, f"C{c.id}", _org(c), cl.get(c.constituency or "", c.constituency or ""),
                                    c.author.name, _when(c.created_at), status, c.body,
                                    "" if c is root else f"C{root.id}", "", ""])
    return rows


def compile_comments(actor, document_id: int, fmt: str, constituency: str | None = None) -> tuple[bytes | str, str]:
    """(file body, file name) of the compilation; NotFound as for reading the document."""
    a = services.access(actor, document_id)
    doc = a.document
    version = services.current_version(doc)
    sections = _sections(doc, version, constituency)
    title = _("Compilation of comments and amendments")
    name = office.filename(doc.title, _("compilation"), constituency)
    cl, statuses = labels.translated("constituency"), _statuses()
    if fmt in ("csv", "xlsx"):
        rows = _rows(sections)
        if fmt == "csv":
            return office.csv_text([_columns(), *rows]), name
        sheet = {"title": title, "header": _columns(), "rows": rows, "rtl": reader_rtl(),
                 "widths": [9, 8, 50, 12, 8, 24, 14, 20, 16, 11, 60, 8, 30, 30]}
        return office.render("xlsx", [sheet], f"{doc.title}: {title}", current_language()), name
    meta = [[_("Document"), doc.title], [_("Consultation"), a.consultation.title], [_("Version"), str(version.number)]]
    if constituency:
        meta.append([_("Constituency"), cl.get(constituency, constituency)])
    blocks = [["heading", 0, title], ["meta", meta]]
    for s in sections:
        blocks.append(["heading", 2, f"{s['number']}. {s['text'][:120]}" if s["number"] else s["text"]])
        if s["number"]:
            blocks.append(["para", s["text"], "Quote"])
        for am in s["amendments"]:
            blocks.append(["para", f"{_('Amendment')} A{am.id} · {_org(am)} ({cl.get(am.constituency, '')}) · "
                                   f"{am.proposer.name} · {_when(am.created_at)} · {statuses.get(am.status, am.status)}"])
            blocks.append(["html", am.text_html, 3])
            if am.rationale:
                blocks.append(["para", f"{_('Rationale')}: {am.rationale}"])
            if am.reason:
                blocks.append(["para", f"{_('Decision')}: {am.reason}"])
        for thread in s["threads"]:
            for c in thread:
                who = f"{_org(c)} ({cl.get(c.constituency or '', '')})" if c.organisation else ""
                status = statuses["resolved" if thread[0].resolved_at else "open"]
                lead = _("Comment") if c is thread[0] else "↳ " + _("Reply")
                blocks.append(["para", f"{lead} C{c.id} · {who} · {c.author.name} · {_when(c.created_at)}"
                                       + (f" · {status}" if c is thread[0] else "")])
                blocks.append(["html", c.html, 3])
    spec = {"title": f"{doc.title}: {title}", "language": current_language(), "rtl": reader_rtl(), "blocks": blocks}
    return office.render("docx", spec), name


def positions_matrix(actor, document_id: int, fmt: str) -> tuple[bytes | str, str]:
    """Organisations x stance with each statement, then the summary by constituency."""
    view = reading.positions(actor, document_id)
    doc = view["doc"]
    cl, sl = labels.translated("constituency"), labels.translated("stance")
    title = _("Positions matrix")
    name = office.filename(doc.title, _("positions"))
    header = [_("Organisation"), _("Constituency"), *[sl[s] for s in STANCES], _("Statement"), _("Date"), _("Version")]
    rows = [[p.organisation.name, cl.get(p.constituency, p.constituency), *["X" if p.stance == s else "" for s in STANCES],
             p.body, _when(p.created_at), p.version_number] for p in view["current"]]
    summary_header = [_("Constituency"), *[sl[s] for s in STANCES], _("Not filed")]
    summary = [[cl.get(k, k), *[v[s] for s in STANCES], v["not_filed"]] for k, v in view["summary"].items()]
    if fmt == "csv":
        return office.csv_text([header, *rows, [], summary_header, *summary]), name
    if fmt == "xlsx":
        sheets = [{"title": title, "header": header, "rows": rows, "rtl": reader_rtl(),
                   "widths": [30, 14, 10, 12, 10, 10, 70, 16, 8]},
                  {"title": _("Summary"), "header": summary_header, "rows": summary, "rtl": reader_rtl()}]
        return office.render("xlsx", sheets, f"{doc.title}: {title}", current_language()), name
    blocks = [["heading", 0, title], ["meta", [[_("Document"), doc.title], [_("Consultation"), view["access"].consultation.title]]],
              ["table", summary_header, summary]]
    for p in view["current"]:
        blocks.append(["heading", 2, f"{p.organisation.name} ({cl.get(p.constituency, '')}): {sl.get(p.stance, p.stance)}"])
        blocks.append(["para", f"{p.author.name} · {_when(p.created_at)}"])
        blocks.append(["html", p.html, 3])
    spec = {"title": f"{doc.title}: {title}", "language": current_language(), "rtl": reader_rtl(), "blocks": blocks}
    return office.render("docx", spec), name
