"""The book's notebooks follow book/AUTHORING.md (the notebooks themselves run under pytest --nbval-lax)."""

import json
import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
TOC = yaml.safe_load((ROOT / "_toc.yml").read_text())
CHECKED = "nbval-check-output"  # nbval's cell tag: compare this cell's committed output


def is_checked(cell) -> bool:
    return CHECKED in cell["metadata"].get("tags", [])


def toc_files(entries):
    for entry in entries:
        if "file" in entry:
            yield entry["file"]
        yield from toc_files(entry.get("chapters", []) + entry.get("sections", []))


PAGES = [TOC["root"], *toc_files(TOC.get("parts", []) + TOC.get("chapters", []))]
NOTEBOOKS = sorted(ROOT.glob("book/*.ipynb"))
CHAPTERS = {path.stem: path for path in NOTEBOOKS if re.match(r"\d\d_", path.stem)}
ALGORITHM_CHAPTERS = ["02_momentum", "03_adagrad", "04_rmsprop", "05_adam", "06_beyond"]


def load(path):
    return json.loads(path.read_text(encoding="utf-8"))


def sources(nb, kind=None):
    return ["".join(c["source"]) for c in nb["cells"] if kind is None or c["cell_type"] == kind]


def test_every_page_of_the_table_of_contents_exists():
    for page in PAGES:
        candidates = [ROOT / f"{page}{suffix}" for suffix in (".md", ".ipynb")]
        assert any(p.exists() for p in candidates), page


def test_every_notebook_is_in_the_table_of_contents():
    listed = set(PAGES)
    for path in NOTEBOOKS:
        assert f"book/{path.stem}" in listed, path.name


def test_the_nine_chapters_exist():
    assert sorted(CHAPTERS) == [
        "01_gradient_descent",
        "02_momentum",
        "03_adagrad",
        "04_rmsprop",
        "05_adam",
        "06_beyond",
        "07_schedules",
        "08_comparison",
        "09_practice",
    ]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.name)
def test_only_checked_cells_keep_outputs_and_only_as_text(path):
    nb = load(path)
    assert "widgets" not in nb["metadata"], "saved widget state must not be committed"
    for i, cell in enumerate(nb["cells"]):
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        assert "NBVAL" not in source, f"cell {i}: mark checked cells with the tag {CHECKED!r}, not a comment readers see"
        if not is_checked(cell):
            assert cell["outputs"] == [], f"cell {i} has outputs but no tag {CHECKED!r}"
            assert cell["execution_count"] is None, f"cell {i} has an execution count"
            continue
        assert cell["outputs"], f"checked cell {i} has no committed output: run scripts/refresh_outputs.py"
        for output in cell["outputs"]:
            assert output["output_type"] in ("stream", "execute_result"), f"cell {i}: {output['output_type']}"
            if output["output_type"] == "stream":
                assert output["name"] == "stdout"
            else:
                assert set(output["data"]) == {"text/plain"}, f"cell {i} commits {set(output['data'])}"
        text = "".join("".join(o.get("text", "")) + "".join(o.get("data", {}).get("text/plain", "")) for o in cell["outputs"])
        assert len(text) < 3000, f"cell {i}: checked outputs are for small results"
        assert "nan" not in text.lower().split(), f"cell {i} states a NaN"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_chapters_follow_the_conventions(name):
    nb = load(CHAPTERS[name])
    code = "\n".join(sources(nb, "code"))
    markdown = "\n".join(sources(nb, "markdown"))
    assert "import gdcourse" in code or "from gdcourse" in code
    assert sum(1 for s in sources(nb, "markdown") if s.lstrip().startswith("# ")) == 1, "one H1 title"
    assert "## Exercises" in markdown
    assert "{exercise}" in markdown
    assert "{cite}" in markdown, "cite the papers the chapter uses"
    assert re.search(r"[\uac00-\ud7a3]", markdown), "give the notes' Korean terms"
    assert any(is_checked(c) for c in nb["cells"] if c["cell_type"] == "code"), "state at least one result in a checked cell"
    assert re.search(r"widgets\.(explorer|compare)\(", code), "every chapter has an explorer"
    assert "rcParams" not in code, "the plot style is set once, in gdcourse.plotting"
    for cell in nb["cells"]:
        if cell["cell_type"] == "code":
            assert "plt.style" not in "".join(cell["source"])


@pytest.mark.parametrize("name", ALGORITHM_CHAPTERS)
def test_algorithm_chapters_show_the_packages_own_source(name):
    code = "\n".join(sources(load(CHAPTERS[name]), "code"))
    assert re.search(r"\bshow\(gdcourse\.\w+", code), "include the implementation with gdcourse.source.show"


