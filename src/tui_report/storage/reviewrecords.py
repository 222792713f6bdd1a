"""Where the review workflow's records live, and reading them without trusting them.

Two places, so that the file system — not the program — decides who may record what::

    YEAR/.review/<unit folder>/<report>.toml/<stamp>-<kind>-<token>.json   reviewers: comment, return,
                                                                           approve, publish, verify
    YEAR/.review/.notices/<stamp>-notice-<token>.json                      reviewers: notices
    YEAR/.review/.exports/<unit folder>/<report>.toml.json                 batch export: what it wrote
    <unit folder>/.workflow/<report>.toml/<stamp>-<kind>-<token>.json      operators: submit, reply

``YEAR`` is the county's year folder. In the strict layout (docs/admin.md) it is root-owned and
not writable by any operator, holds one folder per unit, and ``.review`` belongs to the reviewers'
group (2770, operators read it through an ACL, or 2775): an operator cannot write a reviewer's
record, nor replace ``.review``. In a flat folder (the reports directly in ``YEAR``) the same names
are used without the unit folder; ``doctor`` says when ``.review`` is not protected.

One JSON file per record, never changed after it is written (storage/atomic relative to the
folder opened without following links, under a fresh name):
its **author is the file's owner** (``fstat``), whatever the record says, and its time is the
recorded time but never later than the file's ``ctime`` (which the kernel sets and nobody can move
back). A record of a kind its place does not allow (an "approve" in an operator's folder) is ignored.
Every read is bounded (count of files, bytes per file, characters per text) and goes through
``storage/safefile`` (no symlink, FIFO or device followed).
"""

from __future__ import annotations

import contextlib
import json
import os
import secrets
import stat
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

from tui_report.host import procinfo
from tui_report.model.workflow import MAX_TEXT, OPERATOR_KINDS, REVIEWER_KINDS, Record
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError, os_error_text
from tui_report.storage.layout import REVIEW_DIR
from tui_report.storage.safefile import (
    UnsafeFileError,
    open_dir,
    read_regular,
    shared_subdir,
)
from tui_report.storage.versions import VERSIONS_DIR

WORKFLOW_DIR = ".workflow"
NOTICES_DIR = ".notices"
EXPORTS_DIR = ".exports"
MAX_EXPORT_RECORDS = 20000  # a province's units; a hostile folder stops here
ROSTER_NAME = "roster.toml"
MAX_RECORDS = 1000  # per report and place: a county's report gets a few dozen
MAX_RECORD_BYTES = 64 * 1024
NEW_REVIEW_DIR_MODE = 0o755  # made by a reviewer: only they write; the administrator sets the group
_STAMP = "%Y%m%d-%H%M%S-%f"


class RecordError(ReportFileError):
    """A record that cannot be written; ``str()`` is the Chinese reason."""


# ---------------------------------------------------------------------- places


def _closed(info: os.stat_result) -> bool:
    """Nobody but its owner may write it (the strict layout's year folder is root's)."""
    return not info.st_mode & 0o022


def year_folder_of(report_path: Path) -> Path:
    """The county's year folder of a report: the folder above the report's unit folder when that
    holds ``.review`` or a roster and nobody but its owner may write it (the strict layout), else the
    report's own folder. An operator cannot make their own unit folder pass for the year folder: the
    folder above is tried first, and a planted ``.review`` there would need write access to it."""
    return places_of([report_path])[report_path].year_folder


def _holds_year(folder: Path) -> bool:
    """``folder`` holds ``.review`` or a roster and nobody but its owner may write it."""
    with contextlib.suppress(OSError):
        info = os.stat(folder, follow_symlinks=False)
        if stat.S_ISDIR(info.st_mode) and _closed(info):
            names = set(os.listdir(folder))
            return REVIEW_DIR in names or ROSTER_NAME in names
    return False


