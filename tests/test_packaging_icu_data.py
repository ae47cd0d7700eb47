"""The build's cut-down ICU data (packaging/icu_data.py, used by pyinstaller.spec): a quarter of the
size, and Qt still collates English and names time zones in English with it. Runs ICU's own tools
(Debian's icu-devtools) and gcc, which ``.ci/run`` installs with Qt's system libraries."""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
from PySide6 import QtCore

QT_LIB = Path(QtCore.__file__).parent / "Qt" / "lib"
PROBE = """
import json
from PySide6.QtCore import QCollator, QDateTime, QLocale, QTimeZone
words = ["zoe", "B", "Émile", "a", "Ådne"]
print(json.dumps({
    "en": sorted(words, key=QCollator(QLocale("en_US")).sortKey),
    "de": sorted(words, key=QCollator(QLocale("de_DE")).sortKey),
    "zone": QTimeZone(b"Europe/Paris").displayName(QDateTime(2026, 1, 15, 12, 0, 0)),
}))
"""


def _icu_data() -> ModuleType:
    path = Path(__file__).resolve().parents[1] / "packaging" / "icu_data.py"
    spec = importlib.util.spec_from_file_location("icu_data", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["icu_data"] = module
    spec.loader.exec_module(module)
    return module


def _library() -> Path:
    found = [p for p in QT_LIB.glob("libicudata.so.*") if p.name.count(".") == 2]
    assert len(found) == 1, found
    return found[0]


def _probe(preload: Path | None) -> dict[str, object]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    if preload is not None:  # its data symbol comes first: Qt's ICU reads the cut-down data
        env["LD_PRELOAD"] = str(preload)
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    assert "Could not create collator" not in done.stderr
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_only_other_languages_locale_data_and_converters_are_left_out() -> None:
    icu = _icu_data()
    kept = [
        "root.res", "pool.res", "res_index.res", "en.res", "en_GB.res", "en_US_POSIX.res",
        "coll/root.res", "coll/en.res", "coll/ucadata.icu", "brkitr/cjdict.dict",
        "brkitr/line.brk", "zone/tzdbNames.res", "metaZones.res", "likelySubtags.res",
        "supplementalData.res", "nfkc.nrm", "cnvalias.icu", "unames.icu", "zone/root.res",
    ]  # fmt: skip
    dropped = [
        "de.res", "fr_CA.res", "zh_Hant_TW.res", "coll/de__PHONEBOOK.res", "coll/de_.res",
        "lang/sv.res", "zone/yue_Hans.res", "ibm-1390_P110-2003.cnv", "gb18030.cnv",
    ]  # fmt: skip
    assert icu.left_out(kept + dropped) == dropped


def test_the_cut_library_is_a_quarter_and_qt_still_collates_english(tmp_path: Path) -> None:
    icu = _icu_data()
    full = _library()
    cut = icu.trim(full, tmp_path)
    assert cut.library.name == full.name
    assert cut.library.stat().st_size * 3 < full.stat().st_size
    assert cut.left_out > cut.kept > 100

    before, after = _probe(None), _probe(cut.library)
    assert after["en"] == before["en"] == ["a", "Ådne", "B", "Émile", "zoe"]
    assert after["zone"] == before["zone"] == "Central European Standard Time"
    # German's own rules are gone: ICU's root collation, which orders these words the same way.
    assert after["de"] == before["de"]


def test_a_library_that_is_not_icus_data_is_refused(tmp_path: Path) -> None:
    icu = _icu_data()
    with pytest.raises(ValueError, match="not ICU's data library"):
        icu.trim(QT_LIB / "libQt6Core.so.6", tmp_path)


def test_missing_tools_name_the_packages_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    icu = _icu_data()
    monkeypatch.setenv("PATH", str(tmp_path))  # a folder with none of the tools
    with pytest.raises(icu.IcuTrimUnavailable, match="install icu-devtools and gcc"):
        icu.trim(_library(), tmp_path / "work")
    assert not (tmp_path / "work").exists()  # nothing half-written
