"""One analysis on several threads: the same result to the bit, progress and cancel on the calling
thread only, errors raised once nothing runs any more, and maps shared between threads computed
once (core/analysis/parallel.py, core/analysis/once.py)."""

from __future__ import annotations

import threading
from pathlib import Path

import cv2
import numpy as np
import pytest
from skimage import data

from core.analysis import analyze
from core.analysis.once import computed_once
from core.analysis.parallel import Step, checked_threads, default_threads, run_steps
from tests.helpers.faces import shared_face


class Stop(Exception):
    pass


def _comparable(photo: object, threads: int) -> tuple[dict[str, object], dict[str, bytes]]:
    result = analyze(photo, need_visuals=True, threads=threads)  # type: ignore[arg-type]
    body = result.to_json()
    for key in ("analysis_id", "created_at", "analysis_duration_seconds"):
        body.pop(key)
    visuals = result.visuals
    assert visuals is not None
    arrays = {
        "canvas": visuals.canvas_rgb.tobytes(),
        "skin": visuals.skin.tobytes(),
        **{f"heat {name}": heat.tobytes() for name, heat in visuals.heatmaps.items()},
        **{f"outline {name}": mask.tobytes() for name, mask in visuals.outlines.items()},
    }
    return body, arrays


@pytest.mark.parametrize("photo", ["astronaut", "biden.jpg"])
def test_two_threads_give_the_result_of_one_to_the_bit(photo: str) -> None:
    source: object = data.astronaut() if photo == "astronaut" else shared_face(photo)
    one_body, one_arrays = _comparable(source, 1)
    two_body, two_arrays = _comparable(source, 2)
    assert two_body == one_body
    assert two_arrays.keys() == one_arrays.keys() and len(one_arrays) > 10
    for name, array in one_arrays.items():
        assert two_arrays[name] == array, name


def test_progress_is_heard_on_the_calling_thread_in_the_same_order() -> None:
    heard: dict[int, list[str]] = {}

    def listen(threads: int) -> None:
        stages: list[str] = []

        def note(stage: str) -> None:
            assert threading.get_ident() == caller
            stages.append(stage)

        analyze(data.astronaut(), progress=note, threads=threads)
        heard[threads] = stages

    caller = threading.get_ident()
    listen(1)
    listen(2)
    assert heard[2] == heard[1] and "Measuring pores" in heard[1]


def test_a_cancel_on_two_threads_stops_the_analysis_and_leaves_no_thread_behind() -> None:
    before = threading.active_count()
    seen: list[str] = []

    def cancel_at_texture(stage: str) -> None:
        seen.append(stage)
        if stage == "Measuring texture":
            raise Stop

    with pytest.raises(Stop):
        analyze(data.astronaut(), progress=cancel_at_texture, threads=2)
    assert seen[-1] == "Measuring texture" and "Preparing your advice" not in seen
    # the helpers are joined; a face search's look ahead, no longer needed once the first copy
    # showed the face, stops at its next check
    for _ in range(500):
        if threading.active_count() == before:
            break
        threading.Event().wait(0.01)
    assert threading.active_count() == before


@pytest.mark.parametrize("threads", [1, 2, 3, 8])
def test_steps_give_their_results_in_order_whatever_finishes_first(threads: int) -> None:
    release = threading.Event()
    ran: list[int] = []

    def step(i: int) -> int:
        if i == 0 and threads > 1:
            # the first step waits until a helper has finished the last one: they overlap
            assert release.wait(timeout=10), "no helper thread ran a step"
        ran.append(i)
        if i == 5:
            release.set()
        return i * i

    steps = [Step(lambda i=i: step(i), f"step {i}") for i in range(6)]
    heard: list[str] = []
    assert run_steps(steps, threads=threads, progress=heard.append) == [i * i for i in range(6)]
    assert heard == [f"step {i}" for i in range(6)]
    assert sorted(ran) == list(range(6))


def test_a_failing_step_raises_its_error_once_no_step_runs_any_more() -> None:
    running = threading.Event()
    finished: list[str] = []

    def slow() -> str:
        running.set()
        threading.Event().wait(0.2)
        finished.append("slow")
        return "slow"

    def failing() -> str:
        assert running.wait(timeout=10)
        raise ZeroDivisionError("no skin to divide by")

    with pytest.raises(ZeroDivisionError, match="no skin"):
        run_steps([Step(failing), Step(slow)], threads=2)
    assert finished == ["slow"]