def places_of(report_paths: Iterable[Path]) -> dict[Path, Place]:
    """Each report's :class:`Place` by :func:`year_folder_of`'s rule (the one every command writes
    by), each folder above a unit folder looked at once: the desk asks for hundreds of reports in
    the same folders every time it reads or checks for changes."""
    holds: dict[Path, bool] = {}
    places: dict[Path, Place] = {}
    for path in report_paths:
        unit_folder = path.parent  # "." for a bare file name
        above = unit_folder.absolute().parent
        if above not in holds:
            holds[above] = _holds_year(above)
        places[path] = Place(path, above if holds[above] else unit_folder)
    return places


@dataclass(frozen=True)
class Place:
    """Where one report's records are: its key under ``YEAR/.review`` and its operator folder."""

    report: Path
    year_folder: Path

    @cached_property  # (asked three times per report by the desk; each time two absolute paths)
    def key(self) -> tuple[str, ...]:
        unit_folder = self.report.parent
        if unit_folder.absolute() == self.year_folder.absolute():
            return (self.report.name,)
        return (unit_folder.absolute().name, self.report.name)

    @property
    def review_dir(self) -> Path:
        return self.year_folder.joinpath(REVIEW_DIR, *self.key)

    @property
    def operator_dir(self) -> Path:
        return self.report.parent / WORKFLOW_DIR / self.report.name


def place_of(report_path: Path, year_folder: Path | None = None) -> Place:
    return Place(report_path, year_folder if year_folder is not None else year_folder_of(report_path))


# ---------------------------------------------------------------------- reading


def _open_path(top: Path, parts: tuple[str, ...]) -> int | None:
    """A descriptor on ``top/parts…``, each step opened without following a link; None when a step
    is missing, not a folder, a link, or not readable."""
    try:
        fd = open_dir(top)
    except ReportFileError:
        return None
    for part in parts:
        try:
            inner = open_dir(part, dir_fd=fd)
        except ReportFileError:
            os.close(fd)
            return None
        os.close(fd)
        fd = inner
    return fd


def _text(value: object, limit: int = MAX_TEXT) -> str:
    if not isinstance(value, str):
        return ""
    return value[:limit]


def _parse(name: str, data: bytes, info: os.stat_result, allowed: frozenset[str]) -> Record | None:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(raw, dict):
        return None
    kind = raw.get("kind")
    if kind not in allowed:
        return None
    ctime = datetime.fromtimestamp(info.st_ctime).astimezone()
    claimed = procinfo.parse_iso(raw["at"]) if isinstance(raw.get("at"), str) else None
    at = min(claimed, ctime) if claimed is not None else ctime
    return Record(
        kind=str(kind),
        id=name,
        author=procinfo.user_name(info.st_uid),
        uid=info.st_uid,
        at=at,
        fingerprint=_text(raw.get("fingerprint"), 64),
        text=_text(raw.get("text")),
        location=_text(raw.get("location"), 200),
        comment=_text(raw.get("comment"), 200),
        done=raw.get("done") is True,
        rule=_text(raw.get("rule"), 20),
    )


def _read_folder(fd: int, allowed: frozenset[str]) -> list[Record]:
    try:
        names = sorted(n for n in os.listdir(fd) if n.endswith(".json") and not n.startswith("."))
    except OSError:
        return []
    records: list[Record] = []
    for name in names[:MAX_RECORDS]:
        try:
            data, info = read_regular(name, MAX_RECORD_BYTES, dir_fd=fd)
        except ReportFileError:
            continue
        if info.st_nlink != 1:
            continue  # a hard link to someone else's file is not a record of its owner
        record = _parse(name, data, info, allowed)
        if record is not None:
            records.append(record)
    return records


def _read_place(top: Path, parts: tuple[str, ...], allowed: frozenset[str]) -> list[Record]:
    fd = _open_path(top, parts)
    if fd is None:
        return []
    try:
        return _read_folder(fd, allowed)
    finally:
        os.close(fd)


def read_records(place: Place) -> list[Record]:
    """Every record of a report: the reviewers' from ``YEAR/.review``, the operators' from the unit
    folder's ``.workflow`` (only the kinds each place allows)."""
    reviewer = _read_place(place.year_folder, (REVIEW_DIR, *place.key), REVIEWER_KINDS)
    unit_folder = place.report.parent if str(place.report.parent) else Path(".")
    operator = _read_place(unit_folder, (WORKFLOW_DIR, place.report.name), OPERATOR_KINDS)
    return reviewer + operator


