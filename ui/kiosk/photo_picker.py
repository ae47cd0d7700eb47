"""Import a photo when the camera fails: the photos found on a USB stick, as big touch tiles.

The kiosk's own list, read only: no folders to open, nothing to rename or delete, no path to type,
and nothing outside the stick. The list (with small previews) is made off the UI thread by the
services, which check again that a chosen file lies on a stick before reading it.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QIcon, QPixmap
from PySide6.QtWidgets import (
    QGridLayout,
    QScrollArea,
    QScroller,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from ui.kiosk.ports import DrivePhoto
from ui.kiosk.widgets import Header, button, label
from ui.widgets.images import rgb_image

COLUMNS = 4
TILE = QSize(260, 250)
ICON = QSize(220, 170)


class PhotoPickerScreen(QWidget):
    chosen = Signal(object)  # Path of the photo touched
    back = Signal()
    refresh = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        self.header = Header("Choose your photo")
        self.back_button = button("Back to the camera", "ghost")
        self.header.add_action(self.back_button)
        outer.addWidget(self.header)
        body = QVBoxLayout()
        body.setContentsMargins(48, 24, 48, 32)
        body.setSpacing(16)
        outer.addLayout(body, 1)
        self.status = label("", "panelText")
        body.addWidget(self.status)
        self.list_area = QScrollArea()
        self.list_area.setObjectName("resultsScroll")
        self.list_area.setWidgetResizable(True)
        self.list_area.setFrameShape(QScrollArea.Shape.NoFrame)
        self.grid_host = QWidget()
        self.grid_host.setObjectName("resultsContent")
        self.grid = QGridLayout(self.grid_host)
        self.grid.setSpacing(18)
        self.grid.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.list_area.setWidget(self.grid_host)
        QScroller.grabGesture(
            self.list_area.viewport(), QScroller.ScrollerGestureType.LeftMouseButtonGesture
        )
        body.addWidget(self.list_area, 1)
        self.again_button = button("Look again", "secondary")
        self.again_button.setMaximumWidth(360)
        body.addWidget(self.again_button)
        self.tiles: list[QToolButton] = []
        self.back_button.clicked.connect(self.back)
        self.again_button.clicked.connect(self.refresh)

    def searching(self) -> None:
        self.clear()
        self.status.setText("Looking for photos on the USB stick…")
        self.again_button.setEnabled(False)

    def show_photos(self, photos: list[DrivePhoto]) -> None:
        self.clear()
        self.again_button.setEnabled(True)
        if not photos:
            self.status.setText(
                "No photos found. Plug in a USB stick with a photo of your face "
                "(JPEG or PNG), then touch “Look again”."
            )
            return
        self.status.setText("Touch the photo of your face. It is only read, never changed.")
        for index, photo in enumerate(photos):
            tile = QToolButton()
            tile.setObjectName("photoTile")
            tile.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextUnderIcon)
            tile.setFixedSize(TILE)
            tile.setIconSize(ICON)
            tile.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            if photo.thumbnail is not None:
                pixmap = QPixmap.fromImage(rgb_image(photo.thumbnail))
                tile.setIcon(QIcon(pixmap))
            tile.setText(f"{photo.name}\n{photo.detail}")
            tile.setAccessibleName(photo.name)
            tile.clicked.connect(lambda _=False, p=photo.path: self.chosen.emit(Path(p)))
            self.grid.addWidget(tile, index // COLUMNS, index % COLUMNS)
            self.tiles.append(tile)

    def show_error(self, message: str) -> None:
        self.again_button.setEnabled(True)
        self.status.setText(message)

    def clear(self) -> None:
        for tile in self.tiles:
            tile.setParent(None)
            tile.deleteLater()
        self.tiles = []
        self.status.setText("")
