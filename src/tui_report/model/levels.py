"""Unit levels: the ids stored in report files, their Chinese labels, and what an operator may type.

Import-light on purpose (no Pydantic): the CLI builds ``--level`` from it before parsing arguments.
"""

from __future__ import annotations

from typing import Literal, cast

UnitLevel = Literal["province", "city", "county", "township", "department"]

# id → the label the app and the printed report show, in the order choices are offered.
LEVEL_LABELS: dict[str, str] = {
    "province": "省级",
    "city": "设区的市级",
    "county": "县级",
    "township": "乡镇级",
    "department": "部门",
}

# id → the short word an operator types (CLI ``--level``, a roster's level column).
LEVEL_WORDS: dict[str, str] = {
    "province": "省级",
    "city": "市级",
    "county": "县级",
    "township": "乡镇",
    "department": "部门",
}

# Other words read as a level.
_ALIASES: dict[str, str] = {
    "省": "province",
    "市": "city",
    "县": "county",
    "乡": "township",
    "镇": "township",
}
_BY_WORD: dict[str, str] = (
    {word: key for key, word in LEVEL_WORDS.items()}
    | {label: key for key, label in LEVEL_LABELS.items()}
    | _ALIASES
    | {key: key for key in LEVEL_LABELS}
)


def level_id(text: str) -> UnitLevel | None:
    """The level id for an English id (``county``) or a Chinese name (县级, 乡镇, 设区的市级);
    None for anything else."""
    key = _BY_WORD.get(text.strip()) or _BY_WORD.get(text.strip().lower())
    return cast(UnitLevel, key) if key is not None else None


def level_choices() -> str:
    """The accepted levels for a Chinese message: ``省级（province）、市级（city）…``."""
    return "、".join(f"{word}（{key}）" for key, word in LEVEL_WORDS.items())
