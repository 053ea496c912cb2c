"""What the room's actions take, read alike by both doors: the HTTP API's bodies and the
Socket.IO events' payloads (app.core.sockets.socket_handler(payload_spec=...))."""
from app.core.validation import Field
from app.rooms.services import CLIENT_ID_MAX
from app.rooms.speakers import KINDS

CHAT_BODY = {"text": Field(str, required=True, strip=False, multiline=True), "client_id": Field(str, max_len=CLIENT_ID_MAX)}
HAND_BODY = {"raised": Field(bool), "user_id": Field(int), "kind": Field(str, choices=KINDS)}
HAND_RAISE = {"kind": Field(str, choices=KINDS)}
USER_BODY = {"user_id": Field(int, required=True)}
FLOOR_BODY = {"user_id": Field(int, required=True), "limit_s": Field(int, nullable=True)}
SPEAKER_BODY = {"user_id": Field(int, required=True), "kind": Field(str, choices=KINDS)}
REORDER_BODY = {"user_ids": Field("int_list", required=True, item_max=500)}
AGENDA_BODY = {"agenda_item_id": Field(int, required=True)}
SESSION_BODY = {"status": Field(str, required=True, choices=("live", "closed"))}
