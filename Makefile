# Recovery Hub: `make demo` runs everything with demo data; `make test` runs the whole suite.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000

.PHONY: help install demo test lint format migrate seed run worker beat vendor compose-check bench loadtest backup restore clean messages compilemessages

help:
	@echo "make demo    install, migrate, seed the demo clinic, run web + Celery worker + beat"
	@echo "make test    install and run the whole suite (ruff, import-linter, checks, pytest, browser tests)"
	@echo "make bench   page, report and reminder benchmarks (BENCH=pages|reports|reminders|server|imports: one part; BENCH_SCALE=10: 50,000 patients; see bench/README.md)"
	@echo "make loadtest  locust: clinicians, patients, supporters, admins at 10/50/100 people (LOAD_SECONDS, LOAD_USERS)"
	@echo "make backup  dump the database (DATABASE_URL) and uploads into var/backups/ (BACKUP_DIR)"
	@echo "make restore FILE=var/backups/<name>.dump [TARGET=<db name or URL>] [YES=1]  restore one"
	@echo "make messages  extract every marked string into locale/es (django, djangojs) and compile"
	@echo "make compilemessages  compile locale/*/LC_MESSAGES/*.po into the committed .mo files"
	@echo "make lint | format | migrate | seed | run | worker | beat | vendor | compose-check"

$(PY):
	$(PYTHON) -m venv $(VENV)

$(VENV)/.installed: pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $@

install: $(VENV)/.installed compilemessages

# Translations (README, "Translations"): the .mo files are committed, so a clean clone works;
# they are rebuilt here whenever their .po is newer. scripts/messages.py holds the extraction
# options that tests/test_translations.py reuses.
MO_FILES := $(patsubst %.po,%.mo,$(wildcard locale/*/LC_MESSAGES/*.po))

compilemessages: $(MO_FILES)

locale/%.mo: locale/%.po
	@if command -v msgfmt >/dev/null; then msgfmt --check-format -o $@ $<; \
	else echo "msgfmt (gettext) not found: keeping the committed $@" >&2; fi

messages: $(VENV)/.installed
	$(PY) scripts/messages.py extract
	$(PY) scripts/messages.py compile

# A laptop's .env, made once: DEBUG on, a random secret key, emails to var/mail/, and the local
# PostgreSQL when one is reachable (else SQLite). Production sets real values.
.env: | $(VENV)/.installed
	@$(PY) scripts/demo_env.py .env

demo: install .env
	@mkdir -p var/mail
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed_demo --clinics 2
	PORT=$(PORT) ./scripts/demo.sh

test: install
	./scripts/test.sh

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/lint-imports

format: install
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

migrate: install .env
	$(PY) manage.py migrate

seed: install .env
	$(PY) manage.py seed_demo --clinics 2

run: install .env
	$(PY) manage.py runserver 127.0.0.1:$(PORT)

# Every queue by default; `make worker QUEUES=email CONCURRENCY=4` for one (README, "Scaling").
worker: install .env
	$(VENV)/bin/celery -A recovery_hub worker -l info $(if $(QUEUES),-Q $(QUEUES)) $(if $(CONCURRENCY),-c $(CONCURRENCY))

beat: install .env
	$(VENV)/bin/celery -A recovery_hub beat -l info

vendor:
	./scripts/vendor-assets.sh

compose-check:
	docker-compose -f docker-compose.yml config -q && echo "docker-compose.yml is valid"

# `make bench BENCH_SCALE=10`: ten times the patients (50,000 x 365 days) in databases of their own.
bench: install .env
	$(if $(BENCH),BENCH=$(BENCH)) $(if $(BENCH_SCALE),BENCH_SCALE=$(BENCH_SCALE)) $(PY) bench/run.py

# gunicorn + PostgreSQL + Redis + a worker on throwaway databases (README, "Load test").
loadtest: install
	$(PY) scripts/loadtest.py

# Backups (README, "Backups"): pg_dump -Fc of DATABASE_URL, or a copy of the SQLite file.
backup: install
	$(PY) scripts/backup.py backup

restore: install
	@test -n "$(FILE)" || { echo "usage: make restore FILE=var/backups/<name>.dump [TARGET=<database name or URL>] [YES=1]" >&2; exit 2; }
	$(PY) scripts/backup.py restore "$(FILE)" $(if $(TARGET),--target "$(TARGET)") $(if $(filter 1 true yes,$(YES)),--yes) $(if $(filter 1 true yes,$(NO_PRIVILEGES)),--no-privileges)

# Keeps var/backups/.
clean:
	find var -mindepth 1 -maxdepth 1 ! -name backups -exec rm -rf {} + 2>/dev/null || true
	rm -rf staticfiles .pytest_cache .ruff_cache
