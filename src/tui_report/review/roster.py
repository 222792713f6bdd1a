"""The roster: the units a county office expects a report from, as a small TOML file::

    [layout]                         # optional: for tui-report setup (docs/admin.md §5)
    reviewers = "nb-shenhe"          # the county office's group: reads every unit, writes .review/
    reviewer_users = ["wangwu"]      # optional: put into that group

    deadline = 2026-01-15            # optional: the folder's deadline for submitting (报送)

    [[units]]
    name = "某某乡人民政府"
    level = "乡镇"                    # or township; the same words as tui-report new --level
    contact = "张三 0000-1234567"     # optional
    folder = "某某乡"                 # optional: the unit's folder in the year folder (default: name)
    group = "nb-mouxiang"            # optional: the unit's own group (default: nb- and 8 hex digits)
    operators = ["zhangsan", "lisi"]  # optional: put into the unit's group
    deadline = 2026-01-20            # optional: this unit's own deadline

``tui-report roster DIR`` writes ``DIR/roster.toml`` from the reports found; the office edits it.
A roster is never read as a report: it has ``[[units]]`` and no ``[report]``.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import tomli_w

from tui_report.host.toml import tomllib
from tui_report.model.levels import LEVEL_WORDS, level_choices, level_id
from tui_report.review.discovery import ROSTER_NAME
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.storage.atomic import atomic_write
from tui_report.storage.tomlerrors import explain_toml_error

__all__ = [
    "ROSTER_NAME",
    "RosterError",
    "RosterLayout",
    "RosterUnit",
    "load_layout",
    "load_roster",
    "roster_entry",
    "unit_key",
    "write_roster",
]

# A phone number as units write them: 0371-12345678, (0371)1234567, 138 0000 0000, full-width digits.
_PHONE = re.compile(r"[(（+＋]?[0-9０-９][0-9０-９()（）\-－ ]{5,}[0-9０-９]")
_PHONE_WORDS = re.compile(r"(联系)?(电话|手机|座机|tel|Tel|TEL)[:：]?")
# Portable user and group names (what groupadd/useradd accept everywhere).
_ACCOUNT = re.compile(r"^[a-z_][a-z0-9_-]{0,31}$")
_UNIT_KEYS = ("name", "level", "contact", "folder", "group", "operators", "deadline")


class RosterError(Exception):
    """A roster that cannot be used; ``str()`` is the Chinese reason with the file name."""


@dataclass(frozen=True, slots=True)
class RosterUnit:
    name: str
    level: str = ""
    contact: str = ""
    folder: str = ""  # as written in the roster ("" = the default, :attr:`folder_name`)
    group: str = ""  # as written ("" = the default, :attr:`group_name`)
    operators: tuple[str, ...] = ()
    deadline: date | None = None  # the unit's own, else the folder's (roster.toml ``deadline``)

    @property
    def contact_name(self) -> str:
        """The contact without the phone number: ``张三`` of ``张三 0000-1234567``."""
        phone = self.contact_phone
        name = self.contact.replace(phone, " ") if phone else self.contact
        return " ".join(_PHONE_WORDS.sub(" ", name).split()).strip(" ，,;；:：")

    @property
    def contact_phone(self) -> str:
        """The first phone number in the contact (``0000-1234567``, ``13800000000``), or ""."""
        match = _PHONE.search(self.contact)
        return match.group(0).strip() if match else ""

    @property
    def folder_name(self) -> str:
        """The unit's folder in the year folder: as the roster says, else the unit's name."""
        return self.folder or self.name

    @property
    def group_name(self) -> str:
        """The unit's own group: as the roster says, else ``nb-`` and 8 hex digits of its name
        (group names must be plain ASCII; the same name always gives the same group)."""
        return self.group or "nb-" + hashlib.sha256(unit_key(self.name).encode("utf-8")).hexdigest()[:8]


@dataclass(frozen=True, slots=True)
class RosterLayout:
    """What ``tui-report setup`` builds from a roster: the reviewers' group and the units."""

    reviewers: str
    units: list[RosterUnit]
    reviewer_users: tuple[str, ...] = field(default=())


