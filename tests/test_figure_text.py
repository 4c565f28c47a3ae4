"""gdcourse.figure_text: a figure's words in every edition's language, from the figures catalogue."""

import json
import re

import matplotlib.pyplot as plt
import pytest

import gdcourse
from gdcourse import figure_text, figures, i18n, plotting
from gdcourse.figure_text import GLYPH_MISSING, figure_html, figure_messages, message_of

# Messages of chapter 4's figures, translated in its page catalogue (locale/ko/LC_MESSAGES/book/04_rmsprop.po).
TITLE, TITLE_KO = "per-coordinate learning rates", "좌표별 학습률"
LABEL, LABEL_KO = "steps taken (iterations)", "밟은 단계 수 (반복)"


@pytest.fixture(autouse=True)
def outside_the_build(monkeypatch):
    for name in ("GDCOURSE_LANGUAGE", "GDCOURSE_EDITIONS", "GDCOURSE_MESSAGE_LOG"):
        monkeypatch.delenv(name, raising=False)
    gdcourse.set_language(None)
    yield
    gdcourse.set_language(None)
    plt.close("all")


def same_figure(a: str, b: str) -> bool:
    """Equal but for the id prefix figures.to_html derives from the SVG's metadata (its creation date)."""
    prefix = re.compile(r"f[0-9a-f]{8}p(\d+)-")
    return prefix.sub(r"F\1-", a) == prefix.sub(r"F\1-", b)


def a_figure():
    fig, ax = plt.subplots()
    ax.plot([1, 2, 3], [3, 1, 2], label="RMSProp (η = 0.1)")
    ax.set_title(TITLE)
    ax.set_xlabel(LABEL)
    ax.set_ylabel("$w_1$ (dimensionless)")
    ax.legend()
    plotting.describe(fig, "Loss gap against steps on a log scale for RMSProp with three learning rates and for "
                           "gradient descent on a quadratic bowl: each RMSProp curve falls to a floor at the dotted "
                           "height eta squared times the curvatures over 8, lower for smaller eta, while gradient "
                           "descent keeps falling.")
    return fig


@pytest.mark.parametrize("text, message, numbers", [
    ("Adam (diverged at step 37)", "Adam (diverged at step {0})", ["37"]),
    ("best: 1.2e-05", "best: {0}", ["1.2e-05"]),
    ("quadratic (κ=10, 30°)", "quadratic (κ={0}, {1}°)", ["10", "30"]),
    ("$w_1$ (dimensionless)", "$w_1$ (dimensionless)", []),  # numbers inside maths stay maths
    ("{braces} stay 2", "{{braces}} stay {0}", ["2"]),
])
def test_numbers_outside_maths_become_placeholders(text, message, numbers):
    assert message_of(text) == (message, numbers)
    assert figure_text._fill(message, numbers) == text


@pytest.mark.parametrize("text", ["", "0.5", "$\\eta = 0.1$", "Adam", "AdaGrad", "  "])
def test_numbers_maths_and_optimizer_names_are_not_messages(text):
    assert message_of(text) is None


def test_a_translated_template_gets_its_numbers_back():
    assert figure_text.translate_text("RMSProp (η = 0.01)", "ko") == "RMSProp (η = 0.01)"  # the same words in Korean
    assert figure_text.translate_text("GD (η = 1.9)", "ko") == "GD (η = 1.9)"
    assert figure_text.translate_text("noisy quadratic, same η = 0.03, 600 steps", "ko") == "잡음 섞인 이차 함수, 같은 η = 0.03, 600단계"
    assert figure_text.translate_text("a text no catalogue has", "ko") == "a text no catalogue has"


def test_the_messages_of_a_figure_are_its_texts_and_alt_text():
    fig = a_figure()
    messages = figure_messages(fig)
    assert set(messages[:4]) == {TITLE, LABEL, "$w_1$ (dimensionless)", "RMSProp (η = {0})"}
    assert messages[-1].startswith("Loss gap against steps") and "over {0}, lower" in messages[-1]


def test_outside_the_build_a_figure_is_shown_in_the_language_in_use():
    fig = a_figure()
    english = figure_html(fig)
    assert TITLE in english and "gd-edition" not in english
    gdcourse.set_language("ko")
    korean = figure_html(fig)
    assert TITLE_KO in korean and LABEL_KO in korean and TITLE not in korean
    assert 'aria-label="이차 함수 그릇에서 세 가지 학습률의 RMSProp' in korean
    assert fig.axes[0].get_title() == TITLE  # the figure is given back in English


def test_during_the_build_both_editions_are_rendered_and_english_is_unchanged(monkeypatch, tmp_path):
    log = tmp_path / "messages.jsonl"
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    monkeypatch.setenv("GDCOURSE_MESSAGE_LOG", str(log))
    html = figure_html(a_figure())
    alone = figures.to_html(a_figure())  # the English edition's figure is what it was without Korean
    assert same_figure(i18n.keep_edition(html, "en"), alone)
    korean = i18n.keep_edition(html, "ko")
    assert TITLE_KO in korean and TITLE not in korean and GLYPH_MISSING not in korean
    assert korean.count("<svg") == alone.count("<svg")
    logged = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
    assert {(e["msgid"], e["translated"]) for e in logged} >= {(TITLE, True), (LABEL, True)}
    assert all(e["language"] == "ko" and e["domain"] == "figures" for e in logged)


def test_the_korean_layout_font_has_every_glyph(monkeypatch):
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    with _no_glyph_warning():
        html = figure_html(a_figure())
    assert GLYPH_MISSING not in html


class _no_glyph_warning:
    def __enter__(self):
        import warnings

        self.catcher = warnings.catch_warnings(record=True)
        self.caught = self.catcher.__enter__()
        warnings.simplefilter("always")

    def __exit__(self, *exc):
        self.catcher.__exit__(*exc)
        glyphs = [str(w.message) for w in self.caught if "missing from font" in str(w.message)]
        assert glyphs == [], glyphs


def test_a_missing_glyph_marks_the_figure_in_the_build_and_warns_once_in_a_notebook(monkeypatch):
    monkeypatch.setitem(figure_text.FONTS, "ko", ["DejaVu Sans"])  # a font without Hangul
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    html = figure_html(a_figure())
    assert re.search(rf'<figure class="gd-figure {GLYPH_MISSING}"', i18n.keep_edition(html, "ko"))
    assert GLYPH_MISSING not in i18n.keep_edition(html, "en")
    monkeypatch.delenv("GDCOURSE_EDITIONS")
    monkeypatch.setattr(figure_text, "_warned_glyphs", False)
    gdcourse.set_language("ko")
    with pytest.warns(UserWarning, match="install a font that has them"):
        figure_html(a_figure())


def test_a_figure_with_nothing_to_translate_is_rendered_once(monkeypatch):
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    fig, ax = plt.subplots()
    ax.plot([0, 1], [1, 0])
    ax.set_xlabel("a label no catalogue has")
    plotting.describe(fig, "A line falling from one to zero, with a label no catalogue translates.")
    calls = []
    real = figures.to_html
    monkeypatch.setattr(figures, "to_html", lambda f: calls.append(1) or real(f))
    html = figure_html(fig)
    assert len(calls) == 1 and i18n.keep_edition(html, "ko") == i18n.keep_edition(html, "en")
