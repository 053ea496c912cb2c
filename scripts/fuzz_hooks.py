"""Schemathesis hooks for scripts/api_fuzz.sh: besides the values generated from the schema,
every JSON body is also tried with each string field (and object key) replaced by a hostile
value (lone surrogates, control characters, line/paragraph separators, bidi and zero-width
characters) and with a field nested deeper than the server accepts; every query string with
control characters. No such request may answer 500."""
import json

from hypothesis import strategies as st

import schemathesis

HOSTILE = ["\ud800", "x\udfffy", "\udbff\udbff", "line\nbreak", "cr\rlf", "esc\x1b[2J", "nul\x00",
           "del\x7f", "nel\x85", "ls\u2028ps\u2029", "bidi\u202eevil", "zw\u200bsp", "\ufeffbom", "tab\tx"]
QUERY_HOSTILE = ["line\nbreak", "esc\x1b[2J", "ls\u2028", "bidi\u202e", "\x7f", "a\tb"]
DEEP = 40  # deeper than app.core.jsonsafe.MAX_DEPTH


def _nest(value, depth: int):
    for _ in range(depth):
        value = [value]
    return value


def _variants(body):
    """The body with each string (and key) replaced by each hostile value, and deep nesting."""
    out = []

    def walk(node, rebuild):
        if isinstance(node, dict):
            for k, v in node.items():
                walk(v, lambda new, k=k: rebuild({**node, k: new}))
                for bad in HOSTILE[:3]:
                    out.append(rebuild({**{kk: vv for kk, vv in node.items() if kk != k}, bad: v}))
        elif isinstance(node, list):
            for i, v in enumerate(node[:5]):
                walk(v, lambda new, i=i: rebuild(node[:i] + [new] + node[i + 1:]))
        elif isinstance(node, str):
            out.extend(rebuild(bad) for bad in HOSTILE)
        if isinstance(node, dict | list):
            out.append(rebuild(_nest(node, DEEP)))

    walk(body, lambda new: new)
    return out


def _sendable(value) -> bool:
    """Whether a body can be encoded at all: a multipart form cannot carry a lone surrogate (the
    client fails before sending), a JSON body can (escaped as \\ud800)."""
    try:
        json.dumps(value, ensure_ascii=False).encode("utf-8")
        return True
    except UnicodeEncodeError:
        return False


def _has_form_body(context) -> bool:
    try:
        return any("multipart/form-data" in b.media_type for b in context.operation.body)
    except (AttributeError, TypeError):
        return False


@schemathesis.hook
def flatmap_body(context, body):
    if not isinstance(body, dict | list):  # bytes, text or scalars of other media types
        return st.just(body)
    variants = _variants(body)
    if _has_form_body(context):
        variants = [v for v in variants if _sendable(v)]
    if not variants:
        return st.just(body)
    return st.one_of(st.just(body), st.sampled_from(variants))


@schemathesis.hook
def flatmap_query(context, query):
    strings = [k for k, v in (query or {}).items() if isinstance(v, str)]
    if not strings:
        return st.just(query)
    return st.one_of(st.just(query), st.builds(lambda k, bad: {**query, k: bad},
                                               st.sampled_from(strings), st.sampled_from(QUERY_HOSTILE)))