def records_signature(place: Place) -> tuple[int, int]:
    """Changes when a record is added to or removed from either place (the desk re-reads then)."""
    total = (0, 0)
    for folder in (place.review_dir, place.operator_dir):
        with contextlib.suppress(OSError):
            info = os.stat(folder, follow_symlinks=False)
            total = (total[0] ^ info.st_mtime_ns, total[1] + info.st_ino)
    return total


# ---------------------------------------------------------------------- writing


def _subdir_like_parent(parent_fd: int, name: str, where: Path) -> int:
    """``name`` inside a reviewers' folder, created with the parent's mode and group (the setgid
    bit passes the group on; the mode is copied so that operators who read the parent read this)."""
    parent = os.fstat(parent_fd)
    try:
        os.mkdir(name, 0o700, dir_fd=parent_fd)
    except FileExistsError:
        pass
    except OSError as exc:
        raise RecordError(where / name, f"无法建立审核记录文件夹（{os_error_text(exc)}）") from exc
    fd = open_dir(name, dir_fd=parent_fd)
    with contextlib.suppress(OSError):
        info = os.fstat(fd)
        if info.st_uid == os.geteuid() and stat.S_IMODE(info.st_mode) != stat.S_IMODE(parent.st_mode):
            os.fchmod(fd, stat.S_IMODE(parent.st_mode))
    return fd


def _review_top(year_folder: Path, created: list[Path]) -> int:
    """A descriptor on ``YEAR/.review``; made (mode 0755: only this reviewer writes) when missing."""
    top = open_dir(year_folder)
    try:
        try:
            os.mkdir(REVIEW_DIR, NEW_REVIEW_DIR_MODE, dir_fd=top)
        except FileExistsError:
            pass
        except OSError as exc:
            raise RecordError(
                year_folder / REVIEW_DIR, f"审核记录文件夹不存在，也无法建立（{os_error_text(exc)}）"
            ) from exc
        else:
            created.append(year_folder / REVIEW_DIR)
            with contextlib.suppress(OSError):
                os.chmod(REVIEW_DIR, NEW_REVIEW_DIR_MODE, dir_fd=top, follow_symlinks=False)
        return open_dir(REVIEW_DIR, dir_fd=top)
    finally:
        os.close(top)


def _write_new(fd: int, name: str, data: bytes, mode: int, where: Path) -> None:
    """A new record file, by the one atomic writer relative to the open folder: a reader sees the
    whole record or none (the name is fresh: there is never an old file to replace)."""
    try:
        atomic_write(where / name, data, mode=mode, dir_fd=fd)
    except ReportFileError as exc:
        raise RecordError(exc.path, exc.reason.replace("保存", "记录")) from exc.__cause__


def _record_name(kind: str) -> str:
    return f"{datetime.now().strftime(_STAMP)}-{kind}-{secrets.token_hex(4)}.json"


def _payload(kind: str, fields: dict[str, object]) -> bytes:
    record: dict[str, object] = {
        "kind": kind,
        "at": datetime.now().astimezone().isoformat(timespec="microseconds"),
    }
    record.update({k: v for k, v in fields.items() if v not in ("", None, False)})
    return json.dumps(record, ensure_ascii=False, indent=1).encode("utf-8")


REVIEWERS_ONLY = "没有写入权限（审核记录只有审核人员能写）"
OPERATORS_ONLY = "没有写入权限（报送和答复只有本单位的填报人员能写）"


@contextlib.contextmanager
def _refused_as(reason: str) -> Iterator[None]:
    """A write the file system refused (no permission) is said as who may write there."""
    try:
        yield
    except RecordError as exc:
        if isinstance(exc.__cause__, PermissionError):
            raise RecordError(exc.path, reason) from exc
        raise
    except ReportFileError as exc:
        if isinstance(exc.__cause__, PermissionError):
            raise RecordError(exc.path, reason) from exc
        raise RecordError(exc.path, exc.reason) from exc