def test_solutions_are_tagged_and_follow_their_exercise():
    labels = []
    for path in CHAPTERS.values():
        cells = load(path)["cells"]
        for i, cell in enumerate(cells):
            source = "".join(cell["source"])
            if cell["cell_type"] == "markdown" and "{solution}" in source:
                assert "solution" in cell["metadata"].get("tags", []), f"{path.name} cell {i}: tag the solution cell"
            match = re.search(r"```\{exercise(?:-start)?\}[^\n]*\n:label: ([\w-]+)", source)
            if match:
                labels.append(match.group(1))
    assert len(labels) == len(set(labels)), "exercise labels must be unique across the book"
    assert len(labels) >= 3 * len(CHAPTERS)


# (chapter, exercise): a chapter may have several coding exercises.
CODING_EXERCISES = [
    ("02_momentum", "momentum_step"),
    ("02_momentum", "nesterov_step"),
    ("03_adagrad", "adagrad_step"),
    ("04_rmsprop", "rmsprop_step"),
    ("05_adam", "adam_step"),
    ("06_beyond", "adadelta_step"),
    ("06_beyond", "adamw_step"),
    ("06_beyond", "amsgrad_step"),
    ("07_schedules", "warmup_cosine_step"),
]


@pytest.mark.parametrize("chapter, name", CODING_EXERCISES)
def test_coding_exercise_solution_is_the_checkers_model_solution(chapter, name):
    from gdcourse.exercises import EXERCISES

    cells = load(CHAPTERS[chapter])["cells"]
    solutions = [
        "".join(c["source"]) for c in cells
        if c["cell_type"] == "code" and "solution" in c["metadata"].get("tags", []) and f"def {name}(" in "".join(c["source"])
    ]
    assert solutions == [EXERCISES[name].solution.rstrip("\n")], "the book's solution must not drift from solution()"
    sources = ["".join(c["source"]) for c in cells]
    assert any(f'exercises.check("{name}", {name})' in s for s in sources), "the chapter runs the checker"
    assert any("{exercise-start}" in s and name in s for s in sources), "the exercise states the signature"


@pytest.mark.parametrize("name", sorted(CHAPTERS))
def test_the_first_code_cell_installs_gdcourse_where_it_is_missing(name):
    """Colab and Binder open a chapter without the package: its first code cell installs it from the
    repository named in _config.yml, and does nothing where gdcourse is importable; readers of the site
    never see it (remove-cell)."""
    config = yaml.safe_load((ROOT / "_config.yml").read_text())
    repo = config["repository"]["url"].rstrip("/")
    first = next(c for c in load(CHAPTERS[name])["cells"] if c["cell_type"] == "code")
    source = "".join(first["source"])
    assert 'importlib.util.find_spec("gdcourse") is None' in source
    assert f"gdcourse @ git+{repo}@{config['repository']['branch']}" in source
    assert "remove-cell" in first["metadata"].get("tags", [])


# ---------------------------------------------------------------- what readers see (book/AUTHORING.md)
MAX_CODE_LINE = 88
FIGURE_MAKERS = re.compile(r"plt\.subplots\(|plt\.figure\(|plotting\.(compare|side_by_side|heatmap|trajectories|loss_curves|contour)\(")


def code_cells(path):
    return [(i, "".join(c["source"])) for i, c in enumerate(load(path)["cells"]) if c["cell_type"] == "code"]


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_code_lines_fit_the_column(path):
    long = [f"cell {i}: {len(line)} characters: {line[:60]}…" for i, source in code_cells(path)
            for line in source.splitlines() if len(line) > MAX_CODE_LINE]
    assert long == [], f"code lines longer than {MAX_CODE_LINE} characters scroll sideways on the page"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_every_cell_that_makes_a_figure_gives_it_alt_text(path):
    # The build rejects a displayed figure without alt text (site/sphinx_reader.py); this says where.
    missing = [i for i, source in code_cells(path)
               if FIGURE_MAKERS.search(source) and "describe(" not in source and "alt=" not in source
               and "ax=" not in source.split(FIGURE_MAKERS.search(source).group(0), 1)[1].split("\n", 1)[0]]
    assert missing == [], f"cells that make a figure without describe(fig, ...) or alt=: {missing}"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: p.stem)
def test_no_test_machinery_in_what_readers_see(path):
    nb = load(path)
    prose = " ".join(sources(nb, "markdown")).lower()
    assert "checked cell" not in prose and "nbval" not in prose
    assert not any("NBVAL" in source for source in sources(nb, "code")), "mark checked cells with the tag"
