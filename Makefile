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
UV_VENV := .tools/uv
UV     := $(UV_VENV)/bin/uv
ARGS   ?=
SEEDS  ?= 1# make soak SEEDS=20: that many seeds, from 7 on
SOAK_POSTS ?= 200
# uv uses the interpreter scripts/find-python picks; it never downloads one of its own.
export UV_PYTHON_DOWNLOADS := never
# shared/requirements.txt, the layer's pins, is this command's output (from uv.lock).
LAYER_EXPORT = $(UV) export --frozen --no-dev --extra lambda --no-emit-project --format requirements-txt --quiet

.PHONY: help setup lock lock-check test test-fast lint fmt security schemas bench soak run up validate build clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

# .venv is installed from uv.lock exactly (versions and hashes); --locked refuses a lock
# that no longer matches pyproject.toml (then: make lock).
$(STAMP): pyproject.toml uv.lock scripts/find-python | $(UV)
	@python=$$(scripts/find-python) || exit 1; \
	  echo "postdrop: installing $(VENV) from uv.lock with $$python"; \
	  $(UV) sync --quiet --locked --extra dev --extra lambda --python "$$python"
	@touch $(STAMP)

setup: $(STAMP) ## make .venv (Python 3.13) from uv.lock: postdrop, its layer's libraries, its dev tools

$(UV): scripts/uv-requirements.txt
	@python=$$(scripts/find-python) || exit 1; [[ -x $(UV_VENV)/bin/pip ]] || "$$python" -m venv $(UV_VENV)
	$(UV_VENV)/bin/pip install --quiet --require-hashes -r scripts/uv-requirements.txt
	@touch $(UV)

lock: $(UV) ## update the locks on purpose: uv.lock to the newest versions pyproject.toml allows, then shared/requirements.txt
	@python=$$(scripts/find-python) || exit 1; $(UV) lock --upgrade --python "$$python"
	$(LAYER_EXPORT) > shared/requirements.txt
	@echo "postdrop: uv.lock and shared/requirements.txt updated; review the diff, then make test"

lock-check: $(UV) ## fail when uv.lock or shared/requirements.txt disagree with pyproject.toml
	@python=$$(scripts/find-python) || exit 1; \
	  $(UV) lock --check --python "$$python" || { echo "postdrop: uv.lock does not match pyproject.toml; run make lock" >&2; exit 1; }
	@$(LAYER_EXPORT) | diff -u shared/requirements.txt - \
	  || { echo "postdrop: shared/requirements.txt is not uv.lock's export; run make lock" >&2; exit 1; }
	@echo "postdrop: uv.lock and shared/requirements.txt match pyproject.toml"

# Every core runs tests (pytest-xdist), a test module to a worker so a module's stack is made once;
# one worker more than cores, as pipeline tests wait out the emulator's (scaled) visibility
# timeouts; the modules marked `long` are dealt first (tests/conftest.py), the rest fill in.
XDIST ?= -n $(shell echo $$(( $$(getconf _NPROCESSORS_ONLN) + 1 ))) --dist loadscope --no-loadscope-reorder

test: $(STAMP) ## run the whole test suite (unit, integration on moto, pipeline on moto server), on every core
	$(PY) -m pytest $(XDIST) $(ARGS)

test-fast: $(STAMP) ## the tests without the pipeline runs
	$(PY) -m pytest $(XDIST) -m 'not pipeline' $(ARGS)

lint: $(STAMP) $(SAM) ## ruff, mypy and cfn-lint on template.yaml
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy shared tools functions tests bench examples
	$(CFN_LINT) --include-checks I -- template.yaml

security: $(STAMP) $(CHECKOV) $(PIP_AUDIT) ## checkov on the template, bandit on the code, pip-audit over both locks where it can reach its database
	$(CHECKOV) -f template.yaml --framework cloudformation --compact --quiet --skip-download
	$(VENV)/bin/bandit -q -r shared functions tools
	$(UV) export --frozen --extra dev --extra lambda --no-emit-project --format requirements-txt --quiet > .tools/dev-requirements.txt
	scripts/audit-dependencies $(PIP_AUDIT) shared/requirements.txt .tools/dev-requirements.txt

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

build: $(SAM) $(UV) ## sam build (the layer from shared/requirements.txt, hash-checked arm64 wheels), then bytecode for every module
	@python=$$(scripts/find-python) || exit 1; \
	  PATH="$$(dirname "$$python"):$$PATH" SAM_CLI_TELEMETRY=0 POSTDROP_UV="$(abspath $(UV))" POSTDROP_PYTHON="$$python" \
	  $(SAM) build && \
	  "$$python" -m compileall -q -f --invalidation-mode unchecked-hash .aws-sam/build
# Lambda's /opt and /var/task are read-only: a module without usable bytecode is compiled
# again at every cold start. unchecked-hash .pyc files are used whatever the zip did to
# file times (timestamp-checked ones can go stale by the zip's 2-second rounding).

clean: ## remove the venvs and build output
	rm -rf $(VENV) .tools .aws-sam .bench .pytest_cache .mypy_cache .ruff_cache .hypothesis

soak: $(STAMP) ## the delivery guarantees under replays, disorder and every fault kind: 200 posts, SEEDS=N seeds (prints the figures)
	$(VENV)/bin/postdrop soak --posts $(SOAK_POSTS) --updates 3 --deletes 0.1 --replay 2 --shuffle --fault-rate 0.1 --seed 7 --seeds $(SEEDS) $(ARGS)
