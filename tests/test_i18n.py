"""gdcourse.i18n: the language in use, the catalogues, messages in any language, outputs per edition."""

from pathlib import Path

import nbformat
import pytest

import gdcourse
from gdcourse import i18n
from gdcourse.i18n import EDITION_END, Message, edition_html, keep_edition, translate


@pytest.fixture(autouse=True)
def english(monkeypatch):
    """Every test starts in the default language, outside the book's build."""
    for name in ("GDCOURSE_LANGUAGE", "GDCOURSE_EDITIONS", "JPY_SESSION_NAME"):
        monkeypatch.delenv(name, raising=False)
    i18n._notebook_language.cache_clear()
    gdcourse.set_language(None)
    yield
    gdcourse.set_language(None)
    i18n._notebook_language.cache_clear()


def test_english_is_the_default_and_set_language_changes_it():
    assert gdcourse.get_language() == "en"
    gdcourse.set_language("ko")
    assert gdcourse.get_language() == "ko"
    gdcourse.set_language(None)
    assert gdcourse.get_language() == "en"


def test_a_language_it_does_not_speak_is_refused_by_name():
    with pytest.raises(ValueError, match=r"language must be one of \['en', 'ko'\]; got 'fr'"):
        gdcourse.set_language("fr")
    assert gdcourse.get_language() == "en"  # nothing changed


def test_the_environment_sets_the_language_and_set_language_wins(monkeypatch):
    monkeypatch.setenv("GDCOURSE_LANGUAGE", "ko")
    assert gdcourse.get_language() == "ko"
    gdcourse.set_language("en")
    assert gdcourse.get_language() == "en"
    monkeypatch.setenv("GDCOURSE_LANGUAGE", "de")
    gdcourse.set_language(None)
    with pytest.raises(ValueError, match="GDCOURSE_LANGUAGE must be one of"):
        gdcourse.get_language()


def test_a_notebook_marked_korean_makes_its_kernel_speak_korean(tmp_path, monkeypatch):
    notebook = nbformat.v4.new_notebook(metadata={"gdcourse": {"language": "ko"}})
    path = tmp_path / "04_rmsprop.ipynb"
    path.write_text(nbformat.writes(notebook), encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))  # what Jupyter Server tells a notebook's kernel
    assert gdcourse.get_language() == "ko"
    assert i18n.chosen_language() == "ko"


def test_an_unmarked_or_unreadable_notebook_leaves_english(tmp_path, monkeypatch):
    path = tmp_path / "plain.ipynb"
    path.write_text("{not json", encoding="utf-8")
    monkeypatch.setenv("JPY_SESSION_NAME", str(path))
    assert gdcourse.get_language() == "en"
    assert i18n.chosen_language() is None


def test_translate_uses_the_installed_catalogue_and_falls_back_to_english():
    english = "the function was not run on any test."
    assert translate(english, "exercises", "ko") == "함수가 어떤 테스트에서도 실행되지 않았습니다."
    assert translate(english, "exercises", "en") == english
    assert translate("a sentence no catalogue has", "exercises", "ko") == "a sentence no catalogue has"
    assert translate("", "exercises", "ko") == ""


def test_a_message_is_rendered_in_either_language_with_its_nested_messages():
    scenario = Message("1-D, starting at rest", "exercises")
    text = Message("{name} was not run on every step of the test '{scenario}'.", "exercises", name="f", scenario=scenario)
    assert text.render("en") == "f was not run on every step of the test '1-D, starting at rest'."
    assert text.render("ko") == "f이(가) 테스트 '1차원, 정지 상태에서 출발'의 모든 단계에서 실행되지는 않았습니다."
    gdcourse.set_language("ko")
    assert str(text) == text.render("ko")


def test_a_message_without_arguments_keeps_its_braces():
    where = "See the momentum update in chapter 2: Δw^{r+1} = αΔw^r − η∇E(w^r), then w^{r+1} = w^r + Δw^{r+1}."
    assert Message(where, "exercises").render("en") == where
    assert "Δw^{r+1} = αΔw^r − η∇E(w^r)" in Message(where, "exercises").render("ko")


def test_outside_the_build_an_output_is_in_the_language_in_use():
    render = lambda language: f"<p>{language}</p>"  # noqa: E731
    assert edition_html(render) == "<p>en</p>"
    gdcourse.set_language("ko")
    assert edition_html(render) == "<p>ko</p>"


def test_during_the_build_an_output_holds_every_edition_and_each_keeps_its_own(monkeypatch):
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en ko")
    assert i18n.editions() == ("en", "ko")
    html = edition_html(lambda language: f'<div class="box"><b>{language}</b></div>')
    assert html.count(EDITION_END) == 2 and '<div class="gd-edition" lang="ko">' in html
    assert keep_edition(html, "en") == '<div class="box"><b>en</b></div>'
    assert keep_edition(html, "ko") == '<div class="box"><b>ko</b></div>'
    # the explorers decide on the page (its <html lang>), not in the kernel
    gdcourse.set_language("ko")
    assert i18n.chosen_language() is None


def test_the_build_refuses_an_unknown_edition(monkeypatch):
    monkeypatch.setenv("GDCOURSE_EDITIONS", "en,xx")
    with pytest.raises(ValueError, match="GDCOURSE_EDITIONS must be one of"):
        i18n.editions()


def test_the_explorers_follow_set_language_and_their_own_setting(monkeypatch):
    from gdcourse import widgets

    assert widgets.explorer(gdcourse.GD).language is None  # the page's language
    gdcourse.set_language("ko")
    assert widgets.explorer(gdcourse.GD).language == "ko"
    monkeypatch.setattr(widgets, "LANGUAGE", "en")
    assert widgets.explorer(gdcourse.GD).language == "en"
    assert widgets.explorer(gdcourse.GD, language="ko").language == "ko"


def test_the_package_data_holds_the_compiled_catalogues():
    for domain in ("exercises", "grading", "figures"):
        assert (i18n.LOCALE_DIR / "ko" / "LC_MESSAGES" / f"{domain}.mo").is_file(), domain
    import tomllib

    package_data = tomllib.loads((Path(__file__).parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "locale/*/LC_MESSAGES/*.mo" in package_data["gdcourse"]  # installed with the package, not only in a checkout
