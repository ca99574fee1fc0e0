# Two commands: `make run` (set up and run the system on the sample data) and `make test`.
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
DATA_DIR ?= $(or $(ZAKID_DATA_DIR),data)
PORT ?= 8501
PUBLIC_PORT ?= 8502

.PHONY: setup run public test audit lint bench sample clean

setup: $(VENV)/.installed

$(VENV)/.installed: requirements.txt
	@command -v $(PYTHON) >/dev/null || { echo "Python 3.11 is needed (set PYTHON=/path/to/python3.11)"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -r requirements.txt
	touch $@

run: setup
	$(PY) -m pipelines serve --data-dir $(DATA_DIR) --port $(PORT)

# The public app on another port, from a fresh open-data export (it reads DATA_DIR/public/ only).
public: setup
	@test -f $(DATA_DIR)/warehouse.duckdb || $(PY) -m pipelines ingest data/sample --data-dir $(DATA_DIR)
	$(PY) -m pipelines export --data-dir $(DATA_DIR)
	ZAKID_MODE=public ZAKID_DATA_DIR=$(DATA_DIR) $(PY) -m streamlit run app.py --server.port $(PUBLIC_PORT)

# The Spark test's pyspark (about 490 MB) is installed for `make test` only.
$(VENV)/.spark-installed: requirements-spark.txt $(VENV)/.installed
	$(PY) -m pip install --quiet -r requirements-spark.txt
	touch $@

test: setup $(VENV)/.spark-installed
	@test -x /usr/bin/chromium || { echo "Browser tests need Debian's chromium: apt-get install chromium"; exit 1; }
	@test -x /usr/sbin/mosquitto || { echo "MQTT tests need Debian's mosquitto: apt-get install mosquitto"; exit 1; }
	@test -x /usr/sbin/haproxy || { echo "The proxy test needs Debian's haproxy: apt-get install haproxy"; exit 1; }
	@command -v java >/dev/null || { echo "The Spark test needs Java 17: apt-get install openjdk-17-jre-headless"; exit 1; }
	$(PY) -m ruff check .
	$(PY) -m ruff format --check .
	$(PY) -m pytest

# Known vulnerabilities of the pinned dependencies; a package it cannot check fails it too.
audit: setup
	@$(PY) -m pip_audit --requirement requirements.txt --requirement requirements-spark.txt \
	  --strict --progress-spinner off || { \
	  echo "make audit FAILED: a pinned dependency has a known vulnerability, or pip-audit could not"; \
	  echo "check it against PyPI's advisory data (https://pypi.org/pypi/NAME/VERSION/json must be"; \
	  echo "reachable). Nothing counts as audited until every package is: see the lines above."; \
	  exit 1; }

bench: setup
	$(PY) bench/run.py

sample: setup
	$(PY) -m pipelines sample

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache
