# SMK Dashboard — two commands do all the set-up on a fresh machine:
#   make run    venv + requirements + migrate + demo school + web server and Celery worker
#   make test   venv + requirements + lint + migrations check + the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=
# The suite runs on every core (pytest-xdist): one test database and one Redis database per
# worker (tests/settings.py). Tests go to whichever worker is free (--dist load): a module
# fixture is built at most once per worker that runs the module's tests (--dist loadscope,
# one worker per module, measured slower: the longest modules end on one worker).
# PYTEST_WORKERS=0 runs the suite in one process.
PYTEST_WORKERS ?= auto

.PHONY: run test venv static lint audit format worker clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

# The partial plotly.js bundle (bar, scatter, heatmap) from the npm registry, pinned by version
# and sha512 (smk_dashboard/ops/vendor_assets.py; Python only, no node/npm needed).
PLOTLY_BUNDLE := static/vendor/plotly/plotly.min.js
static: $(PLOTLY_BUNDLE)

$(PLOTLY_BUNDLE): smk_dashboard/ops/vendor_assets.py | venv
	$(PY) -m smk_dashboard.ops.vendor_assets
	touch $@

# axe-core (WCAG rules) for the browser tests' accessibility checks, pinned the same way; it is
# never served (.run/vendor/, outside static/).
AXE_BUNDLE := .run/vendor/axe-core/axe.min.js
$(AXE_BUNDLE): smk_dashboard/ops/vendor_assets.py | venv
	$(PY) -m smk_dashboard.ops.vendor_assets axe-core
	touch $@

run: venv static
	$(PY) -m smk_dashboard.ops.devserver

# makemigrations --skip-checks: a bare checkout has production settings (DEBUG off, no
# FIELD_ENCRYPTION_KEY), which the system checks refuse; they run in the tests instead.
lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports
	$(PY) manage.py makemigrations --check --dry-run --skip-checks

# Security: bandit on our code (findings fixed or justified with `# nosec BXXX` and a reason
# on the line above), pip-audit on the installed packages against PyPI's advisory data.
# Offline, pip-audit is skipped with a message instead of failing the build.
audit: venv
	$(BIN)/bandit -q -r smk_dashboard students predictions interventions -x '*/migrations/*'
	@mkdir -p .run
	@if $(PY) -c "import urllib.request; urllib.request.urlopen('https://pypi.org/simple/', timeout=10)" >/dev/null 2>&1; then \
		$(BIN)/pip-audit --progress-spinner off --skip-editable -o .run/pip-audit.txt \
			|| { cat .run/pip-audit.txt; exit 1; }; \
		echo "pip-audit: tidak ada kerentanan yang diketahui;" \
			"$$(grep -c 'could not be audited' .run/pip-audit.txt || true) paket tidak dikenal" \
			"PyPI sehingga tidak diperiksa (lihat .run/pip-audit.txt)"; \
	else \
		echo "pip-audit DILEWATI: PyPI tidak dapat dihubungi (offline); jalankan 'make audit' saat online."; \
	fi

test: lint audit static $(AXE_BUNDLE)
	$(PY) -m smk_dashboard.ops.embedded -- $(PY) -m pytest \
		-n $(PYTEST_WORKERS) --maxprocesses 8 --dist load $(PYTEST_ARGS)

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A worker for the default and ml queues (REDIS_URL must point at the broker).
worker: venv
	$(PY) -m celery -A smk_dashboard worker -Q default,ml --loglevel INFO

clean:
	rm -rf .run staticfiles
