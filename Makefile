# The two commands of the README:
#   make site   build the course site into _build/html (creates .venv and installs what is missing)
#   make test   build the site, then run every test (unit, property, notebooks, site in a browser)
# `.ci/run` runs `make test`.

PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed
NODE_MODULES := site/node_modules/.package-lock.json
VENDOR := site/static/vendor/.complete

.PHONY: site book-html book-pdf book-ko test env clean explorer-bundle locale catalogues check-translation

# The notebooks multiply small matrices, for which one BLAS thread is faster than several and, on a
# shared 2-core machine, far more predictable. The kernels of the build and of nbval inherit this.
export OPENBLAS_NUM_THREADS ?= 1
export OMP_NUM_THREADS ?= 1
# One set of BLAS kernels on every x86-64 machine: OpenBLAS picks them by CPU, and its AVX-512 ones
# (SkylakeX) round some products differently from the AVX2 ones (Haswell) the book's checked outputs
# were computed with. A last-bit difference is enough to change what a chaotic run prints (Adam at
# η = 0.1 on the digits network, chapter 7) and to break the explorers' bit-for-bit equality with
# gdcourse (tests/test_explorer_kernels.py). Every x86-64 CPU of the last decade runs the Haswell ones.
ifeq ($(shell uname -m),x86_64)
export OPENBLAS_CORETYPE ?= Haswell
endif

env: $(STAMP) $(VENDOR)

# Re-install whenever the requirements or the package metadata change.
$(STAMP): requirements.txt pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -r requirements.txt
	$(BIN)/python -m pip install --quiet --no-deps -e .
	touch $(STAMP)

# require.js and the ipywidgets HTML manager, from the npm registry at build time, so that the published
# pages load nothing from a CDN (site/vendor.py, site/sphinx_offline.py); mathjax-full typesets the maths
# at build time (site/sphinx_maths.py).
$(NODE_MODULES): site/package.json site/package-lock.json
	cd site && npm ci --no-audit --no-fund --ignore-scripts

$(VENDOR): $(NODE_MODULES) site/vendor.py $(STAMP)
	$(BIN)/python site/vendor.py
	touch $(VENDOR)

# The book, from scratch:
#  1. every notebook runs once, on both cores, into a fresh jupyter-cache (site/execute.py; the cache
#     keys on the notebooks' code only and would miss a change to gdcourse, so it is always refilled);
#     each output with words is rendered in both languages (gdcourse/i18n.py);
#  2. then three builds that take the notebooks' outputs from that cache (execute_notebooks: cache),
#     each in its own folder with its own doctrees, two at a time (one core each). The PDF starts
#     first: its build and its printing (about 17 + 35 s) are the longest chain, about as long as the
#     two HTML editions one after the other on the other core:
#     - book-html: the English site, in _build/html;
#     - book-ko: the Korean edition (site/build_edition.py), in _build/ko/html, moved to _build/html/ko
#       when it is complete;
#     - book-pdf: the single-page edition, in _build/pdf/_build/singlehtml, printed to
#       _build/html/gdcourse.pdf by Debian's Chromium (site/print_pdf.py).
site: $(STAMP) $(VENDOR) catalogues
	rm -rf _build/html _build/pdf _build/singlehtml _build/.doctrees _build/jupyter_execute _build/.jupyter_cache _build/ko
	$(BIN)/python site/execute.py
	$(MAKE) --no-print-directory -j2 --output-sync=target book-pdf book-html book-ko

book-html:
	$(BIN)/jupyter-book build --all -W --keep-going .

book-ko:
	$(BIN)/python site/build_edition.py ko

book-pdf:
	$(BIN)/jupyter-book build --all --builder singlehtml --path-output _build/pdf -W --keep-going .
	$(BIN)/python site/print_pdf.py

# The package's compiled catalogues (committed: the installed package reads them), from the .po files.
catalogues: $(STAMP)
	$(BIN)/python site/catalogues.py compile

# The Korean edition's catalogues, from the English as it is now (book/AUTHORING.md, "Translating"):
# run the notebooks (their figures' texts are messages too), extract every page's messages, merge them
# into locale/ko/LC_MESSAGES/ keeping every translation (a changed English message becomes fuzzy), the
# same for the package's own messages, and compile what the package reads.
locale: $(STAMP) $(VENDOR)
	$(BIN)/python site/execute.py
	$(BIN)/python site/build_edition.py gettext
	$(BIN)/python site/catalogues.py figures
	$(BIN)/sphinx-intl update --pot-dir _build/gettext --locale-dir locale --language ko --line-width 0
	$(BIN)/python site/catalogues.py package
	$(BIN)/python site/catalogues.py compile

# Two workers (the machine has two cores). --dist loadscope keeps each notebook's cells on one worker,
# in order in one kernel, and each test module (or class) with its shared fixtures.
test: site
	$(BIN)/python -m pytest --nbval-lax -n 2 --dist loadscope

# One page's Korean, without a build (book/AUTHORING.md, "Translating"): make check-translation PAGE=book/04_rmsprop
check-translation: $(STAMP)
	$(BIN)/python site/catalogues.py status $(PAGE); \
	  $(BIN)/python -m pytest -q -p no:randomly tests/test_translation.py -k "keep_maths or spellings or checker_and_the_grader or compiled"

# The explorers' user interface (site/explorer/*.js + d3), bundled by esbuild into the package, where it is
# committed (gdcourse/explorer/bundle.py); tests/test_explorer_bundle.py checks that it is up to date.
explorer-bundle: $(STAMP) $(NODE_MODULES)
	$(BIN)/python -m gdcourse.explorer build

clean:
	rm -rf _build
