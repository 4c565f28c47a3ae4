"""site/search_ko.py: Korean words are indexed and searched without their particles, identically in Python
(Sphinx, at build time) and JavaScript (the reader's browser)."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "site"))

from search_ko import JS_STEMMER, SearchKorean, strip_particle  # noqa: E402

WORDS = [
    # a noun with the common particles, and the bare noun
    "모멘텀", "모멘텀을", "모멘텀은", "모멘텀의", "모멘텀과", "모멘텀으로", "모멘텀에서는", "모멘텀이라고도",
    "학습률", "학습률을", "학습률이", "학습률로", "편향", "편향을", "보정", "보정된", "보정합니다",
    "그래디언트", "그래디언트의", "그래디언트를", "가중치가", "매개변수마다", "수렴한다", "발산합니다",
    # two letters stay two letters; a one-letter stem is not made
    "속도", "역할", "이해", "편향이", "가속도",
    # English and code names, with and without a particle
    "Adam은", "RMSProp의", "momentum", "optimizers", "learning", "rates",
]


@pytest.mark.parametrize("word, stem", [
    ("모멘텀을", "모멘텀"), ("모멘텀의", "모멘텀"), ("모멘텀에서는", "모멘텀"), ("학습률이", "학습률"),
    ("보정된", "보정"), ("수렴한다", "수렴"), ("발산합니다", "발산"), ("그래디언트의", "그래디언트"),
    ("속도", "속도"), ("역할", "역할"), ("이해", "이해"), ("편향", "편향"), ("Adam은", "Adam"),
    ("모멘텀이라고도", "모멘텀"), ("학습률에서도", "학습률"),
])
def test_particles_and_endings_are_stripped_when_two_letters_remain(word, stem):
    assert strip_particle(word) == stem


def test_python_and_javascript_stem_every_word_alike():
    python = [SearchKorean({}).stem(word) for word in WORDS]
    script = ("const words = " + json.dumps(WORDS, ensure_ascii=False) + ";\n" + JS_STEMMER +
              "\nconst s = new Stemmer();\nconsole.log(JSON.stringify(words.map((w) => s.stemWord(w.toLowerCase()))));")
    result = subprocess.run(["node", "-e", script], capture_output=True, text=True, check=True)
    javascript = json.loads(result.stdout)
    assert javascript == python
    assert python[:8] == ["모멘텀"] * 8 and python[-4:] == ["momentum", "optim", "learn", "rate"]
    assert "adam" in python and "rmsprop" in python


def test_the_korean_edition_indexes_bare_words():
    index = ROOT / "_build" / "html" / "ko" / "searchindex.js"
    if not index.exists():
        pytest.skip("no built Korean edition: run `make site`")
    text = index.read_text(encoding="utf-8")
    terms = json.loads(text[text.index("{"):text.rindex("}") + 1])["terms"]
    assert "모멘텀" in terms and "학습률" in terms and "편향" in terms and "보정" in terms
    assert not [t for t in terms if t.startswith("모멘텀") and t != "모멘텀" and strip_particle(t) != t]
    language = (ROOT / "_build" / "html" / "ko" / "_static" / "language_data.js").read_text(encoding="utf-8")
    assert "var PorterStemmer" in language and '"에서는"' in language  # the stemmer above, in the page
