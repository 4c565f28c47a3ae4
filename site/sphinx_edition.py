"""What readers take away from the site: student notebooks, the course pack, the PDF edition.

- **Student notebooks.**  The theme's download button hands out the page's source, and a chapter's
  source notebook holds the solutions.  After the HTML build, every chapter's student version (made by
  ``gdcourse.grading.release``: solution cells removed or stubbed) is written to
  ``_downloads/students/``, the download button points at it, and the source notebooks are deleted
  from ``_sources/`` — the instructors' version stays in the repository.
- **The course pack**, ``_downloads/gdcourse-course-pack.zip``: every student notebook, the data they
  read (``data/digits.csv.gz``, also inside the package) and a README saying how to start.
- **The PDF edition** (``gdcourse.pdf``, printed from the single-page build by site/print_pdf.py): the
  theme's "PDF" button, which printed the current page, becomes a link to it on every page.
- Jupyter Book's ``singlehtml`` builder fails on MyST-NB's ``HideCodeCellNode`` ("unknown node type"):
  Sphinx looks a node's HTML visitors up by builder name before format, and sphinx-exercise registers
  visitors under the name ``singlehtml``, so MyST-NB's visitors, registered for ``html``, are no longer
  found.  The ``html`` visitors are copied to ``singlehtml`` for every node that has none there.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import nbformat
from sphinx.application import Sphinx

ROOT = Path(__file__).resolve().parents[1]
STUDENTS = "_downloads/students"
COURSE_PACK = "_downloads/gdcourse-course-pack.zip"
PDF = "gdcourse.pdf"

COURSE_PACK_README = """\
Gradient descent, from momentum to Adam — the course pack
=========================================================

The chapter notebooks, without solutions, and the data they use.

1. Install the course's package (Python 3.10 or newer):

       pip install "gdcourse @ git+{repository}@{branch}"

   (Each notebook's first cell does this for you in Colab or Binder.)
2. Open the notebooks with Jupyter (`pip install jupyterlab`, then `jupyter lab`) and work through
   them in order.  The exercises say how to check your answers.

data/digits.csv.gz is the handwritten-digits data set the package ships (CC BY 4.0); the notebooks read
it through gdcourse.datasets, so you do not need to open it yourself.
"""


def share_html_visitors(app: Sphinx) -> None:
    handlers = app.registry.translation_handlers
    if app.builder.name != "singlehtml" or "singlehtml" not in handlers:
        return
    for node, visitors in handlers.get("html", {}).items():
        handlers["singlehtml"].setdefault(node, visitors)


def chapter_notebooks(app: Sphinx) -> list[str]:
    """Docnames of the pages that are notebooks."""
    return [doc for doc in sorted(app.env.found_docs) if (Path(app.srcdir) / f"{doc}.ipynb").exists()]


def write_student_downloads(app: Sphinx, outdir: Path) -> dict[str, Path]:
    from gdcourse.grading import student_version

    written = {}
    for doc in chapter_notebooks(app):
        source = Path(app.srcdir) / f"{doc}.ipynb"
        notebook = student_version(nbformat.read(source, as_version=4), source.name)
        target = outdir / STUDENTS / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        written[doc] = target
    repository = app.config.html_theme_options.get("repository_url", "https://github.com/gdcourse/gdcourse")
    branch = app.config.html_theme_options.get("repository_branch", "main")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        pack.writestr("gdcourse-course-pack/README.txt", COURSE_PACK_README.format(repository=repository, branch=branch))
        for target in written.values():
            pack.write(target, f"gdcourse-course-pack/{target.name}")
        pack.write(ROOT / "gdcourse" / "data" / "digits.csv.gz", "gdcourse-course-pack/data/digits.csv.gz")
    (outdir / COURSE_PACK).write_bytes(buffer.getvalue())
    return written


SOURCE_DOWNLOAD = re.compile(
    r'<a href="([^"]*_sources/[^"]+\.ipynb)"([^>]*)title="Download source file"([^>]*)>(.*?)'
    r'<span class="btn__text-container">\.ipynb</span>\s*</a>',
    re.DOTALL,
)
PDF_BUTTON = re.compile(r'<button onclick="window\.print\(\)"\s*class="([^"]*btn-download-pdf-button[^"]*)"(.*?)</button>', re.DOTALL)


def relative(target: str, page: Path, outdir: Path) -> str:
    return os.path.relpath(outdir / target, page.parent).replace(os.sep, "/")


def rewrite_download_buttons(text: str, page: Path, outdir: Path) -> str:
    def student(match):
        name = Path(match.group(1)).name
        href = relative(f"{STUDENTS}/{name}", page, outdir)
        pack = relative(COURSE_PACK, page, outdir)
        icon = match.group(4)
        return (f'<a href="{href}" download{match.group(2)}title="Student notebook: the chapter without its '
                f'solutions"{match.group(3)}>{icon}<span class="btn__text-container">Student notebook (.ipynb)'
                f'</span></a></li>\n<li><a href="{pack}" download class="btn btn-sm dropdown-item" '
                f'title="Every student notebook and the data they use">{icon}'
                f'<span class="btn__text-container">Course pack (.zip)</span></a>')

    def pdf(match):
        href = relative(PDF, page, outdir)
        return f'<a href="{href}" class="{match.group(1)}" title="The whole book as a PDF"{match.group(2)}</a>'

    text = SOURCE_DOWNLOAD.sub(student, text)
    return PDF_BUTTON.sub(pdf, text)


def publish_editions(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "html":
        return
    outdir = Path(app.outdir)
    write_student_downloads(app, outdir)
    for source in (outdir / "_sources").rglob("*.ipynb"):
        source.unlink()  # the instructors' version, with solutions, stays in the repository
    for page in outdir.rglob("*.html"):
        text = page.read_text(encoding="utf-8")
        new = rewrite_download_buttons(text, page, outdir)
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", share_html_visitors)
    app.connect("build-finished", publish_editions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
