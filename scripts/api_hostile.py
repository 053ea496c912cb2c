"""Deterministic hostile-input probe for scripts/api_fuzz.sh: for every operation with a JSON
body in the OpenAPI document, send each declared string field filled with each hostile value
(lone surrogates, control characters, separators, bidi and zero-width characters), a lone
surrogate as a key, and bodies nested 40 and 100,000 levels deep. Prints every 500 and exits 1
if there was one.  Usage: api_hostile.py BASE_URL TOKEN"""
import json
import re
import sys
import urllib.error
import urllib.request

HOSTILE = ['"\\ud800"', '"x\\udfffy"', '"line\\nbreak"', '"cr\\rx"', '"esc\\u001b[2J"', '"del\\u007f"',
           '"nel\\u0085"', '"ls\\u2028ps\\u2029"', '"bidi\\u202eevil"', '"zw\\u200bsp"', '"\\ufeffbom"']


def _kind(prop: dict):
    """The property's type; a nullable one (OpenAPI 3.1: ["string", "null"]) by its non-null type."""
    kind = prop.get("type")
    return next((k for k in kind if k != "null"), None) if isinstance(kind, list) else kind


def _plausible(prop: dict):
    """A valid-looking value for a property, so a request reaches the field under test."""
    if "enum" in prop:
        return prop["enum"][0]
    kind = _kind(prop)
    if kind == "string":
        return "2030-01-01T10:00:00Z" if prop.get("format") == "date-time" else "Plain text"
    return {"integer": 1, "boolean": False, "array": [], "object": {}}.get(kind)


def send(base: str, token: str, method: str, path: str, text: str) -> int:
    req = urllib.request.Request(base + path, data=text.encode(), method=method.upper(),
                                 headers={"Content-Type": "application/json", "Authorization": f"Bearer {token}"})
    try:
        with urllib.request.urlopen(req, timeout=30) as resp:
            return resp.status
    except urllib.error.HTTPError as err:
        return err.code


def main(base: str, token: str) -> int:
    with urllib.request.urlopen(base + "/api/v1/openapi.json", timeout=30) as resp:
        spec = json.load(resp)
    failures, sent = [], 0
    for raw_path, ops in spec["paths"].items():
        path = "/api/v1" + re.sub(r"\{[^}]+\}", "1", raw_path)
        for method, op in ops.items():
            schema = (op.get("requestBody", {}).get("content", {}).get("application/json", {}) or {}).get("schema")
            if schema is None or "auth/token" in path and method == "delete":
                continue
            props = schema.get("properties", {})
            base_body = {name: _plausible(prop) for name, prop in props.items()}
            bodies = ["[" * 100_000, '{"x": ' + "[" * 40 + "]" * 40 + "}", '{"\\ud800": 1}']
            for name, prop in props.items():
                if _kind(prop) == "string" and "enum" not in prop and prop.get("format") != "date-time" \
                        or _kind(prop) == "array":
                    for bad in HOSTILE:
                        value = f"[{bad}]" if _kind(prop) == "array" else bad
                        others = json.dumps({k: v for k, v in base_body.items() if k != name})[1:-1]
                        bodies.append("{" + f'"{name}": {value}' + (f", {others}" if others else "") + "}")
            for text in bodies:
                sent += 1
                status = send(base, token, method, path, text)
                if status >= 500:
                    failures.append(f"{status} {method.upper()} {path} {text[:80]}")
    print(f"hostile probe: {sent} requests, {len(failures)} server errors")
    for line in failures:
        print("  " + line)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1].rstrip("/"), sys.argv[2]))
