"""JSON read from clients (HTTP bodies and Socket.IO packets): one loader that refuses what the
rest of Baraza cannot hold, with 400 `invalid`, before any view, service or database sees it.
And JSON written to sockets: parts encoded once (RawJSON) are spliced into packets as they are.

Threat: `"\\ud800"` is valid JSON but decodes to a lone UTF-16 surrogate, a Python str that no
UTF-8 writer (database driver, template, mail, log) can encode, so it failed far from the door
(a 500, or a row that could never be shown again). Deep nesting (100,000 `[`) exhausted the
parser's recursion. Both are refused here; nothing a person can type needs either.

Cost: only C-speed passes (regex, json): the depth check runs when the text has more than
MAX_DEPTH brackets, the surrogate check when it holds a `\\uD800`-`\\uDFFF` escape."""
import json
import re
from itertools import accumulate

from flask.json.provider import DefaultJSONProvider
from flask_babel import lazy_gettext as _l
from socketio.packet import Packet

from app.core.errors import BadRequest

MAX_DEPTH = 32
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


def _too_deep() -> BadRequest:
    return BadRequest(_l("The JSON is nested more than %(num)d levels deep.", num=MAX_DEPTH))


def _surrogate() -> BadRequest:
    return BadRequest(_l("The JSON contains a lone surrogate (\\ud800-\\udfff), which is not a character."))


def _bad_str(s: str) -> bool:
    try:
        s.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")
# [ and { count +1, ] and } count -1 (0xFF read as a signed byte)
_STEP = bytes.maketrans(b"[]{}", bytes((1, 255, 1, 255)))


def _depth_exceeds(raw: bytes) -> bool:
    """True when the JSON text nests deeper than MAX_DEPTH: strings removed, brackets kept as
    +1/-1, the running sum's maximum. C passes only (1 MB of brackets: ~0.1 s, less than
    json.loads of the same text)."""
    steps = _STRING.sub(b"", raw).translate(_STEP, _NOT_BRACKETS)
    return max(accumulate(memoryview(steps).cast("b")), default=0) > MAX_DEPTH


def _holds_surrogate(value) -> bool:
    """True when a key or string of the decoded value is not valid Unicode text."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def loads(text, **kwargs):
    """json.loads for client input: BadRequest for deep nesting and lone surrogates; ValueError
    (as json.loads) for text that is not JSON."""
    if isinstance(text, bytes | bytearray):
        raw, text = bytes(text), text.decode("utf-8")  # strict: never yields a surrogate itself
        raw_ok = True
    else:
        raw, raw_ok = text.encode("utf-8", "surrogatepass"), False
    if raw.count(b"[") + raw.count(b"{") > MAX_DEPTH and _depth_exceeds(raw):
        raise _too_deep()
    try:
        value = json.loads(text, **kwargs)
    except RecursionError:
        raise _too_deep() from None
    if ((not raw_ok or ("\\u" in text and _SURROGATE_ESCAPE.search(text)))
            and _holds_surrogate(value)):
        raise _surrogate()
    return value


class SafeJSONProvider(DefaultJSONProvider):
    """Flask's JSON provider with loads() above: request.get_json() and everything built on it
    refuse lone surrogates and deep nesting with 400 (a DomainError, so get_json(silent=True)
    does not swallow it into a misleading "must be an object")."""

    def loads(self, s, **kwargs):
        return loads(s, **kwargs)


class RefusedPayload:
    """A Socket.IO event argument that could not be accepted; the handler acks its error."""

    def __init__(self, error: BadRequest) -> None:
        self.error = error


_EVENT_NAME = re.compile(r'\s*\[\s*"((?:[^"\\]|\\.){1,100})"')


class RawJSON:
    """A value already encoded as JSON text. As a top-level value of an acknowledgement or
    event payload it goes into the packet as it is (SocketJSON.dumps): a list that many sockets
    are sent alike (a room's presence, a replay) is encoded once, not once per socket, and
    never walked again in Python (SocketPacket.data_is_binary)."""

    __slots__ = ("text",)

    def __init__(self, text: str) -> None:
        self.text = text

    @classmethod
    def of_parts(cls, parts) -> "RawJSON":
        """A JSON array of values each already encoded."""
        return cls("[" + ",".join(parts) + "]")

    def __eq__(self, other) -> bool:
        return isinstance(other, RawJSON) and other.text == self.text

    __hash__ = None


def encode(value) -> str:
    """Compact JSON text of a value, as a packet holds it."""
    return json.dumps(value, separators=(",", ":"))


def _spliced(value, kwargs) -> str:
    """json.dumps of a dict whose top-level values may be RawJSON."""
    item_sep, key_sep = kwargs.get("separators") or (", ", ": ")
    return "{" + item_sep.join(
        json.dumps(str(k)) + key_sep + (v.text if isinstance(v, RawJSON) else json.dumps(v, **kwargs))
        for k, v in value.items()) + "}"


def _has_raw(value) -> bool:
    return isinstance(value, dict) and any(isinstance(v, RawJSON) for v in value.values())


class SocketPacket(Packet):
    """python-socketio's packet, with a binary check that stops at the first bytes it meets
    and does not walk into RawJSON (the stock one builds a list for every dict and list it
    holds: at a join storm it was the costliest function of the server, for answers listing
    hundreds of people). Baraza never sends binary data; the check stays for correctness."""

    @classmethod
    def data_is_binary(cls, data) -> bool:
        stack = [data]
        while stack:
            item = stack.pop()
            if isinstance(item, bytes | bytearray):
                return True
            if isinstance(item, list):
                stack.extend(item)
            elif isinstance(item, dict):
                stack.extend(item.values())
        return False


class SocketJSON:
    """The json module python-socketio decodes packets with. A packet whose arguments hold a
    lone surrogate or nest too deep still reaches its handler, as [event, RefusedPayload], so
    the client gets an ack {"ok": false, "error": {...}} instead of a silently dropped event.
    Encoding splices RawJSON values (see there)."""

    @staticmethod
    def dumps(obj, **kwargs):
        if isinstance(obj, list) and any(_has_raw(a) for a in obj):
            item_sep = (kwargs.get("separators") or (", ", ": "))[0]
            return "[" + item_sep.join(_spliced(a, kwargs) if _has_raw(a) else json.dumps(a, **kwargs)
                                       for a in obj) + "]"
        return json.dumps(obj, **kwargs)

    @staticmethod
    def loads(text, **kwargs):
        try:
            return loads(text, **kwargs)
        except BadRequest as err:
            m = _EVENT_NAME.match(text) if isinstance(text, str) else None
            name = ""
            if m is not None:
                try:
                    name = json.loads(f'"{m.group(1)}"')
                except ValueError:
                    name = ""
                if _bad_str(name):
                    name = ""
            # no handler has the name "": such an event is dropped; a CONNECT packet's auth
            # arrives as this list and is refused in app.core.sockets.authenticate
            return [name, RefusedPayload(err)]