def test_a_cancel_stops_helpers_from_taking_more_steps() -> None:
    started: list[int] = []
    gate = threading.Event()

    def step(i: int) -> int:
        started.append(i)
        if i == 9:
            gate.wait(timeout=10)  # a helper is busy here while the caller cancels
        return i

    def cancel(stage: str) -> None:
        if stage == "step 1":
            gate.set()
            raise Stop

    steps = [Step(lambda i=i: step(i), f"step {i}") for i in range(10)]
    with pytest.raises(Stop):
        run_steps(steps, threads=2, progress=cancel)
    # the caller ran step 0, a helper the last one or two; nothing was started after the cancel
    assert 0 in started and 1 not in started and len(started) <= 3


def test_helpers_take_steps_in_their_own_order() -> None:
    ran: list[int] = []
    three_done = threading.Event()

    def step(i: int) -> int:
        if i == 0:
            assert three_done.wait(timeout=10), "the helper did not run three steps"
        ran.append(i)
        if len(ran) == 3:
            three_done.set()
        return i

    steps = [Step(lambda i=i: step(i)) for i in range(5)]
    assert run_steps(steps, threads=2, helper_order=[2, 4, 1, 3, 0]) == list(range(5))
    assert ran[:3] == [2, 4, 1]


@pytest.mark.parametrize("order", [[0, 1], [0, 1, 1], [0, 1, 3], []])
def test_a_helper_order_that_misses_or_repeats_a_step_is_refused(order: list[int]) -> None:
    steps = [Step(lambda: 1), Step(lambda: 2), Step(lambda: 3)]
    with pytest.raises(ValueError, match="helper_order must name each of the 3 steps once"):
        run_steps(steps, threads=2, helper_order=order)


@pytest.mark.parametrize("bad", [0, -1, 1.5, True, "2"])
def test_a_bad_number_of_threads_is_refused_before_any_work(bad: object) -> None:
    with pytest.raises(ValueError, match="threads must be a whole number of at least 1"):
        checked_threads(bad)  # type: ignore[arg-type]
    heard: list[str] = []
    with pytest.raises(ValueError, match="threads"):
        analyze(data.astronaut(), threads=bad, progress=heard.append)  # type: ignore[arg-type]
    assert heard == []


def test_the_default_uses_the_cores_up_to_two() -> None:
    assert checked_threads(None) == default_threads()
    assert 1 <= default_threads() <= 2


class _Maps:
    def __init__(self, wait_for: threading.Event) -> None:
        self.calls = 0
        self.wait_for = wait_for
        self.started = threading.Event()
        self.waited = False

    @computed_once
    def slow_map(self) -> np.ndarray:
        self.calls += 1
        self.started.set()
        self.waited = self.wait_for.wait(timeout=10)
        return np.full(3, self.calls)


def test_a_shared_map_is_computed_once_when_many_threads_ask_at_once() -> None:
    ready = threading.Event()
    maps = _Maps(ready)
    seen: list[np.ndarray] = []
    askers = [threading.Thread(target=lambda: seen.append(maps.slow_map)) for _ in range(8)]
    for asker in askers:
        asker.start()
    assert maps.started.wait(timeout=10)
    ready.set()
    for asker in askers:
        asker.join()
    assert maps.calls == 1 and len(seen) == 8 and all(s is seen[0] for s in seen)
    assert maps.waited


def test_two_objects_compute_the_same_map_at_the_same_time() -> None:
    """A lock per object, not per class: one analysis's map never waits for another's."""
    first_done = threading.Event()
    finished = threading.Event()
    finished.set()
    first = _Maps(first_done)
    second = _Maps(finished)
    blocked = threading.Thread(target=lambda: first.slow_map)
    blocked.start()
    assert first.started.wait(timeout=10)  # first's map is being computed, and waits ...
    assert second.slow_map[0] == 1  # ... until second's is done
    first_done.set()
    blocked.join(timeout=10)
    assert first.waited and first.calls == 1 and second.calls == 1


