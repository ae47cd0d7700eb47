"""Guard against a Qt binding that leaks or steals references: a kiosk runs for days."""

from __future__ import annotations

import sys

from PySide6.QtWidgets import QLabel


def test_calls_returning_nothing_keep_none_alive(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    before = sys.getrefcount(None)
    for i in range(2000):
        label.setText(str(i))
        label.update()
    assert abs(sys.getrefcount(None) - before) < 100
