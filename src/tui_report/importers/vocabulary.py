"""The import's vocabulary, ``schemas/mappings/import.toml``: title and signature patterns, page
furniture, the words of the six parts and of the five parts of 一, and the unit→level dictionary.

Code knows no heading or label: everything a report prints is matched against this file. Patterns
are checked when loaded: every repeat bounded (:func:`tui_report.model.template.unbounded_repeat`),
so that a line of 200,000 characters costs what its length does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib
from tui_report.model.levels import UnitLevel, level_id
from tui_report.model.template import TemplateError, schemas_dir, unbounded_repeat

RULES_FILE = ("mappings", "import.toml")


@dataclass(frozen=True, slots=True)
class LevelEntry:
    level: UnitLevel
    pattern: re.Pattern[str]
    certain: bool


@dataclass(frozen=True, slots=True)
class PartWords:
    """A top-level part (a section of the format) and the words its heading may carry."""

    section: str
    words: tuple[str, ...]
    tables: bool


@dataclass(frozen=True, slots=True)
class TopicWords:
    """A part of 一、总体情况 (``overview.platform``) and the words that say a passage is about it."""

    part: str
    words: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Vocabulary:
    title: re.Pattern[str]
    title_search_lines: int
    title_max_lines: int
    signature_date: re.Pattern[str]
    signature_lines: int
    preamble_unit: re.Pattern[str]
    office: re.Pattern[str]
    page_numbers: tuple[re.Pattern[str], ...]
    page_number_at_edge: re.Pattern[str]
    repeated_min_pages: int
    parts: tuple[PartWords, ...]
    topics: tuple[TopicWords, ...]
    text_min_hits: int
    text_lead: float
    levels: tuple[LevelEntry, ...]

    def is_page_number(self, line: str, at_edge: bool = False) -> bool:
        squeezed = "".join(line.split())
        if at_edge and self.page_number_at_edge.match(squeezed):
            return True
        return any(p.match(squeezed) for p in self.page_numbers)


def _pattern(value: object, where: str) -> re.Pattern[str]:
    if not isinstance(value, str):
        raise TypeError(f"{where} 应为字符串")
    loose = unbounded_repeat(value)
    if loose is not None:
        raise ValueError(f"{where} 的重复“{loose}”没有上限（最多40），会在长文字上变慢")
    return re.compile(value)


def _words(value: object, where: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(w, str) and w for w in value):
        raise TypeError(f"{where} 应为非空字符串的列表")
    return tuple(value)


def _levels(data: dict[str, Any]) -> tuple[LevelEntry, ...]:
    out = []
    for i, item in enumerate(data["levels"]):
        level = level_id(str(item["level"]))
        if level is None:
            raise ValueError(f"levels[{i}].level 的值“{item['level']}”无效")
        pattern = _pattern(item["pattern"], f"levels[{i}].pattern")
        out.append(LevelEntry(level, pattern, bool(item.get("certain", True))))
    return tuple(out)


def _parse(data: dict[str, Any]) -> Vocabulary:
    title, signature, preamble = data["title"], data["signature"], data["preamble"]
    furniture, topics = data["furniture"], data["topics"]
    return Vocabulary(
        title=_pattern(title["pattern"], "title.pattern"),
        title_search_lines=int(title["search_lines"]),
        title_max_lines=int(title["max_lines"]),
        signature_date=_pattern(signature["date"], "signature.date"),
        signature_lines=int(signature["last_lines"]),
        preamble_unit=_pattern(preamble["unit"], "preamble.unit"),
        office=_pattern(preamble["office"], "preamble.office"),
        page_numbers=tuple(
            _pattern(p, f"furniture.page_numbers[{i}]") for i, p in enumerate(furniture["page_numbers"])
        ),
        page_number_at_edge=_pattern(furniture["page_number_at_edge"], "furniture.page_number_at_edge"),
        repeated_min_pages=int(furniture["repeated_min_pages"]),
        parts=tuple(
            PartWords(
                str(p["section"]), _words(p["words"], f"parts[{i}].words"), bool(p.get("tables", False))
            )
            for i, p in enumerate(data["parts"])
        ),
        topics=tuple(
            TopicWords(str(t["part"]), _words(t["words"], f"topics.parts[{i}].words"))
            for i, t in enumerate(topics["parts"])
        ),
        text_min_hits=int(topics["text_min_hits"]),
        text_lead=float(topics["text_lead"]),
        levels=_levels(data),
    )


@lru_cache(maxsize=1)
def vocabulary() -> Vocabulary:
    path = schemas_dir().joinpath(*RULES_FILE)
    try:
        return _parse(tomllib.loads(path.read_text(encoding="utf-8")))
    except OSError as exc:
        raise TemplateError(f"导入规则文件 {path} 无法使用：{os_error_text(exc)}") from exc
    except (UnicodeDecodeError, tomllib.TOMLDecodeError, KeyError, TypeError, ValueError, re.error) as exc:
        raise TemplateError(f"导入规则文件 {path} 无法使用：{exc}") from exc


def guess_level(unit: str) -> tuple[UnitLevel | None, bool]:
    """The level the dictionary gives the unit's name, and whether the entry is certain; (None,
    False) when no entry matches."""
    name = "".join(unit.split())
    for entry in vocabulary().levels:
        if entry.pattern.search(name):
            return entry.level, entry.certain
    return None, False


def weighted_hits(text: str, words: tuple[str, ...]) -> int:
    """How much of ``words`` a heading carries: each word found counts its length."""
    return sum(len(word) for word in words if word in text)
