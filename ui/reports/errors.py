"""The one error a report can end in: it could not be saved where the person asked."""

from __future__ import annotations

from core.errors import SkinLabError


class ReportError(SkinLabError):
    """The PDF was not saved (missing or read-only folder, full disk...); nothing half-written is left."""

    code = "report_not_saved"
