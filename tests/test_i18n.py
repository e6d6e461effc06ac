"""Choosing the window's language, installing its catalogues, numbers and dates in it, the catalogues
in the repository, and ``--self-test`` in Spanish."""

from __future__ import annotations

import datetime
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from i18n_fixtures import update_translations  # noqa: F401 (puts tools/ on the path)

from catdog_gui.gui import i18n

CATALOGUES = update_translations.catalogues()
LRELEASE = shutil.which("pyside6-lrelease", path=str(Path(sys.executable).parent)) or shutil.which("pyside6-lrelease")


@pytest.fixture
def language(qapp):
    """``language(code)`` makes the app speak ``code``; the language before the test is back afterwards."""
    before = i18n.language_in_use()
    yield i18n.use_language
    if before is None:
        i18n.forget_language()
    else:
        i18n.use_language(before)


@pytest.fixture
def settings(tmp_path):
    from PySide6.QtCore import QSettings

    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


# ---- which languages, and which one

def test_the_languages_are_english_and_every_catalogue_shipped(tmp_path, monkeypatch):
    assert i18n.available_languages() == ["en", "es"]
    shutil.copy(i18n.translations_dir() / "catdog_gui_es.qm", tmp_path / "catdog_gui_es.qm")
    shutil.copy(i18n.translations_dir() / "catdog_gui_es.qm", tmp_path / "catdog_gui_pt_BR.qm")
    (tmp_path / "catdog_gui_fr.ts").write_text("<TS/>")  # a catalogue not compiled is not a language yet
    monkeypatch.setattr(i18n, "translations_dir", lambda: tmp_path)
    assert i18n.available_languages() == ["en", "es", "pt_BR"]


def test_each_language_is_named_in_itself(qapp):
    assert i18n.language_name("es") == "Español"  # from its catalogue
    assert i18n.language_name("en") == "English"
    assert i18n.language_name("de") == "Deutsch"  # no catalogue: Qt's name for it


@pytest.mark.parametrize("ui_languages, expected", [
    (["es-Latn-ES", "es-ES", "es-Latn", "es"], "es"),
    (["es-MX", "es"], "es"),
    (["de-DE", "de", "es-ES", "es"], "es"),  # the first language the app speaks
    (["en-GB", "en", "es"], "en"),  # English asked for before Spanish
    (["de-DE", "de"], "en"),
    (["C"], "en"),
])
def test_the_system_language_is_the_first_of_the_users_that_the_app_speaks(ui_languages, expected):
    assert i18n.system_language(["en", "es"], ui_languages) == expected


def test_a_saved_choice_wins_over_the_system(settings):
    assert i18n.saved_language(settings) == i18n.SYSTEM_DEFAULT
    i18n.save_language(settings, "es")
    assert i18n.saved_language(settings) == "es" and i18n.chosen_language(settings) == "es"
    i18n.save_language(settings, "en")
    assert i18n.chosen_language(settings) == "en"
    i18n.save_language(settings, i18n.SYSTEM_DEFAULT)
    assert i18n.chosen_language(settings) == i18n.system_language()


def test_a_saved_language_no_longer_shipped_or_unreadable_means_the_system_default(settings):
    settings.setValue(i18n.LANGUAGE_KEY, '"tlh"')
    assert i18n.saved_language(settings) == i18n.SYSTEM_DEFAULT
    settings.setValue(i18n.LANGUAGE_KEY, "{not json")
    assert i18n.saved_language(settings) == i18n.SYSTEM_DEFAULT


SHOW_LANGUAGE = ("from catdog_gui.gui.app import make_application; from catdog_gui.gui import i18n; "
                 "make_application(); print(i18n.language_in_use(), QLocale().decimalPoint())")


