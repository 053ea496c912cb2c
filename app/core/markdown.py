"""Markdown rendering with python-markdown, raw HTML disabled, then sanitised by nh3."""
import markdown as md_lib
import nh3

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


def _markdown() -> md_lib.Markdown:
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
# render() reuses idle ones. convert() never yields to gevent; list.pop/append are atomic, so
# a converter is used by one caller at a time under threads too.
_idle: list[md_lib.Markdown] = []


def render(body: str) -> str:
    """Return sanitised HTML for a Markdown body."""
    try:
        md = _idle.pop()
    except IndexError:
        md = _markdown()
    try:
        return sanitise(md.convert(body or ""))
    finally:
        md.reset()
        if len(_idle) < 8:
            _idle.append(md)


def render_with_toc(body: str) -> tuple[str, list[dict]]:
    """Return sanitised HTML and the table of contents tokens (level, id, name, children)."""
    md = _markdown()
    html = md.convert(body or "")
    return sanitise(html), md.toc_tokens
