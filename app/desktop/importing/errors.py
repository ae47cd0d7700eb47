"""Why an import stopped or a file was not saved (typed, with a sentence for a person)."""

from __future__ import annotations

from core.errors import ConflictError, SkinLabError


class PatientGoneError(SkinLabError):
    """The patient was erased (here or on another device, through sync) during the import."""

    code = "patient_erased"


class AlreadyImportedError(ConflictError):
    """The same photo is already among this patient's analyses."""

    code = "already_imported"
