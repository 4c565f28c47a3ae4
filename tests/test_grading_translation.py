"""gdcourse release --language ko: markdown cells translated from the page catalogues, split the way
Sphinx splits them; code cells, maths and directive options untouched."""

import json
import re
import subprocess
import sys
from pathlib import Path

import nbformat
import pytest

from gdcourse.grading import release, student_version
from gdcourse.grading.release import page_catalogue
from gdcourse.grading.translation import read_catalogue, translate_markdown

ROOT = Path(__file__).resolve().parents[1]
CHAPTER = ROOT / "book" / "04_rmsprop.ipynb"  # translated in full (the translators' model)

SOURCE = """\
## The update

RMSProp divides by
the root of an average.

- first item
  on two lines
- second item

| name | default |
|---|---|
| `gamma` | the decay rate |

$$
E[g^2]^r = \\gamma E[g^2]^{r-1}
$$

```{exercise}
:label: rmsprop-first

A weight receives
the same gradient.
```

```python
print("code stays")
```
"""
TRANSLATIONS = {
    "The update": "갱신식",
    "RMSProp divides by the root of an average.": "RMSProp은 평균의 제곱근으로 나눕니다.",
    "first item on two lines": "첫째 항목",
    "name": "이름",
    "the decay rate": "감쇠율 | 표의 칸",
    "A weight receives the same gradient.": "한 가중치가 같은 그래디언트를 받습니다.",
    'print("code stays")': "코드는 번역하지 않습니다",
    "E[g^2]^r = \\gamma E[g^2]^{r-1}": "수식은 번역하지 않습니다",
}


def test_each_block_is_replaced_by_its_translation_and_the_rest_is_kept():
    text, translated, messages = translate_markdown(SOURCE, TRANSLATIONS)
    assert text == """\
## 갱신식

RMSProp은 평균의 제곱근으로 나눕니다.

- 첫째 항목
- second item

| 이름 | default |
|---|---|
| `gamma` | 감쇠율 \\| 표의 칸 |

$$
E[g^2]^r = \\gamma E[g^2]^{r-1}
$$

```{exercise}
:label: rmsprop-first

한 가중치가 같은 그래디언트를 받습니다.
```

```python
print("code stays")
```
"""
    assert (translated, messages) == (6, 9)


def test_the_messages_are_the_ones_sphinx_extracts():
    """Every message the released chapter looked up is a message of the page's catalogue (made by Sphinx)."""
    catalogue = read_catalogue(ROOT / "locale" / "ko" / "LC_MESSAGES" / "book" / "04_rmsprop.po")
    looked_up = []

    class Recorder(dict):
        def get(self, key, default=None):
            looked_up.append(key)
            return catalogue.get(key, default)

    notebook = nbformat.read(CHAPTER, as_version=4)
    for cell in notebook.cells:
        if cell.cell_type == "markdown":
            translate_markdown(cell.source, Recorder())
    with_words = [m for m in looked_up if re.search(r"[A-Za-z]{2}", re.sub(r"\$[^$]*\$|`[^`]*`", "", m))]
    missing = [m for m in with_words if m not in catalogue]
    assert with_words and missing == [], missing[:5]


def test_the_korean_student_notebook_of_a_translated_chapter():
    english = student_version(nbformat.read(CHAPTER, as_version=4), CHAPTER.name)
    korean = student_version(nbformat.read(CHAPTER, as_version=4), CHAPTER.name, page_catalogue(CHAPTER, "ko"), "ko")
    assert korean.metadata["gdcourse"]["language"] == "ko" and "gdcourse" not in english.metadata
    assert [c.cell_type for c in korean.cells] == [c.cell_type for c in english.cells]
    for en, ko in zip(english.cells, korean.cells):
        if en.cell_type == "code":
            assert ko.source == en.source and ko.metadata == en.metadata  # code cells unchanged
        else:
            assert re.findall(r"\$\$.*?\$\$", ko.source, re.DOTALL) == re.findall(r"\$\$.*?\$\$", en.source, re.DOTALL)
    markdown = "\n".join(c.source for c in korean.cells if c.cell_type == "markdown")
    assert markdown.startswith("# 4. RMSProp\n\nAdaGrad(3장)는")
    assert "## 식은 하나가 아니라 둘" in markdown and "{cite}`hinton2012`" in markdown
    assert "Two equations, not one" not in markdown and "The notes write" not in markdown
    assert ":label: rmsprop-" in markdown  # directive options stay


def test_release_language_ko_writes_korean_notebooks_and_refuses_a_page_without_catalogue(tmp_path):
    out = tmp_path / "ko"
    result = subprocess.run([sys.executable, "-m", "gdcourse", "release", str(CHAPTER), str(out), "--language", "ko"],
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    written = json.loads((out / CHAPTER.name).read_text(encoding="utf-8"))
    assert written["metadata"]["gdcourse"]["language"] == "ko"
    assert "".join(written["cells"][0]["source"]).startswith("# 4. RMSProp")
    lone = tmp_path / "elsewhere" / "lone.ipynb"
    lone.parent.mkdir()
    nbformat.write(nbformat.v4.new_notebook(), lone)
    with pytest.raises(ValueError, match=r"no catalogues for language 'ko'.*nothing was written"):
        release(lone, tmp_path / "nothing", language="ko")
    assert not (tmp_path / "nothing").exists()
    with pytest.raises(ValueError, match=r"language must be one of \['en', 'ko'\]; got 'fr'"):
        release(CHAPTER, tmp_path / "nothing", language="fr")
