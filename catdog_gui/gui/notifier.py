"""Telling the user that a long run ended: the window asks for attention (the taskbar entry flashes),
and when the window is out of sight a system notification says how the run went."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QObject, Qt, QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QStyle, QSystemTrayIcon, QWidget

from . import i18n

MESSAGE_MS = 10_000  # how long the notification shows (where the system lets the app choose)
TRAY_MS = MESSAGE_MS + 5_000  # the tray icon goes once its message has surely gone
SHORT_REASON = 150  # characters of a failure's message in the notification


def finished_text(finished, best_epoch: int | None = None) -> str:
    """What a notification says about a run that ended normally or was stopped.

    Parameters
    ----------
    finished
        The run's :class:`~catdog_gui.core.training.Finished` record.
    best_epoch
        The epoch of the best validation accuracy, when known.

    Returns
    -------
    str
        For example ``"Training finished: validation accuracy 94.0 % (best epoch 7 of 10)"``.
    """
    if finished.model_path is None:
        return QCoreApplication.translate("notifier", "Training stopped before the first epoch ended; no model was "
                                                      "saved")
    accuracy = i18n.format_percent(finished.best_val_accuracy, 1)
    if best_epoch:
        result = i18n.fill(QCoreApplication.translate("notifier", "validation accuracy %1 (best epoch %2 of %3)"),
                           accuracy, best_epoch, finished.epochs)
    else:
        result = i18n.fill(QCoreApplication.translate("notifier", "validation accuracy %1 after %n epoch(s)", None,
                                                      finished.epochs), accuracy)
    if finished.stopped:
        return i18n.fill(QCoreApplication.translate("notifier", "Training stopped: %1"), result)
    if finished.early_stopped:
        return i18n.fill(QCoreApplication.translate("notifier", "Training stopped early (no progress): %1"), result)
    return i18n.fill(QCoreApplication.translate("notifier", "Training finished: %1"), result)


def failed_text(message: str) -> str:
    """What a notification says about a run that failed: the reason's first line, shortened."""
    lines = message.strip().splitlines()
    reason = lines[0] if lines else ""
    if len(reason) > SHORT_REASON:
        reason = reason[:SHORT_REASON - 1].rstrip() + "…"
    if not reason:
        return QCoreApplication.translate("notifier", "Training failed")
    return i18n.fill(QCoreApplication.translate("notifier", "Training failed: %1"), reason)


class RunNotifier(QObject):
    """Tells the user that a run ended, in case they are not looking at the window.

    The window always asks for attention (``QApplication.alert``: the taskbar entry flashes where the
    window is not the active one). When the window is minimised or not the active one, a system
    notification also says the result, from a tray icon made when first needed and hidden again
    after the message.

    Parameters
    ----------
    window
        The window that asks for attention, and that a click on the notification brings forward.
    """

    def __init__(self, window: QWidget):
        super().__init__(window)
        self.window = window
        self.tray: QSystemTrayIcon | None = None
        self._hide_timer = QTimer(self)
        self._hide_timer.setSingleShot(True)
        self._hide_timer.setInterval(TRAY_MS)
        self._hide_timer.timeout.connect(self._on_hide_timer_timeout)

    def run_finished(self, finished, best_epoch: int | None = None) -> None:
        """Announce a run that ended normally, early, or because the user stopped it."""
        self.announce(finished_text(finished, best_epoch), problem=finished.model_path is None)

    def run_failed(self, message: str) -> None:
        """Announce a run that ended with an error (``message``: its message for people)."""
        self.announce(failed_text(message), problem=True)

    def announce(self, text: str, problem: bool = False) -> None:
        """Ask for attention, and say ``text`` in a notification when the window is out of sight."""
        QApplication.alert(self.window)
        if self.window_in_sight() or not QSystemTrayIcon.isSystemTrayAvailable():
            return
        tray = self._tray_icon()
        tray.show()
        icon = QSystemTrayIcon.MessageIcon.Warning if problem else QSystemTrayIcon.MessageIcon.Information
        tray.showMessage(QApplication.applicationDisplayName() or "catdog-gui", text, icon, MESSAGE_MS)
        self._hide_timer.start()

    def window_in_sight(self) -> bool:
        """Whether the user is looking at the window: shown, not minimised, and the active one."""
        minimised = bool(self.window.windowState() & Qt.WindowState.WindowMinimized)
        active = QApplication.activeWindow()
        # One of its own message boxes or dialogs being the active window counts as looking at it.
        own_dialog = active is not None and active is not self.window and self.window.isAncestorOf(active)
        return self.window.isVisible() and not minimised and (self.window.isActiveWindow() or own_dialog)

    def _tray_icon(self) -> QSystemTrayIcon:
        if self.tray is None:  # made when first needed: most runs end while the user looks
            self.tray = QSystemTrayIcon(self._app_icon(), self)
            self.tray.setToolTip(QApplication.applicationDisplayName() or "catdog-gui")
            self.tray.messageClicked.connect(self._on_tray_message_clicked)
            self.tray.activated.connect(self._on_tray_activated)
        return self.tray

    def _app_icon(self) -> QIcon:
        icon = self.window.windowIcon()
        if icon.isNull():
            icon = QApplication.windowIcon()
        if icon.isNull():  # a tray icon without one is not shown at all
            icon = self.window.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxInformation)
        return icon

    def _hide_tray(self) -> None:
        self._hide_timer.stop()
        if self.tray is not None:
            self.tray.hide()

    def _bring_window_forward(self) -> None:
        if self.window.isMinimized():
            self.window.showNormal()
        self.window.raise_()
        self.window.activateWindow()

    def _on_hide_timer_timeout(self) -> None:
        self._hide_tray()

    def _on_tray_message_clicked(self) -> None:
        self._hide_tray()
        self._bring_window_forward()

    def _on_tray_activated(self, reason) -> None:
        self._hide_tray()
        self._bring_window_forward()
