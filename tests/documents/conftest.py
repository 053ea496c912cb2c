"""Document fixtures: a live consultation with a tripartite delegation and an open document."""
import pytest

BODY = """# Draft policy

## Scope

This policy covers every private employment agency licensed in the country.

Recruitment fees shall not be charged to workers.

1. First measure on bilateral agreements.
2. Second measure on fair recruitment.

| Cost | Worker pays |
|---|---|
| Fee | never |

Final paragraph with a note.[^1]

[^1]: A footnote.
"""

# Ten words a paragraph cycles through: every paragraph shares its vocabulary with every other,
# the case difflib's quick bounds could not prune and its matching blocks made quadratic.
WORDS = "recruitment fees social security portability bilateral labour agreement migrant workers".split()


def repetitive_paragraphs(count: int, words_each: int) -> tuple[list[str], list[str]]:
    """`count` paragraphs of `words_each` words cycling through WORDS, each starting one word
    further on, and the same lightly edited ("fees" and "workers" replaced)."""
    first = [" ".join(WORDS[(i + k) % len(WORDS)] for k in range(words_each)) for i in range(count)]
    return first, [p.replace("fees", "charges").replace("workers", "employees") for p in first]


class Docs:
    def __init__(self, factory, client, token):
        self.factory, self.client, self._token = factory, client, token
        self._headers = {}

    def h(self, user):
        if user.id not in self._headers:
            self._headers[user.id] = self._token(user)
        return self._headers[user.id]

    def create(self, c, body=BODY, status="open", title="Draft policy", user=None, **extra):
        resp = self.client.post(f"/api/v1/consultations/{c.id}/documents",
                                json={"title": title, "body": body, "status": status, **extra},
                                headers=self.h(user or self.factory.secretariat))
        assert resp.status_code == 201, resp.json
        return resp.json

    def get(self, doc_id, user=None):
        return self.client.get(f"/api/v1/documents/{doc_id}", headers=self.h(user or self.factory.secretariat))

    def anchors(self, doc_id):
        return [p["anchor"] for p in self.get(doc_id).json["current_version"]["paragraphs"]]

    def post(self, path, user, json=None, method="post"):
        return getattr(self.client, method)(f"/api/v1{path}", json=json, headers=self.h(user))


@pytest.fixture
def docs(factory, client, token):
    return Docs(factory, client, token)


@pytest.fixture
def setting(factory, docs):
    """A live consultation: tripartite delegates, an adviser, an observer, an outsider, an open document."""
    c, people = factory.live_room()
    doc = docs.create(c)
    return {"c": c, "doc": doc, "id": doc["id"], **people}
