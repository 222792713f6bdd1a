"""The copied-text rule (R15) as data, and how a finding names a text part — without the
comparison itself (``model/similarity.py``, which loads rapidfuzz): the editor, the desk's columns
and ``check``'s locations need only these, some of them before the first paint."""

from __future__ import annotations

from functools import lru_cache

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from tui_report.host.oserror import os_error_text
from tui_report.host.toml import tomllib
from tui_report.model.template import Severity, Template, TemplateError, schemas_dir

RULE_FILE = ("checks", "copied-text.toml")


class CopiedTextRule(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str
    severity: Severity = "warning"
    threshold: int = Field(ge=1, le=100)
    min_chars: int = Field(ge=0)
    message_last_year: str
    message_other: str
    message_more: str
    # How message_other names a report known to have been saved first ({unit}, {month}, {day}).
    original: str = "{unit} {month}月{day}日 保存的报告"
    # Characters of a normalised part compared: longer parts by their first and last half of this.
    compared_chars: int = Field(default=8000, ge=100, le=100_000)


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


_NUMERALS = "一二三四五六七八九十"


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
