"""Draft documents' events: versions, status, comments, amendments and positions."""
from app.core.events import Event, Searchable, declare, local


@declare("document.version")
class DocumentVersion(Event):
    document_id: int
    title: str
    number: int
    note: str
    published: bool = False  # a draft made visible (its status change is a document.status)
    # the version an accepted amendment made: its number and proposing organisation (the minutes
    # and mails credit it in their reader's language)
    amendment_id: int | None = None
    amendment_by: str = ""
    searchable: Searchable | None = local()


@declare("document.status", rendered=False)
class DocumentStatus(Event):
    document_id: int
    title: str
    status: str
    previous: str
    comments_close_at: str | None
    searchable: Searchable | None = local()


@declare("comment.created")
class CommentCreated(Event):
    document_id: int
    comment_id: int
    parent_id: int | None
    anchor: str | None
    body: str            # at most ROOM_TEXT_MAX characters (truncated says whether it was cut)
    html: str | None     # None when the comment is too long to send to every member
    version_number: int
    truncated: bool = False
    searchable: Searchable | None = local()


@declare("comment.resolved", rendered=False)
class CommentResolved(Event):
    document_id: int
    comment_id: int


@declare("amendment.created")
class AmendmentCreated(Event):
    document_id: int
    amendment_id: int
    anchor: str
    text: str            # text and rationale: at most ROOM_TEXT_MAX characters each
    rationale: str
    organisation: dict
    truncated: bool = False
    searchable: Searchable | None = local()


@declare("amendment.decided")
class AmendmentDecided(Event):
    document_id: int
    amendment_id: int
    decision: str
    reason: str | None
    version_number: int | None
    title: str
    # decided by a vote on the floor: the motion's result ("motion_result", {motion_id, outcome,
    # reason_code, reason_params}); None when the secretariat decided by hand
    reason_code: str | None = None
    reason_params: dict | None = None


@declare("position.updated")
class PositionUpdated(Event):
    document_id: int
    position_id: int
    organisation: dict
    constituency: str | None
    stance: str
    searchable: Searchable | None = local()


@declare("document.renamed", rendered=False)
class DocumentRenamed(Event):
    document_id: int
    title: str
    searchable: Searchable | None = local()
