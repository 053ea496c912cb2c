"""Mixed-direction text: names and titles inside sentences are isolated (<bdi dir>), each
paragraph of a PDF takes its own text's direction, and an Arabic reader's PDF sets the details
table right to left (label on the right, its value to its left)."""
import io

from pypdf import PdfReader

from app.core.i18n import bdi, text_direction
from app.minutes.export import isolate_directions


def test_direction_from_the_first_letter():
    assert text_direction("Respect the framework.") == "ltr"
    assert text_direction("«محمد» Ali") == "rtl"
    assert text_direction("12 – 14") == "auto"
    assert str(bdi("محمد علي")) == '<bdi dir="rtl">محمد علي</bdi>'
    assert str(bdi("<b>x")) == '<bdi dir="ltr">&lt;b&gt;x</bdi>'


def test_pdf_blocks_take_their_own_direction_and_bold_runs_are_isolated():
    html = isolate_directions("<ol><li>Purpose</li></ol><p>مرحبا</p>"
                              "<ul><li><strong>Respect the framework?</strong> — اعتُمد</li></ul><p>12</p>")
    assert '<li dir="ltr">Purpose</li>' in html and '<p dir="rtl">مرحبا</p>' in html
    # a mixed line keeps the page's direction; its English question is isolated
    assert '<li><strong><span dir="ltr">Respect the framework?</span></strong> — اعتُمد</li>' in html
    assert "<p>12</p>" in html


def _positions(data: bytes, words: list[str]) -> dict[str, float]:
    found = {}
    page = PdfReader(io.BytesIO(data)).pages[0]

    def visit(text, cm, tm, font, size):
        for w in words:
            if w in text and w not in found:
                found[w] = tm[4] * cm[0] + cm[4]
    page.extract_text(visitor_text=visit)
    return found


def test_arabic_pdf_details_table_runs_right_to_left(factory, client, token):
    from app.accounts.services import set_language
    from app.extensions import db
    c = factory.consultation(status="closed", title="ECOWAS portability")
    people = factory.tripartite(c)
    sec = token(factory.secretariat)
    mid = client.post(f"/api/v1/consultations/{c.id}/minutes", headers=sec).json["id"]
    client.post(f"/api/v1/minutes/{mid}/circulate", headers=sec, json={})
    reader = people["workers"]
    for lang in ("ar", "en"):
        set_language(reader, lang)
        db.session.commit()
        pdf = client.get(f"/api/v1/minutes/{mid}/export?format=pdf", headers=token(reader)).data
        # the details table's first row: the label "Consultation" and the value (the title)
        label = {"ar": "المشاورة", "en": "Consultation"}[lang]
        pos = _positions(pdf, [label, "ECOWAS portability"])
        assert set(pos) == {label, "ECOWAS portability"}, (lang, pos)
        if lang == "ar":
            assert pos[label] > pos["ECOWAS portability"]
        else:
            assert pos[label] < pos["ECOWAS portability"]
