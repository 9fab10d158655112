# Tutela: `make run` (demo on http://127.0.0.1:8000) and `make test` (every test, SQLite and PostgreSQL).
SHELL := /bin/bash
.DEFAULT_GOAL := run
PORT ?= 8000
VENV := .venv
PY := $(VENV)/bin/python
MANAGE := $(PY) manage.py
export UV_PROJECT_ENVIRONMENT := $(CURDIR)/$(VENV)

.PHONY: run test test-sqlite test-postgres lint check install system-deps demo-env bench

$(VENV)/.synced: pyproject.toml uv.lock
	@PYTHON="$$(scripts/find_python.sh)" || exit 1; \
	if ! "$$PYTHON" -m uv --version >/dev/null 2>&1; then "$$PYTHON" -m pip install --quiet --disable-pip-version-check uv; fi; \
	UV_PYTHON="$$PYTHON" "$$PYTHON" -m uv sync --frozen --quiet
	@touch $@

install: $(VENV)/.synced

var/secret_key:
	@mkdir -p var
	@$(PY) -c "import secrets; print(secrets.token_urlsafe(50))" > $@
	@chmod 600 $@

# Field-encryption keys (ADR 0009), apart from the secret key; prepend a new key to rotate (comma-separated).
var/field_keys:
	@mkdir -p var
	@$(PY) -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" > $@
	@chmod 600 $@

# The SINBA pseudonym key (ADR 0012): generated once, never rotated (INPS links a child's records by it).
var/returns_key:
	@mkdir -p var
	@$(PY) -c "import base64, secrets; print(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())" > $@
	@chmod 600 $@

# The demo: migrate the embedded SQLite database, load the demo territory, serve.
run: install var/secret_key var/field_keys var/returns_key
	@export TUTELA_SECRET_KEY="$$(cat var/secret_key)"; \
	export TUTELA_FIELD_KEYS="$$(cat var/field_keys)"; \
	export TUTELA_RETURNS_KEY="$$(cat var/returns_key)"; \
	export TUTELA_REQUIRE_2FA="$${TUTELA_REQUIRE_2FA:-false}"; \
	export TUTELA_SECURE_SSL_REDIRECT="$${TUTELA_SECURE_SSL_REDIRECT:-false}" TUTELA_SECURE_COOKIES="$${TUTELA_SECURE_COOKIES:-false}" \
	  TUTELA_HSTS_SECONDS="$${TUTELA_HSTS_SECONDS:-0}"; \
	$(MANAGE) migrate --no-input -v 0 && \
	$(MANAGE) seed_demo && \
	$(MANAGE) collectstatic --no-input -v 0 && \
	echo "" && \
	echo "Tutela: http://127.0.0.1:$(PORT)/" && \
	echo "  utenti: protocollo, segretariato, segretariato.montemurlo, coordinatore, assistente, assistente2," && \
	echo "          amministrativo, sds, comune, educatore, cooperativa, psicologa, dirigente, dpo, admin" && \
	echo "  password: $${TUTELA_DEMO_PASSWORD:-tutela-demo}" && \
	if [ "$$TUTELA_REQUIRE_2FA" = "false" ]; then \
	  echo "  verifica in due passaggi: DISATTIVATA in questa demo (TUTELA_REQUIRE_2FA=false); in produzione è obbligatoria"; \
	else echo "  verifica in due passaggi: attiva (al primo accesso si configura l'app)"; fi && \
	echo "" && \
	exec $(VENV)/bin/gunicorn config.wsgi --bind 127.0.0.1:$(PORT) --threads 4 --access-logfile -

# Debian packages the tests need: chromium for the browser journeys, PostgreSQL 15 for the locking tests.
system-deps:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pg_virtualenv >/dev/null 2>&1 || missing="$$missing postgresql-common"; \
	[ -x /usr/lib/postgresql/15/bin/postgres ] || missing="$$missing postgresql-15"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $$missing >/dev/null; \
	fi

test: install system-deps
	@$(MAKE) --no-print-directory test-sqlite
	@$(MAKE) --no-print-directory test-postgres

test-sqlite:
	$(VENV)/bin/pytest -n 2 -q -m "not postgres"

# A throwaway PostgreSQL 15 cluster; pg_virtualenv sets the PG* variables. Every test but the browser journeys
# runs there too: locking, triggers and constraints behave differently on each engine. -t keeps the cluster in a
# temporary directory (as root it would be /etc/postgresql/15/regress, which a second run at once refuses).
test-postgres:
	pg_virtualenv -t -v 15 bash -c 'DATABASE_URL="postgres://$$PGUSER:$$PGPASSWORD@$$PGHOST:$$PGPORT/$$PGDATABASE" $(VENV)/bin/pytest -n 2 -q -m "not browser"'

# The benchmark (docs/performance.md): a throwaway PostgreSQL 15 (-t: its own directory, so it never meets the
# cluster of a `make test-postgres` running beside it), the demo territory plus BASE_CASES synthetic cases loaded
# with COPY, pages timed through gunicorn; then up to CASES, timed again. The cluster and the server stop with it.
# Both listen on 127.0.0.1 only (the space after the address makes pg_createcluster quote it, as PostgreSQL needs).
CASES ?= 200000
BASE_CASES ?= 20000
ROUNDS ?= 30
bench: install system-deps var/secret_key var/field_keys var/returns_key
	@export TUTELA_SECRET_KEY="$$(cat var/secret_key)"; \
	export TUTELA_FIELD_KEYS="$$(cat var/field_keys)"; \
	export TUTELA_RETURNS_KEY="$$(cat var/returns_key)"; \
	pg_virtualenv -t -v 15 -o "listen_addresses=127.0.0.1 " -o shared_buffers=512MB -o max_wal_size=4GB \
	  $(PY) -m scripts.bench --cases $(CASES) --base-cases $(BASE_CASES) --rounds $(ROUNDS)

lint: install
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	TUTELA_TESTING=true $(VENV)/bin/mypy tutela config

check: lint test
	TUTELA_TESTING=true $(MANAGE) makemigrations --check --dry-run
