"""PyInstaller run-time hook (pyinstaller.spec): OpenCV's FFmpeg video backend off in the built app.

The build ships stand-ins for FFmpeg (packaging/opencv_libs.py), so ``cv2.VideoCapture`` must not
try it: webcams use V4L2, and video files OpenCV's own Motion-JPEG AVI reader. OpenCV reads this
variable when it first opens a camera or file, after this hook has run.
"""

import os

os.environ["OPENCV_VIDEOIO_PRIORITY_FFMPEG"] = "0"
