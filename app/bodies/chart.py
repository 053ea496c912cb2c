"""The chart of stances by constituency per year, as SVG rendered on the server by pygal.

pygal (pinned in requirements.txt) draws charts from data, without a browser or JavaScript, so
the page stays readable with scripts off and light; the figure carries a text alternative and
the page shows the same numbers as a table (docs/bodies.md says why this library). The site's
Content-Security-Policy allows no inline script or style, so the chart's own stylesheet (pygal's,
scoped to #chart-stances) is served as a file (`chart_css`, /charts/stances.css) and the SVG
goes in the page without its <style> and <script> (pygal writes a configuration script even
with js=[]; nothing reads it). At most MAX_BARS bars: the most recent years are kept."""
import html
import re

from markupsafe import Markup

from app.core.labels import CONSTITUENCY_GROUP, STANCE, label

MAX_BARS = 24
CHART_ID = "stances"
# Colour-blind-safe (Okabe-Ito) colours, one per stance, in STANCE order.
COLOURS = ("#009E73", "#56B4E9", "#D55E00", "#999999")
_STYLE = re.compile(r"<style\b[^>]*>(.*?)</style>", re.S)
_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)
_css_cache: dict[str, str] = {}


def stance_rows(stances: list[dict]) -> list[dict]:
    """One row per (year, constituency): {year, constituency, counts: {stance: n}, total}."""
    rows: dict[tuple, dict] = {}
    for s in stances:
        key = (s["year"], s["constituency"] or "")
        row = rows.setdefault(key, {"year": s["year"], "constituency": s["constituency"],
                                    "counts": {k: 0 for k in STANCE}, "total": 0})
        if s["stance"] in STANCE:
            row["counts"][s["stance"]] += s["count"]
            row["total"] += s["count"]
    return [rows[k] for k in sorted(rows, key=lambda k: (k[0] or 0, k[1]))]


def _render(rows: list[dict], title: str) -> str:
    import pygal
    from pygal.style import Style
    style = Style(background="transparent", plot_background="transparent", foreground="#222",
                  foreground_strong="#111", foreground_subtle="#666", colors=COLOURS,
                  font_family="system-ui, sans-serif", label_font_size=11, major_label_font_size=11,
                  legend_font_size=12, title_font_size=14)
    chart = pygal.StackedBar(style=style, js=[], disable_xml_declaration=True, width=720, height=360,
                             x_label_rotation=30, legend_at_bottom=True, show_y_guides=True,
                             print_values=False, title=title, truncate_label=-1)
    chart.uuid = CHART_ID  # a fixed id: the stylesheet is scoped to #chart-stances
    chart.x_labels = [f"{r['year']} · {label(CONSTITUENCY_GROUP, r['constituency'])}" for r in rows]
    top = max(max(sum(r["counts"].values()) for r in rows), 1)
    step = max(1, -(-top // 8))
    chart.y_labels = list(range(0, top + step, step))  # whole numbers: these are counts
    for code, text in STANCE.items():
        chart.add(str(text), [r["counts"][code] for r in rows])
    return chart.render(is_unicode=True)


def stance_chart(rows: list[dict], title: str) -> Markup | None:
    """The stacked bar chart (SVG, without its style and script) of these rows, or None when
    there is nothing to draw."""
    rows = rows[-MAX_BARS:]
    if not rows:
        return None
    svg = _SCRIPT.sub("", _STYLE.sub("", _render(rows, title)))
    return Markup(svg.replace('style="opacity: 0"', 'opacity="0"'))


def chart_css() -> str:
    """pygal's stylesheet for the chart (the same for every chart of this module)."""
    if "css" not in _css_cache:
        sample = [{"year": 2000, "constituency": "government", "counts": {k: 1 for k in STANCE}, "total": 4}]
        found = _STYLE.search(_render(sample, ""))
        _css_cache["css"] = html.unescape(found.group(1)) if found else ""  # it was XML text
    return _css_cache["css"]
