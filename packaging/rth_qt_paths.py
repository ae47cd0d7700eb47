"""PyInstaller run-time hook (pyinstaller.spec): where Qt finds its plugins inside the built app.

It replaces PyInstaller's own PySide6 hook, which imports ``PySide6.QtCore`` at start-up to check
for an embedded ``qt.conf`` that PySide6 registers by itself when QtCore loads: every command,
``skinlab --version`` too, paid for loading Qt and ICU (~40 MB of libraries, ~0.1 s of CPU time).
This sets the same paths without loading anything; Qt loads in the commands that open a window.
"""

import os
import sys

_qt = os.path.join(getattr(sys, "_MEIPASS", os.path.dirname(sys.executable)), "PySide6", "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt, "plugins")
del _qt
