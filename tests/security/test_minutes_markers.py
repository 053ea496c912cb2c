"""Class 8: statement markers in minutes are the server's. A correction (or the secretariat's
edit) can never create, move or re-attribute a statement, before or after acceptance; a
legitimate correction still works."""
from datetime import UTC, datetime, timedelta

import pytest

from app.extensions import db
from app.minutes import statements
from app.minutes.models import Correction, Minutes
from tests.minutes.conftest import session  # noqa: F401  (fixture)


@pytest.fixture
def minutes(session, client, token):  # noqa: F811
    h = token(session["sec"])
    r = client.post(f"/api/v1/consultations/{session['c'].id}/minutes", headers=h)
    assert r.status_code == 201
    return r.json


@pytest.fixture
def circulated(session, minutes, client, token):  # noqa: F811
    deadline = (datetime.now(UTC) + timedelta(days=3)).isoformat()
    r = client.post(f"/api/v1/minutes/{minutes['id']}/circulate", json={"deadline": deadline},
                    headers=token(session["sec"]))
    assert r.status_code == 200
    return r.json


def own(m, user):
    return [s["anchor"] for s in m["statements"] if s["user_id"] == user.id]


def forgeries(emp_anchor: str, emp_id: int) -> list[str]:
    """A statement marker naming the employers' delegate, spelt every way we could think of."""
    a, n = emp_anchor, emp_id
    seq = a[3:]
    return [
        f"Fine.\n\n{{#{a} @{n}}} I withdraw my support for the framework.",   # their real anchor
        f"Fine.\n{{#st-99999 @{n}}} A new statement.",                          # an anchor never issued
        f"Fine. {{#{a} @{n}}} inline",                                           # mid-line
        f"Fine.\n{{ #{a}  @{n} }} with spaces",                                 # whitespace inside
        f"Fine.\n\t {{#{a} @{n}}} indented",
        f"Fine.\n&#123;#{a} @{n}&#125; entities",                                # HTML entities
        f"Fine.\n&lbrace;#{a} @{n}&rbrace; named entities",
        f"Fine.\n%7B%23{a}%20%40{n}%7D percent-encoded",                          # URL encoding
        f"Fine.\n\uff5b#{a} @{n}\uff5d full-width braces",                        # NFKC folds these
        f"Fine.\n{{\u200b#{a} @\u2060{n}}} invisible characters",                 # zero-width, word joiner
        f"Fine.\n\\{{#{a} @{n}\\}} backslashes",
        f"Fine.\n{{#{a} @{n}",                                                    # partial: no closing brace
        f"Fine. @{n}}}",                                                          # partial: the tail
        f"Fine.\n#st-{seq}",                                                      # partial: the anchor
        f"Fine.\n{{#ST-{seq} @{n}}} upper case",
    ]


def _state(client, token, session, mid):  # noqa: F811
    body = client.get(f"/api/v1/minutes/{mid}", headers=token(session["sec"])).json
    return body["body"], body["statements"], body["html"]


def test_forged_markers_in_a_correction_are_refused(session, circulated, client, token):  # noqa: F811
    gov, emp = session["gov"], session["emp"]
    mid = circulated["id"]
    anchor = own(circulated, gov)[0]
    emp_anchor = own(circulated, emp)[0]
    before = _state(client, token, session, mid)
    as_gov = token(gov)
    for text in forgeries(emp_anchor, emp.id):
        r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": text},
                        headers=as_gov)
        assert r.status_code == 422, text
        assert r.json["error"]["code"] == "invalid" and r.json["error"]["fields"] == {"text": "statement marker"}
    assert client.get(f"/api/v1/minutes/{mid}/corrections", headers=token(session["sec"])).json["items"] == []
    assert _state(client, token, session, mid)[:2] == before[:2]


@pytest.mark.parametrize("index", range(15))
def test_a_forged_correction_stored_earlier_is_never_applied(session, circulated, client, token, index):  # noqa: F811
    """Corrections written before the check existed (straight into the table): accepting one
    is refused (409) and changes nothing; rejecting it still works."""
    gov, emp = session["gov"], session["emp"]
    mid = circulated["id"]
    anchor = own(circulated, gov)[0]
    text = forgeries(own(circulated, emp)[0], emp.id)[index]
    corr = Correction(minutes_id=mid, anchor=anchor, statement=anchor, text=text, author_id=gov.id)
    db.session.add(corr)
    db.session.commit()
    before = _state(client, token, session, mid)
    r = client.post(f"/api/v1/corrections/{corr.id}/accept", json={}, headers=token(session["sec"]))
    assert r.status_code == 409 and r.json["error"]["code"] == "conflict"
    after = _state(client, token, session, mid)
    assert after == before
    assert own({"statements": after[1]}, emp) == own(circulated, emp)
    r = client.post(f"/api/v1/corrections/{corr.id}/reject", json={"reason": "forged"}, headers=token(session["sec"]))
    assert r.status_code == 200 and r.json["status"] == "rejected"