@pytest.mark.parametrize("variables, expected", [
    ({"LANG": "es_ES.UTF-8"}, "es ,"),
    ({"LANG": "es_MX.UTF-8"}, "es ."),  # Mexico's Spanish writes 1,234.5: numbers keep the region
    ({"LANG": "C.UTF-8", "LC_MESSAGES": "es_ES.UTF-8"}, "es"),
    ({"LANG": "es_ES.UTF-8", "LANGUAGE": "de:es"}, "es"),
    ({"LANG": "es_ES.UTF-8", "LC_ALL": "C"}, "en"),
    ({"LANG": "de_DE.UTF-8"}, "en"),
])
def test_the_app_speaks_the_language_of_the_environment(tmp_path, variables, expected):
    """A fresh process: QLocale reads the environment once, when it is first asked."""
    env = {key: value for key, value in os.environ.items()
           if key not in ("LANG", "LANGUAGE", "LC_ALL", "LC_MESSAGES", "LC_NUMERIC")}
    env.update(variables, QT_QPA_PLATFORM="offscreen", CATDOG_GUI_SETTINGS=str(tmp_path / "settings.ini"))
    done = subprocess.run([sys.executable, "-c", "from PySide6.QtCore import QLocale; " + SHOW_LANGUAGE],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip().startswith(expected)


def test_the_saved_choice_wins_over_the_environment(tmp_path):
    from PySide6.QtCore import QSettings

    i18n.save_language(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat), "en")
    env = dict(os.environ, LANG="es_ES.UTF-8", QT_QPA_PLATFORM="offscreen",
               CATDOG_GUI_SETTINGS=str(tmp_path / "settings.ini"))
    env.pop("LC_ALL", None)
    env.pop("LANGUAGE", None)
    done = subprocess.run([sys.executable, "-c", "from PySide6.QtCore import QLocale; " + SHOW_LANGUAGE],
                          env=env, capture_output=True, text=True, timeout=60)
    assert done.stdout.split()[:1] == ["en"], done.stderr


# ---- installing

def test_a_language_brings_the_apps_catalogue_and_qts(language):
    from PySide6.QtCore import QCoreApplication, QLocale

    language("es")
    assert i18n.language_in_use() == "es"
    assert i18n.installed_catalogues() == ["qtbase_es.qm", "catdog_gui_es.qm"]
    assert QCoreApplication.translate("LanguageMenu", "&Language") == "&Idioma"
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancelar"  # Qt's own buttons
    assert QLocale().language() == QLocale.Language.Spanish
    language("en")
    assert QCoreApplication.translate("LanguageMenu", "&Language") == "&Language"
    assert "catdog_gui_es.qm" not in i18n.installed_catalogues()
    assert QLocale().language() == QLocale.Language.English


def test_forgetting_the_language_removes_its_catalogues(language):
    from PySide6.QtCore import QCoreApplication

    language("es")
    i18n.forget_language()
    assert i18n.language_in_use() is None and i18n.installed_catalogues() == []
    assert QCoreApplication.translate("QPlatformTheme", "Cancel") == "Cancel"


def test_numbers_and_percentages_are_written_as_the_language_writes_them(language):
    language("es")
    assert i18n.format_number(12345.678, 2) == "12.345,68"
    assert i18n.format_number(1234567) == "1.234.567"
    assert i18n.format_percent(0.853, 1) == "85,3\u00a0%"
    assert i18n.format_percent(None) == "–"
    language("en")
    assert i18n.format_number(12345.678, 2) == "12,345.68"
    assert i18n.format_number(3.0) == "3"
    assert i18n.format_percent(0.853) == "85 %"


def test_fill_puts_values_in_their_places_in_one_pass():
    assert i18n.fill("%2 de %1", "fotos", 3) == "3 de fotos"  # a translation may reorder them
    assert i18n.fill("%1 and %2", "50%2", "x") == "50%2 and x"  # a value is never filled in itself
    assert i18n.fill("%1 %3", "a") == "a %3"  # a place without a value stays as it is


def test_dates_are_written_as_the_language_writes_them(language):
    christmas = datetime.datetime(2024, 12, 25, 14, 30)
    language("es")
    assert i18n.format_datetime(christmas) == "25/12/24 14:30"
    assert "diciembre" in i18n.format_datetime(christmas, long=True)
    assert i18n.format_datetime(christmas.timestamp()) == "25/12/24 14:30"
    language("en")
    assert i18n.format_datetime(christmas).startswith("12/25/24")


