"""The fonts this machine really has, found through fontconfig (``fc-list``), and glyph widths
measured from their files with fontTools.

A PDF is rendered by LibreOffice with whatever fontconfig resolves, so the column widths of a
table are sized with the font that will really draw its digits, not with an assumed ½ em.
Measured widths are kept in the state folder (``font-widths.json``, keyed by file, size and
modification time): fontTools is only imported when a font is new or changed.
"""

from __future__ import annotations

import contextlib
import functools
import json
import shutil
import subprocess
from pathlib import Path

from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.statedir import StateDirError, ensure_state_dir

FC_TIMEOUT_S = 10
# DejaVu Sans/Serif, fontconfig's usual last resort, has the widest digits of the common fonts
# (0.636 em); a width sized for this fits whatever font ends up drawing the digits.
WIDEST_FALLBACK_DIGIT_EM = 0.64
CACHE_NAME = "font-widths.json"
CACHE_MAX_BYTES = 1 << 20


@functools.lru_cache(maxsize=1)
def _catalogue() -> dict[str, list[tuple[str, Path]]] | None:
    """Family name (localised names too) → its (style, file) pairs; None without fontconfig."""
    program = shutil.which("fc-list")
    if program is None:
        return None
    try:
        result = subprocess.run(
            [program, "-f", "%{family}\t%{style}\t%{file}\n"],
            capture_output=True,
            timeout=FC_TIMEOUT_S,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if result.returncode != 0:
        return None
    families: dict[str, list[tuple[str, Path]]] = {}
    for line in result.stdout.decode("utf-8", "replace").splitlines():
        names, _, rest = line.partition("\t")
        style, _, file = rest.partition("\t")
        for name in (n.strip() for n in names.split(",")):
            if name and file:
                families.setdefault(name, []).append((style, Path(file)))
    return families


def installed_families() -> frozenset[str] | None:
    """Every family name fontconfig knows, or None without fontconfig."""
    catalogue = _catalogue()
    return None if catalogue is None else frozenset(catalogue)


def first_installed(chain: tuple[str, ...] | list[str]) -> str | None:
    families = installed_families() or frozenset()
    return next((name for name in chain if name in families), None)


def font_file(family: str) -> Path | None:
    """The file of a family's regular face (else its first face)."""
    faces = sorted((_catalogue() or {}).get(family, []), key=lambda f: str(f[1]))
    regular = [file for style, file in faces if "Regular" in style.split(",") or style == "Book"]
    files = regular or [file for _, file in faces]
    return files[0] if files else None


def _measure(path: Path, chars: str) -> dict[str, float] | None:
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


def _read_cache(path: Path) -> dict[str, dict[str, float]]:
    try:
        with path.open("rb") as handle:
            data = json.loads(handle.read(CACHE_MAX_BYTES + 1)[:CACHE_MAX_BYTES])
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


@functools.lru_cache(maxsize=16)
def advance_widths(path: Path, chars: str) -> dict[str, float] | None:
    """Advance widths in em of ``chars`` in a font file; None when it cannot be read."""
    try:
        stat = path.stat()
    except OSError:
        return None
    key = f"{path}|{stat.st_size}|{stat.st_mtime_ns}|{chars}"
    try:
        cache_path: Path | None = ensure_state_dir() / CACHE_NAME
    except StateDirError:
        cache_path = None  # not this user's own folder: measure every time, trust nothing in it
    cache = _read_cache(cache_path) if cache_path is not None else {}
    known = cache.get(key)
    if isinstance(known, dict) and all(isinstance(v, float) for v in known.values()):
        return known
    widths = _measure(path, chars)
    if widths and cache_path is not None:
        cache = {k: v for k, v in cache.items() if not k.startswith(f"{path}|")}
        cache[key] = widths
        # A cache that cannot be written only costs the next export a measurement.
        with contextlib.suppress(OSError, ReportFileError):
            atomic_write(cache_path, json.dumps(cache, ensure_ascii=False).encode("utf-8"))
    return widths
