"""Desktop test helpers: a data directory with one account per role, and the window's steps."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from PIL import Image
from PySide6.QtCore import QModelIndex
from PySide6.QtWidgets import (
    QAbstractButton,
    QAbstractItemView,
    QApplication,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QTextEdit,
    QWidget,
)

from app.context import AppContext
from app.kiosk.worker import Measured
from core.storage.repositories import analyses, patients
from core.storage.results import save_analysis
from ui.desktop.main_window import MainWindow

PASSWORD = "correct horse battery"
TIMEOUT = 20_000
ACCOUNTS = {
    "admin": ("ada@clinic.org", "Ada", "Lovelace"),
    "clinician": ("grace@clinic.org", "Grace", "Hopper"),
    "clinician2": ("mary@clinic.org", "Mary", "Somerville"),
    "patient": ("pat@example.org", "Pat", "Doe"),
    "kiosk": ("kiosk1@clinic.org", "Lobby", "Kiosk"),
}


def add_accounts(ctx: AppContext) -> dict[str, str]:
    """One account per role (two clinicians); returns role -> email."""
    emails = {}
    for key, (email, first, last) in ACCOUNTS.items():
        role = "clinician" if key.startswith("clinician") else key
        if key == "admin":
            ctx.auth.create_first_admin(
                email=email, first_name=first, last_name=last, password=PASSWORD
            )
        else:
            ctx.auth.register(
                email=email, first_name=first, last_name=last, role=role, password=PASSWORD
            )
        emails[key] = email
    return emails


def sign_in(qtbot: Any, win: MainWindow, email: str, password: str = PASSWORD) -> None:
    """Type into the sign-in page and wait for the answer (workspace or an error)."""
    qtbot.waitUntil(lambda: win.stack.currentWidget() is win.login, timeout=TIMEOUT)
    win.login.email.setText(email)
    win.login.password.setText(password)
    win.login.button.click()
    qtbot.waitUntil(win.login.button.isEnabled, timeout=TIMEOUT)


def visible_texts(root: QWidget | None = None) -> str:
    """Every piece of text any live widget holds (labels, fields, buttons, table cells, titles)."""
    widgets = root.findChildren(QWidget) if root is not None else QApplication.allWidgets()
    parts: list[str] = []
    for widget in widgets:
        parts.append(widget.windowTitle())
        if isinstance(widget, (QLabel, QLineEdit, QAbstractButton)):
            parts.append(widget.text())
        elif isinstance(widget, (QPlainTextEdit, QTextEdit)):
            parts.append(widget.toPlainText())
        elif isinstance(widget, QAbstractItemView) and widget.model() is not None:
            model = widget.model()
            for row in range(min(model.rowCount(QModelIndex()), 500)):
                column = 0
                while model.index(row, column).isValid():
                    parts.append(str(model.data(model.index(row, column)) or ""))
                    column += 1
        tip = widget.toolTip()
        if tip:
            parts.append(tip)
    return "\n".join(parts)


def add_patients(ctx: AppContext, people: list[tuple[str, str, str]]) -> list[Any]:
    ids = []
    with ctx.database.write() as session:
        for first, last, email in people:
            user = patients.create(
                session, {"first_name": first, "last_name": last, "email": email}, this_year=2026
            )
            ids.append(user.user_id)
    return ids


def add_visit(ctx: AppContext, user_id: Any, days_ago: int) -> None:
    with ctx.database.write() as session:
        row = analyses.from_metrics(
            user_id=user_id, skin_score=70.0, engine_version="t", metrics={"redness": 10.0}
        )
        row.created_at = datetime.now(UTC) - timedelta(days=days_ago)
        analyses.add(session, row)


def names(page: Any) -> list[str]:
    return [page.model.data(page.model.index(r, 0)) for r in range(page.model.rowCount())]


def settle(qtbot: Any, page: Any) -> None:
    """Wait for the typing pause and the query's answer."""
    qtbot.waitUntil(lambda: not page.typing.isActive() and not page.model.loading, timeout=TIMEOUT)


def thumbnail_jpeg(shade: int) -> bytes:
    """A small real JPEG, one flat colour per visit so thumbnails differ."""
    out = io.BytesIO()
    Image.new("RGB", (96, 96), (shade, 120, 255 - shade)).save(out, format="JPEG")
    return out.getvalue()


def add_analysis(
    ctx: AppContext,
    user_id: Any,
    *,
    days_ago: float,
    score: float,
    metrics: dict[str, float],
    shade: int = 128,
) -> str:
    """An analysis saved the way the app saves one (photo and thumbnail files by hash)."""
    taken = datetime.now(UTC) - timedelta(days=days_ago)
    with ctx.database.write() as session:
        row = save_analysis(
            session,
            ctx.images,
            result={
                "analysis_id": str(uuid.uuid4()),
                "skin_score": score,
                "engine_version": "1.0.0",
                "metrics": metrics,
                "created_at": taken.isoformat(),
            },
            user_id=user_id,
            image=thumbnail_jpeg(255 - shade),
            thumbnail=thumbnail_jpeg(shade),
            image_size=(96, 96),
        )
        return str(row.analysis_id)


def save_measured(
    ctx: AppContext,
    user_id: Any,
    measured: Measured,
    *,
    days_ago: float,
    result_changes: dict[str, Any] | None = None,
) -> str:
    """A real analysis (the kiosk's own measuring step) saved for ``user_id`` ``days_ago`` days
    ago, under a fresh id; ``result_changes`` edit the stored JSON (an older or newer schema)."""
    result = {
        **measured.result,
        "analysis_id": str(uuid.uuid4()),
        "created_at": (datetime.now(UTC) - timedelta(days=days_ago)).isoformat(),
        **(result_changes or {}),
    }
    with ctx.database.write() as session:
        row = save_analysis(
            session,
            ctx.images,
            result=result,
            user_id=user_id,
            image=measured.jpeg,
            thumbnail=measured.thumbnail,
        )
        return str(row.analysis_id)
