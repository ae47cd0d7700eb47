"""The retest protocol's tables (core.analysis.retest): a measure retaken more often than the
others uses the same first retakes, and each photo is analysed once per retake."""

from __future__ import annotations

import numpy as np
from skimage import data

from core.analysis.retest import RETAKES, RETAKES_FOR, decoded_by_pil, retest_table, sem

MORE = next(iter(RETAKES_FOR))


class Channels:
    """A real, cheap reading of a photo: the mean of its red channel as one measure and of its
    green as the measure retaken more often; the green one only on photos wider than ``wide``."""

    def __init__(self, wide: int = 0) -> None:
        self.calls = 0
        self.wide = wide

    def __call__(self, source: bytes | np.ndarray) -> dict[str, float | None]:
        self.calls += 1
        rgb = decoded_by_pil(source) if isinstance(source, bytes) else source
        green = float(rgb[:, :, 1].mean()) if rgb.shape[1] > self.wide else None
        return {"redness": float(rgb[:, :, 0].mean()), MORE: green}


def test_a_measure_retaken_more_often_shares_the_first_retakes_and_each_is_read_once() -> None:
    photos = [data.astronaut(), np.ascontiguousarray(data.astronaut()[:, ::-1])]
    read = Channels()
    both = retest_table(photos, read, ["redness", MORE])
    assert read.calls == len(photos) * (1 + RETAKES_FOR[MORE])
    alone = {
        name: retest_table(photos, Channels(), [name], count)[name]
        for name, count in (("redness", RETAKES), (MORE, RETAKES_FOR[MORE]))
    }
    assert both == alone
    assert both[MORE] != retest_table(photos, Channels(), [MORE], RETAKES)[MORE]
    assert both["redness"][1] == both[MORE][1] == len(photos)


def test_a_face_that_reads_none_of_the_measures_is_not_retaken() -> None:
    narrow, wide = data.astronaut()[:, :200], data.astronaut()
    read = Channels(wide=300)
    table = retest_table([narrow, wide], read, [MORE])
    assert read.calls == 1 + (1 + RETAKES_FOR[MORE])
    assert table[MORE][1] == 1


def test_the_spread_is_the_pooled_within_face_deviation() -> None:
    assert sem([[1.0, 3.0], [10.0, 10.0, 10.0]]) == np.sqrt(2.0 / 3.0)
    assert np.isnan(sem([[5.0]]))