def unit_key(name: str) -> str:
    """Names compare after width folding and without spaces (全角/半角, a stray space)."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def is_roster_data(data: object) -> bool:
    return isinstance(data, dict) and "units" in data and "report" not in data


def is_roster_file(path: Path) -> bool:
    """Whether a file is a roster (by name, or by content for a renamed one); never raises."""
    if path.name == ROSTER_NAME:
        return True
    try:
        raw = read_plain_file(path, 1024 * 1024)
    except UnsafeFile:
        return False
    if b"units" not in raw:
        return False
    try:
        return is_roster_data(tomllib.loads(raw.decode("utf-8")))
    except (UnicodeDecodeError, tomllib.TOMLDecodeError):
        return False


def _deadline(value: Any, where: str) -> date | None:
    """A deadline: a TOML date (``2026-01-15``) or the same as text."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise RosterError(f"{where} 的 deadline 应为日期，如 2026-01-15")


def _unit(item: Any, index: int, path: Path, deadline: date | None = None) -> RosterUnit:
    where = f"{path} 第{index + 1}个单位"
    if not isinstance(item, dict):
        raise RosterError(f"{where} 应为表（[[units]]）")
    unknown = sorted(set(item) - set(_UNIT_KEYS))
    if unknown:
        raise RosterError(f"{where} 有未知的键 {'、'.join(unknown)}（可用：{'、'.join(_UNIT_KEYS)}）")
    name = item.get("name")
    if not isinstance(name, str) or not name.strip():
        raise RosterError(f"{where} 缺少 name（单位名称）")
    level = item.get("level", "")
    if not isinstance(level, str):
        raise RosterError(f"{where} 的 level 应为文字")
    if level.strip():
        known = level_id(level)
        if known is None:
            raise RosterError(f"{where} 的 level“{level.strip()}”无效，可选：{level_choices()}")
        level = known
    else:
        level = ""
    contact = item.get("contact", "")
    if not isinstance(contact, str):
        raise RosterError(f"{where} 的 contact 应为文字")
    folder = _folder_name(item.get("folder", ""), where)
    group = _account(item.get("group", ""), f"{where} 的 group")
    operators = tuple(_account(u, f"{where} 的 operators") for u in _strings(item, "operators", where))
    own = _deadline(item.get("deadline"), where)
    return RosterUnit(name.strip(), level, contact.strip(), folder, group, operators, own or deadline)


def _strings(item: dict[str, Any], key: str, where: str) -> list[str]:
    value = item.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise RosterError(f'{where} 的 {key} 应为文字列表，如 ["zhangsan", "lisi"]')
    return value


