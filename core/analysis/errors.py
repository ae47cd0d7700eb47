"""Typed errors of the analysis engine.

Every input the engine cannot analyse raises :class:`AnalysisInputError` with one of a small, stable
set of codes, so that the CLI, the kiosk and the server can react without parsing messages.
"""

from __future__ import annotations

from typing import Final, Literal

from core.errors import SkinLabError

InputErrorCode = Literal[
    "unreadable_image", "unsupported_format", "too_small", "too_large", "no_face", "poor_light"
]

INPUT_ERROR_CODES: Final[tuple[InputErrorCode, ...]] = (
    "unreadable_image",
    "unsupported_format",
    "too_small",
    "too_large",
    "no_face",
    "poor_light",
)


class AnalysisError(SkinLabError):
    """Base of the errors raised by ``core.analysis``."""

    code = "analysis_error"


class AnalysisInputError(AnalysisError):
    """The input cannot be analysed; ``code`` is one of :data:`INPUT_ERROR_CODES`."""

    code = "unreadable_image"

    def __init__(self, message: str, *, code: InputErrorCode) -> None:
        if code not in INPUT_ERROR_CODES:
            raise ValueError(f"unknown analysis input error code {code!r}")
        super().__init__(message, code=code)


class RulesError(AnalysisError):
    """The recommendation rule file is missing or malformed (a deployment problem, not user input)."""

    code = "invalid_rules"
