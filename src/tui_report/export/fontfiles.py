"""The fonts this machine really has, found through fontconfig (``fc-list``), and glyph widths
measured from their files with fontTools.

A PDF is rendered by LibreOffice with whatever fontconfig resolves, so the column widths of a
table are sized with the font that will really draw its digits, not with an assumed ½ em.
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path

FC_TIMEOUT_S = 10
# DejaVu Sans/Serif, fontconfig's usual last resort, has the widest digits of the common fonts
# (0.636 em); a width sized for this fits whatever font ends up drawing the digits.
WIDEST_FALLBACK_DIGIT_EM = 0.64


def _fc(*args: str) -> str | None:
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        result = subprocess.run(
            [program, *args], capture_output=True, timeout=FC_TIMEOUT_S, check=False, stdin=subprocess.DEVNULL
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    return result.stdout.decode("utf-8", "replace") if result.returncode == 0 else None


@functools.lru_cache(maxsize=1)
def installed_families() -> frozenset[str] | None:
    """Every family name fontconfig knows (localised names too), or None without fontconfig."""
    out = _fc(":", "family")
    if out is None:
        return None
    names: set[str] = set()
    for line in out.splitlines():
        names.update(n.strip() for n in line.split(",") if n.strip())
    return frozenset(names)


def first_installed(chain: tuple[str, ...] | list[str]) -> str | None:
    families = installed_families() or frozenset()
    return next((name for name in chain if name in families), None)


@functools.lru_cache(maxsize=16)
def font_file(family: str) -> Path | None:
    """The file of a family's regular face (the first fontconfig lists)."""
    out = _fc("-f", "%{file}\n", f"{family}:style=Regular") or _fc("-f", "%{file}\n", family)
    files = sorted(Path(line) for line in (out or "").splitlines() if line.strip())
    return files[0] if files else None


@functools.lru_cache(maxsize=16)
def advance_widths(path: Path, chars: str) -> dict[str, float] | None:
    """Advance widths in em of ``chars`` in a font file; None when it cannot be read."""
    try:
        from fontTools.ttLib import TTFont  # type: ignore[import-untyped]
        from fontTools.ttLib.ttFont import TTLibError  # type: ignore[import-untyped]
    except ImportError:  # pragma: no cover - a dependency of the package
        return None
    try:
        font = TTFont(str(path), lazy=True, fontNumber=0)
        cmap = font.getBestCmap()
        metrics = font["hmtx"]
        units = font["head"].unitsPerEm
        widths = {c: metrics[cmap[ord(c)]][0] / units for c in chars if ord(c) in cmap}
        font.close()
    except (OSError, TTLibError, KeyError, AssertionError):
        return None
    return widths
