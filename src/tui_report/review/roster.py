"""The roster: the units a county office expects a report from, as a small TOML file::

    [[units]]
    name = "某某乡人民政府"
    level = "乡镇"               # or township; the same words as tui-report new --level
    contact = "张三 0000-1234567"  # optional

``tui-report roster DIR`` writes ``DIR/roster.toml`` from the reports found; the office edits it.
A roster is never read as a report: it has ``[[units]]`` and no ``[report]``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import tomli_w

from tui_report.host.toml import tomllib
from tui_report.model.levels import LEVEL_WORDS, level_choices, level_id
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.storage.atomic import atomic_write
from tui_report.storage.tomlerrors import explain_toml_error

ROSTER_NAME = "roster.toml"


class RosterError(Exception):
    """A roster that cannot be used; ``str()`` is the Chinese reason with the file name."""


@dataclass(frozen=True, slots=True)
class RosterUnit:
    name: str
    level: str = ""
    contact: str = ""


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


def _unit(item: Any, index: int, path: Path) -> RosterUnit:
    where = f"{path} 第{index + 1}个单位"
    if not isinstance(item, dict):
        raise RosterError(f"{where} 应为表（[[units]]）")
    unknown = sorted(set(item) - {"name", "level", "contact"})
    if unknown:
        raise RosterError(f"{where} 有未知的键 {'、'.join(unknown)}（可用：name、level、contact）")
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
    return RosterUnit(name.strip(), level, contact.strip())


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
    units = [_unit(item, i, path) for i, item in enumerate(items)]
    seen: set[str] = set()
    for unit in units:
        key = unit_key(unit.name)
        if key in seen:
            raise RosterError(f"名册 {path} 中“{unit.name}”出现了两次")
        seen.add(key)
    return units


HEADER = (
    "# 单位名册：tui-report review 按此核对各单位是否已提交报告。\n"
    "# 可增删单位；level 为 省级、市级、县级、乡镇、部门（也可写 province、city、county、township、department）；\n"
    "# contact（联系人、电话）可不填。\n\n"
)


def dumps_roster(units: list[RosterUnit]) -> str:
    parts = [HEADER]
    for unit in units:
        item = {"name": unit.name}
        if unit.level:
            item["level"] = LEVEL_WORDS.get(unit.level, unit.level)  # 乡镇, as the office writes it
        item["contact"] = unit.contact
        parts.append("[[units]]\n" + tomli_w.dumps(item) + "\n")
    return "".join(parts)


def write_roster(path: Path, units: list[RosterUnit]) -> None:
    atomic_write(path, dumps_roster(units).encode("utf-8"))
