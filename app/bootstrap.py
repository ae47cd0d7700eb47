"""Set up a virtual environment and run the app or the tests, with nothing but Python 3.11+ and PyPI.

Usage (from the repository root):
    python3 -m app.bootstrap run  [args for skinlab...]
    python3 -m app.bootstrap test [args for pytest...]
    python3 -m app.bootstrap bench [args for the benchmarks...]

Idempotent: the environment is re-installed only when pyproject.toml changes. Standard library only,
because it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".bootstrap-stamp"


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / scripts / exe


def _wanted_stamp(extras: str) -> str:
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    return f"{digest}:{extras}:{sys.version_info[:2]}"


def ensure_environment(*, dev: bool) -> Path:
    """Create .venv and install the project (with dev extras for tests), unless already current."""
    if sys.version_info < (3, 11):  # noqa: UP036  (runs under whatever python3 the user has)
        raise SystemExit("SkinLab needs Python 3.11 or newer; this is " + sys.version.split()[0])
    python = _venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
    extras = "dev" if dev else ""
    current = STAMP.read_text() if STAMP.exists() else ""
    wanted = _wanted_stamp(extras)
    # A dev install also satisfies a plain run.
    if current == wanted or (not dev and current == _wanted_stamp("dev")):
        return python
    target = f"{ROOT}[dev]" if dev else str(ROOT)
    print("Installing SkinLab and its dependencies (first run takes a few minutes) ...", flush=True)
    subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", "-e", target],
        check=True,
    )
    STAMP.write_text(wanted)
    return python


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    python = ensure_environment(dev=command in {"test", "bench"})
    os.chdir(ROOT)
    if command == "run":
        args = [str(python), "-m", "app", *rest]
    elif command == "bench":
        args = [str(python), "-m", "bench", *rest]
    else:
        args = [str(python), "-m", "pytest", *rest]
    return subprocess.call(args)


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
