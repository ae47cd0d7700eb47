"""Repeatability as a published number: the MDC95 table that ships is recomputed here from retakes
of the shared faces (the same protocol and faces as bench/bench_repeatability.py), at the faces'
own sizes and scaled down to each smaller eye distance; every measure meets the goal of 6 points
at every size, and a result carries the MDC for its face's size. The skin score's own tables are
recomputed from the same analyses (read once per photo and kept for this module)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

import cv2
import numpy as np
import pytest

from core.analysis import METRIC_NAMES, analyze
from core.analysis.repeatability import (
    BY_EYES_AT,
    CROPS_BELOW,
    MDC95,
    MDC95_BY_EYES,
    MDC95_BY_PART,
    MDC95_CROPS,
    MDC95_NEAR_FLOOR,
    MDC95_PART,
    MEASURED_ON,
    PARTS,
    SCORE_MDC95,
    SCORE_MDC95_BY_EYES,
    SCORE_MDC95_BY_PART,
    SCORE_MDC95_CROPS,
    SCORE_MDC95_PART,
    SMALL_FROM,
    SMALL_FROM_FOR,
    change_verdict,
    mdc_of,
    score_mdc,
)
from core.analysis.retest import mdc95, retest_table, same_skin_table, scaled_to
from core.vocabulary import SKIN_SCORE

GOAL = 6.0


@dataclass(frozen=True)
class _Read:
    levels: dict[str, float | None]
    score: float
    uses: frozenset[str]


_READ: dict[tuple[bytes, tuple[str, ...]], _Read] = {}
"""Each photo (original or retake) as analysed once in this module, with ``leave_out``: the
measures' and the score's tables are recomputed from the same analyses."""


def _read(source, part: tuple[str, ...] = ()) -> _Read:
    data = source if isinstance(source, bytes) else source.tobytes() + repr(source.shape).encode()
    key = (hashlib.sha256(data).digest(), part)
    if key not in _READ:
        result = analyze(source, leave_out=dict.fromkeys(part, "left out"))
        levels = {n: (e["level"] if e["measured"] else None) for n, e in result.measures.items()}
        _READ[key] = _Read(levels, result.skin_score, frozenset(result.skin_score_uses))
    return _READ[key]


def _levels(source) -> dict[str, float | None]:
    return _read(source).levels


def _score(part: tuple[str, ...] = ()):
    """The score and the measures it uses: a retake whose score uses others is another score
    (``core.analysis.comparison.score_difference``), as ``bench.bench_repeatability.score_table``
    reads it."""

    def read(source) -> dict[str, tuple[float, frozenset[str]]]:
        seen = _read(source, part)
        return {SKIN_SCORE: (seen.score, seen.uses)}

    return read


@pytest.fixture(scope="module")
def recomputed(shared_photo, read_rgb) -> dict[str, tuple[float, int]]:
    photos = [read_rgb(shared_photo(name)) for name in MEASURED_ON]
    return retest_table(photos, _levels, METRIC_NAMES)


def test_the_shipped_table_is_what_the_retakes_give(recomputed) -> None:
    assert set(MDC95) == set(METRIC_NAMES)
    for name, (sem, faces) in recomputed.items():
        assert faces >= 2, f"{name} measured on too few faces to have a spread"
        assert mdc95(sem) == pytest.approx(MDC95[name], abs=0.3), name


def test_every_measure_meets_the_retest_goal(recomputed) -> None:
    assert all(mdc95(sem) <= GOAL for sem, _ in recomputed.values()), recomputed


def test_every_result_carries_the_mdc(portrait_result) -> None:
    for name, entry in portrait_result.measures.items():
        eyes = portrait_result.scale["interocular_px"]
        assert entry["mdc"] == mdc_of(name, eyes) >= mdc_of(name) >= 1.0


def test_the_shipped_score_spread_is_what_the_retakes_give(portraits) -> None:
    """The skin score's MDC95 at the portraits' own sizes, from the same retakes."""
    sem, faces = same_skin_table([rgb for rgb, _ in portraits], _score(), [SKIN_SCORE])[SKIN_SCORE]
    assert faces == len(MEASURED_ON)
    assert mdc95(sem) == pytest.approx(SCORE_MDC95, abs=0.3)
    assert mdc95(sem) <= GOAL


def test_every_result_carries_the_score_s_spread(portrait_result) -> None:
    eyes = portrait_result.scale["interocular_px"]
    assert portrait_result.skin_score_mdc == score_mdc(eyes) >= score_mdc() >= 1.0
    assert portrait_result.to_json()["skin_score_mdc"] == portrait_result.skin_score_mdc


def test_a_change_is_real_only_beyond_the_mdc() -> None:
    spread = mdc_of("redness")
    assert change_verdict("redness", 40.0, 40.0 + spread + 0.1) == "real_change"
    assert change_verdict("redness", 40.0, 40.0 - spread + 0.1) == "within_noise"
    assert change_verdict("acne", 0.0, 0.5) == "within_noise"


@pytest.fixture(scope="module")
def portraits(shared_photo, read_rgb) -> list[tuple[np.ndarray, float]]:
    """Each shared portrait with its eye distance in pixels."""
    photos = [read_rgb(shared_photo(name)) for name in MEASURED_ON]
    return [(rgb, float(analyze(rgb).scale["interocular_px"])) for rgb in photos]


@pytest.mark.parametrize("eyes", BY_EYES_AT)
def test_the_shipped_per_size_table_is_what_smaller_retakes_give(portraits, eyes: int) -> None:
    small = [scaled_to(rgb, native, eyes) for rgb, native in portraits]
    kept = [s for s in small if s is not None]
    assert len(kept) >= 5  # the portraits at least this large
    recomputed = retest_table(kept, _levels, METRIC_NAMES)
    measured = {name: sem for name, (sem, faces) in recomputed.items() if faces}
    assert set(measured) == set(MDC95_BY_EYES[eyes])  # the measures whose floor allows the size
    for name, sem in measured.items():
        assert mdc95(sem) == pytest.approx(MDC95_BY_EYES[eyes][name], abs=0.3), name
        assert mdc95(sem) <= GOAL, name


@pytest.mark.parametrize("eyes", BY_EYES_AT)
def test_the_shipped_score_per_size_table_is_what_smaller_retakes_give(
    portraits, eyes: int
) -> None:
    small = [scaled_to(rgb, native, eyes) for rgb, native in portraits]
    kept = [s for s in small if s is not None]
    sem, faces = same_skin_table(kept, _score(), [SKIN_SCORE])[SKIN_SCORE]
    assert faces == len(kept) >= 5
    assert mdc95(sem) == pytest.approx(SCORE_MDC95_BY_EYES[eyes], abs=0.3)
    assert mdc95(sem) <= GOAL


NEAR_FLOOR = [(name, at) for name, sizes in MDC95_NEAR_FLOOR.items() for at in sizes]


@pytest.mark.parametrize(("name", "eyes"), NEAR_FLOOR)
def test_the_shipped_spread_near_a_high_floor_is_what_retakes_at_that_size_give(
    portraits, name: str, eyes: int
) -> None:
    """Pores are read from 126 px between the eyes, on two of the portraits: their spread between
    the floor and those portraits' own sizes, from the same two scaled down."""
    small = [scaled_to(rgb, native, eyes) for rgb, native in portraits]
    kept = [s for s in small if s is not None]
    sem, faces = retest_table(kept, _levels, [name])[name]
    assert faces == len(kept) >= 2  # every retake of every face kept stays above the floor
    assert mdc95(sem) == pytest.approx(MDC95_NEAR_FLOOR[name][eyes], abs=0.3)
    assert mdc95(sem) <= GOAL


