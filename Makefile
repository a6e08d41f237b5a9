# postdrop: one entry point. `make help` lists the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed
SAM_VENV := .tools/sam
SAM    := $(SAM_VENV)/bin/sam
CFN_LINT := $(SAM_VENV)/bin/cfn-lint
CHECKOV := .tools/checkov/bin/checkov
PIP_AUDIT := .tools/audit/bin/pip-audit
ARGS   ?=

.PHONY: help setup test test-fast lint fmt security schemas bench soak run up validate build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml scripts/find-python
	@python=$$(scripts/find-python) || exit 1; \
	  echo "postdrop: making $(VENV) with $$python"; \
	  [[ -x $(PY) ]] || "$$python" -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

setup: $(STAMP) ## make .venv (Python 3.13) and install postdrop with its dev tools

test: $(STAMP) ## run the whole test suite (unit, integration on moto, pipeline on moto server)
	$(PY) -m pytest $(ARGS)

test-fast: $(STAMP) ## the tests without the pipeline runs
	$(PY) -m pytest -m 'not pipeline' $(ARGS)

lint: $(STAMP) $(SAM) ## ruff, mypy and cfn-lint on template.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared tools functions tests bench
	$(CFN_LINT) template.yaml

security: $(STAMP) $(CHECKOV) $(PIP_AUDIT) ## checkov on the template, bandit on the code, pip-audit where it can reach its database
	$(CHECKOV) -f template.yaml --framework cloudformation --compact --quiet --skip-download
	$(VENV)/bin/bandit -q -r shared functions tools
	scripts/audit-dependencies $(PIP_AUDIT) shared/requirements.txt

$(CHECKOV):
	@python=$$(scripts/find-python) || exit 1; "$$python" -m venv .tools/checkov
	.tools/checkov/bin/pip install --quiet --upgrade pip checkov

$(PIP_AUDIT):
	@python=$$(scripts/find-python) || exit 1; "$$python" -m venv .tools/audit
	.tools/audit/bin/pip install --quiet --upgrade pip pip-audit

fmt: $(STAMP) ## format and fix what ruff can
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

schemas: $(STAMP) ## regenerate schemas/*.json from the models
	$(PY) -m postdrop_tools.schemas --write

bench: $(STAMP) ## parse CPU, cold start, AWS calls, cost, throughput, memory beside their baselines (ARGS=--json, --quick)
	@$(PY) bench/run.py $(ARGS)

run: $(STAMP) ## the whole pipeline on the embedded emulator over events/posts/
	$(VENV)/bin/postdrop run $(ARGS)

up: $(STAMP) ## a local stack that processes whatever any S3 client drops, until Ctrl-C
	$(VENV)/bin/postdrop up $(ARGS)

$(SAM):
	@python=$$(scripts/find-python) || exit 1; "$$python" -m venv $(SAM_VENV)
	$(SAM_VENV)/bin/pip install --quiet --upgrade pip aws-sam-cli

validate: $(SAM) ## sam validate --lint (sam lives in its own tool venv: it pins boto3)
	SAM_CLI_TELEMETRY=0 $(SAM) validate --lint --region us-east-1

build: $(SAM) ## sam build (layer from shared/, python3.13 on arm64), then bytecode for every module
	@python=$$(scripts/find-python) || exit 1; \
	  PATH="$$(dirname "$$python"):$$PATH" SAM_CLI_TELEMETRY=0 $(SAM) build && \
	  "$$python" -m compileall -q -f --invalidation-mode unchecked-hash .aws-sam/build
# Lambda's /opt and /var/task are read-only: a module without usable bytecode is compiled
# again at every cold start. unchecked-hash .pyc files are used whatever the zip did to
# file times (timestamp-checked ones can go stale by the zip's 2-second rounding).

clean: ## remove the venvs and build output
	rm -rf $(VENV) .tools .aws-sam .bench .pytest_cache .mypy_cache .ruff_cache .hypothesis

soak: $(STAMP) ## the delivery guarantees under replays, disorder and faults: 200 posts (prints the figures)
	$(VENV)/bin/postdrop soak --posts 200 --updates 3 --deletes 0.1 --replay 2 --shuffle --fault-rate 0.1 --seed 7 $(ARGS)