@dataclass(frozen=True, slots=True)
class Written:
    path: Path
    created: list[Path]  # folders made on the way (a new .review: tell the reviewer)


def write_reviewer_record(place: Place, kind: str, **fields: object) -> Written:
    """A comment, return, approval, publication or verification, under ``YEAR/.review``. Raises
    :class:`RecordError` (no permission: not a reviewer of this folder)."""
    assert kind in REVIEWER_KINDS
    with _refused_as(REVIEWERS_ONLY):
        return _write_reviewer_record(place, kind, fields)


def _write_reviewer_record(place: Place, kind: str, fields: dict[str, object]) -> Written:
    created: list[Path] = []
    fd = _review_top(place.year_folder, created)
    where = place.year_folder / REVIEW_DIR
    try:
        for part in place.key:
            inner = _subdir_like_parent(fd, part, where)
            os.close(fd)
            fd, where = inner, where / part
        mode = (stat.S_IMODE(os.fstat(fd).st_mode) & 0o444) | 0o400
        name = _record_name(kind)
        _write_new(fd, name, _payload(kind, fields), mode, where)
        return Written(where / name, created)
    finally:
        os.close(fd)


def write_operator_record(place: Place, kind: str, **fields: object) -> Written:
    """A submission or a reply, in the unit folder's ``.workflow`` (2770, the folder's group)."""
    assert kind in OPERATOR_KINDS
    with _refused_as(OPERATORS_ONLY):
        return _write_operator_record(place, kind, fields)


def _write_operator_record(place: Place, kind: str, fields: dict[str, object]) -> Written:
    unit_folder = place.report.parent if str(place.report.parent) else Path(".")
    try:
        top = open_dir(unit_folder)
        try:
            mid = shared_subdir(top, WORKFLOW_DIR, unit_folder)
        finally:
            os.close(top)
        try:
            fd = shared_subdir(mid, place.report.name, unit_folder / WORKFLOW_DIR)
        finally:
            os.close(mid)
    except RecordError:
        raise
    except ReportFileError as exc:
        raise RecordError(exc.path, exc.reason) from exc
    try:
        name = _record_name(kind)
        _write_new(fd, name, _payload(kind, fields), 0o440, place.operator_dir)
        return Written(place.operator_dir / name, [])
    finally:
        os.close(fd)


# ---------------------------------------------------------------------- notices


@dataclass(frozen=True, slots=True)
class Notice:
    id: str
    text: str
    author: str
    at: datetime
    until: date | None
    folder: Path

    def active(self, today: date) -> bool:
        return self.until is None or today <= self.until


def _notice(name: str, data: bytes, info: os.stat_result, folder: Path) -> Notice | None:
    try:
        raw = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, ValueError, RecursionError):
        return None
    if not isinstance(raw, dict) or raw.get("kind") != "notice" or not _text(raw.get("text")):
        return None
    until: date | None = None
    if isinstance(raw.get("until"), str):
        try:
            until = date.fromisoformat(raw["until"])
        except ValueError:
            return None
    ctime = datetime.fromtimestamp(info.st_ctime).astimezone()
    claimed = procinfo.parse_iso(raw["at"]) if isinstance(raw.get("at"), str) else None
    at = min(claimed, ctime) if claimed is not None else ctime
    return Notice(name, _text(raw.get("text")), procinfo.user_name(info.st_uid), at, until, folder)


def read_notices(year_folder: Path) -> list[Notice]:
    """The notices of a year folder, oldest first (expired ones included: see :meth:`Notice.active`)."""
    fd = _open_path(year_folder, (REVIEW_DIR, NOTICES_DIR))
    if fd is None:
        return []
    notices: list[Notice] = []
    try:
        names = sorted(n for n in os.listdir(fd) if n.endswith(".json") and not n.startswith("."))
        for name in names[:MAX_RECORDS]:
            try:
                data, info = read_regular(name, MAX_RECORD_BYTES, dir_fd=fd)
            except ReportFileError:
                continue
            notice = _notice(name, data, info, year_folder) if info.st_nlink == 1 else None
            if notice is not None:
                notices.append(notice)
    except OSError:
        return notices
    finally:
        os.close(fd)
    return sorted(notices, key=lambda n: (n.at, n.id))


