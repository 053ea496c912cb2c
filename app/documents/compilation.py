"""The secretariat's written output after a consultation: the compilation of comments and
amendments by paragraph, and the positions matrix, as .docx, .xlsx or CSV.

Who: anyone who may read the document (participants already read every comment, amendment and
position on the page). The compilation follows the current version's paragraphs in order, each
with its number and text, then its amendments (organisation, constituency, date, status, proposed
text, rationale, decision) and its comment threads (the first comment and its replies, with
status open / resolved); then comments on the whole document and those on paragraphs of earlier
versions. A constituency filter keeps the amendments of that constituency and the threads it wrote
in (a thread is kept whole, as context). Two queries whatever the number of comments."""
from flask_babel import get_timezone
from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import aliased

from app.accounts.models import Organisation, User
from app.consultations.moderation import hidden_map
from app.core import labels, offload, office
from app.core.i18n import current_language, when_date, when_time
from app.core.languages import language
from app.core.office import plain, reader_rtl
from app.documents import compilation_files, reading, services
from app.documents.models import STANCES, Amendment, Comment
from app.extensions import db

FORMATS = ("docx", "xlsx", "csv")


def _when(dt) -> str:
    return f"{when_date(dt)} {when_time(dt)}" if dt else ""


def _contributions(doc) -> tuple[list[dict], list[dict]]:
    """Every comment and amendment of the document as plain dicts, in two column queries (no ORM
    objects: two thousand comments load in tens of milliseconds)."""
    author, org = aliased(User), aliased(Organisation)
    comments = [{"id": r.id, "root": r.thread_id or r.id, "anchor": r.anchor, "body": r.body, "html": r.html,
                 "at": r.created_at, "resolved": bool(r.resolved), "constituency": r.constituency,
                 "org": r.org or "", "author": r.author}
                for r in db.session.execute(
                    select(Comment.id, Comment.thread_id, Comment.anchor, Comment.body, Comment.html, Comment.created_at,
                           Comment.resolved_at.is_not(None).label("resolved"), Comment.constituency, org.name.label("org"), author.name.label("author"))
                    .join(author, author.id == Comment.author_id).outerjoin(org, org.id == Comment.organisation_id)
                    .where(Comment.document_id == doc.id).order_by(Comment.id))]
    amendments = [{"id": r.id, "anchor": r.anchor, "body": r.text, "html": r.text_html, "rationale": r.rationale,
                   "reason": r.reason, "status": r.status, "at": r.created_at, "constituency": r.constituency,
                   "org": r.org, "author": r.author}
                  for r in db.session.execute(
                      select(Amendment.id, Amendment.anchor, Amendment.text, Amendment.text_html, Amendment.rationale,
                             Amendment.reason, Amendment.status, Amendment.created_at, Amendment.constituency,
                             org.name.label("org"), author.name.label("author"))
                      .join(author, author.id == Amendment.proposer_id).join(org, org.id == Amendment.organisation_id)
                      .where(Amendment.document_id == doc.id).order_by(Amendment.id))]
    return comments, amendments


def _withhold_hidden(actor, comments: list[dict], amendments: list[dict]) -> None:
    """What the secretariat hid is withheld from everyone's compilation but the secretariat's."""
    if actor.is_secretariat:
        return
    placeholder = _("Hidden by the secretariat")
    for kind, rows in (("comment", comments), ("amendment", amendments)):
        hidden = hidden_map(kind, [r["id"] for r in rows])
        for r in rows:
            if r["id"] in hidden:
                r.update(body=placeholder, html=f"<p>{placeholder}</p>", **({"rationale": ""} if kind == "amendment" else {}))


def _sections(doc, version, constituency: str | None, actor=None) -> list[dict]:
    """[{number, anchor, text, amendments, threads}] in reading order, then the two extra groups."""
    comments, amendments = _contributions(doc)
    if actor is not None:
        _withhold_hidden(actor, comments, amendments)
    threads: dict[int, list[dict]] = {}
    for c in comments:
        threads.setdefault(c["root"], []).append(c)
    if constituency:
        threads = {k: t for k, t in threads.items() if any(c["constituency"] == constituency for c in t)}
        amendments = [a for a in amendments if a["constituency"] == constituency]
    by_anchor: dict[str | None, dict] = {}
    for thread in threads.values():
        by_anchor.setdefault(thread[0]["anchor"], {"amendments": [], "threads": []})["threads"].append(thread)
    for a in amendments:
        by_anchor.setdefault(a["anchor"], {"amendments": [], "threads": []})["amendments"].append(a)
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


def _words() -> dict:
    return {"constituency": labels.translated("constituency"),
            "status": {"proposed": _("Proposed"), "accepted": _("Accepted"), "rejected": _("Rejected"),
                       "open": _("Not resolved"), "resolved": _("Resolved")},
            "kind": {"amendment": _("Amendment"), "comment": _("Comment"), "reply": _("Reply")},
            "rationale": _("Rationale"), "decision": _("Decision")}


def compile_comments(actor, document_id: int, fmt: str, constituency: str | None = None) -> tuple[bytes | str, str]:
    """(file body, file name) of the compilation; NotFound as for reading the document. The file
    is written in a worker process (app.documents.compilation_files)."""
    a = services.access(actor, document_id)
    doc = a.document
    version = services.current_version(doc)
    title = _("Compilation of comments and amendments")
    meta = [[_("Document"), doc.title], [_("Consultation"), a.consultation.title], [_("Version"), str(version.number)]]
    if constituency:
        meta.append([_("Constituency"), labels.label(labels.CONSTITUENCY, constituency)])
    payload = {
        "title": title, "file_title": f"{doc.title}: {title}", "meta": meta, "rtl": reader_rtl(),
        "language": current_language(), "tz": str(get_timezone()), "date_format": language(current_language()).date_format,
        "columns": [_("Paragraph"), _("Anchor"), _("Paragraph text"), _("Kind"), _("Number"), _("Organisation"),
                    _("Constituency"), _("Author"), _("Date"), _("Status"), _("Text"), _("Thread"), _("Rationale"),
                    _("Decision")],
        "words": _words(), "sections": _sections(doc, version, constituency, actor),
    }
    body = offload.run(compilation_files.build, fmt, payload, budget=120.0)
    return body, office.filename(doc.title, _("compilation"), constituency)


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
