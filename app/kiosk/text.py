"""The kiosk's consent text, versioned (the words for results are in ``core.vocabulary``).

The consent version is stored with every answer, so change ``CONSENT_VERSION`` whenever the text
changes in substance.
"""

from __future__ import annotations

from typing import Final

CONSENT_VERSION: Final = "kiosk-2026.1"


def consent_paragraphs(*, retention_days: int, clinic_name: str) -> tuple[str, ...]:
    keep = (
        "until you leave the kiosk"
        if retention_days == 0
        else f"for {retention_days} day{'s' if retention_days != 1 else ''}"
    )
    return (
        f"{clinic_name} analyses a photo of your face to describe your skin. "
        "This is cosmetic guidance, not a medical diagnosis.",
        "If you agree, we store the photo and the results on this clinic's computer. "
        "When you are signed in, they are kept in your record so that your next visit can be "
        f"compared with this one. As a guest, they are kept {keep} and then deleted.",
        "Syncing is separate: only if you allow it are the results copied to the clinic's "
        "central server, so your dermatologist can see them at another location.",
        "If you do not agree, you can still see your results and take the report away, "
        "but nothing is stored.",
    )
