"""What a writer may put on the wire: stored text made safe for a mail header or an iCalendar value.

Single-line fields refuse control characters at the door, but rows written before that rule (or
by another path) may still hold a line break, a NUL or an escape. A header value with a line
break is refused by the email package (or, worse, would start a new header); an iCalendar TEXT
value may not hold a control character other than a tab (RFC 5545 3.3.11), and a bare CR or an
unescaped LF in an X- property breaks the file. So each writer passes stored text through here:
nothing a participant typed can end a header, start a property or make a writer raise."""
import re
import unicodedata

# Everything a reader treats as the end of a line.
_LINE_BREAKS = re.compile(r"\r\n|[\r\n\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")


def _is_control(ch: str) -> bool:
    return unicodedata.category(ch) == "Cc"


def header_text(value) -> str:
    """One line for a mail header (Subject, a display name): every line break or other control
    character becomes a space, runs of spaces collapse, and the ends are trimmed. The email
    package then encodes what is not ASCII (RFC 2047); nothing here is concatenated by hand."""
    text = _LINE_BREAKS.sub(" ", str(value or ""))
    text = "".join(" " if _is_control(ch) else ch for ch in text)
    return re.sub(r"\s{2,}", " ", text).strip()


def ics_text(value) -> str:
    """Text for an iCalendar TEXT value: line breaks of every kind become one LF (which the
    icalendar library escapes as \\n), tabs stay, other control characters are dropped. A title
    with a line break therefore reads back with its line break, escaped on the wire."""
    text = _LINE_BREAKS.sub("\n", str(value or ""))
    return "".join(ch for ch in text if ch in "\n\t" or not _is_control(ch))
