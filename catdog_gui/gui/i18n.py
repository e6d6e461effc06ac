"""The window in the user's language: which language, its translators, and numbers and dates written
the way that language writes them.

The language is the one saved from the Language menu, else the first of the system's languages
(``LANGUAGE``, ``LC_ALL``, ``LC_MESSAGES``, ``LANG`` on Linux) that the app has a catalogue for, else
English, the language of the source. Catalogues are ``resources/translations/catdog_gui_<code>.qm``
(packaged with the app; see :mod:`~catdog_gui.gui.app_resources`): adding a language is adding its
file. Qt's own catalogue (``qtbase_<code>.qm``, for the buttons and dialogs Qt draws) is loaded with it.

:func:`use_language` must run before the first window is built: widgets take their texts when they
are made. :func:`~catdog_gui.gui.app.make_application` calls it.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import sys
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QDateTime, QLibraryInfo, QLocale, QProcess, QSettings, QTranslator

from .app_resources import resource_path

SOURCE_LANGUAGE = "en"  # the language the texts are written in
SYSTEM_DEFAULT = ""  # the saved choice that means "follow the system"
CATALOGUE_PREFIX = "catdog_gui_"
QT_CATALOGUE_PREFIX = "qtbase_"
LANGUAGE_KEY = "language/language"  # in the app's settings, JSON text like every other setting
# Each catalogue names its own language: the translation of this entry (see _language_name_entry).
NAME_CONTEXT, NAME_SOURCE, NAME_COMMENT = (
    "i18n", "English", "the name of the language you translate into, written in that language")

_installed: list[QTranslator] = []  # held here: a translator that Python frees is gone from the app
_language_in_use: str | None = None


def translations_dir() -> Path:
    """The folder of the app's catalogues, resources/translations (packaged, so installed and frozen apps
    have it)."""
    return resource_path("translations")


def available_languages() -> list[str]:
    """English and every language with a catalogue shipped, as codes (``"en"``, ``"es"``, ``"pt_BR"``)."""
    found = sorted(path.stem[len(CATALOGUE_PREFIX):] for path in translations_dir().glob(f"{CATALOGUE_PREFIX}*.qm"))
    return [SOURCE_LANGUAGE] + [code for code in found if code != SOURCE_LANGUAGE]


def language_name(code: str) -> str:
    """The language's name in that language (``"Español"``): as its catalogue names it, else as Qt does."""
    translator = _load_catalogue(code)
    if translator is not None:
        name = translator.translate(NAME_CONTEXT, NAME_SOURCE, NAME_COMMENT)
        if name:
            return name
    if code == SOURCE_LANGUAGE:
        return NAME_SOURCE
    name = QLocale(code).nativeLanguageName()
    return name[:1].upper() + name[1:]


def _language_name_entry() -> str:
    """The catalogue entry read by :func:`language_name`, written out so that lupdate finds it."""
    return QCoreApplication.translate(
        "i18n", "English", "the name of the language you translate into, written in that language")


# ---- choosing

def saved_language(settings: QSettings, available: list[str] | None = None) -> str:
    """The language chosen in the Language menu; :data:`SYSTEM_DEFAULT` if none, or one no longer shipped
    (not in ``available``, :func:`available_languages` by default)."""
    try:
        code = json.loads(str(settings.value(LANGUAGE_KEY, '""')))
    except ValueError:
        return SYSTEM_DEFAULT
    available = available if available is not None else available_languages()
    return code if isinstance(code, str) and code in available else SYSTEM_DEFAULT


def save_language(settings: QSettings, code: str) -> None:
    """Keep ``code`` (or :data:`SYSTEM_DEFAULT`) as the language of the next start."""
    settings.setValue(LANGUAGE_KEY, json.dumps(code))
    settings.sync()


def system_language(available: list[str] | None = None, ui_languages: list[str] | None = None) -> str:
    """The first of the system's languages that the app speaks; English if none.

    Parameters
    ----------
    available
        Language codes to choose from; :func:`available_languages` by default.
    ui_languages
        The user's languages, most wanted first, as BCP 47 tags; ``QLocale.system().uiLanguages()``
        by default (on Linux from ``LANGUAGE``, then ``LC_ALL``, ``LC_MESSAGES``, ``LANG``).
    """
    available = available if available is not None else available_languages()
    ui_languages = ui_languages if ui_languages is not None else QLocale.system().uiLanguages()
    for tag in ui_languages:  # most specific first: es-Latn-ES, es-ES, es-Latn, es
        code = tag.replace("-", "_")
        if code in available:
            return code
        if QLocale(code).language() == QLocale(SOURCE_LANGUAGE).language():
            return SOURCE_LANGUAGE  # English is asked for before anything translated
    return SOURCE_LANGUAGE


def chosen_language(settings: QSettings) -> str:
    """The language the window is to speak: the saved choice, else the system's."""
    available = available_languages()  # looked up once for both
    return saved_language(settings, available) or system_language(available)