def write_notice(year_folder: Path, text: str, until: date | None) -> Written:
    with _refused_as(REVIEWERS_ONLY):
        return _write_notice(year_folder, text, until)


def _write_notice(year_folder: Path, text: str, until: date | None) -> Written:
    created: list[Path] = []
    fd = _review_top(year_folder, created)
    where = year_folder / REVIEW_DIR
    try:
        inner = _subdir_like_parent(fd, NOTICES_DIR, where)
        os.close(fd)
        fd, where = inner, where / NOTICES_DIR
        mode = (stat.S_IMODE(os.fstat(fd).st_mode) & 0o444) | 0o400
        name = _record_name("notice")
        fields: dict[str, object] = {"text": text, "until": until.isoformat() if until else None}
        _write_new(fd, name, _payload("notice", fields), mode, where)
        return Written(where / name, created)
    finally:
        os.close(fd)


def clear_notices(year_folder: Path) -> int:
    """Remove every notice of the folder; the number removed. Raises :class:`RecordError`."""
    fd = _open_path(year_folder, (REVIEW_DIR, NOTICES_DIR))
    if fd is None:
        return 0
    removed = 0
    try:
        for name in os.listdir(fd):
            if name.endswith(".json"):
                try:
                    os.unlink(name, dir_fd=fd)
                except OSError as exc:
                    where = year_folder / REVIEW_DIR / NOTICES_DIR / name
                    why = REVIEWERS_ONLY if isinstance(exc, PermissionError) else os_error_text(exc)
                    raise RecordError(where, f"无法删除通知：{why}") from exc
                removed += 1
    finally:
        os.close(fd)
    return removed


# ---------------------------------------------------------------------- batch export's records


def has_review_dir(year_folder: Path) -> bool:
    """Whether the year folder has its reviewers' ``.review`` (a real folder, not a link)."""
    with contextlib.suppress(OSError):
        return stat.S_ISDIR(os.lstat(year_folder / REVIEW_DIR).st_mode)
    return False


def write_export_record(place: Place, data: bytes) -> Path:
    """What batch export wrote for a report, under ``YEAR/.review/.exports/<unit folder>/`` (where
    reviewers write: in the strict layout they cannot write unit folders). Only into an existing
    ``.review`` (a flat folder without one keeps its own ``.exports``); replaces the report's
    earlier record. Raises :class:`RecordError` (no ``.review``, no permission, a link)."""
    with _refused_as(REVIEWERS_ONLY):
        top = open_dir(place.year_folder)
        try:
            fd = open_dir(REVIEW_DIR, dir_fd=top)
        finally:
            os.close(top)
        where = place.year_folder / REVIEW_DIR
        try:
            for part in (EXPORTS_DIR, *place.key[:-1]):
                inner = _subdir_like_parent(fd, part, where)
                os.close(fd)
                fd, where = inner, where / part
            mode = (stat.S_IMODE(os.fstat(fd).st_mode) & 0o444) | 0o600
            target = where / f"{place.key[-1]}.json"
            atomic_write(target, data, mode=mode, dir_fd=fd)
            return target
        finally:
            os.close(fd)


def _read_exports_in(fd: int, prefix: tuple[str, ...], found: dict[tuple[str, ...], bytes]) -> None:
    try:
        names = sorted(os.listdir(fd))
    except OSError:
        return
    for name in names:
        if len(found) >= MAX_EXPORT_RECORDS or name.startswith("."):
            continue
        if name.endswith(".toml.json"):
            with contextlib.suppress(ReportFileError):
                data, info = read_regular(name, MAX_RECORD_BYTES, dir_fd=fd)
                if info.st_nlink == 1:  # a hard link to someone else's file is not a record
                    key = (*prefix, name.removesuffix(".json"))
                    found[key] = data
        elif not prefix:
            try:
                inner = open_dir(name, dir_fd=fd)
            except ReportFileError:
                continue  # a file, a link: not a unit's folder of records
            try:
                _read_exports_in(inner, (name,), found)
            finally:
                os.close(inner)


