# The two commands of the README:
#   make site   build the course site into _build/html (creates .venv and installs what is missing)
#   make test   build the site, then run every test (unit, property, notebooks, site)
# `.ci/run` runs `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: site test env clean

env: $(STAMP)

# Re-install whenever the requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# --all: rebuild every page; the execution cache is off (execute_notebooks: force in _config.yml),
# because it keys on the notebooks' code only and would miss a change to gdcourse.
site: $(STAMP)
	$(BIN)/jupyter-book build --all -W --keep-going .

test: site
	$(BIN)/python -m pytest --nbval-lax

clean:
	rm -rf _build
