"""The desk's reading of a folder kept between runs, per user: what each report file was found to
be (``desk.Inspection``) under its times, size and inode (``desk.FileSignature``), so that opening the desk again reads and
checks only the files saved since (500 reports: the checks cost ~2 s of CPU, the rest ~0.3 s).

Kept in the user's own state folder (``storage/statedir``: a real folder of this user that nobody
else may write in), one compressed JSON file per reviewed folder, written atomically. It is data
only, read back with every field checked (any surprise: the whole file is ignored and the folder is
read afresh), bounded in size, and void when the program or its schemas change (a signature of the
version and of the rule and schema files' sizes and times).
"""

from __future__ import annotations

import hashlib
import json
import zlib
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

import tui_report
from tui_report.model.report import CellValue
from tui_report.model.rules import Finding, Location
from tui_report.model.template import schemas_dir
from tui_report.review.desk import FileSignature, Inspection, InspectionCache
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.safefile import read_regular
from tui_report.storage.statedir import StateDirError, ensure_state_dir

FORMAT = 2  # 2: the file signature has the change time
CACHE_DIR = "desk"
MAX_STORED_BYTES = 64 * 1024 * 1024
MAX_JSON_BYTES = 256 * 1024 * 1024
SEVERITIES = frozenset({"error", "warning", "info"})


class CacheError(ValueError):
    """A stored reading that does not check out (ignored: the folder is read afresh)."""


def code_signature() -> str:
    """Changes with the program's version and with any rule, check or schema file: a stored
    reading made by other code is void."""
    package = Path(tui_report.__file__).resolve().parent
    parts = [tui_report.__version__, str(FORMAT)]
    for folder in (package / "model", package / "review", package / "storage", schemas_dir()):
        for path in sorted(Path(folder).rglob("*")):
            if path.suffix not in (".py", ".toml"):
                continue  # (compiled bytecode comes and goes)
            try:
                info = path.stat()
            except OSError:
                continue
            parts.append(f"{path.name}:{info.st_size}:{info.st_mtime_ns}")
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


def cache_path(folder: Path) -> Path:
    key = hashlib.sha256(str(folder.absolute()).encode("utf-8")).hexdigest()[:24]
    return ensure_state_dir() / CACHE_DIR / f"{key}.json.z"


# ---------------------------------------------------------------------- encoding


def _number(value: CellValue | None) -> object:
    return str(value) + "d" if isinstance(value, Decimal) else value


def _encode(inspection: Inspection) -> dict[str, object]:
    def figures(values: dict[str, CellValue | None] | None) -> dict[str, object] | None:
        return None if values is None else {k: _number(v) for k, v in values.items()}

    return {
        "path": inspection.path,
        "problem": inspection.problem,
        "roster": inspection.roster,
        "unit": inspection.unit,
        "level": inspection.level,
        "year": inspection.year,
        "template": inspection.template,
        "findings": [
            [
                f.rule,
                f.severity,
                f.message,
                [[loc.table, loc.cell, loc.text, loc.field] for loc in f.locations],
            ]
            for f in inspection.findings
        ],
        "state": inspection.state,
        "figures": figures(inspection.figures),
        "texts": inspection.texts,
        "baseline": figures(inspection.baseline),
        "fingerprint": inspection.fingerprint,
    }


def _want(value: object, kind: type | tuple[type, ...]) -> Any:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise CacheError(f"expected {kind}, got {type(value).__name__}")
    return value


def _decode_number(value: object) -> CellValue | None:
    if value is None or (isinstance(value, int) and not isinstance(value, bool)):
        return value
    text = _want(value, str)
    if not text.endswith("d"):
        raise CacheError("a number")
    try:
        return Decimal(text[:-1])
    except InvalidOperation as exc:
        raise CacheError("a decimal") from exc


def _decode_figures(value: object) -> dict[str, CellValue | None]:
    return {_want(k, str): _decode_number(v) for k, v in _want(value, dict).items()}


def _decode_location(value: object) -> Location:
    parts = _want(value, list)
    if len(parts) != 4 or not all(p is None or isinstance(p, str) for p in parts):
        raise CacheError("a location")
    return Location(table=parts[0], cell=parts[1], text=parts[2], field=parts[3])


def _decode_finding(value: object) -> Finding:
    parts = _want(value, list)
    if len(parts) != 4 or parts[1] not in SEVERITIES:
        raise CacheError("a finding")
    locations = tuple(_decode_location(loc) for loc in _want(parts[3], list))
    return Finding(_want(parts[0], str), parts[1], _want(parts[2], str), locations)


