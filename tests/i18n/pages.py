"""One consultation with something on every main page kind (the consultation, its live room, a
document with comments, a motion with its result, the minutes, the public archive), with Arabic
and Latin user content side by side; and a helper that fetches those pages in a language."""
from datetime import UTC, datetime, timedelta

from app.accounts.services import set_language
from app.extensions import db

# user content: never checked for English, and written so that no UI word hides in it
ARABIC_NAME = "محمد بن علي"
TITLE = "Uhamiaji wa wafanyakazi Afrika Magharibi"


def build(factory):
    """Returns (people, urls_live, finish) where finish() closes, adopts, publishes and returns
    the URLs that exist only afterwards (the public archive)."""
    from app.consultations import services as consultations
    from app.consultations import agenda as consultation_agenda
    from app.documents import contributions
    from app.documents import services as documents
    from app.minutes import publication
    from app.minutes import services as minutes
    from app.votes import services as votes
    sec = factory.secretariat
    c = factory.consultation(status="live", title=TITLE)
    consultation_agenda.add_agenda_item(sec, c, "Ufunguzi")
    people = factory.tripartite(c)
    people["workers"].name = ARABIC_NAME
    doc = documents.create_document(sec, c.id, {"title": "Mkataba wa mfano", "status": "open",
                                                "body": "1. Vibali hudumu miezi kumi na miwili.\n\n2. Upyaji ni bure."})
    db.session.commit()
    contributions.add_comment(people["workers"], doc.id, "نؤيد هذا النص.")
    contributions.add_comment(people["government"], doc.id, "Tunakubali.")
    m = votes.create_motion(sec, c, {"question": "Kupitisha mkataba?", "ballot": "roll_call", "rule": "simple"})
    votes.open_motion(sec, m)
    for u in people.values():
        votes.cast_ballot(u, m.id, "yes")
    votes.close_motion(sec, m)
    mins = minutes.draft_minutes(sec, c)
    minutes.circulate(sec, mins, datetime.now(UTC) + timedelta(days=1))
    db.session.commit()
    live = {"consultation": f"/consultations/{c.id}", "room": f"/consultations/{c.id}/room",
            "document": f"/documents/{doc.id}", "motion": f"/motions/{m.id}", "minutes": f"/minutes/{mins.id}",
            "minutes side by side": f"/minutes/{mins.id}/languages?left=en&right=ar"}

    def finish():
        minutes.adopt(sec, mins, confirm_placeholders=True)
        consultations.change_status(sec, c, "closed")
        publication.publish(sec, c, {k: True for k in publication.FLAGS})
        db.session.commit()
        return {"public archive": f"/public/consultations/{c.id}", "public index": "/public/consultations"}
    return people, live, finish


def fetch(client, login, user, lang: str, urls: dict) -> dict[str, str]:
    """The pages as `user` reads them in `lang` (user None: signed out, the switcher's choice)."""
    if user is not None:
        set_language(user, lang)
        db.session.commit()
        login(user)
    else:
        client.post("/logout")
        client.post("/language", data={"language": lang})
    out = {}
    for name, url in urls.items():
        r = client.get(url)
        assert r.status_code == 200, (name, url, r.status_code)
        out[name] = r.get_data(as_text=True)
    return out
