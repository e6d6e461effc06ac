"""The Language menu: the system's language or one of those shipped, for the next start.

The window takes its texts when it is built, so a new choice is saved and shown after a restart,
which the menu offers at once (a live switch would need every panel to set its texts again).
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QSettings, Qt, Signal
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from . import i18n


class LanguageMenu(QMenu):
    """The system's language ("System default") and every language the app speaks, each named in
    itself; the checked entry is the saved choice.

    Signals
    -------
    restart_requested()
        The user wants to restart now in the new language; the window closes and starts again.
    """

    restart_requested = Signal()

    def __init__(self, settings: QSettings, parent: QWidget | None = None):
        super().__init__(parent)
        self.settings = settings
        self.restart_box: QMessageBox | None = None  # says when the new language shows; offers a restart
        self.restart_button = None
        self.setTitle(self.tr("&Language"))
        self.group = QActionGroup(self)  # exclusive: one choice at a time
        available = i18n.available_languages()  # looked up once for the three uses below
        saved = i18n.saved_language(settings, available)
        system = i18n.language_name(i18n.system_language(available))
        self._add_choice(i18n.SYSTEM_DEFAULT, i18n.fill(self.tr("System default (%1)"), system), saved)
        self.addSeparator()
        for code in available:
            self._add_choice(code, i18n.language_name(code), saved)

    def _add_choice(self, code: str, text: str, saved: str) -> QAction:
        action = QAction(text.replace("&", "&&"), self)  # names are shown as they are, never as mnemonics
        action.setData(code)
        action.setCheckable(True)
        action.setChecked(code == saved)
        action.triggered.connect(self._on_choice_triggered)
        self.group.addAction(action)
        self.addAction(action)
        return action

    def choices(self) -> dict[str, QAction]:
        """The entries by language code (:data:`~catdog_gui.gui.i18n.SYSTEM_DEFAULT` for the system's)."""
        return {action.data(): action for action in self.group.actions()}

    def _on_choice_triggered(self) -> None:
        code = self.sender().data()
        if code == i18n.saved_language(self.settings):
            return
        i18n.save_language(self.settings, code)
        self._offer_restart(code or i18n.system_language())

    def _offer_restart(self, code: str) -> None:
        """Say when the new language shows, and offer to restart now (without blocking the window)."""
        if code == i18n.language_in_use():
            return  # back to the language shown: nothing changes
        text = i18n.fill(self.tr("The new language (%1) is used from the next start."), i18n.language_name(code))
        box = QMessageBox(QMessageBox.Icon.Information, self.tr("Language changed"), text,
                          QMessageBox.StandardButton.NoButton, self.parentWidget())
        self.restart_button = box.addButton(self.tr("&Restart now"), QMessageBox.ButtonRole.AcceptRole)
        box.addButton(self.tr("&Later"), QMessageBox.ButtonRole.RejectRole)
        box.setWindowModality(Qt.WindowModality.NonModal)
        box.buttonClicked.connect(self._on_restart_box_button_clicked)
        self.restart_box = box
        box.show()

    def _on_restart_box_button_clicked(self, button) -> None:
        if button is self.restart_button:
            self.restart_requested.emit()


def restart_when_quitting() -> None:
    """Start the app again once this one has quit (and its single-instance server is closed)."""
    QCoreApplication.instance().aboutToQuit.connect(i18n.start_again)
