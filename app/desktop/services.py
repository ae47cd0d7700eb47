"""All of the desktop's ports over core, in one object the window is given.

Each part lives in its own module and checks the signed-in person's permission itself
(``app.desktop.access``); this class only puts them together.
"""

from __future__ import annotations

import threading
from collections import OrderedDict

from app.context import AppContext
from app.desktop.analysis import AnalysisServices
from app.desktop.auth import AuthServices
from app.desktop.patients import PatientServices
from app.desktop.records import RecordServices
from app.desktop.staff_services import StaffServices


class DesktopServices(
    AuthServices, PatientServices, RecordServices, AnalysisServices, StaffServices
):
    def __init__(self, ctx: AppContext) -> None:
        super().__init__(ctx)
        self._analysed = OrderedDict()
        self._analysed_lock = threading.Lock()
