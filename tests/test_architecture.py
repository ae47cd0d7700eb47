"""The layering rules hold, and would catch a break: core is pure (no Qt, no ui/app/server), ui
never imports server or app, core.analysis is layered in pipeline order, no module circles, and no
import hides inside a function without a comment that says why."""

from __future__ import annotations

import ast
import io
import shutil
import subprocess
import sys
import tokenize
from pathlib import Path

import pytest

from tests.helpers.paths import REPO

PACKAGES = ("core", "ui", "app", "server")
LINT = Path(sys.executable).with_name("lint-imports")


def _lint(root: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(LINT), "--no-cache"], cwd=root, capture_output=True, text=True, timeout=300
    )


def test_import_linter_contracts_hold() -> None:
    result = _lint(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "broken" not in result.stdout.lower().replace("0 broken", "")


BREAKS = {
    "ui imports app": (
        "ui/kiosk/widgets.py",
        "import app.kiosk.services",
        "ui never imports app",
    ),
    "a lower analysis layer imports a higher one": (
        "core/analysis/face.py",
        "import core.analysis.engine",
        "core.analysis is layered in the order of the pipeline",
    ),
    "the measures circle comes back": (
        "core/analysis/measures/context.py",
        "import core.analysis.measures.pigmentation",
        "core.analysis.measures: each measure over a shared context",
    ),
    "two kiosk modules import each other": (
        "ui/kiosk/messages.py",
        "import ui.kiosk.window",
        "no import circles among sibling modules or packages",
    ),
    "core imports Qt": (
        "core/errors.py",
        "import PySide6.QtCore",
        "core is pure",
    ),
}


@pytest.fixture(scope="module")
def clean_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The packages and pyproject.toml copied outside the checkout; the copy passes as it is."""
    root = tmp_path_factory.mktemp("clean")
    for package in PACKAGES:
        shutil.copytree(
            REPO / package, root / package, ignore=shutil.ignore_patterns("__pycache__")
        )
    shutil.copy(REPO / "pyproject.toml", root / "pyproject.toml")
    result = _lint(root)
    assert result.returncode == 0, "the untouched copy must pass: " + result.stdout
    return root


@pytest.mark.parametrize("case", sorted(BREAKS))
def test_contracts_fail_when_a_forbidden_import_or_circle_is_added(
    case: str, clean_copy: Path, tmp_path: Path
) -> None:
    """A copy of the packages with one bad import added: lint-imports must refuse it by name."""
    path, line, contract = BREAKS[case]
    shutil.copytree(clean_copy, tmp_path, dirs_exist_ok=True)
    target = tmp_path / path
    target.write_text(target.read_text(encoding="utf-8") + f"\n{line}  # noqa: E402\n")
    result = _lint(tmp_path)
    assert result.returncode != 0, result.stdout
    broken = result.stdout.split("Broken contracts", 1)[-1]
    assert contract in broken, result.stdout


PRAGMAS = ("noqa", "type:", "fmt:", "pragma", "pyright:")


def _says_why(comment: str) -> bool:
    text = comment.lstrip("#").strip()
    return len(text.split()) >= 3 and not text.startswith(PRAGMAS)


def unexplained_function_imports(source: str) -> list[int]:
    """Lines of imports inside functions with no comment on the import block or the line above.

    Consecutive imports form one block: one comment above it explains them all.
    """
    comments = {
        token.start[0]: token.string
        for token in tokenize.generate_tokens(io.StringIO(source).readline)
        if token.type == tokenize.COMMENT
    }

    def explained(first: int, last: int) -> bool:
        return any(_says_why(comments.get(n, "")) for n in range(first - 1, last + 1))

    found: list[int] = []
    for function in ast.walk(ast.parse(source)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        for node in ast.walk(function):
            for field in ("body", "orelse", "finalbody", "handlers"):
                statements = getattr(node, field, None)
                if not isinstance(statements, list):
                    continue
                block: list[ast.stmt] = []
                for statement in [*statements, None]:
                    if isinstance(statement, ast.Import | ast.ImportFrom):
                        block.append(statement)
                        continue
                    if block and not explained(block[0].lineno, block[-1].end_lineno or 0):
                        found += [s.lineno for s in block]
                    block = []
    return sorted(set(found))


def test_the_import_check_catches_an_unexplained_import() -> None:
    bare = "def f():\n    import os\n\n    return os\n"
    assert unexplained_function_imports(bare) == [2]
    pragma_only = "def f():\n    import os  # noqa: PLC0415\n    return os\n"
    assert unexplained_function_imports(pragma_only) == [2]
    explained = "def f():\n    # lazy: Qt loads only when a window opens\n    import os\n    import re\n    return os, re\n"
    assert unexplained_function_imports(explained) == []
    nested = "def f():\n    if True:\n        import os\n    return os\n"
    assert unexplained_function_imports(nested) == [3]


def test_no_import_inside_a_function_without_a_reason() -> None:
    """A circle is broken by moving the shared part down, not by importing late; an import inside
    a function is for loading something heavy late (Qt, dlib, uvicorn), and says so."""
    found = [
        f"{path.relative_to(REPO)}:{line}"
        for package in PACKAGES
        for path in sorted((REPO / package).rglob("*.py"))
        if "migrations" not in path.parts
        for line in unexplained_function_imports(path.read_text(encoding="utf-8"))
    ]
    assert not found, "imports inside functions without a '# lazy: ...' reason:\n" + "\n".join(
        found
    )


BLOCK_QT = """
import importlib, pkgutil, sys
class _NoQt:
    def find_spec(self, name, path=None, target=None):
        if name == "PySide6" or name.startswith("PySide6."):
            raise ImportError("Qt is not installed in this test")
        return None
sys.meta_path.insert(0, _NoQt())
import core
names = [m.name for m in pkgutil.walk_packages(core.__path__, "core.") if ".migrations." not in m.name]
for name in names:
    importlib.import_module(name)
assert not any(m.startswith("PySide6") for m in sys.modules), "core pulled in Qt"
print(len(names))
"""


def test_every_core_module_imports_without_qt() -> None:
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_QT], cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr
    assert int(result.stdout.strip()) >= 20
