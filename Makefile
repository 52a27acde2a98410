# SMK Dashboard — two commands do all the set-up on a fresh machine:
#   make run    venv + requirements + migrate + demo school + web server and Celery worker
#   make test   venv + requirements + lint + migrations check + the whole test suite
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PY := $(BIN)/python
PYTEST_ARGS ?=

.PHONY: run test venv lint format worker clean

venv: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: venv
	$(PY) -m smk_dashboard.devserver

lint: venv
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(PY) manage.py makemigrations --check --dry-run

test: lint
	$(PY) -m smk_dashboard.embedded -- $(PY) -m pytest $(PYTEST_ARGS)

format: venv
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# A worker for the default and ml queues (REDIS_URL must point at the broker).
worker: venv
	$(PY) -m celery -A smk_dashboard worker -Q default,ml --loglevel INFO

clean:
	rm -rf .run staticfiles
