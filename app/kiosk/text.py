"""The kiosk's consent text, versioned (the words for results are in ``core.vocabulary``).

The consent version is stored with every answer, so change ``CONSENT_VERSION`` whenever the text
changes in substance.
"""

from __future__ import annotations

from typing import Final

CONSENT_VERSION: Final = "kiosk-2026.2"
GUEST_NOTE: Final = (
    "You are a guest: nothing is kept. Your photo and results are forgotten when you finish."
)


def consent_paragraphs(*, clinic_name: str) -> tuple[str, ...]:
    return (
        f"{clinic_name} analyses a photo of your face to describe your skin. "
        "This is cosmetic guidance, not a medical diagnosis.",
        "If you are signed in and agree, we keep the photo and the results in your record at "
        "this clinic, so that your next visit can be compared with this one. As a guest, "
        "nothing is kept: your photo and results are forgotten when you finish.",
        "Syncing is separate: only if you allow it are the results copied to the clinic's "
        "central server, so your dermatologist can see them at another location.",
        "If you do not agree, you can still see your results and take the report away, "
        "but nothing is stored.",
    )
