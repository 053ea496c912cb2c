"""What features add to shared pages and jobs, kept per app on app.extensions["baraza.features"]
(tests build many apps: nothing outlives the app it was registered on).

- sections: fn(consultation, user) -> {"title", "template", "context"} or None, cards on the
  consultation page;
- actions: fn(consultation, user) -> {"url", "label", "cls"?} or None, buttons on its head;
- nav: fn(user or None) -> {"url", "label"}, a list of them, or None, links in every header;
- public: fn(consultation, kinds) -> {"title", "template", "context"} or None, sections of the
  public archive page for what the publication covers (`kinds`: Publication.kinds());
- demo: fn(consultations by key, users by key), demo content after the core demo data;
- followers: fn(consultation) -> users who follow it (its themes, its standing body), whom
  notifications tells of new consultations, decisions and positions (if they may see them);
- body_session: fn(actor, consultation, body_id, data), set by the standing bodies feature:
  makes a consultation being created a session of that body (POST /consultations body_id);
- body_choices: fn() -> [(id, label)], set by the same feature: the bodies a new consultation
  may be a session of (the picker on the new-consultation page);
- motion_origins: kind -> fn(actor, ref_id) -> {"consultation_id", "question", "agenda_item_id"?,
  "document_version_id"?}, set by the feature owning such records (documents: "amendment"):
  what a motion about that record puts to the vote, after checking it may be; the owner learns
  the result from the motion.closed event, whose `origin` names the record;
- moderated: kind -> fn(ref_id) -> {"consultation_id", "author_id", "author", "text", "url",
  "title"} or None, set by
  the features owning written content (documents: "comment", "amendment"; rooms: "chat"): what
  the secretariat may hide and a participant may report (app.consultations.moderation)."""
from collections.abc import Callable
from dataclasses import dataclass, field

from flask import current_app


@dataclass
class Features:
    sections: list[Callable] = field(default_factory=list)
    actions: list[Callable] = field(default_factory=list)
    nav: list[Callable] = field(default_factory=list)
    public: list[Callable] = field(default_factory=list)
    demo: list[Callable] = field(default_factory=list)
    followers: list[Callable] = field(default_factory=list)
    body_session: Callable | None = None
    body_choices: Callable | None = None
    motion_origins: dict[str, Callable] = field(default_factory=dict)
    moderated: dict[str, Callable] = field(default_factory=dict)


def features_of(app=None) -> Features:
    return (app or current_app).extensions["baraza.features"]


def detail_sections(consultation, user) -> list[dict]:
    return [s for s in (fn(consultation, user) for fn in features_of().sections) if s]


def detail_actions(consultation, user) -> list[dict]:
    return [a for a in (fn(consultation, user) for fn in features_of().actions) if a]


def public_sections(consultation, kinds: set[str]) -> list[dict]:
    return [s for s in (fn(consultation, kinds) for fn in features_of().public) if s]


def nav_items(user) -> list[dict]:
    out = []
    for fn in features_of().nav:
        item = fn(user)
        if isinstance(item, list):
            out.extend(item)
        elif item:
            out.append(item)
    return out


def init_app(app) -> None:
    app.extensions["baraza.features"] = Features()

    @app.context_processor
    def _feature_context():
        from flask import has_request_context
        from flask_login import current_user
        if not has_request_context():
            return {}
        user = current_user if current_user and current_user.is_authenticated else None
        return {"extra_nav": nav_items(user)}
