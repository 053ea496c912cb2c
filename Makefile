# Baraza: every set-up step lives here, so a fresh clone needs nothing installed by hand.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
BARAZA_HOST ?= 127.0.0.1
BARAZA_PORT ?= 5000
export BARAZA_HOST BARAZA_PORT

.PHONY: setup run serve test lint migrate check-migrations vendor translations clean bench-venv

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: requirements.txt requirements-dev.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

# Front-end libraries, pinned in package-lock.json, copied into static/vendor (not committed).
static/vendor/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	mkdir -p static/vendor
	cp node_modules/socket.io-client/dist/socket.io.min.js static/vendor/
	cp node_modules/axe-core/axe.min.js static/vendor/
	# the W3C Nu HTML checker the test suite runs (tests/i18n/test_html_checker.py; Java from
	# scripts/system-packages.sh); it stays in node_modules, never served
	test -f node_modules/vnu-jar/build/dist/vnu.jar
	touch $@

vendor: static/vendor/.installed

translations: $(VENV)/.installed
	@if ls app/translations/*/LC_MESSAGES/messages.po >/dev/null 2>&1; then \
		$(BIN)/pybabel compile -d app/translations >/dev/null; fi

setup: $(VENV)/.installed vendor translations

# A virtualenv with the runtime requirements only, as a deployment installs them, for the
# benchmarks' servers: BENCH_SERVER_VENV=.venv-runtime (bench/README.md). Not used by the tests.
.venv-runtime/.installed: requirements.txt
	$(PYTHON) -m venv .venv-runtime
	.venv-runtime/bin/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

bench-venv: .venv-runtime/.installed

migrate: setup
	$(FLASK) db upgrade

run: migrate
	$(FLASK) seed-if-empty
	# gevent patches the standard library before anything (app included) is imported
	$(BIN)/python -c 'from gevent import monkey; monkey.patch_all(); from app.devserver import main; main()'

# Production server: one gunicorn process with the gevent worker (see README, Deployment).
serve: migrate
	$(BIN)/gunicorn --worker-class gevent --workers 1 --worker-connections 4000 \
		--bind $(BARAZA_HOST):$(BARAZA_PORT) --graceful-timeout 10 --access-logfile - wsgi:app

test: setup
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports

check-migrations: setup
	BARAZA_INSTANCE_PATH=$$(mktemp -d) $(FLASK) check-migrations

clean:
	rm -rf $(VENV) node_modules static/vendor
