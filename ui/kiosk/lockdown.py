"""Kiosk mode: nothing on screen may lead out of the kiosk.

:class:`Lockdown` watches every object of the application while a kiosk window lives and refuses
what would give a visitor the machine: a file dialog (browse, rename, delete files), a print or
page set-up dialog (print to file), a context menu (the copy/paste menu of a text field), and
closing the window (Alt+F4, a window manager's button, any code) unless staff chose "Exit" or the
process is shutting down (:meth:`Lockdown.allow_close`). The kiosk's own screens never ask for these (they
save to detected USB sticks and list a stick's photos themselves); the guard catches any code that
would. :func:`close_popups` closes every dialog, menu and the system's input-method panel when the
kiosk resets, so the next visitor finds nothing of the last one.
"""

from __future__ import annotations

import logging

from PySide6.QtCore import QEvent, QObject, Qt, QTimer
from PySide6.QtGui import QCloseEvent, QContextMenuEvent, QGuiApplication
from PySide6.QtPrintSupport import QPageSetupDialog, QPrintDialog, QPrintPreviewDialog
from PySide6.QtWidgets import QApplication, QComboBox, QDialog, QFileDialog, QToolTip, QWidget

log = logging.getLogger(__name__)

REFUSED_DIALOGS: tuple[type[QDialog], ...] = (
    QFileDialog,
    QPrintDialog,
    QPageSetupDialog,
    QPrintPreviewDialog,
)
"""Dialogs that browse the file system or offer print-to-file: never shown in kiosk mode."""
_CAUGHT = {QEvent.Type.Polish, QEvent.Type.Show}


class Lockdown(QObject):
    """An application-wide event filter that refuses escapes while the kiosk window lives."""

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self.window = window
        self.refused: list[str] = []
        """What was refused, by class name (for the log and for tests)."""
        self._app: QApplication | None = None
        self._native_before = False
        self._may_close = False

    def allow_close(self) -> None:
        """Staff chose "Exit" (behind the PIN), or the process is ending: the window may close."""
        self._may_close = True

    def install(self) -> None:
        app = QApplication.instance()
        if not isinstance(app, QApplication) or self._app is not None:
            return
        self._app = app
        self._may_close = False
        # Widget dialogs only: a native dialog runs outside Qt, where this filter cannot see it.
        self._native_before = app.testAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs)
        app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, True)
        app.installEventFilter(self)

    def uninstall(self) -> None:
        if self._app is None:
            return
        self._app.removeEventFilter(self)
        self._app.setAttribute(Qt.ApplicationAttribute.AA_DontUseNativeDialogs, self._native_before)
        self._app = None

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        # Every event of the application passes here: class tests first, which cost less than
        # turning the event's type into a Python enum (see ui.kiosk.idle).
        if isinstance(watched, REFUSED_DIALOGS) and event.type() in _CAUGHT:
            self._refuse(watched)
            return False
        if isinstance(event, QContextMenuEvent):
            return True  # swallowed: no cut/copy/paste/select-all menus on a kiosk
        if isinstance(event, QCloseEvent) and watched is self.window and not self._may_close:
            event.ignore()  # Alt+F4 and friends; staff leave through the PIN screen
            log.warning("Kiosk mode: closing the window was refused")
            return True
        return False

    def _refuse(self, dialog: QDialog) -> None:
        if dialog.property("kioskRefused"):
            return
        dialog.setProperty("kioskRefused", True)
        name = type(dialog).__name__
        self.refused.append(name)
        log.warning("Kiosk mode: a %s was refused", name)
        dialog.setEnabled(False)
        dialog.setWindowOpacity(0.0)
        # Rejected from the event loop, not from inside show(): a dialog's exec() must already be
        # waiting for its answer, or it would wait for ever.
        QTimer.singleShot(0, dialog, dialog.reject)


def close_popups(window: QWidget) -> int:
    """Close every dialog, menu, pop-up list, tooltip and input-method panel (not ``window``).

    A dialog waiting in ``exec()`` is rejected, so its caller goes on as if it was cancelled.
    Returns how many windows were closed.
    """
    closed = 0
    QGuiApplication.inputMethod().hide()
    QToolTip.hideText()
    for combo in window.findChildren(QComboBox):
        combo.hidePopup()
    for _ in range(32):  # nested menus close one level at a time
        popup = QApplication.activePopupWidget()
        if popup is None:
            break
        popup.close()
        closed += 1
    for widget in QApplication.topLevelWidgets():
        if widget is window or not widget.isVisible():
            continue
        if isinstance(widget, QDialog):
            widget.reject()
        widget.close()
        closed += 1
    return closed
