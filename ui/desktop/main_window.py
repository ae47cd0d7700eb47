"""The desktop window: start-up -> (first run) -> sign in -> the signed-in workspace, with the idle
lock in between. All work runs in the background; one :class:`SessionView` per signed-in person."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from PySide6.QtGui import QCloseEvent
from PySide6.QtWidgets import QApplication, QMainWindow, QStackedWidget

from core.errors import SkinLabError
from ui.background import BackgroundOp, Pools
from ui.desktop.session_types import SessionInfo, StartupState
from ui.desktop.shell.idle import IdleLock
from ui.desktop.shell.menu_bar import menu_bar
from ui.desktop.shell.runner import message_for
from ui.desktop.status_page import StatusPage
from ui.theme import apply_theme

if TYPE_CHECKING:
    from ui.desktop.first_run import FirstRunPage
    from ui.desktop.lock import LockPage
    from ui.desktop.login import LoginPage
    from ui.desktop.ports import DesktopPort
    from ui.desktop.session_view import SessionView
    from ui.desktop.shell.menus import DesktopActions

log = logging.getLogger(__name__)
THEMES = {"light": "desktop", "dark": "desktop-dark"}
IDLE_REASON = "SkinLab locked itself after {minutes} without use."


def _minutes(seconds: float) -> str:
    minutes = max(1, round(seconds / 60))
    return f"{minutes} minute{'s' if minutes != 1 else ''}"


class MainWindow(QMainWindow):
    def __init__(self, services: DesktopPort, pools: Pools) -> None:
        super().__init__()
        self.setWindowTitle("SkinLab")
        self.resize(1280, 800)
        self.services = services
        self.pools = pools
        self.state = StartupState(needs_first_admin=False, clinic_name="")
        self.view: SessionView | None = None
        self.locked = False
        self.theme = "light"
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.status_page = StatusPage()
        self.stack.addWidget(self.status_page)
        self.first_run: FirstRunPage
        self.login: LoginPage
        self.lock_page: LockPage
        self._pages_built = False
        self._menus = menu_bar(self)
        self._commands: DesktopActions | None = None
        self.idle = IdleLock(seconds=600, parent=self)
        self.idle.expired.connect(lambda: self.lock(IDLE_REASON.format(minutes=self._idle())))

    @property
    def commands(self) -> DesktopActions:
        return self._build_commands()

    def _build_commands(self) -> DesktopActions:
        """The menus' commands and shortcuts, made once, by :meth:`start` (right after the first
        paint, which shows the menu bar's titles only) or at their first use before it."""
        if self._commands is None:
            # lazy: a shortcut builds Qt's ``Qt`` namespace, which the first paint does without
            from ui.desktop.shell.menus import build_menus

            self._commands = build_menus(self, self._menus)
            self._connect(self._commands)
            self._enable_session_actions(False)
        return self._commands

    def _build_pages(self) -> None:
        """The first-run, sign-in and lock pages: built by :meth:`start`, so that the window's
        first paint (its "Opening SkinLab…" page) does not wait for them."""
        if self._pages_built:
            return
        self._pages_built = True
        # lazy: not needed for the first paint
        from ui.desktop.first_run import FirstRunPage
        from ui.desktop.lock import LockPage
        from ui.desktop.login import LoginPage

        self.first_run = FirstRunPage()
        self.login = LoginPage()
        self.lock_page = LockPage()
        for page in (self.first_run, self.login, self.lock_page):
            self.stack.addWidget(page)
        self.first_run.submitted.connect(self._create_admin)
        self.login.submitted.connect(self._sign_in)
        self.lock_page.unlock.connect(self._unlock)
        self.lock_page.switch_user.connect(self._switch_user)

    def _connect(self, a: DesktopActions) -> None:
        a.lock.triggered.connect(lambda: self.lock("Locked."))
        a.sign_out.triggered.connect(self.sign_out)
        a.quit.triggered.connect(self.close)
        a.theme_light.triggered.connect(lambda: self.set_theme("light"))
        a.theme_dark.triggered.connect(lambda: self.set_theme("dark"))
        a.shortcuts.triggered.connect(self._show_shortcuts)

    def _idle(self) -> str:
        return _minutes(self.idle.seconds)

    def _enable_session_actions(self, enabled: bool) -> None:
        for action in self.commands.session_actions():
            action.setEnabled(enabled)
        if enabled and self.view is not None:
            self.commands.go_admin.setEnabled(self.view.session.is_admin)

    # -- start-up ------------------------------------------------------------------------------
    def open_at_sign_in(self, clinic_name: str) -> None:
        """Show the sign-in form before the database is open (a data directory that has one):
        the person can type while it opens; the button waits for it (:meth:`start`)."""
        self._build_pages()
        self.login.set_clinic(clinic_name)
        self.login.opening(True)
        self.stack.setCurrentWidget(self.login)

    def start(self) -> None:
        self._build_pages()
        self._build_commands()
        if self.stack.currentWidget() is not self.login:
            self.status_page.show_busy(
                "Opening SkinLab…", "Checking and upgrading the local database."
            )
            self.stack.setCurrentWidget(self.status_page)
        BackgroundOp(self.services.startup).success(self._started).failure(
            self._startup_failed
        ).run(self.pools.db)

    def _started(self, state: StartupState) -> None:
        self.state = state
        self.idle.seconds = state.idle_lock_seconds
        self.set_theme(state.theme)
        self.login.set_clinic(state.clinic_name)
        self.login.opening(False)
        self.stack.setCurrentWidget(self.first_run if state.needs_first_admin else self.login)

    def _startup_failed(self, exc: BaseException) -> None:
        self.status_page.show_error("SkinLab cannot open its database", message_for(exc))
        self.stack.setCurrentWidget(self.status_page)

    def set_theme(self, theme: str) -> None:
        app = QApplication.instance()
        if theme not in THEMES or not isinstance(app, QApplication):
            return
        self.theme = theme
        apply_theme(app, THEMES[theme])
        (self.commands.theme_dark if theme == "dark" else self.commands.theme_light).setChecked(
            True
        )

    def _create_admin(self, email: str, first: str, last: str, password: str) -> None:
        self.first_run.set_busy(True, "Creating the account…")

        def work() -> None:
            self.services.create_first_admin(
                email=email, first_name=first, last_name=last, password=password
            )

        def done(_: None) -> None:
            self.first_run.set_busy(False)
            self.first_run.clear()
            self.login.email.setText(email.strip().lower())
            self.login.show_error("")
            self.stack.setCurrentWidget(self.login)
            self.login.password.setFocus()

        def failed(exc: BaseException) -> None:
            self.first_run.set_busy(False)
            self.first_run.show_error(message_for(exc))

        BackgroundOp(work).success(done).failure(failed).run(self.pools.db)

    # -- signing in and out --------------------------------------------------------------------
    def _sign_in(self, email: str, password: str) -> None:
        self.login.set_busy(True, "Signing in…")

        def signed_in(session: SessionInfo) -> None:
            self.open_session(session)
            self._prove_online(session, password)

        BackgroundOp(lambda: self.services.login(email, password)).success(signed_in).failure(
            lambda exc: self.login.failed(message_for(exc))
        ).run(self.pools.db)

    def _prove_online(self, session: SessionInfo, password: str) -> None:
        """The sync server's proof of this sign-in, asked for in the background: offline or
        refused, only the status line says so (sign-in stays local)."""

        def said(text: str) -> None:
            if text:
                self.statusBar().showMessage(text, 10_000)

        def failed(exc: BaseException) -> None:
            text = f"Changes that need your sign-in wait for an online sign-in: {message_for(exc)}"
            self.statusBar().showMessage(text, 10_000)

        BackgroundOp(lambda: self.services.prove_online(session, password)).success(said).failure(
            failed
        ).run(self.pools.work)

    def open_session(self, session: SessionInfo) -> None:
        """Show the workspace of a signed-in person (the sign-in page calls this on success)."""
        self.login.set_busy(False)
        self.login.password.clear()
        self.login.show_error("")
        if self.view is not None and self.view.session.user_id == session.user_id:
            self.view.renew(
                session
            )  # the same person, back from "someone else": keep their screens
        else:
            # lazy: the signed-in workspace and its pages load at the first sign-in, not before
            # the window's first paint
            from ui.desktop.session_view import SessionView

            self._close_view()
            self.view = SessionView(
                services=self.services,
                session=session,
                pools=self.pools,
                commands=self.commands,
                clinic_name=self.state.clinic_name,
                on_session_lost=self._session_lost,
                on_failure=self._failed,
            )
            self.stack.addWidget(self.view.workspace)
        self._show_workspace()

    def _show_workspace(self) -> None:
        assert self.view is not None
        self.locked = False
        self.lock_page.clear()
        self.stack.setCurrentWidget(self.view.workspace)
        self.view.show_windows()
        self._enable_session_actions(True)
        self.idle.start()

    def _close_view(self) -> None:
        if self.view is not None:
            self.stack.removeWidget(self.view.workspace)
            self.view.close()
            self.view = None
        self._enable_session_actions(False)

    def sign_out(self) -> None:
        if self.view is None:
            return
        session = self.view.session
        self.idle.stop()
        self._close_view()
        self.locked = False
        self.lock_page.clear()
        self.login.password.clear()
        self.login.show_error("")
        self.stack.setCurrentWidget(self.login)
        BackgroundOp(lambda: self.services.sign_out(session)).run(self.pools.db)

    # -- the lock ------------------------------------------------------------------------------
    def lock(self, reason: str) -> None:
        """Hide the session's screens and windows until its owner's password is entered again."""
        if self.view is None:
            return
        self.idle.stop()
        self.locked = True
        self.view.hide_windows()
        self._enable_session_actions(False)
        session = self.view.session
        self.lock_page.show_for(session.full_name, session.email, reason)
        self.stack.setCurrentWidget(self.lock_page)

    def _unlock(self, password: str) -> None:
        if self.view is None:
            return
        self.lock_page.set_busy(True, "Checking…")
        session = self.view.session

        def done(renewed: SessionInfo) -> None:
            if self.view is not None and renewed.user_id == self.view.session.user_id:
                self.view.renew(renewed)
                self._show_workspace()

        BackgroundOp(lambda: self.services.unlock(session, password)).success(done).failure(
            lambda exc: self.lock_page.failed(message_for(exc))
        ).run(self.pools.db)

    def _switch_user(self) -> None:
        self.login.email.clear()
        self.login.password.clear()
        self.login.show_error("")
        self.stack.setCurrentWidget(self.login)
        self.login.email.setFocus()

    def _session_lost(self, exc: BaseException) -> None:
        if not self.locked:
            self.lock(message_for(exc))

    def _failed(self, exc: BaseException) -> None:
        if isinstance(exc, SkinLabError):
            log.info("Shown to the user: %s", exc)
        else:
            log.error("Unexpected failure on the desktop", exc_info=exc)
        self.statusBar().showMessage(message_for(exc), 10_000)

    # -- help, closing -------------------------------------------------------------------------
    def _show_shortcuts(self) -> None:
        from ui.desktop.shortcuts import ShortcutsDialog  # lazy: opened from the Help menu only

        ShortcutsDialog(self.commands, self).show()

    def closeEvent(self, event: QCloseEvent) -> None:
        self.idle.stop()
        if self.view is not None:
            session = self.view.session
            self._close_view()
            BackgroundOp(lambda: self.services.sign_out(session)).run(self.pools.db)
        super().closeEvent(event)
