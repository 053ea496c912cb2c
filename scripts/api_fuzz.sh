#!/usr/bin/env bash
# Schemathesis against the live API: no generated request may make the server answer 500, and
# every answer must match the OpenAPI document (its status's schema and media type).
# Runs a real server (gunicorn, gevent worker) on a throwaway SQLite database with demo data.
# scripts/fuzz_hooks.py also tries every JSON string field and key with hostile values (lone
# surrogates, control characters, separators, bidi/zero-width) and nesting deeper than the
# server accepts; scripts/api_hostile.py then sends each of those to every field of every
# operation deterministically, with bodies nested 100,000 deep.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=.venv/bin
PORT=${FUZZ_PORT:-$($BIN/python -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')}
WORK=$(mktemp -d)
export BARAZA_INSTANCE_PATH="$WORK" BARAZA_DATABASE_URL="sqlite:///$WORK/fuzz.db" BARAZA_SECRET_KEY=fuzz-secret-key
export BARAZA_RATELIMIT_ENABLED=false
unset BARAZA_REDIS_URL
$BIN/flask --app wsgi db upgrade >/dev/null
$BIN/flask --app wsgi seed-demo --password fuzz-password-1 >/dev/null
$BIN/gunicorn --worker-class gevent --workers 1 --bind 127.0.0.1:$PORT --log-level warning \
  --error-logfile "$WORK/server.log" wsgi:app >>"$WORK/server.log" 2>&1 &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; wait $SERVER 2>/dev/null || true; rm -rf "$WORK"' EXIT
for _ in $(seq 1 50); do
  curl -fsS "http://127.0.0.1:$PORT/api/v1/openapi.json" >/dev/null 2>&1 && break
  sleep 0.2
done
TOKEN=$(curl -fsS -X POST -H 'Content-Type: application/json' \
  -d '{"email":"secretariat@baraza.example","password":"fuzz-password-1"}' \
  "http://127.0.0.1:$PORT/api/v1/auth/token" | $BIN/python -c 'import json,sys; print(json.load(sys.stdin)["token"])')
status=0
export SCHEMATHESIS_HOOKS=scripts/fuzz_hooks.py
CHECKS=not_a_server_error,response_schema_conformance,content_type_conformance
# Strings are generated encodable in UTF-8: a lone surrogate in a path (/themes/{slug}) cannot be
# sent over HTTP at all, and the client crashed on it before any request was made. The stateful
# phase ignores the codec (it crashed the same way on /themes/{slug}), so it is left out.
GEN="--generation-codec utf-8 --phases examples,coverage,fuzzing"
$BIN/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks $CHECKS --max-examples "${FUZZ_EXAMPLES:-30}" --generation-deterministic $GEN \
  -H "Authorization: Bearer $TOKEN" --request-timeout 20 --exclude-path /auth/token || status=$?
# every POST without credentials, the token endpoint among them (excluded above: DELETE would
# revoke the token the first run uses)
$BIN/schemathesis run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks $CHECKS --max-examples "${FUZZ_EXAMPLES:-30}" --generation-deterministic $GEN \
  --include-method POST --request-timeout 20 || status=$?
$BIN/python scripts/api_hostile.py "http://127.0.0.1:$PORT" "$TOKEN" || status=$?
if grep -q "Traceback" "$WORK/server.log"; then
  echo "Server errors during the fuzz run:"; grep -B2 -A20 "Traceback" "$WORK/server.log" | head -80; status=1
fi
exit $status