def _account(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise RosterError(f"{where} 应为文字")
    if value and not _ACCOUNT.match(value):
        raise RosterError(
            f"{where}“{value}”不是可用的用户名或组名（小写字母、数字、_ 和 -，以字母开头，至多 32 个）"
        )
    return value


def _folder_name(value: object, where: str) -> str:
    if not isinstance(value, str):
        raise RosterError(f"{where} 的 folder 应为文字")
    value = value.strip()
    if value and ("/" in value or value.startswith(".") or len(value) > 100 or not value.isprintable()):
        raise RosterError(f"{where} 的 folder“{value}”不能用作文件夹名（不能含 /、不能以 . 开头）")
    return value


def load_roster(path: Path) -> list[RosterUnit]:
    try:
        raw = read_plain_file(path, 1024 * 1024)
        text = raw.decode("utf-8")
        data = tomllib.loads(text)
    except UnsafeFile as exc:
        raise RosterError(f"名册 {path} {exc}") from exc
    except UnicodeDecodeError as exc:
        raise RosterError(f"名册 {path} 不是 UTF-8 编码") from exc
    except tomllib.TOMLDecodeError as exc:
        problem = explain_toml_error(text, exc)
        where = f" 第{problem.line}行第{problem.column}列" if problem.line and problem.column else ""
        raise RosterError(f"名册 {path}{where}：TOML 格式错误：{problem.reason}") from exc
    if not is_roster_data(data):
        raise RosterError(f"{path} 不是单位名册（应有 [[units]]，每个单位一节）")
    items = data["units"]
    if not isinstance(items, list):
        raise RosterError(f"名册 {path} 的 units 应写成 [[units]]")
    deadline = _deadline(data.get("deadline"), f"名册 {path}")
    units = [_unit(item, i, path, deadline) for i, item in enumerate(items)]
    seen: set[str] = set()
    for unit in units:
        key = unit_key(unit.name)
        if key in seen:
            raise RosterError(f"名册 {path} 中“{unit.name}”出现了两次")
        seen.add(key)
    return units


def roster_entry(report_path: Path, unit: str) -> RosterUnit | None:
    """The roster's unit of a report: ``roster.toml`` beside the report, else in the folder above
    it (the year folder of unit folders); the unit matched by name, else (in the year folder's
    roster) by the unit folder the report is in. None without a roster that names it; a roster
    that cannot be read is passed over (this is only to say whom to call)."""
    folder = report_path.parent
    for roster_path, by_folder in ((folder / ROSTER_NAME, False), (folder.parent / ROSTER_NAME, True)):
        try:
            units = load_roster(roster_path)
        except RosterError:
            continue
        key = unit_key(unit) if unit.strip() else None
        found = next((u for u in units if key is not None and unit_key(u.name) == key), None)
        if found is None and by_folder:
            found = next((u for u in units if u.folder_name == folder.name), None)
        if found is not None:
            return found
    return None


def load_layout(path: Path) -> RosterLayout:
    """The roster with its ``[layout]``, for ``tui-report setup``: the reviewers' group is required,
    and no two units may share a folder or a group."""
    units = load_roster(path)
    data = tomllib.loads(read_plain_file(path, 1024 * 1024).decode("utf-8"))
    section = data.get("layout")
    if not isinstance(section, dict) or not section.get("reviewers"):
        raise RosterError(
            f'名册 {path} 缺少 [layout] 中的 reviewers（县政务公开办的组名，如 reviewers = "nb-shenhe"）'
        )
    unknown = sorted(set(section) - {"reviewers", "reviewer_users"})
    if unknown:
        raise RosterError(
            f"名册 {path} 的 [layout] 有未知的键 {'、'.join(unknown)}（可用：reviewers、reviewer_users）"
        )
    reviewers = _account(section["reviewers"], f"名册 {path} 的 reviewers")
    users = tuple(
        _account(u, f"名册 {path} 的 reviewer_users") for u in _strings(section, "reviewer_users", "[layout]")
    )
    for unit in units:
        _folder_name(unit.folder_name, f"名册 {path} 中“{unit.name}”")
    for attribute, label in (("folder_name", "文件夹"), ("group_name", "组")):
        taken: dict[str, str] = {}
        for unit in units:
            value = getattr(unit, attribute)
            if value in taken or (attribute == "group_name" and value == reviewers):
                other = taken.get(value, "审核组")
                raise RosterError(
                    f"名册 {path} 中“{unit.name}”与“{other}”用了同一个{label}“{value}”：每个单位要有自己的{label}"
                )
            taken[value] = unit.name
    return RosterLayout(reviewers, units, users)


def in_reviewers_group(path: Path) -> bool:
    """Whether this user belongs to the reviewers' group the roster's ``[layout]`` names (False
    when the roster cannot be read: in the strict layout only reviewers read it)."""
    import grp
    import os

    try:
        reviewers = load_layout(path).reviewers
        gid = grp.getgrnam(reviewers).gr_gid
    except (RosterError, KeyError, OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, UnsafeFile):
        return False
    return gid == os.getegid() or gid in os.getgroups()


HEADER = (
    "# 单位名册：tui-report review 按此核对各单位是否已提交报告。\n"
    "# 可增删单位；level 为 省级、市级、县级、乡镇、部门（也可写 province、city、county、township、department）；\n"
    "# contact（联系人、电话）可不填；deadline（报送截止日期，如 2026-01-15）可写在第一个单位之前\n"
    "# （全部单位），也可写在某个单位中（只对该单位）。\n\n"
)


def dumps_roster(units: list[RosterUnit]) -> str:
    parts = [HEADER]
    for unit in units:
        item: dict[str, Any] = {"name": unit.name}
        if unit.level:
            item["level"] = LEVEL_WORDS.get(unit.level, unit.level)  # 乡镇, as the office writes it
        item["contact"] = unit.contact
        for key, value in (
            ("folder", unit.folder),
            ("group", unit.group),
            ("operators", list(unit.operators)),
        ):
            if value:
                item[key] = value
        parts.append("[[units]]\n" + tomli_w.dumps(item) + "\n")
    return "".join(parts)


def write_roster(path: Path, units: list[RosterUnit]) -> None:
    atomic_write(path, dumps_roster(units).encode("utf-8"))
