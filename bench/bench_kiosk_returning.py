"""Kiosk: the analysis a returning patient waits for, through the real services (the analysis with
its heat maps and the comparison with the last visit), when that visit's photo had the chin cut
off by the frame (read again like for like: two more analyses) against one on the same skin.

Two patients in a throw-away data directory, each with one stored earlier visit of the demo face;
their analyses alternate, so the ratio is measured under the same load.
"""

from __future__ import annotations

import tempfile
import threading
import time
import uuid
from pathlib import Path

from bench import Row

NAME = "kiosk"


def run(quick: bool = False) -> list[Row]:
    from app.context import AppContext
    from app.framing import without_chin
    from app.kiosk.services import KioskAppServices
    from app.kiosk.worker import measure
    from core.capture import DemoSource
    from core.config import load_settings
    from core.imaging import thumbnail_jpeg
    from core.storage.results import save_analysis
    from ui.kiosk.ports import ConsentChoice, Patient

    source = DemoSource()
    source.open()
    face = source.read().rgb
    source.close()
    whole = measure(face)
    cut = without_chin(face, whole.result["face"]["box"])  # type: ignore[index]
    runs = 3 if quick else 7
    times: dict[str, list[float]] = {"same": [], "cut": []}
    with tempfile.TemporaryDirectory(prefix="skinlab-bench-returning-") as scratch:
        ctx = AppContext(load_settings(data_dir=Path(scratch)))
        patients: dict[str, Patient] = {}
        for name, photo in (("same", face), ("cut", cut)):
            earlier = measure(photo)
            user = ctx.auth.register(
                email=f"{name}@example.com",
                first_name=name,
                last_name="Bench",
                password="a long bench password",
                role="patient",
            )
            with ctx.database.write() as session:
                save_analysis(
                    session,
                    ctx.images,
                    result={**earlier.result, "analysis_id": str(uuid.uuid4())},
                    user_id=user,
                    image=earlier.jpeg,
                    thumbnail=thumbnail_jpeg(photo),
                    image_size=(photo.shape[1], photo.shape[0]),
                )
            patients[name] = Patient(str(user), f"{name}@example.com", name)
        services = KioskAppServices(ctx)
        consent = ConsentChoice(granted=True, allow_storage=False)
        read_again = False
        for _ in range(runs):
            for name, patient in patients.items():
                began = time.perf_counter()
                view = services.analyse(
                    face,
                    patient=patient,
                    consent=consent,
                    progress=lambda _step: None,
                    cancel=threading.Event(),
                )
                times[name].append(time.perf_counter() - began)
                read_again |= name == "cut" and bool(view.like_for_like)
        ctx.close()
    if not read_again:
        raise RuntimeError("the chin-cut visit was not read like for like")
    same, cut_s = (sorted(times[k])[len(times[k]) // 2] for k in ("same", "cut"))
    return [
        Row(NAME, "returning patient, last photo chin-cut: analysis (median)", cut_s, "s", "<= 3"),
        Row(
            NAME,
            "  ... against a last photo of the same skin (ratio of medians)",
            cut_s / same,
            "x",
        ),
    ]


if __name__ == "__main__":
    for row in run(quick=False):
        print(row)
