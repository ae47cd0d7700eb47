"""One vocabulary: every key the engine can produce has words, and the words point the right way."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterable

import pytest

from core import vocabulary as vocab
from core.analysis import METRIC_NAMES, REGION_NAMES, AnalysisResult, analyze, result_schema
from core.analysis.interpret import CONDITION_NAMES, SEVERITY_BANDS
from core.analysis.measures.skin_tone import CATEGORIES
from core.analysis.repeatability import MDC95, change_verdict, mdc_of


def missing_words(keys: Iterable[str]) -> set[str]:
    """Measure keys without a patient label, a clinical label, a meaning or a direction."""
    missing = set()
    for key in keys:
        try:
            item = vocab.measure(key)
        except vocab.UnknownTermError:
            missing.add(key)
            continue
        if not (item.label and item.clinical_label and item.meaning and item.direction):
            missing.add(key)
    return missing


def test_a_measure_without_words_is_caught() -> None:
    """The check below is real: an engine measure added without vocabulary fails it."""
    assert missing_words((*METRIC_NAMES, "glow")) == {"glow"}


def test_every_measure_in_the_engine_s_registry_has_words() -> None:
    assert missing_words(METRIC_NAMES) == set()
    assert tuple(vocab.MEASURES) == tuple(METRIC_NAMES)  # same order: the screens list them so


def test_every_key_of_a_real_result_has_words(portrait_result: AnalysisResult) -> None:
    """What the engine actually returned, not only what it declares."""
    result = portrait_result
    assert missing_words(result.metrics) == set() and missing_words(result.measures) == set()
    assert set(result.estimates) == vocab.ESTIMATES  # the engine's flag and the table agree
    for key, data in result.measures.items():
        assert bool(data.get("estimate")) == vocab.measure(key).estimate, key
    assert vocab.skin_type(result.skin_type).label
    assert vocab.tone_category(result.skin_tone["category"]).label
    for region in result.regions:
        assert vocab.region(region).label


def test_a_meaning_promises_a_density_only_where_the_engine_measures_one(
    shared_photo, read_rgb
) -> None:
    """The words say what is measured: "per square centimetre" only for a unit per cm². Pores are
    the strength of pore-sized dots (docs/analysis.md), not a count of pores per area."""
    result = analyze(read_rgb(shared_photo("biden_biden2.jpg")))
    assert set(result.metrics) == set(METRIC_NAMES)  # a face large enough for every measure
    for key, data in result.measures.items():
        if "per square centimetre" in vocab.measure(key).meaning:
            assert str(data["unit"]).endswith("/cm2"), (key, data["unit"])


def test_every_name_the_engine_can_write_has_a_label() -> None:
    schema = result_schema()["properties"]
    assert set(schema["skin_type"]["enum"]) == set(vocab.SKIN_TYPES)
    assert set(schema["skin_tone"]["properties"]["category"]["enum"]) == set(vocab.TONE_CATEGORIES)
    assert {name for _, name in CATEGORIES} | {"dark"} == set(vocab.TONE_CATEGORIES)
    assert set(REGION_NAMES) == set(vocab.REGIONS)
    for condition in CONDITION_NAMES.values():
        assert vocab.condition_label(condition)
    severities = schema["conditions"]["items"]["properties"]["severity"]["enum"]
    assert {vocab.severity(s).label.lower() for s in severities} == set(severities)
    assert SEVERITY_BANDS == ((80.0, "severe"), (65.0, "moderate"), (45.0, "mild"))


def test_labels_and_meanings_read_well() -> None:
    for item in vocab.MEASURES.values():
        assert item.meaning.endswith(".") and len(item.meaning) <= 72, item.key
        if item.label != item.clinical_label:  # the meaning links the patient's word to the term
            assert item.clinical_label.lower() in item.meaning.lower(), item.key
        if item.estimate:
            assert item.meaning.startswith("Estimate"), item.key
    assert len(vocab.MONK_HEX) == 10 and vocab.monk_colour(0) == vocab.MONK_HEX[0]
    assert vocab.monk_colour(12) == vocab.MONK_HEX[9]


@pytest.mark.parametrize(
    ("score", "band"),
    [
        (100, "Excellent"), (90, "Excellent"), (89.6, "Excellent"), (89.4, "Great"), (80, "Great"),
        (79.4, "Good"), (70, "Good"), (69.4, "Average"), (50, "Average"), (49.4, "Poor"),
        (30, "Poor"), (29.4, "Bad"), (0, "Bad"), (-3, "Bad"), (104, "Excellent"),
    ],
)  # fmt: skip
def test_score_bands_follow_the_published_ranges_of_the_shown_score(
    score: float, band: str
) -> None:
    """Haut.AI's bands, applied to the whole number on screen (89.6 shows as 90: Excellent)."""
    assert vocab.score_band(score).label == band


