"""The compilation of comments and amendments written out as CSV, .xlsx or .docx, from plain data.

Pure (no Flask, no database): app.documents.compilation gathers the data and the reader's words
(labels, column names, language, time zone) and runs `build` in a worker process, so formatting
two thousand dates and writing the file never holds the event loop. Dates are formatted with
Babel in the reader's language and time zone, as the pages show them."""
from zoneinfo import ZoneInfo


def _clock(payload: dict):
    from babel.dates import format_date, format_time
    tz, locale, date_format = ZoneInfo(payload["tz"]), payload["language"], payload["date_format"]

    def when(dt) -> str:
        if dt is None:
            return ""
        local = (dt if dt.tzinfo else dt.replace(tzinfo=ZoneInfo("UTC"))).astimezone(tz)
        return f"{format_date(local, date_format, locale=locale)} {format_time(local, 'short', locale=locale)}"
    return when


def rows(payload: dict) -> list[list]:
    """One row per paragraph without contributions, else one per amendment, comment and reply."""
    when, words = _clock(payload), payload["words"]
    cl, statuses, kinds = words["constituency"], words["status"], words["kind"]
    out = []
    for s in payload["sections"]:
        head = [s["number"], s["anchor"], s["text"]]
        if not s["amendments"] and not s["threads"]:
            out.append(head + [""] * 11)
        for a in s["amendments"]:
            out.append(head + [kinds["amendment"], f"A{a['id']}", a["org"], cl.get(a["constituency"], a["constituency"]),
                               a["author"], when(a["at"]), statuses.get(a["status"], a["status"]), a["body"], "",
                               a["rationale"], a["reason"]])
        for thread in s["threads"]:
            status = statuses["resolved" if thread[0]["resolved"] else "open"]
            for i, c in enumerate(thread):
                out.append(head + [kinds["reply" if i else "comment"], f"C{c['id']}", c["org"],
                                   cl.get(c["constituency"] or "", c["constituency"] or ""), c["author"], when(c["at"]),
                                   status, c["body"], f"C{thread[0]['id']}" if i else "", "", ""])
    return out


def _blocks(payload: dict) -> list:
    when, words = _clock(payload), payload["words"]
    cl, statuses, kinds = words["constituency"], words["status"], words["kind"]
    blocks = [["heading", 0, payload["title"]], ["meta", payload["meta"]]]
    for s in payload["sections"]:
        blocks.append(["heading", 2, f"{s['number']}. {s['text'][:120]}" if s["number"] else s["text"]])
        if s["number"]:
            blocks.append(["para", s["text"], "Quote"])
        for a in s["amendments"]:
            blocks.append(["para", f"{kinds['amendment']} A{a['id']} · {a['org']} ({cl.get(a['constituency'], '')}) · "
                                   f"{a['author']} · {when(a['at'])} · {statuses.get(a['status'], a['status'])}"])
            blocks.append(["html", a["html"], 3])
            if a["rationale"]:
                blocks.append(["para", f"{words['rationale']}: {a['rationale']}"])
            if a["reason"]:
                blocks.append(["para", f"{words['decision']}: {a['reason']}"])
        for thread in s["threads"]:
            status = statuses["resolved" if thread[0]["resolved"] else "open"]
            for i, c in enumerate(thread):
                who = f"{c['org']} ({cl.get(c['constituency'] or '', '')})" if c["org"] else ""
                lead = "↳ " + kinds["reply"] if i else kinds["comment"]
                blocks.append(["para", f"{lead} C{c['id']} · {who} · {c['author']} · {when(c['at'])}"
                                       + ("" if i else f" · {status}")])
                blocks.append(["html", c["html"], 3])
    return blocks


def build(fmt: str, payload: dict) -> bytes | str:
    from app.core import office
    if fmt == "csv":
        return office.csv_text([payload["columns"], *rows(payload)])
    if fmt == "xlsx":
        sheet = {"title": payload["title"], "header": payload["columns"], "rows": rows(payload), "rtl": payload["rtl"],
                 "widths": [9, 8, 50, 12, 8, 24, 14, 20, 16, 11, 60, 8, 30, 30]}
        return office.xlsx([sheet], payload["file_title"], payload["language"])
    return office.docx({"title": payload["file_title"], "language": payload["language"], "rtl": payload["rtl"],
                        "blocks": _blocks(payload)})
