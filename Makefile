# One obvious way to run everything. The README and CI call these targets.
SHELL := /bin/bash
export UV_LINK_MODE := copy
UV := $(shell command -v uv 2>/dev/null || echo "$(HOME)/.local/bin/uv")
PYTEST_ARGS ?=

.PHONY: install install-browser demo run test test-only lint typecheck check bench messages

install:
	@command -v uv >/dev/null 2>&1 || python3 -m pip install --quiet uv
	uv sync --frozen

install-browser:
	@test -x /usr/bin/chromium || (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium)

# Install, migrate, load demo data and serve on http://127.0.0.1:8000 (SQLite, demo mode).
demo: install
	SAMSPIL_DEMO=1 uv run python manage.py migrate --no-input
	SAMSPIL_DEMO=1 uv run python manage.py seed_demo
	@# The background worker (network-group proposals, rotas, the hotline's follow-up e-mails and
	@# escalations, queued by hotline_jobs --schedule; the measurements due, the consultants'
	@# summaries and the answer-link reminders, queued by measures_jobs --schedule) runs beside
	@# the server and stops with it.
	SAMSPIL_DEMO=1 uv run python manage.py hotline_jobs --schedule
	SAMSPIL_DEMO=1 uv run python manage.py measures_jobs --schedule
	SAMSPIL_DEMO=1 uv run python manage.py db_worker --interval 1 & \
	  trap 'kill $$! 2>/dev/null' EXIT INT TERM; \
	  SAMSPIL_DEMO=1 uv run python manage.py runserver 127.0.0.1:8000

run: demo

# Install everything (Chromium for the browser tests included) and run the whole suite.
test: install install-browser test-only

test-only:
	uv run pytest -n 2 $(PYTEST_ARGS)

lint:
	uv run ruff check .
	uv run ruff format --check samspil tests

typecheck:
	SAMSPIL_TESTING=1 uv run mypy samspil

check: lint typecheck test-only

# Benchmarks on the national data set; writes BENCHMARKS.md (not a test: no assertions on time).
bench: install
	uv run python bench/run.py

messages:
	cd samspil && uv run django-admin makemessages -l da --ignore 'static/*' && uv run django-admin compilemessages
