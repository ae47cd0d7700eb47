"""The size of a PyInstaller build, broken down by its biggest parts:

    python -m bench.build_size [dist/skinlab] [--top 25]

Prints a Markdown table for docs/benchmarks.md: Qt libraries one by one, every other package as one
line, and the total."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path


def part_of(relative: Path) -> str:
    parts = relative.parts
    if parts[0] == "_internal":
        parts = parts[1:]
    if not parts:
        return "(root)"
    if parts[:3] == ("PySide6", "Qt", "lib"):
        return f"PySide6/Qt/lib/{parts[3].split('.so')[0]}" if len(parts) > 3 else "PySide6/Qt/lib"
    if parts[:2] == ("PySide6", "Qt"):
        return "/".join(parts[:3])
    if len(parts) == 1:
        name = parts[0]
        if name.startswith("lib"):
            return "shared libraries (" + name.split(".so")[0] + ")"
        return name
    return parts[0].removesuffix(".libs") + (" (libs)" if parts[0].endswith(".libs") else "")


def breakdown(root: Path) -> tuple[Counter[str], int]:
    sizes: Counter[str] = Counter()
    for path in root.rglob("*"):
        if path.is_file() and not path.is_symlink():
            sizes[part_of(path.relative_to(root))] += path.stat().st_size
    return sizes, sum(sizes.values())


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("root", type=Path, nargs="?", default=Path("dist/skinlab"))
    parser.add_argument("--top", type=int, default=25)
    args = parser.parse_args(argv)
    sizes, total = breakdown(args.root)
    print("| part | MB | share |")
    print("|---|---:|---:|")
    shown = 0
    for name, size in sizes.most_common(args.top):
        shown += size
        print(f"| {name} | {size / 1e6:.1f} | {size / total:.0%} |")
    print(
        f"| everything else ({len(sizes) - args.top} parts) | {(total - shown) / 1e6:.1f} | {(total - shown) / total:.0%} |"
    )
    print(f"| **total** | **{total / 1e6:.1f}** | 100% |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
