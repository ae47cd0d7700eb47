"""The menus' commands and their keyboard shortcuts: one QAction per command, so menus, shortcuts
and buttons elsewhere all trigger the same thing and are enabled together. Added to the menu bar's
titles (:mod:`ui.desktop.shell.menu_bar`) after the window's first paint."""

from __future__ import annotations

from dataclasses import dataclass, fields

from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import QMainWindow, QMenu

from ui.desktop.shell.menu_bar import MenuBar

Key = QKeySequence.StandardKey


@dataclass
class DesktopActions:
    new_patient: QAction
    find: QAction
    edit_patient: QAction
    add_note: QAction
    compare: QAction
    import_photos: QAction
    lock: QAction
    sign_out: QAction
    quit: QAction
    go_patients: QAction
    go_import: QAction
    go_reports: QAction
    go_admin: QAction
    zoom_in: QAction
    zoom_out: QAction
    zoom_fit: QAction
    theme_light: QAction
    theme_dark: QAction
    shortcuts: QAction

    def session_actions(self) -> list[QAction]:
        """Everything that needs someone signed in (all but quit, themes and help)."""
        keep = {"quit", "theme_light", "theme_dark", "shortcuts"}
        return [getattr(self, f.name) for f in fields(self) if f.name not in keep]

    def all(self) -> list[QAction]:
        return [getattr(self, f.name) for f in fields(self)]


def _action(
    window: QMainWindow,
    menu: QMenu,
    text: str,
    shortcut: QKeySequence | QKeySequence.StandardKey | str | None = None,
) -> QAction:
    action = QAction(text, window)
    if shortcut is not None:
        action.setShortcut(QKeySequence(shortcut))
    menu.addAction(action)
    return action


def build_menus(window: QMainWindow, menus: MenuBar) -> DesktopActions:
    file = menus.file
    new_patient = _action(window, file, "&New patient…", Key.New)
    import_photos = _action(window, file, "&Import photos…", "Ctrl+I")
    file.addSeparator()
    lock = _action(window, file, "&Lock", "Ctrl+L")
    sign_out = _action(window, file, "Sign &out", "Ctrl+Shift+L")
    file.addSeparator()
    quit_ = _action(window, file, "&Quit", Key.Quit)

    find = _action(window, menus.edit, "&Find patient", Key.Find)

    patient = menus.patient
    edit_patient = _action(window, patient, "&Edit details…", "Ctrl+E")
    add_note = _action(window, patient, "Add &note…", "Ctrl+Shift+N")
    compare = _action(window, patient, "&Compare two analyses", "Ctrl+K")

    view = menus.view
    go_patients = _action(window, view, "&Patients", "Ctrl+1")
    go_import = _action(window, view, "&Import", "Ctrl+2")
    go_reports = _action(window, view, "&Reports", "Ctrl+3")
    go_admin = _action(window, view, "&Administration", "Ctrl+4")
    view.addSeparator()
    zoom_in = _action(window, view, "Zoom &in", Key.ZoomIn)
    zoom_out = _action(window, view, "Zoom &out", Key.ZoomOut)
    zoom_fit = _action(window, view, "&Fit to window", "Ctrl+0")
    view.addSeparator()
    themes = view.addMenu("&Theme")
    group = QActionGroup(window)
    theme_light = _action(window, themes, "&Light")
    theme_dark = _action(window, themes, "&Dark")
    for action in (theme_light, theme_dark):
        action.setCheckable(True)
        group.addAction(action)
    theme_light.setChecked(True)

    shortcuts = _action(window, menus.help, "&Keyboard shortcuts", "F1")
    return DesktopActions(
        new_patient=new_patient,
        find=find,
        edit_patient=edit_patient,
        add_note=add_note,
        compare=compare,
        import_photos=import_photos,
        lock=lock,
        sign_out=sign_out,
        quit=quit_,
        go_patients=go_patients,
        go_import=go_import,
        go_reports=go_reports,
        go_admin=go_admin,
        zoom_in=zoom_in,
        zoom_out=zoom_out,
        zoom_fit=zoom_fit,
        theme_light=theme_light,
        theme_dark=theme_dark,
        shortcuts=shortcuts,
    )


def shortcut_lines(actions: DesktopActions) -> list[tuple[str, str]]:
    """(command, key) for the help sheet, read from the actions themselves."""
    lines = []
    for action in actions.all():
        key = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        if key:
            lines.append((action.text().replace("&", "").rstrip("…"), key))
    return lines
