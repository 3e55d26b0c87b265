# LogoKraft: `make run` starts the whole system on embedded defaults; `make test` runs every test.
# Both install what they need first (uv, then the locked workspace), so a fresh machine
# with Python 3.11, make and access to PyPI is enough.

SHELL := /bin/bash
.DEFAULT_GOAL := help

UV := $(shell command -v uv 2>/dev/null)
ifeq ($(UV),)
UV := $(CURDIR)/.tools/bin/uv
endif
export UV_PYTHON_DOWNLOADS ?= never
PYTHON ?= python3

# `make token USER=bob`: USER is only the dev user's name when given on the command line
# (the environment's USER is the login name, not a LogoKraft user).
TOKEN_USER := $(if $(filter command line,$(origin USER)),$(USER),dev)
PYTEST_ARGS ?=
BENCH_ARGS ?=
SYSTEM_BENCH_ARGS ?=

.PHONY: help setup run token test lint format protos check-protos gallery bench clean images compose-smoke openapi ts-client ts-client-check ts-deps

help:
	@echo "make run    - start NATS, Postgres, the three services and the gateway (Ctrl-C stops)"
	@echo "make token  - print a bearer token for the dev user (make token USER=bob for another)"
	@echo "make setup  - install uv when missing, then the locked workspace into .venv (make run and make test do it first)"
	@echo "make test   - run the whole test suite"
	@echo "make lint   - ruff, a check that generated proto code matches protos/, and that docs/openapi.json and the TypeScript client match the app"
	@echo "make format - ruff's fixes and formatting, in place"
	@echo "make protos - regenerate libs/protos from protos/"
	@echo "make openapi - regenerate docs/openapi.json from the gateway's app, then the TypeScript client"
	@echo "make ts-client - regenerate clients/typescript/src/logokraft.ts from docs/openapi.json"
	@echo "make ts-client-check - type-check the TypeScript client and its example (npm ci: the pinned typescript)"
	@echo "make check-protos - buf lint, buf breaking against every landed protos/ since the baseline, generated code up to date"
	@echo "make gallery - render the local engine's contact sheet of sample briefs to docs/gallery.png, and of their brand kits to docs/gallery-kit.png"
	@echo "make test-browser - the studio's browser tests in Chromium"
	@echo "make browser-deps - install Debian's chromium with apt when it is missing (as root; without it the browser tests are skipped)"
	@echo "make bench  - the engine benchmark (one core, median < 50 ms per 1024x1024 logo), then the system benchmark (the real stack against latency-modelled provider fakes; JSON in bench/results/; SYSTEM_BENCH_ARGS=\"--quick\")"
	@echo "make images - build the four service images (BASE_IMAGE=..., podman or docker) and print their sizes"
	@echo "make compose-smoke - build the images, run docker-compose.yml end to end (a project across an imagegen restart, a refinement), tear it down"

# Its notes go to stderr: `TOKEN=$(make -s token)` on a machine without uv takes stdout.
$(CURDIR)/.tools/bin/uv:
	@echo "uv not found; installing it into .tools/ from PyPI" >&2
	$(PYTHON) -m venv $(CURDIR)/.tools >&2
	$(CURDIR)/.tools/bin/pip install --quiet --disable-pip-version-check uv >&2

.venv/.synced: $(UV) uv.lock pyproject.toml $(wildcard libs/*/pyproject.toml services/*/pyproject.toml)
	$(UV) sync --all-packages --locked
	@touch $@

setup: .venv/.synced

run: setup
	$(UV) run --no-sync python -m logokraft_dev.devstack run

token: setup
	@$(UV) run --no-sync python -m logokraft_dev.devstack token --user $(TOKEN_USER)

test: setup check-protos browser-deps ts-deps
	$(UV) run --no-sync pytest $(PYTEST_ARGS)

lint: setup check-protos
	$(UV) run --no-sync ruff check .
	$(UV) run --no-sync ruff format --check .
	$(UV) run --no-sync python -m logokraft_dev.openapi --check
	$(UV) run --no-sync python -m logokraft_dev.tsclient --check

format: setup
	$(UV) run --no-sync ruff check --fix .
	$(UV) run --no-sync ruff format .

