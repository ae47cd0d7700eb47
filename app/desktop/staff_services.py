"""The desktop's staff tools over core: import, reports and exports, administration. One part of
``DesktopServices``; each method checks the signed-in person's permission itself."""

from __future__ import annotations

from app.desktop.importing.service import ImportServices


class StaffServices(ImportServices):
    pass
