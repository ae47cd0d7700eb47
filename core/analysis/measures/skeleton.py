"""Thin a line mask to one-pixel-wide lines: scikit-image's 2-D ``skeletonize``, bit for bit,
without importing scikit-image or SciPy (``skeletonize``).

The wrinkles measure counts skeleton pixels, so its scores depend on this exact thinning.
scikit-image's Zhang-Suen implementation uses its own rule table, and a thinning written from the
paper gives ~28% more skeleton pixels (docs/benchmarks.md, build size). Its public ``skeletonize``
is one check (2-D) in front of a compiled function in ``skimage.morphology``; importing that
package imports SciPy (its ``ndimage``, ``linalg``, ``sparse``, ``spatial``) and most of
scikit-image, about 68 MB of the built app with their OpenBLAS, none of it used by SkinLab. So the
compiled function is loaded here from its file alone: the same machine code, hence the same
skeleton; ``tests/core/analysis/measures/test_skeleton.py`` compares it with the public function.
The PyInstaller build ships that one file (``pyinstaller.spec``).
"""

from __future__ import annotations

import importlib.machinery
import importlib.util
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np

from core.analysis.errors import AnalysisError

MODULE = "skimage.morphology._skeletonize_various_cy"
"""scikit-image's compiled module that holds ``_fast_skeletonize`` (scikit-image 0.22-0.26)."""


def _module_file() -> Path:
    """The compiled module's file, found without importing any scikit-image package: in the
    installed wheel, or in the built app, which ships it at the same relative path."""
    spec = importlib.util.find_spec(MODULE.split(".")[0])  # finds, does not import
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        for path in sorted(Path(folder, "morphology").glob(MODULE.rsplit(".", 1)[1] + ".*")):
            if path.name.endswith(tuple(importlib.machinery.EXTENSION_SUFFIXES)):
                return path
    raise AnalysisError(f"SkinLab cannot find scikit-image's thinning ({MODULE}); reinstall it.")


@cache
def _fast_skeletonize() -> Callable[[Any], Any]:
    path = _module_file()
    loader = importlib.machinery.ExtensionFileLoader(MODULE, str(path))
    spec = importlib.util.spec_from_file_location(MODULE, path, loader=loader)
    if spec is None:
        raise AnalysisError(f"SkinLab cannot load scikit-image's thinning from {path}.")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    fn: Callable[[Any], Any] = module._fast_skeletonize
    return fn


def skeletonize(mask: np.ndarray) -> np.ndarray:
    """The skeleton of a 2-D mask (non-zero is foreground), as a bool array of the same shape:
    what ``skimage.morphology.skeletonize(mask)`` returns."""
    image = np.asarray(mask).astype(bool, order="C", copy=False)
    if image.ndim != 2:
        raise ValueError(f"skeletonize needs a 2-D mask, not {image.ndim}-D")
    skeleton = np.zeros(image.shape, bool)
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    if rows.size:
        # thinning looks at 3 x 3 neighbourhoods and pads with background, so the foreground's
        # bounding box alone thins to the same pixels (a face's few lines: ~1/8 of the work)
        box = np.s_[rows[0] : rows[-1] + 1, cols[0] : cols[-1] + 1]
        skeleton[box] = _fast_skeletonize()(np.ascontiguousarray(image[box]))
    return skeleton
