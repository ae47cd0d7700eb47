"""The pipeline: intake -> face -> quality -> normalise -> regions -> measures -> interpret -> recommend.

Deterministic (no randomness, no clock in any number), and cached by (image SHA-256, engine version,
preferences) in the optional disk cache, since a photo's numbers can only change with the engine.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from collections.abc import Callable, Mapping
from datetime import UTC, datetime
from functools import partial
from pathlib import Path
from typing import Any, Final

from core.analysis.colour import colour_problem
from core.analysis.errors import AnalysisInputError, InputErrorCode
from core.analysis.face import default_detector
from core.analysis.face_checks import CAST_WARN, colour_check, coverage_check, one_face_check
from core.analysis.face_model import FaceDetector
from core.analysis.finding import decoded, sha256, sharper_copy, upright
from core.analysis.framing import assess_framing
from core.analysis.gate import gate, nothing_measured, refused_for_light
from core.analysis.intake import DecodedImage, Source
from core.analysis.interpret import (
    SCORE_WEIGHTS,
    SKIN_TYPE_INPUTS,
    conditions,
    confidence,
    skin_score,
    skin_type,
)
from core.analysis.measures import (
    METRIC_NAMES,
    STEP_NAMES,
    MeasureContext,
    MeasureResult,
    measure_skin_tone,
    measure_steps,
    with_estimates,
)
from core.analysis.needs import NEEDS, Scale
from core.analysis.normalise import (
    NormalisedFace,
    canvas_makers,
    estimate_white_balance,
    normalised,
)
from core.analysis.parallel import Step, checked_threads, run_steps
from core.analysis.quality import QualityReport, assess_face
from core.analysis.recommend import Preferences, recommend
from core.analysis.regions import (
    REGION_NAMES,
    Regions,
    build_regions,
)
from core.analysis.repeatability import score_mdc
from core.analysis.result import ENGINE_VERSION, AnalysisResult, Visuals
from core.cache import DiskCache, photo_group
from core.ids import time_ordered_id

log = logging.getLogger(__name__)
CACHE_TTL_SECONDS = 30 * 24 * 3600
LAST_STEPS: Final = (*STEP_NAMES, "skin_tone", "colour_check")
"""The steps after the regions, in the order the calling thread takes them and says them."""
HELPER_FIRST: Final = (
    "acne",
    "redness",
    "colour_check",
    "wrinkles",
    "pigmentation",
    "dark_circles",
    "skin_tone",
    "roughness",
    "oiliness",
    "pores",
)
"""The order a helper thread takes them in: first what waits for nothing the calling thread starts
with (acne and redness: a* and its background; the colour check), then the lines' and spots'
measures while the calling thread measures pores on the detail canvas."""


def _label(source: Source) -> str:
    if isinstance(source, str | os.PathLike):
        return str(source)
    return "<bytes>" if isinstance(source, bytes | bytearray | memoryview) else "<array>"


def _cache_key(digest: str, prefs: Preferences, rules_path: Path | str | None) -> str:
    extra = ",".join(prefs.active()) + (f"|{Path(rules_path).resolve()}" if rules_path else "")
    return f"analysis:{ENGINE_VERSION}:{digest}:{hashlib.sha1(extra.encode()).hexdigest()[:12]}"


def _raw_bytes(source: Source) -> bytes | None:
    """The encoded bytes, read once, so the cache can answer before any decoding."""
    if isinstance(source, bytes | bytearray | memoryview):
        return bytes(source)
    if isinstance(source, str | os.PathLike):
        try:
            return Path(source).read_bytes()
        except (OSError, ValueError):
            return None
    return None


def _region_table(
    measures: dict[str, MeasureResult], regions: Regions
) -> dict[str, dict[str, float]]:
    table: dict[str, dict[str, float]] = {}
    for name in REGION_NAMES:
        row = {m: round(r.regions[name], 1) for m, r in measures.items() if name in r.regions}
        row["skin_fraction"] = round(regions.visible[name], 3)
        table[name] = row
    return table


def _visuals(
    norm: NormalisedFace, regions: Regions, measures: dict[str, MeasureResult], image: DecodedImage
) -> Visuals:
    to_decoded = norm.canon.frame.canvas_to_image_matrix()
    to_original = to_decoded / image.decode_scale
    return Visuals(
        norm.canon.rgb,
        regions.outlines,
        regions.skin,
        {name: m.mask for name, m in measures.items()},
        to_original,
        image.original_size,
    )


Progress = Callable[[str], None]


def _silent(stage: str) -> None:
    """The default progress listener: analysis without anyone watching."""


def analyze(
    source: Source,
    *,
    cache: DiskCache | None = None,
    preferences: Preferences | None = None,
    detector: FaceDetector | None = None,
    rules_path: Path | str | None = None,
    need_visuals: bool = False,
    progress: Progress | None = None,
    threads: int | None = None,
    leave_out: Mapping[str, str] | None = None,
) -> AnalysisResult:
    """Analyse one face photo (a path, encoded bytes, or an RGB uint8 array).

    ``progress`` is called with the name of each stage as it starts (for a person to read); it may
    raise to stop the analysis between stages, which is how a caller cancels; it is only called
    on the calling thread.

    ``threads``: how many threads this one analysis may use (:mod:`core.analysis.parallel`; the
    result is the same for any number); by default the machine's cores, at most two.

    ``leave_out`` (region -> reason) leaves those face regions out of every measure as well as
    those the photo itself hid (the quality checks still judge the whole photo): a like-for-like
    reading of two visits (:mod:`core.analysis.comparison`). Such a result is never cached.

    With ``cache``, a photo already analysed by this engine version is answered from the cache
    unless ``need_visuals`` asks for masks: ``cached`` is then true, there are no visuals, and
    ``analysis_duration_seconds`` and ``cached_from`` are the original analysis's time and moment.

    Raises
    ------
    AnalysisInputError
        ``unreadable_image``, ``unsupported_format``, ``too_small``, ``too_large``, ``no_face`` or
        ``poor_light``.
    ValueError
        ``threads`` is not a whole number of at least 1.
    """
    started = time.perf_counter()
    workers = checked_threads(threads)
    prefs = preferences or Preferences()
    data = _raw_bytes(source)
    if leave_out:
        cache = None  # the cache keeps whole-face readings only
    # with a cache the photo is hashed first, to ask it; without one, while it is decoded
    digest = sha256(data) if data and cache is not None else None
    key = _cache_key(digest, prefs, rules_path) if digest else None
    stamps: dict[str, Any] = {
        "image": _label(source),
        "analysis_id": str(time_ordered_id()),
        "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    if cache is not None and key is not None and not need_visuals:
        hit = cache.get(key)
        if isinstance(hit, dict) and isinstance(hit.get("analysis_duration_seconds"), float | int):
            try:
                return AnalysisResult.from_json(
                    {**hit, **stamps, "cached": True, "cached_from": hit.get("created_at")}
                )
            except TypeError:
                log.warning("Ignoring an unusable cache entry for %s", stamps["image"])
    tell = progress or _silent
    tell("Reading the photo")
    image = decoded(data, source, digest, workers)
    result = _analyse_decoded(
        image,
        data,
        prefs=prefs,
        detector=detector or default_detector(),
        rules_path=rules_path,
        stamps=stamps,
        started=started,
        tell=tell,
        threads=workers,
        leave_out=leave_out or {},
    )
    if cache is not None and key is not None and digest is not None:
        cache.set(
            key, result.cache_json(), ttl_seconds=CACHE_TTL_SECONDS, group=photo_group(digest)
        )
    return result


def _analyse_decoded(
    image: DecodedImage,
    data: bytes | None,
    *,
    prefs: Preferences,
    detector: FaceDetector,
    rules_path: Path | str | None,
    stamps: dict[str, Any],
    started: float,
    tell: Progress,
    threads: int,
    leave_out: Mapping[str, str],
) -> AnalysisResult:
    tell("Finding your face")
    image, choice, turned = upright(image, detector, threads, data)
    image, choice = sharper_copy(image, choice, data, detector, turned, threads)
    face, others = choice.face, choice.others
    balance = estimate_white_balance(image.rgb, face)
    canon_maker, detail_maker = canvas_makers()
    # the caller checks the photo and makes the detail canvas while a helper makes the canonical
    # canvas, the longest of the three
    first: tuple[Step[Any], ...] = (
        Step(
            partial(
                assess_face,
                image.rgb,
                face,
                image_iod=face.iod / image.decode_scale,
                other_faces=others,
            ),
            "Checking the photo",
        ),
        Step(
            partial(detail_maker, image.rgb, face, balance.gains), "Mapping the areas of your face"
        ),
        Step(partial(canon_maker, image.rgb, face, balance.gains)),
    )
    assessed, detail, canon = run_steps(first, threads=threads, progress=tell)
    quality: QualityReport = assessed.with_checks(one_face_check(choice))
    norm = normalised(face, balance, canon, detail)
    eyes, mouth = quality.check("eyes_visible"), quality.check("mouth_visible")
    regions = build_regions(
        norm,
        eyes_hidden=eyes is not None and eyes.status == "fail",
        mouth_hidden=mouth is not None and mouth.status == "fail",
    )
    quality = quality.with_checks(
        coverage_check(regions, assess_framing(face, (image.width, image.height)))
    )
    if leave_out:
        regions = regions.without(leave_out)
    ctx = MeasureContext(norm, regions)
    rest: tuple[Step[Any], ...] = (
        *measure_steps(ctx),
        Step(partial(measure_skin_tone, ctx), "Reading your skin tone"),
        Step(partial(colour_problem, norm.canon, regions.skin, norm.warmth)),
    )
    *measured, tone, problem = run_steps(
        rest,
        threads=threads,
        progress=tell,
        helper_order=[LAST_STEPS.index(name) for name in HELPER_FIRST],
    )
    quality = quality.with_checks(colour_check(norm.cast, problem))
    all_measures = with_estimates(ctx, measured)
    yaw = quality.check("head_yaw")
    scale = Scale(face.iod / image.decode_scale, yaw.value if yaw else 0.0)
    gated = gate(all_measures, regions, scale=scale, colour_problem=problem)
    measures = gated.reported
    if not measures:
        code: InputErrorCode = "poor_light" if refused_for_light(gated.declined) else "too_small"
        raise AnalysisInputError(nothing_measured(gated.declined, scale, problem), code=code)
    overall = confidence(quality)
    found = conditions(measures, overall_confidence=overall, native_iod=face.iod)
    levels = {name: m.level for name, m in measures.items()}
    kind = skin_type(measures)
    tell("Preparing your advice")
    severe = [c.metric for c in found if c.severity == "severe"]
    light_in_doubt = norm.cast > CAST_WARN and all(NEEDS[name].colour for name in severe)
    if severe and light_in_doubt:  # the referral blames the light's colour: so does the tip
        quality = quality.leading("colour_cast")
    advice = recommend(
        levels,
        skin_type=kind,
        severe=bool(severe),
        light_in_doubt=light_in_doubt,
        preferences=prefs,
        rules_path=rules_path,
    )
    original_face = face.mapped(1.0 / image.decode_scale)
    return AnalysisResult(
        image=stamps["image"],
        image_sha256=image.sha256,
        analysis_id=stamps["analysis_id"],
        created_at=stamps["created_at"],
        analysis_duration_seconds=round(time.perf_counter() - started, 4),
        skin_score=skin_score(measures),
        metrics={name: round(levels[name], 1) for name in METRIC_NAMES if name in levels},
        measures=gated.measures_json(),
        skin_type=kind,
        skin_tone=(
            gated.tone_declined.to_json()
            if gated.tone_declined
            else {"measured": True, **tone.to_json()}
        ),
        skin_score_uses=[n for n in METRIC_NAMES if n in measures and n in SCORE_WEIGHTS],
        skin_score_mdc=score_mdc(gated.interocular_px),
        skin_type_uses=[n for n in SKIN_TYPE_INPUTS if n in measures],
        scale=scale.to_json(),
        conditions=[c.to_json() for c in found],
        recommendations=advice.recommendations,
        routine=advice.routine,
        disclaimer=advice.disclaimer,
        see_dermatologist=advice.see_dermatologist,
        regions=_region_table(measures, regions),
        excluded_regions=dict(regions.excluded),
        quality=quality.to_json(),
        confidence=overall,
        face={
            **original_face.to_json(),
            "chosen": choice.describe(image.width),
            "turned_degrees": turned,
        },
        other_faces=others,
        image_size={"width": image.original_size[0], "height": image.original_size[1]},
        estimates=[name for name, m in all_measures.items() if m.estimate],
        visuals=_visuals(norm, regions, measures, image),
    )


def analyze_many(sources: list[Source], **kwargs: Any) -> list[AnalysisResult | AnalysisInputError]:
    """Analyse several photos in order; a failing one yields its typed error, the rest still run."""
    out: list[AnalysisResult | AnalysisInputError] = []
    for source in sources:
        try:
            out.append(analyze(source, **kwargs))
        except AnalysisInputError as exc:
            out.append(exc)
    return out
