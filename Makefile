# Two commands: `make run` (set up and run the system on the sample data) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= $(or $(ZAKID_DATA_DIR),data)
PORT ?= 8501

.PHONY: setup run test lint bench sample clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: setup
	@test -f $(DATA_DIR)/warehouse.duckdb || $(PY) -m pipelines ingest data/sample --data-dir $(DATA_DIR)
	ZAKID_DATA_DIR=$(DATA_DIR) $(PY) -m streamlit run app.py --server.port $(PORT)

test: setup
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install chromium"; exit 1; }
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

bench: setup
	$(PY) bench/run.py

sample: setup
	$(PY) -m pipelines sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
