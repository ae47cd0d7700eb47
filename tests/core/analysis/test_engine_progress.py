"""The engine tells each stage as it starts, and a listener that raises stops it (cancel)."""

from __future__ import annotations

import pytest
from skimage import data

from core.analysis import analyze


class Stop(Exception):
    pass


def test_stages_are_told_in_order_and_a_raise_stops_the_work():
    heard: list[str] = []
    analyze(data.astronaut(), progress=heard.append)
    assert heard[:3] == ["Reading the photo", "Finding your face", "Checking the photo"]
    assert heard[-1] == "Preparing your advice" and len(heard) == len(set(heard)) >= 10

    seen: list[str] = []

    def cancel_at_pores(stage: str) -> None:
        seen.append(stage)
        if stage == "Measuring pores":
            raise Stop

    with pytest.raises(Stop):
        analyze(data.astronaut(), progress=cancel_at_pores)
    assert seen[-1] == "Measuring pores" and "Preparing your advice" not in seen
