"""Recommend: advice and a morning/evening routine from a rule file (data, not code).

The rules live in ``resources/rules/recommendations.json`` so that a clinic can edit them without a
release. Preferences remove tagged products (fragrance-free, pregnancy: no retinoids, sensitive skin)
and use a rule's alternative when it has one. Every result carries the cosmetic-not-medical note;
severe findings add a line referring the person to a dermatologist.
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from core.analysis.errors import RulesError
from core.resources import resource_path

RULES_FILE = ("rules", "recommendations.json")
PERIODS = ("morning", "evening")


@dataclass(frozen=True)
class Preferences:
    fragrance_free: bool = False
    pregnancy: bool = False
    sensitive: bool = False

    def active(self) -> tuple[str, ...]:
        return tuple(
            name for name in ("fragrance_free", "pregnancy", "sensitive") if getattr(self, name)
        )


@dataclass(frozen=True)
class Advice:
    recommendations: list[str]
    routine: dict[str, list[str]]
    disclaimer: str
    see_dermatologist: bool
    rule_ids: list[str] = field(default_factory=list)


@functools.lru_cache(maxsize=8)
def _load(path: Path, mtime: float) -> dict[str, Any]:
    del mtime
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RulesError(f"Cannot read the recommendation rules {path}: {exc}") from exc
    _validate(data, path)
    return dict(data)


def load_rules(path: Path | str | None = None) -> dict[str, Any]:
    """The rule file (default: the packaged one), validated; cached until the file changes."""
    resolved = resource_path(*RULES_FILE, override=path)
    try:
        mtime = resolved.stat().st_mtime
    except OSError as exc:
        raise RulesError(f"The recommendation rules {resolved} are missing: {exc}") from exc
    return _load(resolved, mtime)


def _validate(data: Any, path: Path) -> None:
    problems = []
    if not isinstance(data, dict):
        problems.append("the top level must be an object")
    else:
        for key in ("disclaimer", "referral", "rules", "base_routine", "tags_excluded_by"):
            if key not in data:
                problems.append(f"missing {key!r}")
        for i, rule in enumerate(data.get("rules", [])):
            if not isinstance(rule, dict) or not {"id", "when", "text"} <= rule.keys():
                problems.append(f"rule {i} needs id, when and text")
    if problems:
        raise RulesError(f"Invalid recommendation rules {path}: " + "; ".join(problems))


def _fires(
    when: dict[str, Any], *, levels: dict[str, float], skin_type: str, prefs: Preferences
) -> bool:
    if "metric" in when:
        level = levels.get(str(when["metric"]))
        if level is None:
            return False
        return level >= float(when.get("min", -1e9)) and level <= float(when.get("max", 1e9))
    if "skin_type" in when:
        return bool(skin_type == when["skin_type"])
    if "preference" in when:
        return bool(getattr(prefs, str(when["preference"]), False))
    return False


def _allowed(item: dict[str, Any], excluded: set[str]) -> dict[str, Any] | None:
    """The item, its alternative, or None when preferences exclude both."""
    if not excluded & set(item.get("tags", [])):
        return item
    alternative = item.get("alternative")
    if isinstance(alternative, dict) and not excluded & set(alternative.get("tags", [])):
        return {**item, **alternative}
    return None


def recommend(
    levels: dict[str, float],
    *,
    skin_type: str,
    severe: bool,
    light_in_doubt: bool = False,
    preferences: Preferences | None = None,
    rules_path: Path | str | None = None,
) -> Advice:
    """Advice for these metric levels, skin type and preferences. A severe finding is referred to
    a dermatologist, unless ``light_in_doubt`` (the light's colour alone could have made it
    severe): the advice is then to retake the photo in neutral light first."""
    prefs = preferences or Preferences()
    rules = load_rules(rules_path)
    excluded_by: dict[str, list[str]] = rules["tags_excluded_by"]
    active = set(prefs.active()) | ({"sensitive"} if skin_type == "sensitive" else set())
    excluded = {tag for name in active for tag in excluded_by.get(name, [])}
    steps: dict[str, dict[str, dict[str, Any]]] = {
        period: {item["step"]: item for item in rules["base_routine"].get(period, [])}
        for period in PERIODS
    }
    texts: list[str] = []
    fired: list[str] = []
    for rule in rules["rules"]:
        if not _fires(rule["when"], levels=levels, skin_type=skin_type, prefs=prefs):
            continue
        fired.append(str(rule["id"]))
        texts.append(str(rule["text"]))
        for period in PERIODS:
            for raw in rule.get("routine", {}).get(period, []):
                item = _allowed(raw, excluded)
                if item is not None:
                    steps[period][str(item.get("replaces") or item["step"])] = item
    refer = severe and not light_in_doubt
    if refer:
        texts.append(str(rules["referral"]))
    elif severe:
        texts.append(str(rules.get("referral_after_retake", rules["referral"])))
    routine = {
        period: [
            f"{item['step']}: {item['product']}"
            for item in sorted(steps[period].values(), key=lambda i: (i["order"], i["step"]))
        ]
        for period in PERIODS
    }
    texts.append(str(rules["disclaimer"]))
    return Advice(texts, routine, str(rules["disclaimer"]), refer, fired)
