"""Set up a virtual environment and run the app or the tests, with nothing but Python 3.11+ and PyPI.

Usage (from the repository root):
    python3 -m app.bootstrap run  [args for skinlab...]
    python3 -m app.bootstrap test [args for pytest...]
    python3 -m app.bootstrap bench [args for the benchmarks...]
    python3 -m app.bootstrap lock [--upgrade]   # refresh uv.lock and requirements/*.txt

Installs the exact versions and hashes of the lock (requirements/app.txt, or requirements/dev.txt
for tests and benchmarks) with plain pip and ``--require-hashes``, then SkinLab itself. Idempotent:
the environment is re-installed only when the lock file changes. A lock that no longer matches the
dependencies in pyproject.toml is refused, with the command that refreshes it. Standard library
only, because it runs before anything is installed.
"""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import tomllib
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / ".venv"
STAMP = VENV / ".bootstrap-stamp"
LOCK_DIR = ROOT / "requirements"
APP_LOCK = LOCK_DIR / "app.txt"
DEV_LOCK = LOCK_DIR / "dev.txt"
UV_LOCK = ROOT / "uv.lock"
# The uv that writes the lock (a maintained tool from PyPI); pinned so two people lock alike.
UV_VERSION = "0.13.9"
INPUTS_PREFIX = "# pyproject-dependencies-sha256: "
REFRESH = "python3 -m app.bootstrap lock"


class LockError(SystemExit):
    """The lock file is missing or does not match pyproject.toml."""


def dependency_digest(pyproject: Path = ROOT / "pyproject.toml") -> str:
    """SHA-256 of the parts of pyproject.toml that the lock depends on (not the tool sections)."""
    data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
    project = data.get("project", {})
    inputs = {
        "requires-python": project.get("requires-python"),
        "dependencies": project.get("dependencies", []),
        "optional-dependencies": project.get("optional-dependencies", {}),
        "dependency-groups": data.get("dependency-groups", {}),
    }
    return hashlib.sha256(json.dumps(inputs, sort_keys=True).encode()).hexdigest()


def check_lock(lock: Path, *, pyproject: Path = ROOT / "pyproject.toml") -> None:
    """Raise :class:`LockError` saying how to refresh ``lock`` when it is missing or out of date."""
    if not lock.is_file():
        raise LockError(f"The lock file {lock} is missing. Create it with: {REFRESH}")
    first = lock.read_text(encoding="utf-8").splitlines()[:1]
    recorded = (
        first[0][len(INPUTS_PREFIX) :] if first and first[0].startswith(INPUTS_PREFIX) else ""
    )
    if recorded != dependency_digest(pyproject):
        raise LockError(
            f"The lock file {lock.relative_to(lock.parent.parent)} is out of date: the dependencies in "
            f"pyproject.toml changed since it was written. Refresh it with: {REFRESH} "
            "(then commit uv.lock and requirements/)."
        )


def _venv_python() -> Path:
    scripts = "Scripts" if os.name == "nt" else "bin"
    exe = "python.exe" if os.name == "nt" else "python"
    return VENV / scripts / exe


def _pip(python: Path, *args: str) -> None:
    subprocess.run(
        [str(python), "-m", "pip", "install", "--disable-pip-version-check", "-q", *args],
        check=True,
    )


def ensure_environment(*, dev: bool) -> Path:
    """Create .venv and install the locked dependencies and SkinLab, unless already current."""
    if sys.version_info < (3, 11):  # noqa: UP036  (runs under whatever python3 the user has)
        raise SystemExit("SkinLab needs Python 3.11 or newer; this is " + sys.version.split()[0])
    lock = DEV_LOCK if dev else APP_LOCK
    check_lock(lock)
    python = _venv_python()
    if not python.exists():
        print("Creating the virtual environment in .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
    current = STAMP.read_text() if STAMP.exists() else ""
    wanted = _stamp(lock)
    # A dev install also satisfies a plain run.
    if current == wanted or (not dev and current == _stamp(DEV_LOCK)):
        return python
    print(
        "Installing SkinLab's locked dependencies (first run takes a few minutes) ...", flush=True
    )
    # Exact versions with their hashes; the lock carries setuptools, so SkinLab itself is built
    # with the locked build backend and nothing unpinned is fetched.
    _pip(python, "--require-hashes", "-r", str(lock))
    _pip(python, "--no-deps", "--no-build-isolation", "-e", str(ROOT))
    STAMP.write_text(wanted)
    return python


def _stamp(lock: Path) -> str:
    digest = hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else ""
    return f"{lock.name}:{digest}:{sys.version_info[:2]}"


def lock(*, upgrade: bool) -> int:
    """Re-resolve uv.lock for every platform, then export the hash-pinned requirement files."""
    python = _venv_python()
    if not python.exists():
        venv.EnvBuilder(with_pip=True, upgrade_deps=False).create(VENV)
    uv = python.parent / ("uv.exe" if os.name == "nt" else "uv")
    version = (
        subprocess.run([str(uv), "--version"], capture_output=True, text=True)
        if uv.exists()
        else None
    )
    if version is None or UV_VERSION not in version.stdout:
        _pip(python, f"uv=={UV_VERSION}")
    env = {**os.environ, "UV_PROJECT_ENVIRONMENT": str(VENV)}
    subprocess.run(
        [str(uv), "lock", *(["--upgrade"] if upgrade else [])], cwd=ROOT, env=env, check=True
    )
    LOCK_DIR.mkdir(exist_ok=True)
    header = INPUTS_PREFIX + dependency_digest() + "\n"
    for target, extras in ((APP_LOCK, []), (DEV_LOCK, ["--extra", "dev"])):
        exported = subprocess.run(
            [str(uv), "export", "--frozen", "--format", "requirements-txt", "--no-emit-project",
             "--no-dev", "--group", "build", "--no-header", *extras],
            cwd=ROOT, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        target.write_text(header + exported.stdout, encoding="utf-8")
    print(f"Wrote {UV_LOCK.name}, {APP_LOCK.relative_to(ROOT)} and {DEV_LOCK.relative_to(ROOT)}.")
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in {"run", "test", "bench", "lock"}:
        print(__doc__, file=sys.stderr)
        return 2
    command, rest = argv[0], argv[1:]
    if command == "lock":
        return lock(upgrade="--upgrade" in rest)
    try:
        python = ensure_environment(dev=command in {"test", "bench"})
    except LockError as exc:
        print(f"bootstrap: {exc}", file=sys.stderr)
        return 3
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
