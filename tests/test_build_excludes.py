"""The built app leaves out what the app never imports (``EXCLUDES`` in ``pyinstaller.spec``): no
module of the app may import one of them, or that feature breaks only in the build (the desktop's
demo photo card once read scikit-image's sample photos, which the build does not ship)."""

from __future__ import annotations

import ast
from pathlib import Path

from tests.helpers.paths import REPO

SHIPPED = ("app", "ui", "core", "server", "resources")


def _excludes() -> list[str]:
    spec = ast.parse((REPO / "pyinstaller.spec").read_text(encoding="utf-8"))
    for node in spec.body:
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == "EXCLUDES" for t in node.targets
        ):
            value = ast.literal_eval(node.value)
            assert isinstance(value, list)
            return [str(name) for name in value]
    raise AssertionError("pyinstaller.spec has no EXCLUDES list")


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.lineno, node.module))
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def test_the_spec_leaves_out_what_it_says() -> None:
    excluded = _excludes()
    assert "skimage" in excluded and "scipy" in excluded  # the list was read, not an empty one


def test_no_shipped_module_imports_what_the_build_leaves_out() -> None:
    excluded = _excludes()
    offenders = []
    for top in SHIPPED:
        for path in sorted((REPO / top).rglob("*.py")):
            for line, name in _imports(path):
                if any(name == ex or name.startswith(ex + ".") for ex in excluded):
                    offenders.append(f"{path.relative_to(REPO)}:{line} imports {name}")
    assert not offenders, "\n".join(offenders)
