# Gongkai — the project's commands. `make demo` and `make test` do all the set-up themselves.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
RUNTIME_STAMP := $(VENV)/.runtime-installed
TEST_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/test
# Two workers on the two cores of the CI machine (pytest-xdist); PYTEST_WORKERS=0 runs in one.
# tests/conftest.py sends all of tests/demo/ to one worker: the demonstration is loaded once.
PYTEST_WORKERS ?= 2
PYTEST_ARGS ?=

.PHONY: install install-runtime demo demo-prod serve test test-fast test-sqlite test-postgres lint format messages \
	messages-update \
	browser-deps fonts bench clean

install: $(STAMP) messages fonts

# What the site needs to run (`make demo`): the runtime requirements only.
install-runtime: $(RUNTIME_STAMP) messages fonts

$(RUNTIME_STAMP): requirements.txt
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "Python 3.11 or newer is needed")'
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	touch $(RUNTIME_STAMP)

# ... and what developing and testing it needs besides (`make test`).
$(STAMP): $(RUNTIME_STAMP) requirements-dev.txt
	$(BIN)/python -m pip install --quiet -r requirements-dev.txt
	touch $(STAMP)

# Translations are compiled by the build; msgfmt comes from GNU gettext.
messages: $(RUNTIME_STAMP)
	@command -v msgfmt >/dev/null || scripts/apt-install gettext
	$(BIN)/python manage.py compilemessages --ignore '.venv/*' --ignore 'var/*' --verbosity 0 \
		--locale zh_Hans

# Debian's chromium for the Playwright browser tests (never a downloaded browser build).
# After adding or changing interface strings: refresh the catalogue, then translate the new entries.
messages-update: $(STAMP)
	$(BIN)/python manage.py makemessages -l zh_Hans --no-obsolete --ignore '.venv/*' \
		--ignore 'var/*' --ignore 'tests/*' --ignore 'bench/*' --ignore 'docs/*'

# The CJK TrueType font embedded in the PDF notices of applications (docs/decisions/0013).
fonts:
	@test -f /usr/share/fonts/truetype/arphic/uming.ttc || scripts/apt-install fonts-arphic-uming

browser-deps:
	@command -v chromium >/dev/null || scripts/apt-install chromium fonts-noto-cjk

demo: install-runtime
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py load_demo --skip-checks
	$(BIN)/python manage.py runserver 127.0.0.1:8000 --noreload

# The production stack on one machine (docs/operators-guide.md, "Processes"): PostgreSQL database
# gongkai_demo_prod (created afresh), Redis database 1, gunicorn with 2 workers on
# 127.0.0.1:8000, a worker for the queued jobs and the scheduler, until Ctrl-C.
demo-prod: install-runtime
	$(BIN)/python scripts/demo-prod

serve: install
	$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy gongkai
	$(BIN)/djlint gongkai --lint
	$(BIN)/python manage.py makemigrations --check --dry-run --verbosity 0
	$(BIN)/python manage.py check

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

test: install browser-deps lint test-sqlite test-postgres

# Everything but the browser tests, on SQLite only: the quick loop while working.
test-fast: install
	$(BIN)/pytest -m "not browser and not slow" $(PYTEST_ARGS)

test-sqlite: install
	env -u DATABASE_URL GONGKAI_SQLITE_TEST_PATH=var/test-sqlite.sqlite3 $(BIN)/pytest -n $(PYTEST_WORKERS) \
		$(PYTEST_ARGS)

test-postgres: install
	@if $(BIN)/python scripts/db_reachable.py "$(TEST_DATABASE_URL)"; then \
		echo "== PostgreSQL answers at $(TEST_DATABASE_URL): running the suite again on it"; \
		DATABASE_URL="$(TEST_DATABASE_URL)" $(BIN)/pytest -n $(PYTEST_WORKERS) \
			$(PYTEST_ARGS); \
	else \
		echo "== No PostgreSQL at $(TEST_DATABASE_URL): PostgreSQL run skipped"; \
	fi

bench: install
	$(BIN)/python bench/workdays.py

# Search on a generated catalogue of 100,000 documents (made once in var/bench, then reused);
# the other sizes, databases and engines: bench/search/README.md.
.PHONY: bench-search
bench-search: install
	$(BIN)/python bench/search/run.py --docs 100000 --db sqlite --engine tantivy

# What the issue-10 benchmarks need beyond the venv: wrk (Debian package) for bench-throughput.
.PHONY: bench-deps
bench-deps:
	@command -v wrk >/dev/null || scripts/apt-install wrk

# The province dataset at a tenth of its size (made once in var/bench, then reused), on SQLite
# and PostgreSQL: the annual report, then a bulk import of 100,000 documents and the due dates.
# SCALE=1 for the full province (bench/README.md).
SCALE ?= 0.1
.PHONY: bench-province
bench-province: install
	$(BIN)/python bench/province/report.py --scale $(SCALE) --db sqlite
	$(BIN)/python bench/province/report.py --scale $(SCALE) --db postgres
	$(BIN)/python bench/province/import_docs.py --docs 100000 --db sqlite
	$(BIN)/python bench/province/import_docs.py --docs 100000 --db postgres
	$(BIN)/python bench/workdays.py --db sqlite
	$(BIN)/python bench/workdays.py --db postgres

# Public pages under gunicorn (2 workers), measured by wrk, cached and uncached, beside the
# minimal view; on the demonstration district (DATASET=province for the province dataset).
DATASET ?= demo
.PHONY: bench-throughput
bench-throughput: install bench-deps
	$(BIN)/python bench/throughput.py --dataset $(DATASET) --scale $(SCALE) --db sqlite
	$(BIN)/python bench/throughput.py --dataset $(DATASET) --scale $(SCALE) --db postgres

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