def test_a_measure_read_on_few_portraits_has_its_own_sizes_from_the_smallest_of_them(
    portraits,
) -> None:
    for name, own_from in SMALL_FROM_FOR.items():
        read = [native for rgb, native in portraits if analyze(rgb).measures[name]["measured"]]
        assert len(read) < len(portraits)
        assert min(read) == pytest.approx(own_from, abs=1.0)
        assert max(MDC95_NEAR_FLOOR[name]) < own_from


def _levels_without(part: tuple[str, ...]):
    def read(source) -> dict[str, float | None]:
        return _read(source, part).levels

    return read


@pytest.mark.parametrize("part", PARTS, ids="+".join)
def test_the_shipped_part_table_is_what_the_retakes_give_without_it(portraits, part) -> None:
    """The spread of a like-for-like reading: the same retakes with a part of the face left out
    of every measure (``core.analysis.comparison.like_for_like``)."""
    recomputed = retest_table([rgb for rgb, _ in portraits], _levels_without(part), METRIC_NAMES)
    measured = {name: sem for name, (sem, faces) in recomputed.items() if faces}
    assert set(measured) == set(MDC95_BY_PART[part])
    for name, sem in measured.items():
        assert mdc95(sem) == pytest.approx(MDC95_BY_PART[part][name], abs=0.3), name
        assert MDC95_PART[name] >= MDC95_BY_PART[part][name]


@pytest.mark.parametrize("part", PARTS, ids="+".join)
def test_the_shipped_score_part_table_is_what_the_retakes_give_without_it(portraits, part) -> None:
    """The spread of a score read like for like (``core.analysis.comparison.score_part_spread``)."""
    photos = [rgb for rgb, _ in portraits]
    sem, faces = same_skin_table(photos, _score(part), [SKIN_SCORE])[SKIN_SCORE]
    assert faces == len(photos)
    assert mdc95(sem) == pytest.approx(SCORE_MDC95_BY_PART[part], abs=0.3)
    assert SCORE_MDC95_BY_PART[part] <= SCORE_MDC95_PART