def _decode(value: object) -> Inspection:
    data = _want(value, dict)
    baseline = data.get("baseline")
    fingerprint = data.get("fingerprint")
    return Inspection(
        path=_want(data["path"], str),
        problem=_want(data["problem"], str),
        roster=_want(data["roster"], bool),
        unit=_want(data["unit"], str),
        level=_want(data["level"], str),
        year=_want(data["year"], int),
        template=_want(data["template"], str),
        findings=[_decode_finding(f) for f in _want(data["findings"], list)],
        state=_want(data["state"], str),
        figures=_decode_figures(data["figures"]),
        texts={_want(k, str): _want(v, str) for k, v in _want(data["texts"], dict).items()},
        baseline=None if baseline is None else _decode_figures(baseline),
        fingerprint=None if fingerprint is None else _want(fingerprint, str),
    )


def _signature(value: object) -> FileSignature:
    parts = _want(value, list)
    if len(parts) != 4:
        raise CacheError("a signature")
    return (_want(parts[0], int), _want(parts[1], int), _want(parts[2], int), _want(parts[3], int))


# ---------------------------------------------------------------------- the file


def dumps(cache: InspectionCache, code: str) -> bytes:
    entries = [
        [path, list(signature), _encode(inspection)] for path, (signature, inspection) in cache.items()
    ]
    text = json.dumps({"format": FORMAT, "code": code, "entries": entries}, ensure_ascii=False)
    return zlib.compress(text.encode("utf-8"), 1)


def loads(raw: bytes, code: str) -> InspectionCache:
    """The stored reading; raises :class:`CacheError` for anything but one made by this code."""
    inflater = zlib.decompressobj()
    try:
        text = inflater.decompress(raw, MAX_JSON_BYTES)
        if len(text) >= MAX_JSON_BYTES:
            raise CacheError("too large")
        if inflater.unconsumed_tail:
            raise CacheError("too large")
        data = json.loads(text.decode("utf-8"))
    except (zlib.error, UnicodeDecodeError, ValueError, RecursionError) as exc:
        raise CacheError(str(exc)) from exc
    if not isinstance(data, dict) or data.get("format") != FORMAT or data.get("code") != code:
        raise CacheError("made by other code")
    cache: InspectionCache = {}
    for entry in _want(data.get("entries"), list):
        path, signature, inspection = _want(entry, list)
        decoded = _decode(inspection)
        if decoded.path != path:
            raise CacheError("a path")
        cache[_want(path, str)] = (_signature(signature), decoded)
    return cache


class DeskCache:
    """The reading of one folder the desk keeps: in memory (``inspections``, as
    ``review_folder(cache=…)`` uses it) and in the user's state folder between runs."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.inspections: InspectionCache = {}
        self._stored: dict[str, FileSignature] | None = None  # None: not loaded yet
        self._code = ""

    def load(self) -> None:
        """Once: what an earlier run stored for this folder (nothing, when it does not check out)."""
        if self._stored is not None:
            return
        self._code = code_signature()
        self._stored = {}
        try:
            raw, _ = read_regular(cache_path(self.folder), MAX_STORED_BYTES)
            stored = loads(raw, self._code)
        except (ReportFileError, StateDirError, CacheError, KeyError, TypeError, ValueError):
            return
        for path, entry in stored.items():
            self.inspections.setdefault(path, entry)
        self._stored = {path: signature for path, (signature, _) in stored.items()}

    def kept(self) -> bool:
        """Whether an earlier run kept a reading of this folder (not yet read nor checked)."""
        try:
            return cache_path(self.folder).is_file()
        except (OSError, StateDirError):
            return False

    def save(self) -> None:
        """Store the reading when it changed since it was loaded or stored (best effort). May run
        in a thread of its own while the desk reads the folder again: it works on a copy."""
        if self._stored is None:
            return
        entries = dict(self.inspections)  # one step: a reading going on cannot change it under us
        signatures = {path: signature for path, (signature, _) in entries.items()}
        if signatures == self._stored:
            return
        try:
            path = cache_path(self.folder)
            path.parent.mkdir(mode=0o700, exist_ok=True)
            atomic_write(path, dumps(entries, self._code), mode=0o600)
        except (OSError, ReportFileError, StateDirError):
            return
        self._stored = signatures