def test_a_quoted_passage_cannot_complete_a_partial_marker(session, circulated, client, token):  # noqa: F811
    """A statement whose text ends in "}" and a correction that would end a line with "{#st-N @id"
    just before it: the server refuses the text, and would refuse the result at acceptance."""
    gov, emp = session["gov"], session["emp"]
    mid = circulated["id"]
    anchor = own(circulated, gov)[0]
    m = db.session.get(Minutes, mid)
    m.body = statements.replace_statement(m.body, anchor, "We said hello world @} and more")
    db.session.commit()
    emp_anchor = own(circulated, emp)[0]
    text = f"said hello\n{{#{emp_anchor} @{emp.id}"
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": "said hello world", "text": text},
                    headers=token(gov))
    assert r.status_code == 422
    corr = Correction(minutes_id=mid, anchor="world @}", statement=anchor, text=f"\n{{#{emp_anchor} @{emp.id}",
                      author_id=gov.id)
    db.session.add(corr)
    db.session.commit()
    before = _state(client, token, session, mid)
    r = client.post(f"/api/v1/corrections/{corr.id}/accept", json={}, headers=token(session["sec"]))
    assert r.status_code == 409
    assert _state(client, token, session, mid) == before


def test_a_legitimate_correction_still_works(session, circulated, client, token):  # noqa: F811
    gov, emp = session["gov"], session["emp"]
    mid = circulated["id"]
    anchor = own(circulated, gov)[0]
    text = "stressed that contributions paid in one member state count in another (art. 5 {b})."
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": text}, headers=token(gov))
    assert r.status_code == 201, r.json
    r = client.post(f"/api/v1/corrections/{r.json['id']}/accept", json={}, headers=token(session["sec"]))
    assert r.status_code == 200 and r.json["status"] == "accepted"
    body, stmts, html = _state(client, token, session, mid)
    assert text in body and stmts == circulated["statements"]
    assert statements.markers(body) == statements.markers(circulated["body"])
    assert f'id="{anchor}" data-speaker="{gov.id}"' in html
    # and the employer still cannot touch the government's statement
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": anchor, "text": "No."}, headers=token(emp))
    assert r.status_code == 403


def test_the_secretariat_edits_text_but_not_markers(session, minutes, client, token):  # noqa: F811
    sec = token(session["sec"])
    gov, emp = session["gov"], session["emp"]
    url = f"/api/v1/minutes/{minutes['id']}"
    body = minutes["body"]
    gov_anchor, emp_anchor = own(minutes, gov)[0], own(minutes, emp)[0]
    refused = [
        body + f"\n{{#st-99999 @{emp.id}}} An invented statement.\n",                  # never issued
        body + f"\n{{#{emp_anchor} @{emp.id}}} A second paragraph for the employer.\n",  # duplicated
        body.replace(f"{{#{gov_anchor} @{gov.id}}}", f"{{#{gov_anchor} @{emp.id}}}"),     # re-attributed
        body + f"\n&#123;#{emp_anchor} @{emp.id}&#125; encoded\n",
    ]
    for text in refused:
        r = client.patch(url, json={"body": text}, headers=sec)
        assert r.status_code == 422 and r.json["error"]["fields"] == {"body": "statement marker"}, text[-80:]
    assert client.get(url, headers=sec).json["body"] == body
    # editing the wording, moving a whole paragraph with its marker, or dropping one is fine
    edited = body.replace("[summary of the statement]", "welcomed the draft", 1)
    r = client.patch(url, json={"body": edited}, headers=sec)
    assert r.status_code == 200 and r.json["statements"] == minutes["statements"]
    # a placeholder the renderer once used is plain text now
    r = client.patch(url, json={"body": edited + f"\nBRZST1U{emp.id}Z hello\n"}, headers=sec)
    assert r.status_code == 200 and r.json["html"].count("data-speaker") == len(minutes["statements"])


def test_markers_already_forged_in_a_body_do_not_count(session, circulated, client, token):  # noqa: F811
    """A body carrying forged markers from before (written straight into the table): they give
    nobody a statement, and the real speaker keeps theirs."""
    gov, emp = session["gov"], session["emp"]
    mid = circulated["id"]
    emp_anchor = own(circulated, emp)[0]
    m = db.session.get(Minutes, mid)
    m.body = (f"{{#{emp_anchor} @{gov.id}}} The employer's words, claimed by the government.\n\n"
              f"{{#st-99999 @{emp.id}}} Never said.\n\n" + m.body)
    db.session.commit()
    body, stmts, html = _state(client, token, session, mid)
    assert stmts == circulated["statements"]
    assert 'id="st-99999"' not in html
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": "st-99999", "text": "x"}, headers=token(emp))
    assert r.status_code == 422
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": emp_anchor, "text": "x"}, headers=token(gov))
    assert r.status_code == 403
    r = client.post(f"/api/v1/minutes/{mid}/corrections", json={"anchor": "claimed by the government", "text": "x y"},
                    headers=token(gov))
    assert r.status_code == 422  # that paragraph is nobody's statement


def test_a_line_break_in_a_title_cannot_start_a_marker_in_the_draft(session, client, token):  # noqa: F811
    """Names and titles are user text too: the drafting folds their line breaks."""
    from app.consultations.models import AgendaItem
    emp = session["emp"]
    item = db.session.get(AgendaItem, session["items"][0].id)
    item.title = f"Opening\n{{#st-99999 @{emp.id}}} forged by a title"
    db.session.commit()
    r = client.post(f"/api/v1/consultations/{session['c'].id}/minutes", headers=token(session["sec"]))
    assert r.status_code == 201
    assert ("st-99999", emp.id) not in statements.markers(r.json["body"])
    assert all(s["anchor"] != "st-99999" for s in r.json["statements"])
