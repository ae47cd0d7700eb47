"""Endurance soak of the clinician's desktop (its own command, long):

    python -m bench.soak_desktop [--cycles 300] [--warm-up 50] [--import-every 25] [--data-dir DIR]

One process, the real desktop window offscreen with the real services and the demo clinic
(``app.desktop.demo``), signed in as a clinician, through a clinician's round again and again:
search the patient list -> open the record followed for two years (24 visits, thumbnails, trend)
-> open its latest analysis at full resolution with a heat map -> compare the first and last visits
with the same heat map on both -> back to the list; every ``--import-every`` rounds an import of
the demo photo card (8 files, one of them corrupt) for one of four other patients, in the import's worker
processes. Samples resident memory, open files and threads after the warm-up and at the end, as
the kiosk's soak does (``bench.soak``), with the same goal: memory grows by <= 20 MB after the
warm-up, open files and threads do not grow. The data directory grows by what the imports save.
"""

from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.soak import Sample, Samples, pump_until, report, sample

MEASURES = ("redness", "pigmentation", "wrinkles")
SLOW = 600.0  # seconds: a heat map or an import on a busy machine


def _rest(app: Any, seconds: float) -> None:
    """Let Qt run for a while, deferred deletions included (see ``bench.soak.pump_until``)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        pump_until(app, 1, lambda: True)
        time.sleep(0.01)


class _Round:
    """The clinician's round, on the real window."""

    def __init__(self, app: Any, ctx: Any, card_dir: Path) -> None:
        # lazy: Qt and the app load once the soak starts
        from app.desktop import demo
        from app.desktop.services import DesktopServices
        from app.desktop.staff_demo import PATIENTS, add_people, photo_card
        from ui.background import Pools
        from ui.desktop.main_window import MainWindow

        self.app = app
        self.services = DesktopServices(ctx)
        self.pools = Pools()
        self.window = MainWindow(self.services, self.pools)
        self.window.resize(1280, 800)
        self.window.show()
        self.window.start()  # an empty data directory: the first-run page, once it has looked
        pump_until(app, 60, lambda: self.window.stack.currentWidget() is self.window.first_run)
        self.followed = demo.build(ctx)
        add_people(ctx, demo.PASSWORD)
        self.window.open_session(self.services.login("grace@clinic.org", demo.PASSWORD))
        pump_until(app, 60, lambda: self.window.view is not None)
        view = self.window.view
        assert view is not None
        self.view: Any = view
        session = view.session  # the clinician's
        self.import_patients = [
            self.services.find_import_patients(session, email)[0] for email, *_ in PATIENTS
        ]
        self.imports = self.saved = self.failed = 0
        self.card = photo_card(card_dir / "DCIM")
        self.rounds = 0

    def page(self, key: str) -> Any:
        return self.view.workspace.page(key)

    def one(self, with_import: bool) -> None:
        measure = MEASURES[self.rounds % len(MEASURES)]
        self.rounds += 1
        patient, visits = str(self.followed.followed), self.followed.followed_visits
        workspace = self.view.workspace
        workspace.show_page("patients")
        patients = self.page("patients")
        patients.search.setText("mar")
        patients.reload()
        pump_until(
            self.app, 60, lambda: not patients.model.loading and patients.model.rowCount() > 0
        )
        patients.search.clear()
        patients.reload()
        pump_until(self.app, 60, lambda: not patients.model.loading)

        record = self.page("record")
        record.clear()
        patients.open_patient.emit(patient)
        pump_until(self.app, 60, lambda: record.painted and record.timeline.count() == len(visits))

        analysis = self.page("analysis")
        analysis.clear()
        record.open_analysis.emit(patient, visits[-1])
        pump_until(self.app, 60, analysis.view.has_photo)
        analysis.toolbar.choose(measure)
        pump_until(self.app, SLOW, lambda: not analysis.view.overlay.pixmap().isNull())

        compare = self.page("compare")
        record.compare_wanted.emit(patient, visits[0], visits[-1])
        pump_until(self.app, 60, lambda: len(compare.images) == 2)
        compare.toolbar.choose(measure)
        views = compare.views.values()
        pump_until(self.app, SLOW, lambda: all(not v.overlay.pixmap().isNull() for v in views))
        compare.wipe_button.click()
        compare.side_button.click()
        if with_import:
            self._import()
        workspace.show_page("patients")
        _rest(self.app, 0.5)

    def _import(self) -> None:
        self.window.commands.go_import.trigger()
        page = self.page("import")
        page.clear_button.click()
        page.add_paths([self.card])
        pump_until(self.app, 60, lambda: page.files.rowCount() == 8)
        # another patient each time; once each has them, the photos fail as already imported
        page.picker.set_patient(self.import_patients[self.imports % len(self.import_patients)])
        self.imports += 1
        pump_until(self.app, 60, page.start_button.isEnabled)
        page.start_button.click()
        pump_until(self.app, 60, lambda: page.is_running)
        pump_until(self.app, SLOW, lambda: not page.is_running)
        self.saved += page.files.count("saved")
        self.failed += page.files.count("failed")

    def close(self) -> None:
        self.window.close()
        self.pools.wait()
        self.window.deleteLater()
        _rest(self.app, 0.2)


def soak(
    cycles: int, warm_up: int, data_dir: Path, *, import_every: int, every: int
) -> tuple[Sample, Sample, float]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    from app.context import AppContext
    from core.config import load_settings

    app = QApplication.instance() or QApplication([])
    ctx = AppContext(load_settings(data_dir=data_dir, clinic_name="Rue Cler Dermatology"))
    with tempfile.TemporaryDirectory(prefix="skinlab-soak-card-") as card:
        tour = _Round(app, ctx, Path(card))
        tour.window.idle.seconds = 24 * 3600  # scripted clicks are not input events
        samples = Samples(data_dir, warm_up=warm_up, every=every, unit="round")
        try:
            for cycle in range(1, cycles + 1):
                tour.one(with_import=import_every > 0 and cycle % import_every == 0)
                tour.pools.db.waitForDone(600_000)
                samples.after(cycle)
            end = sample(cycles, data_dir)
            seconds = samples.seconds()
        finally:
            tour.close()
            ctx.close()
    print(f"  imports: {tour.imports}, photos saved {tour.saved}, not imported {tour.failed}")
    return samples.warm(), end, seconds


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cycles", type=int, default=300)
    parser.add_argument("--warm-up", type=int, default=50)  # two imports: the second opens 2 files
    parser.add_argument("--import-every", type=int, default=25, help="0: no imports")
    parser.add_argument("--data-dir", type=Path)
    parser.add_argument("--every", type=int, default=25, help="print a sample every N rounds")
    args = parser.parse_args(argv)
    data_dir = args.data_dir or Path(tempfile.mkdtemp(prefix="skinlab-soak-desktop-"))
    warm, end, seconds = soak(
        args.cycles,
        min(args.warm_up, args.cycles),
        data_dir,
        import_every=args.import_every,
        every=args.every,
    )
    print(f"desktop soak: {args.cycles} rounds in {seconds / 60:.1f} min "
          f"({seconds / args.cycles:.2f} s each), an import every {args.import_every}")  # fmt: skip
    return report(warm, end)


if __name__ == "__main__":
    raise SystemExit(main())