def test_the_photo_path_is_analysed_the_same_on_any_number_of_threads(tmp_path: Path) -> None:
    path = tmp_path / "astronaut.jpg"
    cv2.imwrite(str(path), cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    assert _comparable(str(path), 3)[0] == _comparable(str(path), 1)[0]


def _small_face_at_one_side() -> np.ndarray:
    """A 2000 x 1125 photo (a 12 MP landscape's reduced decode) of a beige wall with the astronaut
    at the right, about 80 px between her eyes: too small for the 512 px copy's search, so the
    second copy is searched from the look that two threads make beside it."""
    from core.analysis.face import default_detector

    photo = data.astronaut()
    found = max(default_detector().detect(photo), key=lambda f: f.iod)
    left, top, right, bottom = (round(v) for v in found.box)
    pad = (right - left) // 2
    face = photo[max(0, top - pad) : bottom + pad, max(0, left - pad) : right + pad]
    scale = 80.0 / found.iod
    tile = cv2.resize(face, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    wall = np.empty((1125, 2000, 3), np.uint8)
    wall[:] = (200, 186, 168)
    th, tw = tile.shape[:2]
    wall[300 : 300 + th, 1500 : 1500 + tw] = tile
    return wall


def test_a_small_face_is_found_the_same_with_the_look_made_beside_the_first_search() -> None:
    from core.analysis.face import default_detector

    rgb = _small_face_at_one_side()
    detector = default_detector()
    assert detector.detect(rgb, levels=(512,)) == []  # only the second copy finds it
    one = detector.detect(rgb, threads=1)
    assert len(one) == 1 and 70 < one[0].iod < 90
    assert detector.detect(rgb, threads=2) == one
    ok, jpeg = cv2.imencode(".jpg", cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    assert ok
    assert _comparable(jpeg.tobytes(), 2) == _comparable(jpeg.tobytes(), 1)


def test_a_search_made_ahead_leaves_loading_the_small_face_detector_to_the_caller() -> None:
    """Loading it holds Python's lock for 0.3-0.5 s (a frozen kiosk or desktop screen), so only a
    search that needs it loads it, as with one thread; the faces found are the same."""
    from core.analysis.face import _resized, default_detector
    from core.analysis.small_faces import small_face_detector, small_face_detector_loaded

    rgb = _small_face_at_one_side()
    detector = default_detector()
    one = detector.detect(rgb, threads=1)
    small_face_detector.cache_clear()
    small = _resized(rgb, 512 / 2000)
    plan, hits = detector._ahead(rgb, (small, 512 / 2000), 1024 / 2000, threading.Event())
    assert plan.candidates and hits is None and not small_face_detector_loaded()
    assert detector.detect(rgb, threads=2) == one and small_face_detector_loaded()


@pytest.mark.parametrize(
    "shape",
    [
        (1125, 2000),  # rows divide by 3, columns do not: split by rows
        (2000, 1500),  # columns divide by 3 (a portrait): split by columns
        (1500, 2001),  # both divide: OpenCV's integer path, split by rows
        (1126, 2001),  # neither: one call
        (1134, 2016),
    ],
)
def test_the_first_copy_made_in_two_halves_has_the_same_pixels(shape: tuple[int, int]) -> None:
    from core.analysis.copies import resized

    astronaut = data.astronaut()
    rgb = cv2.resize(astronaut, (shape[1], shape[0]), interpolation=cv2.INTER_CUBIC)
    noise = np.random.default_rng(11).integers(0, 9, rgb.shape, dtype=np.uint8)
    rgb = cv2.add(rgb, noise)
    for side in (512, 1024):
        factor = side / max(shape)
        one = resized(rgb, factor)
        assert one.shape[:2] == (round(shape[0] * factor), round(shape[1] * factor))
        assert np.array_equal(resized(rgb, factor, threads=2), one)


REPOSITORY = Path(__file__).resolve().parents[3]
_SEARCH_THEN_EXIT = """
import cv2
from core.analysis.face import default_detector
bgr = cv2.imread({path!r})
rgb = cv2.resize(bgr[:, :, ::-1], (2000, 1500), interpolation=cv2.INTER_LINEAR)
assert default_detector().detect(rgb, threads=2)
"""


def test_a_process_that_ends_right_after_a_two_thread_face_search_exits_cleanly() -> None:
    """On a group photo dlib finds the faces on the first copy while the look ahead is still in
    OpenCV's cascade; a process ending right then must wait for it, not abort (it did, 6 runs of 8,
    while the look ahead ran on a daemon thread)."""
    import subprocess
    import sys

    path = shared_face("dlib_bald_guys.jpg")
    script = _SEARCH_THEN_EXIT.format(path=str(path))
    for _ in range(5):
        done = subprocess.run(
            [sys.executable, "-c", script], capture_output=True, timeout=120, cwd=REPOSITORY
        )
        assert done.returncode == 0, done.stderr.decode(errors="replace")[-500:]


def test_the_photo_hashed_while_it_is_decoded_keeps_its_true_digest(tmp_path: Path) -> None:
    import hashlib

    from core.cache import DiskCache

    ok, encoded = cv2.imencode(".jpg", cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR))
    assert ok
    photo = encoded.tobytes()
    truth = hashlib.sha256(photo).hexdigest()
    assert analyze(photo, threads=2).image_sha256 == truth
    assert analyze(photo, threads=1).image_sha256 == truth
    cache = DiskCache(tmp_path / "cache")
    first = analyze(photo, threads=2, cache=cache)
    again = analyze(photo, threads=2, cache=cache)
    assert first.image_sha256 == again.image_sha256 == truth and again.cached
