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
- **In the Korean edition** (``language = "ko"``, site/build_edition.py) the student notebooks are the
  Korean ones (``gdcourse release --language ko``: markdown from the page catalogues), the buttons and the
  course pack's README are in Korean (:data:`WORDS`), and the PDF button links the English PDF.
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

#: The words of the download buttons, per edition.
WORDS = {
    "en": {"student": "Student notebook (.ipynb)", "student title": "Student notebook: the chapter without its solutions",
           "pack": "Course pack (.zip)", "pack title": "Every student notebook and the data they use",
           "pdf title": "The whole book as a PDF"},
    "ko": {"student": "학생용 노트북 (.ipynb)", "student title": "학생용 노트북: 해답을 뺀 이 장",
           "pack": "강좌 꾸러미 (.zip)", "pack title": "모든 학생용 노트북과 노트북이 쓰는 데이터",
           "pdf title": "책 전체를 PDF로 (영어판)"},
}
#: Where each edition's PDF button points, from the edition's root (the Korean one: the English PDF).
PDF_OF = {"en": PDF, "ko": f"../{PDF}"}

COURSE_PACK_README_KO = """\
경사 하강법: 모멘텀에서 Adam까지 — 강좌 꾸러미
==============================================

해답을 뺀 장별 노트북과 노트북이 쓰는 데이터입니다.

1. 강좌의 패키지를 설치하세요 (Python 3.10 이상):

       pip install "gdcourse @ git+{repository}@{branch}"

   (Colab이나 Binder에서는 각 노트북의 첫 셀이 대신 설치합니다.)
2. Jupyter로 노트북을 여세요 (`pip install jupyterlab` 다음 `jupyter lab`). 순서대로 공부하면 됩니다.
   연습 문제마다 답을 검사하는 방법이 적혀 있습니다. 이 노트북들은 gdcourse가 한국어로 말하도록
   표시되어 있습니다 (Colab에서는 `import gdcourse; gdcourse.set_language("ko")`를 한 번 실행하세요).

data/digits.csv.gz는 패키지에 들어 있는 손글씨 숫자 데이터 집합입니다 (CC BY 4.0). 노트북은
gdcourse.datasets로 이 데이터를 읽으므로 직접 열 필요는 없습니다.
"""

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


def edition(app: Sphinx) -> str:
    return app.config.language if app.config.language in WORDS else "en"


def write_student_downloads(app: Sphinx, outdir: Path) -> dict[str, Path]:
    from gdcourse.grading import student_version
    from gdcourse.grading.release import page_catalogue

    language = edition(app)
    written = {}
    for doc in chapter_notebooks(app):
        source = Path(app.srcdir) / f"{doc}.ipynb"
        translations = page_catalogue(source, language) if language != "en" else None
        notebook = student_version(nbformat.read(source, as_version=4), source.name, translations, language)
        target = outdir / STUDENTS / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(nbformat.writes(notebook) + "\n", encoding="utf-8")
        written[doc] = target
    repository = app.config.html_theme_options.get("repository_url", "https://github.com/gdcourse/gdcourse")
    branch = app.config.html_theme_options.get("repository_branch", "main")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as pack:
        readme = COURSE_PACK_README_KO if language == "ko" else COURSE_PACK_README
        pack.writestr("gdcourse-course-pack/README.txt", readme.format(repository=repository, branch=branch))
        for target in written.values():
            pack.write(target, f"gdcourse-course-pack/{target.name}")
        pack.write(ROOT / "gdcourse" / "data" / "digits.csv.gz", "gdcourse-course-pack/data/digits.csv.gz")
    (outdir / COURSE_PACK).write_bytes(buffer.getvalue())
    return written


SOURCE_DOWNLOAD = re.compile(
    # the title is the theme's, in the page's language ("Download source file", "소스 파일 다운로드")
    r'<a href="([^"]*_sources/[^"]+\.ipynb)"([^>]*)title="[^"]*"([^>]*)>(.*?)'
    r'<span class="btn__text-container">\.ipynb</span>\s*</a>',
    re.DOTALL,
)
PDF_BUTTON = re.compile(r'<button onclick="window\.print\(\)"\s*class="([^"]*btn-download-pdf-button[^"]*)"(.*?)</button>', re.DOTALL)


def relative(target: str, page: Path, outdir: Path) -> str:
    return os.path.relpath(outdir / target, page.parent).replace(os.sep, "/")


def rewrite_download_buttons(text: str, page: Path, outdir: Path, language: str = "en") -> str:
    words = WORDS[language]

    def student(match):
        name = Path(match.group(1)).name
        href = relative(f"{STUDENTS}/{name}", page, outdir)
        pack = relative(COURSE_PACK, page, outdir)
        icon = match.group(4)
        return (f'<a href="{href}" download{match.group(2)}title="{words["student title"]}"{match.group(3)}>{icon}'
                f'<span class="btn__text-container">{words["student"]}'
                f'</span></a></li>\n<li><a href="{pack}" download class="btn btn-sm dropdown-item" '
                f'title="{words["pack title"]}">{icon}'
                f'<span class="btn__text-container">{words["pack"]}</span></a>')

    def pdf(match):
        href = relative(PDF_OF[language], page, outdir)
        return f'<a href="{href}" class="{match.group(1)}" title="{words["pdf title"]}"{match.group(2)}</a>'

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
        new = rewrite_download_buttons(text, page, outdir, edition(app))
        if new != text:
            page.write_text(new, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", share_html_visitors)
    app.connect("build-finished", publish_editions)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
