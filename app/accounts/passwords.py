"""The password policy (NIST SP 800-63B, 5.1.1.2): a length between MIN_PASSWORD and
MAX_PASSWORD, no composition rules, and no password that is common, a simple pattern or built
from the person's own name or e-mail address.

The check is zxcvbn's (Dropbox's estimator, with its frequency lists of leaked passwords,
English words, names and keyboard patterns) given the person's name and e-mail as extra words.
zxcvbn is pure Python; its cost grows with the square of the length times the number of "l33t"
readings the characters allow (up to 736 when all of 4@8({[<3&69!|1i7+%2$5 and 0 appear):
64 such characters take seconds. So it reads at most ANALYSED characters, and only
ANALYSED_L33T when they hold more than L33T_DISTINCT different l33t characters (no common
password does; at most about 20 readings then). What follows can only add strength, a repetition of a
weak word is weak in its first characters already, and the person's own words are also looked
for in the whole password. Under gevent it runs in a worker thread, so the event loop keeps
serving the other requests and rooms meanwhile.

zxcvbn and its lists are imported at the first check, in that thread: they are 13 MB of every
server process's memory that only a password change needs."""
import re
from functools import cache

from flask_babel import lazy_gettext as _l

from app.core.errors import Invalid

MIN_PASSWORD = 10
MAX_PASSWORD = 128
ANALYSED = 32
ANALYSED_L33T = 16
L33T_DISTINCT = 5
# zxcvbn's score 3 means at least 10^8 guesses: out of reach of an online attack held back by
# the sign-in rate limits, and of a slow-hash (argon2) offline one for a long while.
MIN_SCORE = 3
# Words of the person shorter than this would refuse too much ("Li" is in "ligament").
MIN_WORD = 3
SERVICE_WORDS = ("baraza",)


def personal_words(name: str | None, email: str | None) -> list[str]:
    """The words a guesser who knows the person tries first: each part of the name, the e-mail
    address's local part whole and in pieces, and its domain's labels (not the last one)."""
    words: list[str] = []
    if name:
        words += re.split(r"[\W_]+", name.lower())
    if email and "@" in email:
        local, _, domain = email.lower().rpartition("@")
        words += [local, *re.split(r"[\W_]+", local), *domain.split(".")[:-1]]
    seen = dict.fromkeys(w for w in (*words, *SERVICE_WORDS) if len(w) >= MIN_WORD)
    return list(seen)


def _gevent_patched() -> bool:
    try:
        from gevent import monkey
    except ImportError:  # pragma: no cover - gevent is a dependency
        return False
    return monkey.is_module_patched("socket")


@cache
def _l33t_chars() -> frozenset[str]:
    from zxcvbn.matching import L33T_TABLE
    return frozenset(c for subs in L33T_TABLE.values() for c in subs)


def _analyse(password: str, words: list[str]) -> dict:
    """zxcvbn's result for the password's first ANALYSED characters, or ANALYSED_L33T of them
    when they hold more than L33T_DISTINCT different l33t characters."""
    from zxcvbn import zxcvbn
    sample = password[:ANALYSED]
    if len(_l33t_chars().intersection(sample)) > L33T_DISTINCT:
        sample = password[:ANALYSED_L33T]
    return zxcvbn(sample, user_inputs=words, max_length=ANALYSED)


def estimate(password: str, words: list[str]) -> dict:
    """zxcvbn's result (see _analyse), off the event loop under gevent."""
    if _gevent_patched():
        from gevent import get_hub
        return get_hub().threadpool.apply(_analyse, (password, words))
    return _analyse(password, words)


def check_new_password(password: str, *, name: str | None = None, email: str | None = None,
                       field: str = "password") -> None:
    """Raise Invalid (422, `fields: {field: reason}`) when the password breaks the policy;
    the message says why in the reader's language."""
    if len(password) < MIN_PASSWORD:
        raise Invalid(_l("The password needs at least %(n)s characters.", n=MIN_PASSWORD),
                      {field: "too short"})
    if len(password) > MAX_PASSWORD:
        raise Invalid(_l("The password may have at most %(n)s characters.", n=MAX_PASSWORD),
                      {field: "too long"})
    words = personal_words(name, email)
    result = estimate(password, words)
    sequence = result["sequence"]
    lowered = password.lower()
    if any(m.get("dictionary_name") == "user_inputs" for m in sequence) or \
            any(w in lowered for w in words if len(w) > MIN_WORD):
        raise Invalid(_l("The password must not contain your name, your e-mail address or the "
                         "name of this platform."), {field: "contains name or e-mail"})
    if result["score"] >= MIN_SCORE:
        return
    if any(m.get("dictionary_name") == "passwords" for m in sequence):
        raise Invalid(_l("This password is one of the most commonly used ones; choose another."),
                      {field: "too common"})
    raise Invalid(_l("This password is too easy to guess (a common word, a name, a date, a "
                     "repetition or a keyboard pattern). A few unrelated words make a strong one."),
                  {field: "too easy to guess"})
