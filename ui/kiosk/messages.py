"""What the kiosk tells a person when something fails: a typed error's own sentence, else a
generic one that sends them to the desk (the details go to the log)."""

from __future__ import annotations

from ui.background import failure_message

KIOSK_FAILURE = "Something went wrong ({name}). Please ask at the desk."


def message_for(exc: BaseException) -> str:
    return failure_message(exc, generic=KIOSK_FAILURE)
