"""The shared constructors: labels show text as typed, enum properties set by name fail loudly
on a typo, and ``centred`` puts widgets exactly where ``AlignCenter`` would."""

from __future__ import annotations

from typing import Any

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout, QWidget

from ui.widgets.basics import centred, label, set_by_name


def test_a_label_shows_markup_as_typed(qtbot: Any) -> None:
    shown = label("<b>Rue Cler</b> & Co", "subtitle")
    qtbot.addWidget(shown)
    assert shown.textFormat() == Qt.TextFormat.PlainText
    assert shown.objectName() == "subtitle"
    rich = label("<b>x</b>", plain=False)
    qtbot.addWidget(rich)
    assert rich.textFormat() == Qt.TextFormat.AutoText


def test_an_enum_property_is_set_by_its_key(qtbot: Any) -> None:
    shown = QLabel("x")
    qtbot.addWidget(shown)
    set_by_name(shown, "alignment", "AlignCenter")
    assert shown.alignment() == Qt.AlignmentFlag.AlignCenter
    with pytest.raises(ValueError, match="AlignMiddle"):
        set_by_name(shown, "alignment", "AlignMiddle")
    with pytest.raises(ValueError, match="alignement"):
        set_by_name(shown, "alignement", "AlignCenter")


def _card(text: str) -> QFrame:
    card = QFrame()
    card.setFixedWidth(300)
    inner = QVBoxLayout(card)
    wrapped = QLabel(text)
    wrapped.setWordWrap(True)
    inner.addWidget(wrapped)
    inner.addWidget(QLabel("one more line"))
    return card


def _placed(size: tuple[int, int], *, aligned: bool, qtbot: Any) -> QRect:
    page = QWidget()
    qtbot.addWidget(page)
    card = _card("A line long enough to wrap in three hundred pixels, twice over at least.")
    layout = QVBoxLayout(page)
    if aligned:
        layout.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(card, alignment=Qt.AlignmentFlag.AlignCenter)
    else:
        centred(layout, card)
    page.resize(*size)
    page.show()
    qtbot.wait(20)
    return card.geometry()


@pytest.mark.parametrize("size", [(640, 480), (641, 481), (800, 333), (1001, 677)])
def test_centred_puts_a_widget_where_align_center_does(qtbot: Any, size: tuple[int, int]) -> None:
    assert _placed(size, aligned=False, qtbot=qtbot) == _placed(size, aligned=True, qtbot=qtbot)
