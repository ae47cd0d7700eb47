"""The engine finds its landmark model without pkg_resources (absent from Python 3.12+ venvs and
from frozen builds): face_recognition_models' own helper needs it."""

from __future__ import annotations

import subprocess
import sys

SCRIPT = """
import sys
class NoSetuptools:
    def find_spec(self, name, path=None, target=None):
        if name == "pkg_resources" or name.startswith("setuptools"):
            raise ImportError("setuptools is not installed here")
sys.meta_path.insert(0, NoSetuptools())
from skimage import data
from core.analysis import analyze
result = analyze(data.astronaut()).to_json()
print(result["face"] is not None, 0 <= result["skin_score"] <= 100)
"""


def test_analysis_runs_without_setuptools():
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
