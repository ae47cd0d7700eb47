"""The desktop window: startup -> (first run) -> sign in -> home. All work runs in the background."""

from __future__ import annotations

from PySide6.QtWidgets import QMainWindow, QStackedWidget

from core.errors import SkinLabError
from ui.background import BackgroundOp, Pools
from ui.desktop.first_run import FirstRunPage
from ui.desktop.home import HomePage
from ui.desktop.login import LoginPage
from ui.desktop.status_page import StatusPage
from ui.ports import AuthPort, SessionInfo, StartupState


def message_for(exc: BaseException) -> str:
    """What to tell a person: our typed errors carry their own message; anything else is a bug."""
    if isinstance(exc, SkinLabError):
        return exc.message
    return f"Something went wrong ({type(exc).__name__}). The details are in the log file."


class MainWindow(QMainWindow):
    def __init__(self, services: AuthPort, pools: Pools) -> None:
        super().__init__()
        self.setWindowTitle("SkinLab")
        self.resize(1100, 720)
        self.services = services
        self.pools = pools
        self.session: SessionInfo | None = None
        self.stack = QStackedWidget()
        self.setCentralWidget(self.stack)
        self.status_page = StatusPage()
        self.first_run = FirstRunPage()
        self.login = LoginPage()
        self.home = HomePage()
        for page in (self.status_page, self.first_run, self.login, self.home):
            self.stack.addWidget(page)
        self.first_run.submitted.connect(self._create_admin)
        self.login.submitted.connect(self._sign_in)
        self.home.sign_out.connect(self._sign_out)

    def start(self) -> None:
        self.status_page.show_busy("Opening SkinLab…", "Checking and upgrading the local database.")
        self.stack.setCurrentWidget(self.status_page)
        BackgroundOp(self.services.startup).success(self._started).failure(
            self._startup_failed
        ).run(self.pools.db)

    def _started(self, state: StartupState) -> None:
        self.login.set_clinic(state.clinic_name)
        self.stack.setCurrentWidget(self.first_run if state.needs_first_admin else self.login)

    def _startup_failed(self, exc: BaseException) -> None:
        self.status_page.show_error("SkinLab cannot open its database", message_for(exc))

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

    def _sign_in(self, email: str, password: str) -> None:
        self.login.set_busy(True, "Signing in…")

        def done(session: SessionInfo) -> None:
            self.session = session
            self.login.set_busy(False)
            self.login.password.clear()
            self.home.show_session(session)
            self.stack.setCurrentWidget(self.home)

        BackgroundOp(lambda: self.services.login(email, password)).success(done).failure(
            lambda exc: self.login.failed(message_for(exc))
        ).run(self.pools.db)

    def _sign_out(self) -> None:
        self.session = None
        self.home.clear()
        self.login.password.clear()
        self.stack.setCurrentWidget(self.login)