def test_bands_cover_0_to_100_without_gaps() -> None:
    floors = [b.floor for b in vocab.SCORE_BANDS]
    assert floors == sorted(floors, reverse=True) and floors[-1] == 0
    assert {vocab.score_band(s).key for s in range(101)} == {b.key for b in vocab.SCORE_BANDS}


def test_level_words_and_tones_point_the_measure_s_way() -> None:
    assert (
        vocab.level_word("redness", 5) == "Minimal" and vocab.level_word("redness", 90) == "Severe"
    )
    assert vocab.level_word("redness", 50) == "Mild" and vocab.level_word("redness", 30) == "Low"
    assert vocab.level_word("hydration", 90) == "Good"
    assert vocab.level_word("hydration", 10) == "Very low"
    assert vocab.tone("redness", 10) == "good" and vocab.tone("redness", 85) == "severe"
    assert vocab.tone("hydration", 90) == "good" and vocab.tone("hydration", 30) == "concern"
    assert vocab.tone("pores", 45) == "fair" and vocab.tone("pores", 44.9) == "good"
    assert vocab.goodness("acne", 30) == 70 and vocab.goodness("elasticity", 30) == 30
    assert vocab.measure("elasticity").direction == "higher is better"
    assert vocab.measure("wrinkles").direction == "lower is better"


def test_a_level_reads_as_the_severity_it_reaches() -> None:
    """One word per level: from the mild floor up, a level's word is its severity's label, so
    the PDF's "Marked" beside "SEVERE" cannot come back (acceptance test, session 17, D16)."""
    for item in vocab.SEVERITIES:
        for level in (item.floor, item.floor + 4.9):
            assert vocab.level_word("redness", level) == item.label, level
            assert vocab.level_word("acne", level) == item.label, level


def test_a_change_is_an_improvement_in_the_measure_s_own_direction() -> None:
    assert vocab.change("redness", 20, 30) == vocab.Change("\u25bc", -10, True)
    assert vocab.change("hydration", 20, 30) == vocab.Change("\u25bc", -10, False)
    assert vocab.change(vocab.SKIN_SCORE, 85, 80, mdc=2.0) == vocab.Change("\u25b2", 5, True)
    assert vocab.change("pores", 40.4, 40) == vocab.Change("=", 0.4, None)
    assert vocab.change("pores", 44, 40, mdc=5.0) == vocab.Change("=", 4, None)  # within its MDC
    assert vocab.change("pores", 46, 40, mdc=5.0).better is False
    assert vocab.signed(-3) == "\u22123" and vocab.signed(4) == "+4"
    assert vocab.signed(0.2) == "\u00b10"


def test_a_change_keeps_its_sign_even_when_it_is_about_the_same() -> None:
    """Within retest noise the arrow is "=", but the points keep their sign, on every screen."""
    assert vocab.change("redness", 36, 40, mdc=5.0).shown == "= \u22124"
    assert vocab.change("redness", 41, 40, mdc=5.0).shown == "= +1"
    assert vocab.change(vocab.SKIN_SCORE, 85, 80, mdc=2.0).shown == "\u25b2 +5"
    assert vocab.change("pores", 40.2, 40).shown == "= \u00b10"