def locale_for(code: str) -> QLocale:
    """The locale that numbers and dates follow: the system's when it has this language (keeping its
    region: Mexico's Spanish stays Mexican), else the language's own."""
    system = QLocale.system()
    if system.language() == QLocale(code).language():
        return system
    return QLocale(code)


# ---- installing

def _load_catalogue(code: str) -> QTranslator | None:
    translator = QTranslator()
    return translator if translator.load(f"{CATALOGUE_PREFIX}{code}", str(translations_dir())) else None


def _load_qt_catalogue(code: str) -> QTranslator | None:
    translator = QTranslator()
    folder = QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath)
    return translator if translator.load(f"{QT_CATALOGUE_PREFIX}{code}", folder) else None


def use_language(code: str) -> list[QTranslator]:
    """Make the application speak ``code`` from now on: its catalogues replace any installed before,
    and numbers and dates follow its locale. Widgets made earlier keep their texts.

    Parameters
    ----------
    code
        A language code; English (or a language without catalogues) installs none.

    Returns
    -------
    list of QTranslator
        The translators installed (held by this module as well).
    """
    global _language_in_use
    forget_language()
    app = QCoreApplication.instance()
    for translator in (_load_qt_catalogue(code), _load_catalogue(code)):  # the app's last: asked first
        if translator is not None and app.installTranslator(translator):
            _installed.append(translator)
    QLocale.setDefault(locale_for(code))
    _language_in_use = code
    return list(_installed)


def forget_language() -> None:
    """Back to the source texts and the system's locale (tests switch languages with this)."""
    global _language_in_use
    app = QCoreApplication.instance()
    while _installed:
        translator = _installed.pop()
        if app is not None:
            app.removeTranslator(translator)
    QLocale.setDefault(QLocale.system())
    _language_in_use = None


def installed_catalogues() -> list[str]:
    """The file names of the catalogues installed by :func:`use_language` (``qtbase_es.qm``, ...)."""
    return [Path(translator.filePath()).name for translator in _installed]


def language_in_use() -> str | None:
    """The code given to the last :func:`use_language`; None before it or after :func:`forget_language`."""
    return _language_in_use


# ---- starting again in another language

def restart_command() -> tuple[str, list[str]]:
    """The program and arguments that started this process: a frozen app, ``catdog-gui`` or ``python -m``."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    arguments = getattr(sys, "orig_argv", None) or [sys.executable, *sys.argv]
    return sys.executable, list(arguments[1:])


def start_again() -> bool:
    """Start a new process of the app, as this one was started; True if it started.

    Call it once this one's window is closed: a new launch hands its files to a window still open
    and exits.
    """
    program, arguments = restart_command()
    started, _ = QProcess.startDetached(program, arguments, os.getcwd())
    return started


# ---- filling in, numbers and dates, as the language writes them

_PLACE = re.compile(r"%([1-9])")


def fill(text: str, *values) -> str:
    """``text`` (a translation) with ``%1``, ``%2``... replaced by ``values``, as Qt's ``QString.arg``;
    in one pass, so that a value holding ``%2`` stays as it is. A translation may reorder the places.

    Examples
    --------
    >>> fill("%1 of %2 photos", 3, 10)
    '3 of 10 photos'
    """
    return _PLACE.sub(lambda found: str(values[int(found.group(1)) - 1]) if int(found.group(1)) <= len(values)
                      else found.group(0), text)


def format_number(value: float, decimals: int = 0) -> str:
    """``value`` with ``decimals`` digits after the point, in the language in use (``1.234,5`` in Spanish).

    Parameters
    ----------
    value
        The number.
    decimals
        Digits after the decimal separator; an int ``value`` with 0 is written without one.
    """
    if decimals == 0 and float(value).is_integer():
        return QLocale().toString(int(value))
    return QLocale().toString(float(value), "f", decimals)


def format_percent(fraction: float | None, decimals: int = 0) -> str:
    """A fraction as a percentage (0.853 is ``85 %``, ``85,3 %`` in Spanish with one decimal); a dash if None."""
    if fraction is None:
        return "–"
    number = QLocale().toString(100 * float(fraction), "f", decimals)
    return fill(QCoreApplication.translate("i18n", "%1 %", "a percentage; %1 is the number"), number)


def format_datetime(moment: datetime.datetime | float, long: bool = False) -> str:
    """A date and time (a ``datetime``, naive meaning local time, or seconds since the epoch) as the
    language writes them, short (``25/12/24 14:30``) or long."""
    seconds = moment.timestamp() if isinstance(moment, datetime.datetime) else float(moment)
    kind = QLocale.FormatType.LongFormat if long else QLocale.FormatType.ShortFormat
    return QLocale().toString(QDateTime.fromMSecsSinceEpoch(round(seconds * 1000)), kind)
