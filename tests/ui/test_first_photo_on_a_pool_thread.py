"""The engine's first photo, analysed on a Qt pool thread while the UI thread runs Python.

A kiosk without a camera loads the face models at start (its warm-up, on a pool thread) and
analyses its first photo, from a USB stick, on another, with two threads, while its window keeps
running. That crashed the whole process (SIGSEGV) in dlib's first use of a numpy array. It needs
a fresh process: once any array has been through dlib, the crash can no longer happen."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

SCRIPT = """
import sys, time
import cv2, numpy as np
from PySide6.QtCore import QCoreApplication, QRunnable, QThreadPool
from core.analysis import analyze
from core.analysis.face import load_models

rgb = np.ascontiguousarray(cv2.imread(sys.argv[1], cv2.IMREAD_COLOR)[:, :, ::-1])
app = QCoreApplication([])
pool = QThreadPool()
pool.setMaxThreadCount(1)
scores = []

class Job(QRunnable):
    def __init__(self, work):
        super().__init__()
        self.work = work

    def run(self):
        self.work()

pool.start(Job(load_models))
pool.start(Job(lambda: scores.append(analyze(rgb, threads=2).skin_score)))
while not scores:  # the UI thread, busy with its own Python
    app.processEvents()
    np.sort(np.random.default_rng(0).random(1000))
    time.sleep(0.001)
pool.waitForDone()
print("score", scores[0])
"""


def test_the_first_photo_on_a_pool_thread_beside_a_busy_ui_thread_is_analysed(
    shared_photo,
) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen", "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, str(shared_photo("biden_biden2.jpg"))],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, (done.returncode, done.stderr[-2000:])
    assert done.stdout.split()[0] == "score"
    assert 0.0 <= float(done.stdout.split()[1]) <= 100.0