def test_the_score_s_change_without_a_spread_is_not_judged() -> None:
    """The skin score has no published retest spread: its change is shown with its sign, never an
    arrow, "=" or better/worse (acceptance test, session 17, D12), on every screen."""
    moved = vocab.change(vocab.SKIN_SCORE, 88, 82)
    assert moved == vocab.Change("", 6, None) and moved.shown == "+6"
    assert vocab.change(vocab.SKIN_SCORE, 82.3, 82).shown == "\u00b10"


def test_a_change_that_rounds_to_zero_has_one_spelling() -> None:
    """Half a point rounds to zero points and reads "\u00b10", as less does; the kiosk showed
    "= +0" beside "= \u00b10" (acceptance test, session 17, D12)."""
    for delta in (0.0, 0.2, 0.49, 0.5, -0.5, -0.3):
        assert vocab.signed(delta) == "\u00b10", delta
    assert vocab.signed(0.6) == "+1" and vocab.signed(-0.6) == "\u22121"
    assert vocab.change("redness", 40.5, 40.0, mdc=3.9).shown == "= \u00b10"


def test_within_noise_is_one_rule_with_the_engine_s_verdict() -> None:
    """The arrow every screen draws and the engine's verdict agree for every spread it ships
    (never below one point): "=" exactly when the verdict is within noise, at the boundary too."""
    for key in MDC95:
        for eyes in (None, 40.0, 72.0, 90.0, 150.0):
            spread = mdc_of(key, eyes)
            for step in (0.0, 0.4, 0.5, 0.99, 1.0, 1.01, spread - 0.01, spread, spread + 0.01, 9.0):
                for delta in (step, -step):
                    shown = vocab.change(key, 50.0 + delta, 50.0, mdc=spread)
                    verdict = change_verdict(key, 50.0, 50.0 + delta, mdc=spread)
                    assert (shown.arrow == "=") == (verdict == "within_noise"), (key, delta)


def test_a_score_from_some_measures_says_how_many_and_why() -> None:
    assert vocab.score_from(["redness", "dark_circles"], 10) == (
        "From 2 of 10 measures: the photo could not support the others."
    )
    assert vocab.score_from(list(vocab.MEASURES), len(vocab.MEASURES)) == ""  # every one
    assert vocab.score_from([], 10) == ""  # a result from before schema 2 does not say


def test_only_a_skin_type_not_determined_gives_a_reason() -> None:
    assert vocab.skin_type_reason(vocab.UNDETERMINED) == vocab.skin_type("unknown").meaning
    assert "shine" in vocab.skin_type_reason("unknown")
    assert all(vocab.skin_type_reason(k) == "" for k in vocab.SKIN_TYPES if k != "unknown")


@pytest.mark.parametrize(
    "look_up",
    [
        lambda: vocab.measure("glow"),
        lambda: vocab.concern("glow", 10),
        lambda: vocab.skin_type("greasy"),
        lambda: vocab.tone_category("olive"),
        lambda: vocab.region("ear"),
        lambda: vocab.condition_label("freckles"),
        lambda: vocab.severity("critical"),
    ],
)
def test_an_unknown_key_is_a_typed_error_not_a_blank_label(look_up: object) -> None:
    with pytest.raises(vocab.UnknownTermError) as caught:
        look_up()  # type: ignore[operator]
    assert caught.value.code == "unknown_term" and "'" in caught.value.message


def test_the_vocabulary_is_a_leaf() -> None:
    """Screens import it without pulling in the engine, numpy or Qt."""
    code = (
        "import sys, core.vocabulary; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('numpy', 'cv2', 'PySide6', 'sqlalchemy') or m.startswith('core.analysis')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert out.stdout.strip() == "[]"


def test_instructions_come_from_one_table() -> None:
    assert vocab.instruction("remove_sunglasses").startswith("Take off your sunglasses")
    side = vocab.instruction("uneven_light", side="left side of the picture")
    assert side == "Face the light: the left side of the picture of your face is darker"
    for key, text in vocab.INSTRUCTIONS.items():
        assert text[0].isupper() and not text.endswith("."), key
    with pytest.raises(vocab.UnknownTermError) as caught:
        vocab.instruction("smile")
    assert caught.value.code == "unknown_term"
