"""The visits as a strip of thumbnails, oldest on the left; select two to compare, double-click
(or Enter) one to open its analysis. Thumbnails arrive after the strip is drawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QImage, QPixmap
from PySide6.QtWidgets import QAbstractItemView, QListView, QListWidget, QListWidgetItem

from core.vocabulary import shown_score
from ui.desktop.ports import VisitSummary
from ui.desktop.text import short_date

THUMB = 88
ID_ROLE = Qt.ItemDataRole.UserRole


def placeholder() -> QIcon:
    pixmap = QPixmap(THUMB, THUMB)
    pixmap.fill(QColor(200, 196, 192))
    return QIcon(pixmap)


class VisitTimeline(QListWidget):
    open_visit = Signal(str)  # analysis id

    def __init__(self) -> None:
        super().__init__()
        self.setObjectName("timeline")
        self.setViewMode(QListView.ViewMode.IconMode)
        self.setFlow(QListView.Flow.LeftToRight)
        self.setWrapping(False)
        self.setMovement(QListView.Movement.Static)
        self.setIconSize(QSize(THUMB, THUMB))
        self.setGridSize(QSize(THUMB + 28, THUMB + 48))
        self.setFixedHeight(THUMB + 72)
        self.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.setUniformItemSizes(True)
        self.itemActivated.connect(lambda item: self.open_visit.emit(str(item.data(ID_ROLE))))
        self._blank = placeholder()

    def set_visits(self, visits: Sequence[VisitSummary]) -> None:
        self.clear()
        for visit in visits:
            text = f"{short_date(visit.taken_at)}\nScore {shown_score(visit.skin_score)}"
            item = QListWidgetItem(self._blank, text)
            item.setData(ID_ROLE, visit.analysis_id)
            item.setTextAlignment(Qt.AlignmentFlag.AlignHCenter)
            item.setToolTip(f"Analysis of {short_date(visit.taken_at)}: double-click to open")
            self.addItem(item)
        if self.count():
            self.scrollToItem(self.item(self.count() - 1))

    def set_thumbnails(self, images: Mapping[str, QImage]) -> None:
        for row in range(self.count()):
            item = self.item(row)
            image = images.get(str(item.data(ID_ROLE)))
            if image is not None and not image.isNull():
                item.setIcon(QIcon(QPixmap.fromImage(image)))

    def selected_ids(self) -> list[str]:
        """Selected visits in time order (oldest first)."""
        rows = sorted(self.row(item) for item in self.selectedItems())
        return [str(self.item(row).data(ID_ROLE)) for row in rows]