# ---- starting again

def test_a_restart_repeats_the_command_that_started_the_app(monkeypatch):
    monkeypatch.setattr(sys, "orig_argv", ["python3", "-X", "faulthandler", "-m", "catdog_gui", "photo.jpg"])
    assert i18n.restart_command() == (sys.executable, ["-X", "faulthandler", "-m", "catdog_gui", "photo.jpg"])
    monkeypatch.setattr(sys, "frozen", True, raising=False)
    monkeypatch.setattr(sys, "argv", ["/opt/catdog-gui/catdog-gui", "photo.jpg"])
    assert i18n.restart_command() == (sys.executable, ["photo.jpg"])


# ---- the catalogues in the repository

@pytest.mark.skipif(LRELEASE is None, reason="pyside6-lrelease not installed")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.name)
def test_each_committed_qm_is_compiled_from_its_committed_ts(catalogue, tmp_path):
    """lrelease writes the same bytes for the same catalogue, so the committed file must be those bytes."""
    fresh = update_translations.compile_catalogue(catalogue, tmp_path / "fresh.qm")
    assert fresh.read_bytes() == catalogue.with_suffix(".qm").read_bytes(), \
        "run tools/update_translations.py and commit the .qm"


@pytest.mark.skipif(LRELEASE is None, reason="pyside6-lupdate not installed")
@pytest.mark.parametrize("catalogue", CATALOGUES, ids=lambda path: path.name)
def test_each_catalogue_has_the_texts_of_the_code(catalogue, tmp_path):
    fresh = tmp_path / catalogue.name
    shutil.copy(catalogue, fresh)
    update_translations.update_catalogue(fresh)
    assert set(update_translations.messages(fresh)) == set(update_translations.messages(catalogue)), \
        "run tools/update_translations.py"


def test_the_spanish_catalogue_is_complete_and_keeps_placeholders_and_mnemonics():
    """Every entry translated, with the same %1 and %n, and at most one mnemonic letter."""
    import re

    entries = update_translations.messages(update_translations.TRANSLATIONS / "catdog_gui_es.ts")
    assert entries
    for (context, source, _), forms in entries.items():
        assert forms, f"{context}: {source!r} is not translated"
        for form in forms:
            assert sorted(re.findall(r"%(?:\d+|n)", form)) == sorted(re.findall(r"%(?:\d+|n)", source)), form
            assert len(re.findall(r"&[^&]", form.replace("&&", ""))) == bool(re.search(r"&[^&]", source)), form


def test_the_compiled_catalogues_are_package_data():
    """The .qm files, not their .ts sources, go into the wheel (test_resources.py builds one and looks)."""
    import tomllib

    root = Path(__file__).resolve().parent.parent
    setuptools = tomllib.loads((root / "pyproject.toml").read_text())["tool"]["setuptools"]
    patterns = setuptools["package-data"]["catdog_gui.resources"]
    folder = root / setuptools["package-dir"]["catdog_gui.resources"]
    shipped = {path for pattern in patterns for path in folder.glob(pattern)}
    assert {path.with_suffix(".qm") for path in CATALOGUES} <= shipped
    assert not set(CATALOGUES) & shipped


# ---- the whole app in Spanish

def test_self_test_passes_in_spanish(tmp_path):
    env = {key: value for key, value in os.environ.items() if key not in ("LC_ALL", "LANGUAGE", "LC_MESSAGES")}
    env.update(LANG="es_ES.UTF-8", CATDOG_GUI_SCREENSHOTS=str(tmp_path))
    done = subprocess.run([sys.executable, "-m", "catdog_gui", "--self-test"], env=env, capture_output=True,
                          text=True, timeout=240)
    assert done.returncode == 0, done.stderr
    assert "catdog-gui self-test: language es (qtbase_es.qm, catdog_gui_es.qm)" in done.stderr
