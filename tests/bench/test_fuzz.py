"""The fuzz command (its own, long) still works: a few inputs through the real intake, engine and
``skinlab analyze``, and its unmutated seeds are photos the engine analyses (if the engine declined
them, every fuzzed input would stop at the intake and the fuzz would prove nothing)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import fuzz
from core.analysis import analyze


@pytest.mark.parametrize("index", range(len(fuzz.SEEDS)))
def test_every_seed_is_analysed(index: int) -> None:
    result = analyze(fuzz.SEEDS[index])
    assert 0 <= result.skin_score <= 100


def test_a_short_fuzz_run_passes_and_counts_its_inputs(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # capfd, not capsys: the watchdog (faulthandler) needs a real file descriptor
    assert fuzz.main(["--count", "12", "--out", str(tmp_path), "--cli-every", "4"]) == 0
    summary = capfd.readouterr().out
    assert "fuzz: 12 mutated images" in summary
    assert "skinlab analyze runs 3, wrong 0" in summary
    assert list(tmp_path.iterdir()) == []  # nothing broke a rule, so no input was kept
