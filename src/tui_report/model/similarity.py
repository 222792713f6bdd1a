"""Copied text (R15): each text part compared with last year's report of the same unit and with the
other reports in the same folder.

The rule, its threshold and its messages are data (``schemas/checks/copied-text.toml``). Texts are
compared after normalisation, by rapidfuzz's Indel ratio, which is computed in C and bounded by the
lengths first, so that a folder of 100 reports × 8 parts takes well under a second.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from rapidfuzz import fuzz, process

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib
from tui_report.model.report import Report
from tui_report.model.rules import Finding, Location
from tui_report.model.template import Severity, Template, TemplateError, get_template, schemas_dir

RULE_FILE = ("checks", "copied-text.toml")
_DROP_CATEGORIES = ("P", "Z", "S", "C")  # punctuation, spaces, symbols, control characters


class CopiedTextRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity = "warning"
    threshold: int = Field(ge=1, le=100)
    min_chars: int = Field(ge=0)
    message_last_year: str
    message_other: str
    message_more: str


@lru_cache(maxsize=1)
def copied_text_rule() -> CopiedTextRule:
    path = schemas_dir().joinpath(*RULE_FILE)
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return CopiedTextRule.model_validate(data)
    except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError, ValidationError) as exc:
        raise TemplateError(
            f"规则文件 {path} 无法使用：{os_error_text(exc) if isinstance(exc, OSError) else exc}"
        ) from exc


@lru_cache(maxsize=4096)
def normalise_text(text: str) -> str:
    """The words of a text: full-width folded, spaces, punctuation and symbols removed."""
    folded = unicodedata.normalize("NFKC", text)
    return "".join(ch for ch in folded if not unicodedata.category(ch).startswith(_DROP_CATEGORIES))


def similarity(a: str, b: str, cutoff: float = 0) -> float:
    """Percent similarity of two normalised texts (0 when below ``cutoff``)."""
    return float(fuzz.ratio(a, b, score_cutoff=cutoff))


_NUMERALS = "一二三四五六七八九十"


@lru_cache(maxsize=256)
def _part_name(template_id: str, key: str) -> str:
    return part_name(get_template(template_id), key)


def part_name(template: Template, key: str) -> str:
    """``第五部分`` for a part that is its section's only text, else ``第一部分（二）依申请公开情况``."""
    section_key = key.split(".")[0]
    for index, section in enumerate(template.sections):
        if section.key != section_key:
            continue
        number = section.heading.split("、")[0] if "、" in section.heading else _NUMERALS[index]
        name = f"第{number}部分"
        if len(section.texts) > 1:
            name += template.text_part(key).title
        return name
    return key


@dataclass(frozen=True, slots=True)
class _Texts:
    """One report's comparable texts, normalised once."""

    title: str
    texts: dict[str, str]


def _comparable(report: Report, min_chars: int) -> _Texts:
    texts = {}
    for key, text in report.texts.items():
        normal = normalise_text(text)
        if len(normal) >= min_chars:
            texts[key] = normal
    return _Texts(f"{report.unit}{report.year}年报告", texts)


def _finding(report: Report, key: str, score: float, theirs: str | None, more: int = 0) -> Finding:
    """One warning for a part: last year's (``theirs`` None) or the most similar other report,
    with how many more reports are as similar."""
    rule = copied_text_rule()
    values = {"part": _part_name(report.template, key), "percent": int(score), "other": theirs or ""}
    message = (rule.message_last_year if theirs is None else rule.message_other).format(**values)
    if more:
        message += rule.message_more.format(count=more, threshold=rule.threshold)
    return Finding(rule.id, rule.severity, message, (Location(text=key),))


def _best_others(report: Report, key: str, matches: list[tuple[float, str]]) -> Finding:
    score, title = max(matches)
    return _finding(report, key, score, title, len(matches) - 1)


def _encode(texts: list[str]) -> list[bytes]:
    """Texts as bytes: the 255 most frequent characters each their own byte, all others one byte.
    Merging characters can only make texts more alike, so a ratio of the bytes is an upper bound of
    the true ratio, and computing it is several times faster than over the characters."""
    counts: dict[str, int] = {}
    for text in texts:
        for ch in text:
            counts[ch] = counts.get(ch, 0) + 1
    ranked = sorted(counts, key=counts.__getitem__, reverse=True)
    code = {ch: i for i, ch in enumerate(ranked[:255])}
    return [bytes(code.get(ch, 255) for ch in text) for text in texts]


def similar_pairs(texts: list[str], threshold: float) -> list[tuple[int, int, float]]:
    """Index pairs (i < j) of texts at least ``threshold`` % similar, with their similarity."""
    encoded = _encode(texts)
    pairs: list[tuple[int, int, float]] = []
    for i, query in enumerate(encoded):
        candidates = process.extract(
            query, encoded[i + 1 :], scorer=fuzz.ratio, score_cutoff=threshold, limit=None
        )
        for _, _, offset in candidates:
            j = i + 1 + int(offset)
            score = similarity(texts[i], texts[j], threshold)
            if score >= threshold:
                pairs.append((i, j, score))
    return pairs


def folder_copied_text(reports: Sequence[Report], max_same_year: int = 300) -> list[list[Finding]]:
    """R15 for every report of a folder: each compared with last year's report of the same unit and
    with the other units' reports of the same year. Findings per report, in the given order.

    Comparing units is quadratic: a year with more than ``max_same_year`` reports (a stress test,
    not a county) is compared with last year only."""
    rule = copied_text_rule()
    comparable = [_comparable(r, rule.min_chars) for r in reports]
    out: list[list[Finding]] = [[] for _ in reports]
    index_of = {(r.unit.strip(), r.year): i for i, r in enumerate(reports) if r.unit.strip()}
    for key in sorted({key for c in comparable for key in c.texts}):
        holders = [i for i, c in enumerate(comparable) if key in c.texts]
        for i in holders:
            j = index_of.get((reports[i].unit.strip(), reports[i].year - 1))
            theirs = comparable[j].texts.get(key) if j is not None else None
            if theirs is not None:
                score = similarity(comparable[i].texts[key], theirs, rule.threshold)
                if score >= rule.threshold:
                    out[i].append(_finding(reports[i], key, score, None))
        by_year: dict[int, list[int]] = {}
        for i in holders:
            by_year.setdefault(reports[i].year, []).append(i)
        for group in by_year.values():
            if len(group) > max_same_year:
                continue
            alike: dict[int, list[tuple[float, str]]] = {}
            for a, b, score in similar_pairs([comparable[i].texts[key] for i in group], rule.threshold):
                first, second = group[a], group[b]
                if reports[first].unit.strip() == reports[second].unit.strip():
                    continue
                alike.setdefault(first, []).append((score, comparable[second].title))
                alike.setdefault(second, []).append((score, comparable[first].title))
            for i, matches in alike.items():
                out[i].append(_best_others(reports[i], key, matches))
    return out