OVER_THE_GOAL_ON_CROPS = {"oiliness", "pigmentation", "wrinkles", "dark_circles"}
"""The measures whose spread on small real photos is over the goal of 6 points (docs/analysis.md,
"Known limits"): tracked here so that a change either way is seen."""


def test_the_shipped_crops_table_is_what_their_same_skin_retakes_give() -> None:
    """Small real photos (faces-age crops, 62-89 px between the eyes, JPEG-compressed), retaken
    and read as a comparison reads them: only the retakes that saw the same regions count. The
    skin score's from the same analyses (a minute or two, read once): the retakes whose score a
    comparison judges, the same measures each from the same regions
    (``core.analysis.comparison.score_difference``)."""
    from bench.bench_repeatability import crops_table

    both = crops_table(with_score=True)
    measures = {k: v for k, v in both.items() if k != SKIN_SCORE}
    recomputed = {name: (sem, n) for name, (sem, n) in measures.items() if n}
    assert set(recomputed) == set(MDC95_CROPS)
    for name, (sem, faces) in recomputed.items():
        assert faces >= 60, name  # of the 76 crops retaken
        assert mdc95(sem) == pytest.approx(MDC95_CROPS[name], abs=0.3), name
    over = {name for name, value in MDC95_CROPS.items() if value > GOAL}
    assert over == OVER_THE_GOAL_ON_CROPS
    sem, faces = both[SKIN_SCORE]
    assert faces >= 60
    assert mdc95(sem) == pytest.approx(SCORE_MDC95_CROPS, abs=0.3)
    assert mdc95(sem) <= GOAL


def test_a_smaller_face_never_gets_a_smaller_score_spread() -> None:
    sizes = [30.0, *map(float, BY_EYES_AT), 90.0, CROPS_BELOW, SMALL_FROM - 1, SMALL_FROM, 400.0]
    spreads = [score_mdc(eyes) for eyes in sorted(sizes)]
    assert spreads == sorted(spreads, reverse=True)
    assert min(spreads) == score_mdc() == score_mdc(400.0) == max(SCORE_MDC95, 1.0)
    below = max(SCORE_MDC95, SCORE_MDC95_CROPS, *SCORE_MDC95_BY_EYES.values())
    assert score_mdc(40.0) == below
    assert score_mdc(80.0) == max(SCORE_MDC95, SCORE_MDC95_CROPS, SCORE_MDC95_BY_EYES[100])
    assert score_mdc(CROPS_BELOW) == max(SCORE_MDC95, SCORE_MDC95_BY_EYES[100])


def test_a_smaller_face_never_gets_a_smaller_spread() -> None:
    near_floor = [float(at) for sizes in MDC95_NEAR_FLOOR.values() for at in sizes]
    sizes = [30.0, *map(float, BY_EYES_AT), 90.0, CROPS_BELOW, SMALL_FROM - 1, SMALL_FROM, 400.0]
    sizes += [*near_floor, 130.0, 150.0, 170.0, *SMALL_FROM_FOR.values()]
    for name in METRIC_NAMES:
        spreads = [mdc_of(name, eyes) for eyes in sorted(sizes)]
        assert spreads == sorted(spreads, reverse=True), name
        assert min(spreads) == mdc_of(name) == mdc_of(name, 400.0)
    tables = (MDC95_BY_EYES[72], MDC95_BY_EYES[100], MDC95_CROPS, MDC95)
    assert mdc_of("wrinkles", 72.0) == max(t["wrinkles"] for t in tables) > mdc_of("wrinkles")
    assert mdc_of("pigmentation", 80.0) == MDC95_CROPS["pigmentation"]  # small real photos'
    assert mdc_of("pigmentation", CROPS_BELOW) < MDC95_CROPS["pigmentation"]
    pores = MDC95_NEAR_FLOOR["pores"]
    assert mdc_of("pores", 130.0) == mdc_of("pores", 150.0) == max(pores[140], pores[160])
    assert mdc_of("pores", 170.0) == max(pores[160], MDC95["pores"])
    assert mdc_of("pores", SMALL_FROM_FOR["pores"]) == MDC95["pores"]


def test_a_result_carries_the_spread_of_its_face_size(portrait, portrait_geometry) -> None:
    """The portrait (84 px between the eyes) and the same face at 160 px: the smaller one carries
    the larger spread of a small face, the larger one the table at full size."""
    large = cv2.resize(
        portrait, None, fx=160 / portrait_geometry.iod, fy=160 / portrait_geometry.iod
    )
    small, big = analyze(portrait), analyze(np.ascontiguousarray(large))
    assert small.scale["interocular_px"] < SMALL_FROM <= big.scale["interocular_px"]
    for name in ("wrinkles", "pigmentation", "elasticity"):
        assert small.measures[name]["mdc"] == mdc_of(name, small.scale["interocular_px"])
        assert small.measures[name]["mdc"] > big.measures[name]["mdc"] == mdc_of(name)