protos: setup
	$(UV) run --no-sync python -m grpc_tools.protoc -I protos \
		--python_out=libs/protos/src --pyi_out=libs/protos/src --grpc_python_out=libs/protos/src \
		protos/logokraft/v1/*.proto

# The API contract: docs/openapi.json is the gateway app's document; clients/typescript is
# generated from it (no Node.js needed); `make lint` fails when either is out of date.
openapi: setup ## regenerate docs/openapi.json from the gateway's app, then the TypeScript client
	$(UV) run --no-sync python -m logokraft_dev.openapi
	$(UV) run --no-sync python -m logokraft_dev.tsclient

ts-client: setup ## regenerate clients/typescript/src/logokraft.ts from docs/openapi.json
	$(UV) run --no-sync python -m logokraft_dev.tsclient

ts-client-check: ts-deps ## type-check the client and clients/typescript/examples (Node.js and npm; typescript from the npm registry)
	@command -v node >/dev/null || { echo "ts-client-check needs Node.js and npm"; exit 1; }
	cd clients/typescript && ./node_modules/.bin/tsc -p tsconfig.json

# The pinned TypeScript compiler (clients/typescript/package-lock.json, from the npm registry)
# for the tests that type-check and run the generated client. Installed when the lock file
# changed; without Node.js and npm those two tests are skipped with the reason, as the
# browser tests are without chromium. A failed install with npm present fails the target.
ts-deps:
	@if ! command -v npm >/dev/null || ! command -v node >/dev/null; then \
	  echo "node/npm not found: the TypeScript client's type-check tests will be skipped"; \
	elif [ clients/typescript/node_modules/.package-lock.json -nt clients/typescript/package-lock.json ]; then \
	  echo "typescript: $$(clients/typescript/node_modules/.bin/tsc --version)"; \
	else \
	  cd clients/typescript && npm ci --no-audit --no-fund --ignore-scripts; \
	fi

check-protos: setup
	@$(UV) run --no-sync buf lint protos && echo "buf lint: protos/ follows the STANDARD rules"
	@$(UV) run --no-sync python -m logokraft_dev.proto_contract
	@tmp=$$(mktemp -d) && \
	$(UV) run --no-sync python -m grpc_tools.protoc -I protos \
		--python_out=$$tmp --pyi_out=$$tmp --grpc_python_out=$$tmp protos/logokraft/v1/*.proto && \
	diff -r -x __init__.py -x __pycache__ $$tmp/logokraft libs/protos/src/logokraft && \
	echo "generated proto code is up to date"; status=$$?; rm -rf $$tmp; exit $$status

gallery: setup ## render the local engine's contact sheet of sample briefs to docs/gallery.png
	$(UV) run --no-sync python -m logokraft_engine.gallery --out docs/gallery.png

# The studio's browser tests (tests/browser) drive Debian's chromium with Playwright (no browser
# download). browser-deps installs it with apt when it is missing and we are root; it never
# fails: without chromium the browser tests are skipped with the reason.
.PHONY: browser-deps test-browser
browser-deps: ## Debian's chromium for tests/browser, installed with apt when missing (root only; never fails)
	@if command -v chromium >/dev/null || command -v chromium-browser >/dev/null; then \
	  echo "chromium: $$(command -v chromium || command -v chromium-browser)"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "chromium not found; installing it with apt-get"; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get install -y chromium || { apt-get update && apt-get install -y chromium; } \
	    || echo "could not install chromium: the browser tests will be skipped"; \
	else \
	  echo "chromium not found and not root (or no apt-get): the browser tests will be skipped"; \
	fi

test-browser: setup browser-deps ## the studio in Chromium; PYTEST_ARGS="--screenshots DIR --studio-png docs/studio.png"
	$(UV) run --no-sync pytest tests/browser $(PYTEST_ARGS)

bench: setup ## the engine benchmark (BENCH_ARGS="--logos 500"), then the system benchmark (SYSTEM_BENCH_ARGS="--quick")
	$(UV) run --no-sync python -m logokraft_engine.bench $(BENCH_ARGS)
	$(UV) run --no-sync python -m logokraft_dev.bench $(SYSTEM_BENCH_ARGS)

# Container images, one per service, all from deploy/service.Dockerfile (SERVICE=<name>; not
# part of `make test`; see docs/DEPLOY.md). BASE_IMAGE, CONTAINER_ENGINE,
# CONTAINER_BUILD_FLAGS and SERVICES are read by the script when given.
images: ## build logokraft-{gateway,prompt,imagegen,refine} from deploy/service.Dockerfile and print their sizes
	scripts/images.sh

# The compose stack end to end (not part of `make test`; see docs/DEPLOY.md, "Compose"): after
# the images, builds the NATS/Postgres stand-ins (unless NATS_IMAGE/POSTGRES_IMAGE are given),
# starts docker-compose.yml with secrets generated for the run, and always tears it down.
# COMPOSE picks the compose command; with podman, podman-compose is installed into .tools/compose.
compose-smoke: setup images ## the compose stack end to end; last line: compose smoke: 2/2 candidates, ...
	@if [ -z "$$COMPOSE" ] && command -v podman >/dev/null && ! command -v podman-compose >/dev/null \
	    && [ ! -x $(CURDIR)/.tools/compose/bin/podman-compose ]; then \
	  echo "podman-compose not found; installing it into .tools/compose from PyPI"; \
	  $(PYTHON) -m venv $(CURDIR)/.tools/compose && \
	  $(CURDIR)/.tools/compose/bin/pip install --quiet --disable-pip-version-check podman-compose; \
	fi
	$(UV) run --no-sync python scripts/compose_smoke.py

clean:
	rm -rf .venv .tools .pytest_cache .ruff_cache
