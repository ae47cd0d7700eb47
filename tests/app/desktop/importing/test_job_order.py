"""Files go to the workers largest first, so an import does not end on one big photo alone."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from app.desktop.importing.job import largest_first
from ui.desktop.importing.ports import ImportItem

VISIT = datetime(2026, 3, 4, tzinfo=UTC)


def _item(path: Path) -> ImportItem:
    return ImportItem(path=path, visit=VISIT, source="file")


def test_the_largest_file_goes_first_and_a_vanished_one_last(tmp_path: Path) -> None:
    sizes = {"small.jpg": 10, "large.jpg": 3000, "middle.jpg": 200}
    for name, size in sizes.items():
        (tmp_path / name).write_bytes(b"x" * size)
    gone = _item(tmp_path / "deleted-since-it-was-added.jpg")
    items = tuple(_item(tmp_path / n) for n in ("small.jpg", "large.jpg", "middle.jpg"))
    items = (items[0], gone, *items[1:])
    ordered = [i.path.name for i in largest_first(items)]
    assert ordered == ["large.jpg", "middle.jpg", "small.jpg", gone.path.name]
