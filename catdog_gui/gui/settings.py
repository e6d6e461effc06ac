"""Settings that persist between launches, declared as class attributes of the widgets that own them.

::

    class StrategyPanel(QWidget):
        settings_group = "strategy"
        strategy = Setting("feature-extraction")

``restore_settings(panel, qsettings)`` reads every :class:`Setting` of the panel's class and
``store_settings`` writes them back. Values are stored as JSON text, so the ini file stays readable
and types survive the round trip. ``CATDOG_GUI_SETTINGS`` names an ini file to use instead of the
user's settings (tests and the self-test use it).
"""

from __future__ import annotations

import copy
import json
import os

from PySide6.QtCore import QSettings

ORGANISATION = "catdog-gui"
APPLICATION = "catdog-gui"
SETTINGS_FILE_VARIABLE = "CATDOG_GUI_SETTINGS"


class Setting:
    """A persisted value with a default; reads and writes like a plain attribute."""

    def __init__(self, default):
        self.default = default
        self.name = ""

    def __set_name__(self, owner, name: str) -> None:
        self.name = name

    def __get__(self, instance, owner=None):
        if instance is None:
            return self
        values = instance.__dict__.setdefault("_setting_values", {})
        if self.name not in values:
            values[self.name] = copy.deepcopy(self.default)
        return values[self.name]

    def __set__(self, instance, value) -> None:
        instance.__dict__.setdefault("_setting_values", {})[self.name] = value


def open_settings() -> QSettings:
    """The application's settings: the ini file named by ``CATDOG_GUI_SETTINGS``, else the user's."""
    path = os.environ.get(SETTINGS_FILE_VARIABLE)
    if path:
        return QSettings(path, QSettings.Format.IniFormat)
    return QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope, ORGANISATION, APPLICATION)


def declared_settings(cls) -> dict[str, Setting]:
    found = {}
    for klass in reversed(cls.__mro__):
        for name, value in vars(klass).items():
            if isinstance(value, Setting):
                found[name] = value
    return found


def _group(widget) -> str:
    return getattr(widget, "settings_group", type(widget).__name__)


def restore_settings(widget, settings: QSettings) -> None:
    """Set ``widget``'s declared settings from ``settings``; unreadable or mistyped values keep the default."""
    if not declared_settings(type(widget)):
        return
    settings.beginGroup(_group(widget))
    try:
        for name, setting in declared_settings(type(widget)).items():
            text = settings.value(name)
            if text is None:
                continue
            try:
                value = json.loads(str(text))
            except ValueError:
                continue
            if _same_kind(value, setting.default):
                setattr(widget, name, value)
    finally:
        settings.endGroup()


def store_settings(widget, settings: QSettings) -> None:
    """Write ``widget``'s declared settings to ``settings``."""
    if not declared_settings(type(widget)):
        return
    settings.beginGroup(_group(widget))
    try:
        for name in declared_settings(type(widget)):
            settings.setValue(name, json.dumps(getattr(widget, name)))
    finally:
        settings.endGroup()


def _same_kind(value, default) -> bool:
    if isinstance(default, bool) or isinstance(value, bool):
        return isinstance(value, bool) and isinstance(default, bool)
    if isinstance(default, (int, float)):
        return isinstance(value, (int, float))
    return isinstance(value, type(default))
