"""The Markdown converter itself (python-markdown, raw HTML off, then nh3), importable on its own.

This module imports nothing from Baraza, so it also runs as the render worker process that
app.core.markdown starts for long bodies: `python -I app/core/markdown_engine.py` reads one JSON
request per line on stdin ({"body", "toc"}) and answers one JSON line on stdout ({"html", "toc"}
or {"error"}). A request may carry "cpu", a budget in seconds of CPU time: a render that spends
it, or recurses too deep, answers {"error": "too_complex"} and the worker keeps serving. The
parent also keeps a wall-clock deadline and kills a worker that overruns it (a long match inside
the C regex engine cannot be interrupted), which is the point of a process of its own.

The worker runs at the lowest CPU priority from its first instruction, imports included: on a
busy machine the server's event loop (and the rooms it serves) gets the CPU first."""
import html as html_mod
import json
import os
import signal
import sys

if __name__ == "__main__":  # before the imports below: start-up also yields to the server
    # what subprocess's close_fds and cwd did (the server starts this with posix_spawn, see
    # app.core.offload.Spawned; this file is run isolated, without the app on its path)
    os.closerange(3, os.sysconf("SC_OPEN_MAX"))
    os.chdir("/")
    try:
        os.nice(19)
    except OSError:
        pass

import markdown as md_lib  # noqa: E402
import nh3  # noqa: E402

ALLOWED_TAGS = {
    "a", "abbr", "blockquote", "br", "code", "del", "div", "em", "h1", "h2", "h3", "h4", "h5",
    "h6", "hr", "img", "ins", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table",
    "tbody", "td", "tfoot", "th", "thead", "tr", "ul", "dl", "dt", "dd",
}
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id", "class"},
    "img": {"src", "alt", "title"},
    "h1": {"id"}, "h2": {"id"}, "h3": {"id"}, "h4": {"id"}, "h5": {"id"}, "h6": {"id"},
    "li": {"id"}, "sup": {"id"}, "div": {"class"}, "ol": {"start"},
    "td": {"align", "colspan", "rowspan"}, "th": {"align", "colspan", "rowspan"},
    "span": {"class"},
}
URL_SCHEMES = {"http", "https", "mailto"}
EXTENSIONS = ["extra", "sane_lists", "toc"]


def new_converter() -> md_lib.Markdown:
    md = md_lib.Markdown(extensions=EXTENSIONS, output_format="html")
    # Raw HTML in the source is shown as text, never interpreted.
    md.preprocessors.deregister("html_block")
    md.inlinePatterns.deregister("html")
    return md


def sanitise(html: str) -> str:
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


# Building a converter (extensions, registries) costs more than converting a chat line, so
# convert() reuses idle ones. md.convert() never yields to gevent; list.pop/append are atomic,
# so a converter is used by one caller at a time under threads too.
_idle: list[md_lib.Markdown] = []


def text_of(html_text: str) -> str:
    """The words of sanitised HTML, without markup (what search indexes and shows in snippets).
    Stripping parses the whole HTML again: 200 ms for the 1.1 MB a 200 KB table renders to, so a
    long body's text is taken in the worker too."""
    return html_mod.unescape(nh3.clean(html_text, tags=set()))


def convert(body: str, with_toc: bool = False) -> tuple[str, list]:
    """Sanitised HTML of `body` and, when asked, its table of contents tokens. Raises
    RecursionError for structures nested too deep for python-markdown."""
    try:
        md = _idle.pop()
    except IndexError:
        md = new_converter()
    # A converter that raised midway (RecursionError) keeps parser state that reset() does not
    # clear, and renders the next body wrongly: only a converter that finished is reused.
    html = sanitise(md.convert(body or ""))
    toc = md.toc_tokens if with_toc else []
    md.reset()
    if len(_idle) < 8:
        _idle.append(md)
    return html, toc


class OverBudget(Exception):
    """The render spent its CPU budget."""


def _over_budget(signum, frame):
    raise OverBudget()


def serve(stdin, stdout) -> None:
    """The worker loop: a first line saying it is ready (imports done, so start-up never counts
    against a render's budget), then one answer line for each request line, until stdin closes.
    Each render runs under a CPU-time alarm (ITIMER_PROF: user and system time of this process
    only, so time spent waiting for a busy CPU is not counted against the body)."""
    new_converter()
    signal.signal(signal.SIGPROF, _over_budget)
    stdout.write(b'{"ready": true}\n')
    stdout.flush()
    for line in stdin:
        try:
            req = json.loads(line)
            if req.get("cpu"):
                signal.setitimer(signal.ITIMER_PROF, float(req["cpu"]))
            try:
                html, toc = convert(req["body"], bool(req.get("toc")))
            finally:
                signal.setitimer(signal.ITIMER_PROF, 0)
            answer = {"html": html, "toc": toc}
            if req.get("text"):
                answer["text"] = text_of(html)
        except OverBudget:
            answer = {"error": "too_complex", "over_budget": True}
        except (RecursionError, MemoryError):
            answer = {"error": "too_complex"}
        except Exception as exc:  # the parent logs it; this process keeps serving
            answer = {"error": "failed", "detail": repr(exc)[:500]}
        stdout.write(json.dumps(answer).encode() + b"\n")
        stdout.flush()


if __name__ == "__main__":
    serve(sys.stdin.buffer, sys.stdout.buffer)
