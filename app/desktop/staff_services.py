"""The desktop's staff tools over core: import, reports and exports, administration. One part of
``DesktopServices``; each method checks the signed-in person's permission itself."""

from __future__ import annotations

from app.desktop.admin.accounts import AccountServices
from app.desktop.admin.audit_log import AuditServices
from app.desktop.admin.device import DeviceServices
from app.desktop.importing.service import ImportServices
from app.desktop.reports.service import ReportServices


class StaffServices(ImportServices, ReportServices, AccountServices, AuditServices, DeviceServices):
    pass
