# Two commands do everything on a fresh machine:
#   make demo   apply envs/dev to the local AWS emulator and exercise it
#   make test   every quality gate and every test suite
# Each installs what it needs (virtualenvs, pinned packages) on first use.

SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

PYTHON ?= python3.11
VENV := .venv
CHECKOV_VENV := .venv-checkov
PY := $(VENV)/bin/python
PREFLIGHT := python3 tooling/platform_tools/preflight.py
PYTEST_ARGS ?=
# Two workers on the 2-core CI machine; each test file stays on one worker (its emulator and applied roots).
PYTEST_WORKERS ?= 2
PY_DIRS := $(wildcard tooling src tests bench)
TYPED_DIRS := $(wildcard tooling src)
# What Glue Python-shell jobs import runs on Python 3.9 there (keep in step with pyproject's per-file-target-version).
PYTHON_SHELL_FILES := $(addprefix src/glue/etl_lib/,__init__.py config.py dqdl.py edge.py errors.py job_args.py \
	json_input.py mapping.py outcomes.py paths.py report.py duckdb_engine) \
	src/glue/jobs/hello_shell.py src/glue/jobs/json_to_parquet_duckdb.py
export PYTHONPATH := $(CURDIR)/tooling:$(CURDIR)/src/glue:$(CURDIR)/src/lambdas
export PYTHONDONTWRITEBYTECODE := 1
export PIP_DISABLE_PIP_VERSION_CHECK := 1
# The project's Terraform CLI configuration (written by platform_tools.tfconfig on first use).
export TF_CLI_CONFIG_FILE := $(CURDIR)/build/terraform/cli.tfrc

.PHONY: help venv checkov-venv preflight build emulator demo demo-down run-job fmt fmt-check lint tf-validate tf-test \
        checkov pytest test bench release clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

$(TF_CLI_CONFIG_FILE): tooling/platform_tools/tfconfig.py
	@python3 -m platform_tools.tfconfig >/dev/null

$(VENV)/.installed: requirements-dev.txt
	@$(PREFLIGHT) python
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip==25.2
	$(PY) -m pip install --quiet -r requirements-dev.txt
	@touch $@

$(CHECKOV_VENV)/.installed: requirements-checkov.txt
	@test -x $(CHECKOV_VENV)/bin/python || $(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet -r requirements-checkov.txt
	@touch $@

venv: $(VENV)/.installed $(TF_CLI_CONFIG_FILE) ## create .venv with the pinned dependencies
checkov-venv: $(CHECKOV_VENV)/.installed

preflight: ## check terraform (>= 1.7), java (17) and python 3.11
	@$(PREFLIGHT)

build: venv ## build Lambda and Glue packages reproducibly into build/
	@$(PY) -m platform_tools.package

emulator: venv ## run the local AWS emulator in the foreground (EMULATOR_PORT, default 4566)
	@$(PY) -m platform_tools.emulator

demo: preflight build ## the main job: apply envs/dev to a fresh local emulator, drive its five flows, tear down
	@$(PY) -m platform_tools.demo

demo-down: venv ## stop an emulator a demo left running (DEMO_KEEP=1) and remove the demo's working folders
	@$(PY) -m platform_tools.demo down

run-job: venv ## run a Glue job script on local Spark: make run-job JOB=src/glue/jobs/x.py ARGS="--k v"
	@$(PY) -m platform_tools.run_job $(JOB) $(ARGS)

fmt: venv ## format Terraform and Python
	terraform fmt -recursive .
	$(VENV)/bin/ruff format $(PY_DIRS)
	$(VENV)/bin/ruff check --fix $(PY_DIRS)

fmt-check: venv
	@$(PY) -m platform_tools.terraform fmt-check
	$(VENV)/bin/ruff format --check $(PY_DIRS)

lint: fmt-check ## formatting, ruff and mypy
	$(VENV)/bin/ruff check $(PY_DIRS)
	$(VENV)/bin/mypy $(TYPED_DIRS)
	$(VENV)/bin/mypy --python-version 3.9 $(PYTHON_SHELL_FILES)
	$(PY) -m platform_tools.readme_tables --check

tf-validate: venv ## terraform init + validate every module, example and env
	@$(PY) -m platform_tools.terraform validate

tf-test: venv ## terraform test (mock provider) for every module with tests/*.tftest.hcl
	@$(PY) -m platform_tools.terraform test

checkov: checkov-venv ## checkov over modules/, stacks/ and envs/; every finding fixed or skipped inline with a reason
	$(CHECKOV_VENV)/bin/checkov --directory modules --directory stacks --directory envs --framework terraform \
	  --quiet --compact --skip-download

pytest: build ## every pytest suite (emulator, Terraform applies, Spark, handlers)
	@rc=0; $(PY) -m pytest -n $(PYTEST_WORKERS) --dist loadfile $(PYTEST_ARGS) || rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "error: pytest collected no tests: check testpaths in pyproject.toml." >&2; exit 1; fi; \
	exit $$rc

test: preflight lint tf-validate tf-test checkov pytest ## every gate and every test
	@echo "make test: all gates passed"

bench: build ## benchmarks (not tests): see bench/README.md
	@$(PY) bench/json_to_parquet/run.py
	@$(PY) bench/batch_launcher/run.py
	@$(PY) bench/envs/run.py
	@$(PY) bench/glue_deployer/run.py
	@$(PY) bench/kinesis_to_parquet/run.py

release: venv ## tag a release and build its artifacts into dist/: make release VERSION=x.y.z (see CHANGELOG.md)
	@$(PY) -m platform_tools.release $(VERSION)

clean: ## remove build output (keeps the virtualenvs)
	rm -rf build dist .pytest_cache .mypy_cache .ruff_cache
