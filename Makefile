# Everything runs from the project's own virtual environment, created on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000
STAMP := $(VENV)/.installed

.PHONY: requirements run serve test test-night lint schema worker beat bench messages seed migrate venv browser

venv: $(STAMP)

# Reinstall only when the pinned requirements change.
$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check "uv==0.13.8"
	$(BIN)/uv pip sync --quiet --python $(BIN)/python requirements.txt
	touch $(STAMP)

# Pin what pyproject.toml declares (keeps existing pins; add --upgrade-package NAME to move one).
requirements: $(STAMP)
	$(BIN)/uv pip compile pyproject.toml --extra dev --python-version 3.11 --no-header --quiet -o requirements.txt

migrate: $(STAMP)
	$(BIN)/python manage.py migrate --noinput

seed: migrate
	$(BIN)/python manage.py seed_demo

run: seed
	$(BIN)/python manage.py banner --port $(PORT)
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

# The production process set on this machine (nginx, two ASGI processes, a worker, beat): needs
# DATABASE_URL, REDIS_URL and SECRET_KEY; see deploy/ and the README's "Deploy".
serve: $(STAMP)
	$(BIN)/python deploy/serve.py

test: $(STAMP)
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# ruff, and the architecture's import contracts (pyproject.toml, [tool.importlinter]).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

schema: $(STAMP)
	$(BIN)/python manage.py export_schema config.schema:schema --path schema.graphql

messages: $(STAMP)
	cd $(CURDIR) && $(BIN)/python manage.py makemessages -l zh_Hans -l en --no-obsolete --ignore=.venv --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

# Debian's Chromium (browser tests) and libfaketime (the night run), as root; CI runs it too.
browser:
	bash scripts/install-debian-packages.sh

# The whole suite again with the process clock at 03:00 Asia/Shanghai (19:00 UTC the day before):
# nothing may depend on the time of day. Needs libfaketime (make browser).
FAKETIME_LIB := /usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1
test-night: $(STAMP)
	TZ=UTC FAKETIME="@2026-11-21 19:00:00" LD_PRELOAD=$(FAKETIME_LIB) $(BIN)/python -m pytest $(PYTEST_ARGS)

worker: $(STAMP)
	$(BIN)/celery -A config.celery_app worker --loglevel=INFO

beat: $(STAMP)
	$(BIN)/celery -A config.celery_app beat --loglevel=INFO --scheduler django_celery_beat.schedulers:DatabaseScheduler

# Benchmarks need PostgreSQL: DATABASE_URL=postgres://... make bench (seeds 100,000 customers if missing).
bench: $(STAMP)
	@for f in bench/bench_*.py; do echo "== $$f"; $(BIN)/python $$f || exit 1; done