def export_records(year_folder: Path) -> dict[tuple[str, ...], bytes]:
    """Every batch export record of the year folder, by its report's :attr:`Place.key`: read once
    for the whole desk, bounded, no link followed (``.review``, ``.exports`` and each unit's folder
    opened without following one), files with more than one link left out."""
    fd = _open_path(year_folder, (REVIEW_DIR, EXPORTS_DIR))
    if fd is None:
        return {}
    found: dict[tuple[str, ...], bytes] = {}
    try:
        _read_exports_in(fd, (), found)
    finally:
        os.close(fd)
    return found


# ---------------------------------------------------------------------- who saved first


def first_saved(report_path: Path) -> datetime | None:
    """When the report was first saved, as the kernel recorded it: the oldest ``ctime`` among its
    kept versions (``.versions/<name>/``, the first written at its first save), else the report
    file's own ``ctime``. A ctime cannot be set back by anyone, so a copier cannot pass for the
    original by touching files or planting an old-looking version."""
    folder = report_path.parent if str(report_path.parent) else Path(".")
    times: list[float] = []
    fd = _open_path(folder, (VERSIONS_DIR, report_path.name))
    if fd is not None:
        try:
            for name in os.listdir(fd)[:MAX_RECORDS]:
                with contextlib.suppress(OSError):
                    info = os.stat(name, dir_fd=fd, follow_symlinks=False)
                    if stat.S_ISREG(info.st_mode) and not name.startswith("."):
                        times.append(info.st_ctime)
        except OSError:
            pass
        finally:
            os.close(fd)
    if not times:
        with contextlib.suppress(OSError):
            info = os.stat(report_path, follow_symlinks=False)
            times.append(info.st_ctime)
    return datetime.fromtimestamp(min(times)).astimezone() if times else None


# ---------------------------------------------------------------------- protection


def unprotected_reasons(year_folder: Path) -> list[str]:
    """Why operators could write or replace ``YEAR/.review`` (empty: the file system protects it,
    as far as mode bits tell; ``doctor`` also reads the ACLs). Missing ``.review``: empty."""
    review = year_folder / REVIEW_DIR
    try:
        info = os.lstat(review)
    except FileNotFoundError:
        return []
    except OSError as exc:
        return [f"{review} 无法读取（{os_error_text(exc)}）"]
    reasons: list[str] = []
    if not stat.S_ISDIR(info.st_mode):
        return [f"{review} 不是文件夹，审核记录无法保存"]
    if info.st_mode & 0o002:
        reasons.append(f"{review} 所有人可写")
    try:
        parent = os.stat(year_folder)
    except OSError:
        return reasons
    if parent.st_mode & 0o022 and not parent.st_mode & stat.S_ISVTX:
        reasons.append(
            f"{year_folder} 组内或所有人可写：能写这个文件夹的人可以把 {REVIEW_DIR} 换成自己的（应使用每单位一个文件夹的布局，见 docs/admin.md）"
        )
    elif parent.st_uid != 0 and parent.st_uid != os.geteuid():
        reasons.append(
            f"{year_folder} 不属于 root（属于 {procinfo.user_name(parent.st_uid)}），其所有者可以替换 {REVIEW_DIR}"
        )
    return reasons


__all__ = [
    "NOTICES_DIR",
    "REVIEW_DIR",
    "ROSTER_NAME",
    "WORKFLOW_DIR",
    "Notice",
    "Place",
    "RecordError",
    "UnsafeFileError",
    "Written",
    "clear_notices",
    "first_saved",
    "place_of",
    "read_notices",
    "read_records",
    "records_signature",
    "unprotected_reasons",
    "write_notice",
    "write_operator_record",
    "write_reviewer_record",
    "year_folder_of",
]
