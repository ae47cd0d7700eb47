"""The names of audited actions: one vocabulary for every writer and for the screens that show them.

Existing writers already use ``login``, ``login_failed``, ``account_locked``, ``user_created``,
``password_set``, ``role_changed``, ``user_deactivated``, ``account_unlocked`` and
``analysis_saved``; the privacy work adds the rest. Who: ``actor_id``; what: the action, its target
and details; when: ``occurred_at``; which device: ``device_id``.
"""

from __future__ import annotations

from typing import Final

LOGIN: Final = "login"
LOGIN_FAILED: Final = "login_failed"
ROLE_CHANGED: Final = "role_changed"
PATIENT_VIEWED: Final = "patient_viewed"
"""A person's data was shown (details: what, e.g. ``{"view": "history"}``)."""
PATIENT_EXPORTED: Final = "patient_exported"
PATIENT_ERASED: Final = "patient_erased"
CONSENT_WITHDRAWN: Final = "consent_withdrawn"
RETENTION_APPLIED: Final = "retention_applied"
ERASURE_REPLAYED: Final = "erasure_replayed"
"""Erasures from the erasure list applied again to a database restored from a backup."""
DEVICE_ENROLLED: Final = "device_enrolled"
SYNC_CHANGE_REFUSED: Final = "sync_change_refused"
DATA_ENCRYPTED: Final = "data_encrypted"
"""A plain (older) data directory was encrypted in place."""
ANALYSIS_IMPORTED: Final = "analysis_imported"
"""A photo from another camera was analysed and saved for a patient (details: analysis id)."""
ANALYSES_COMPARED: Final = "analyses_compared"
"""Two stored photos of one patient were analysed again, each without the skin the other did not
show, to compare them like for like (target: the later analysis; details: patient, the earlier)."""
REPORT_EXPORTED: Final = "report_exported"
"""A visit or progress report (PDF) about a patient was written to a file."""
AUDIT_EXPORTED: Final = "audit_exported"
"""The audit log (filtered) was written to a CSV file."""
SETTINGS_CHANGED: Final = "settings_changed"
"""This device's editable settings were changed (details: which fields)."""
KIOSK_PIN_FAILED: Final = "kiosk_pin_failed"
"""A wrong, too short or too early staff PIN at a kiosk (details: reason, failures so far)."""
KIOSK_PIN_LOCKED: Final = "kiosk_pin_locked"
"""Too many wrong staff PINs: the kiosk's staff screen is locked (details: minutes)."""
KIOSK_PIN_ACCEPTED: Final = "kiosk_pin_accepted"
"""The staff PIN opened a kiosk's settings screen."""
KIOSK_REPORT_EMAILED: Final = "kiosk_report_emailed"
"""A visitor emailed their report from a kiosk (details: queued or sent at once, the visit it
counts for as the ``chain_seq`` of the ``kiosk_visit_ended`` event that began it; never the
address)."""
KIOSK_EMAIL_REFUSED: Final = "kiosk_email_refused"
"""A kiosk refused to email a report: the visit's or the hour's limit (details: reason)."""
KIOSK_VISIT_ENDED: Final = "kiosk_visit_ended"
"""A kiosk's reset: the next visitor starts a new visit (and a new email allowance)."""
KIOSK_UNLOCK_CODE_SET: Final = "kiosk_unlock_code_set"
"""A new staff unlock code was made for a kiosk (the old one stops working)."""
KIOSK_UNLOCK_CODE_ACCEPTED: Final = "kiosk_unlock_code_accepted"
"""The staff unlock code opened a kiosk's settings screen (details: whether it lifted a PIN lock)."""
KIOSK_UNLOCK_CODE_FAILED: Final = "kiosk_unlock_code_failed"
"""A wrong, too early or unset staff unlock code at a kiosk (details: reason)."""

ADMIN_GRANT_ISSUED: Final = "admin_grant_issued"
"""The server checked a staff member's password and gave a device a proof of their sign-in
(details: by_device, grant_id, expires_at)."""

ADMIN_GRANT_REFUSED: Final = "admin_grant_refused"
"""A device asked the server for a proof of sign-in and was refused (details: by_device, reason)."""
