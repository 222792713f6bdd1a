"""What is wrong with a hand-edited TOML file, in Chinese, with line and column.

The parser (tomli) says ``Invalid value (at line 2, column 8)``: correct, but English, and often
about a symptom (``Expected newline or end of document after a statement`` for ``d = 2024-13-01``).
An operator who edited a report by hand needs the cause in words they know: the value needs
double quotes, the quotes are Chinese ones, a key is written twice. So the parser's message only
picks the family of the mistake; the line itself decides what to say, and the offending text is
quoted back. Nothing of the English message reaches the operator.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

__all__ = ["TomlProblem", "explain_toml_error"]

_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_QUOTED_KEY = re.compile(r"'((?:[^'\\]|\\.)*)'")
_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})")
_NUMBER = re.compile(r"^[+-]?\d[\d_]*(?:\.\d+)?")
_CHINESE_QUOTES = "“”‘’「」『』"
_FULL_WIDTH = "，＝［］｛｝：；"
_AT_BACKSLASH = ("Unescaped '\\'", "Invalid hex value", "Escaped character")
_SNIPPET = 20  # characters of the file quoted back at most


@dataclass(frozen=True)
class TomlProblem:
    """A parse error explained: the Chinese reason, and where (1-based; None when unknown)."""

    reason: str
    line: int | None
    column: int | None


def explain_toml_error(text: str, exc: ValueError) -> TomlProblem:
    """The Chinese explanation of a ``TOMLDecodeError`` raised while parsing ``text``."""
    message, line, column = _parts(text, exc)
    lines = text.split("\n")
    source = lines[line - 1].rstrip("\r") if line is not None and 0 < line <= len(lines) else ""
    if column is not None and message.startswith(_AT_BACKSLASH):
        # The parser points past the escape; the operator looks for the backslash.
        backslash = source.rfind("\\", 0, column)
        column = backslash + 1 if backslash >= 0 else column
    at = _At(text, lines, source, line or 0, column or 1)
    for prefix, explain in _EXPLAINERS:
        if message.startswith(prefix):
            return TomlProblem(explain(at, message), line, column)
    return TomlProblem(_general(at), line, column)


def _parts(text: str, exc: ValueError) -> tuple[str, int | None, int | None]:
    """The parser's bare message and position: attributes (tomli ≥ 2.1, Python ≥ 3.14), else
    parsed out of ``str(exc)`` (the ``tomllib`` of older Pythons)."""
    full = str(exc)
    message = getattr(exc, "msg", None)
    line = getattr(exc, "lineno", None)
    column = getattr(exc, "colno", None)
    if not isinstance(message, str):
        match = _POSITION.search(full)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
        message = _POSITION.sub("", full).replace("(at end of document)", "").strip()
    if line is None and "end of document" in full:
        line = text.count("\n") + 1
        column = len(text.rsplit("\n", 1)[-1]) + 1
    return message, line, column


@dataclass(frozen=True)
class _At:
    """The place of the error: the whole text, its lines, the error's line and 1-based column."""

    text: str
    lines: list[str]
    source: str
    line: int
    column: int

    @property
    def rest(self) -> str:
        """The error's line from the error's column on."""
        return self.source[self.column - 1 :]

    @property
    def value(self) -> str:
        """What follows the first ``=`` of the line, without a trailing comment."""
        _, equals, after = self.source.partition("=")
        return _strip_comment(after).strip() if equals else ""

    @property
    def key(self) -> str:
        before, equals, _ = self.source.partition("=")
        return before.strip() if equals else ""


def _strip_comment(value: str) -> str:
    if value.lstrip().startswith(('"', "'")):
        return value
    return value.split("#", 1)[0]


def _snippet(text: str) -> str:
    text = text.strip()
    return text if len(text) <= _SNIPPET else text[: _SNIPPET - 1] + "…"


def _token(text: str) -> str:
    """The first word of ``text``: up to a space, comma, bracket or comment."""
    return _snippet(re.split(r"[\s,\]}#]", text.strip(), maxsplit=1)[0])


def _punctuation_hint(source: str) -> str:
    if any(ch in source for ch in _CHINESE_QUOTES):
        return '；引号要用英文双引号 "，不能用中文引号“ ”'
    wide = [ch for ch in _FULL_WIDTH if ch in source]
    if wide:
        return f"；这一行有全角符号“{''.join(wide)}”，请改用英文半角符号"
    return ""


# ---------------------------------------------------------------------- per family of mistake


def _invalid_value(at: _At, _message: str) -> str:
    rest = at.rest.strip()
    if at.line > len(at.lines) or (not rest and at.line == len(at.lines)):
        return "文件在值写完之前就结束了：方括号 [ ] 或花括号 { } 没有闭合"
    if not rest:
        return '“=”后面缺少值（文字要用英文双引号括起来，没有内容就写 ""）'
    if rest[0] in _CHINESE_QUOTES:
        return f'值 {_token(rest)} 用了中文引号：文字要用英文双引号 " 括起来'
    if rest.lower() in ("true", "false") or rest in ("是", "否"):
        return f"值“{_token(rest)}”无效：是/否要写成小写的 true 或 false"
    word = _token(rest)
    return f'值“{word}”无效：文字要用英文双引号括起来（写成 "{word}"），数字不要加引号'


def _after_statement(at: _At, _message: str) -> str:
    """``Expected newline or end of document``: something follows a complete value."""
    value = at.value
    date_problem = _date_problem(value)
    if date_problem:
        return date_problem
    rest = at.rest.strip()
    if rest.startswith((",", "，")):
        return f"值后面多了逗号“{rest[0]}”：一行只写一个“键 = 值”，行末不加逗号"
    if value.startswith(('"', "'")):
        return f"引号后面多了“{_snippet(rest)}”：整段文字都要放在引号里"
    number = _NUMBER.match(value)
    if number and re.match(r"^0\d", number.group().lstrip("+-")):
        return f"“{_token(value)}”以 0 开头，不能当作数字：邮政编码、电话等要用英文双引号括起来"
    if number and rest and not rest[0].isascii():
        return f"数字后面多了“{_snippet(rest)}”：单元格只写数字，不写单位"
    if number and not value[number.end() :][:1].isspace():
        return f"值“{_token(value)}”不是有效的数字：文字（包括电话、日期）要用英文双引号括起来"
    return f"“{_snippet(rest)}”是多出来的：一行只能写一个“键 = 值”，文字要用英文双引号括起来"


def _date_problem(value: str) -> str:
    match = _DATE.match(value)
    if not match:
        return ""
    year, month, day = (int(g) for g in match.groups())
    try:
        date(year, month, day)
    except ValueError:
        pass
    else:
        if len(match.group(2)) == 2 and len(match.group(3)) == 2:
            return ""
        return f"日期“{match.group()}”要写成“年-两位月-两位日”（如 {year}-{month:02d}-{day:02d}），或用英文双引号括起来当作文字"
    detail = f"没有{month}月" if not 1 <= month <= 12 else f"{month}月没有{day}日"
    return f"日期“{match.group()}”无效：{detail}"


def _invalid_date(at: _At, _message: str) -> str:
    return _date_problem(at.value) or f"日期或时间“{_token(at.rest)}”无效"


def _unclosed_quote(_at: _At, message: str) -> str:
    if "'\\n'" not in message and "'\\r'" not in message:
        char = _illegal_char(message)
        return f"有不允许的控制字符{char}：请删除它（看不见的字符常来自复制粘贴）"
    return '引号没有闭合：这一行的文字缺少结尾的英文双引号（多行的文字要用三个双引号 """ 括起来）'


def _illegal_char(message: str) -> str:
    match = _QUOTED_KEY.search(message)
    if not match:
        return ""
    try:
        char = match.group(1).encode("ascii", "backslashreplace").decode("unicode_escape")
    except UnicodeDecodeError:
        return ""
    return f"（U+{ord(char[0]):04X}）" if char else ""


def _unterminated(at: _At, _message: str) -> str:
    start = _opening_line(at.lines, '"""') or _opening_line(at.lines, "'''")
    where = f"从第{start}行开始的" if start else ""
    return f'{where}三引号 """ 没有闭合：多行文字的末尾要再写三个英文双引号'


def _opening_line(lines: list[str], quotes: str) -> int | None:
    """The line of the last unmatched triple quote, if the quotes are unbalanced."""
    opened: int | None = None
    for number, line in enumerate(lines, start=1):
        for _ in range(line.count(quotes)):
            opened = number if opened is None else None
    return opened


def _expected(at: _At, message: str) -> str:
    if "'='" in message:
        return _missing_equals(at)
    if "]]" in message:
        return "表头缺少结尾的“]]”"
    if "']'" in message:
        return "表头缺少结尾的“]”" + _punctuation_hint(at.source)
    if '"\'"' in message or "'''" in message:
        return "单引号没有闭合：文字末尾缺少英文单引号 '（一般用英文双引号）"
    return "这一行缺少应有的符号" + _punctuation_hint(at.source)


def _missing_equals(at: _At) -> str:
    if "＝" in at.source:
        return "等号要用英文“=”，不能用全角“＝”"
    stripped = at.source.strip()
    if stripped.startswith(('"""', "'''")):
        return '三引号 """ 只能出现在“键 = ”后面（多行文字的开头），这里多了一个或少了前面的键'
    head = stripped.split("=", 1)[0].strip()
    if " " in head and "=" in stripped:
        return f"键名“{_snippet(head)}”中间有空格：键名只能用英文字母、数字、下划线和减号"
    return f"“{_token(stripped)}”后面缺少“=”：每行应写成 键 = 值" + _punctuation_hint(at.source)


def _duplicate_key(at: _At, _message: str) -> str:
    stripped = at.source.strip()
    if stripped.startswith("["):
        name = stripped.strip("[] ")
        return f"表头 [{_snippet(name)}] 与前面已写过的键重名：同一个名字只能出现一次"
    key = at.key
    earlier = _earlier_line(at.lines[: at.line - 1], key) if key else None
    where = f"（第{earlier}行已有）" if earlier else ""
    return f"键“{_snippet(key or stripped)}”写了两次{where}：同一个键只能写一次，请删去一处"


def _earlier_line(lines: list[str], key: str) -> int | None:
    pattern = re.compile(r"^\s*" + re.escape(key) + r"\s*=")
    found = [i for i, line in enumerate(lines, start=1) if pattern.match(line)]
    return found[-1] if found else None


def _duplicate_table(at: _At, message: str) -> str:
    parts = _QUOTED_KEY.findall(message)
    name = ".".join(parts) if parts else at.source.strip().strip("[] ")
    earlier = _earlier_header(at.lines[: at.line - 1], name)
    where = f"（第{earlier}行已有）" if earlier else ""
    return f"表头 [{_snippet(name)}] 写了两次{where}：请把两处的内容合并到一个表头下"


def _earlier_header(lines: list[str], name: str) -> int | None:
    pattern = re.compile(r"^\s*\[+\s*" + re.escape(name) + r"\s*\]+")
    found = [i for i, line in enumerate(lines, start=1) if pattern.match(line)]
    return found[0] if found else None


def _duplicate_inline(_at: _At, message: str) -> str:
    parts = _QUOTED_KEY.findall(message)
    key = f"“{parts[0]}”" if parts else ""
    return f"花括号 {{ }} 里的键{key}写了两次"


def _immutable(_at: _At, _message: str) -> str:
    return "这个表已在前面用花括号 { } 或方括号 [ ] 整体写出，不能再往里添加键"


def _bad_key(at: _At, _message: str) -> str:
    return "键名有误：键名只能用英文字母、数字、下划线和减号，点“.”两边都要有名字" + _punctuation_hint(
        at.source
    )


def _invalid_statement(at: _At, _message: str) -> str:
    rest = at.rest
    first = rest[:1]
    if first == "\ufeff":
        return "文件开头有 BOM 标记（记事本“UTF-8 带 BOM”格式），请另存为不带 BOM 的 UTF-8"
    if first == "=":
        return "“=”前面缺少键名"
    if first in _CHINESE_QUOTES:
        return "键名不能用中文引号括起来：键名只能用英文字母、数字、下划线和减号"
    if first and not first.isascii():
        return f"键名“{_token(rest.split('=', 1)[0])}”不能用中文：键名只能用英文字母、数字、下划线和减号"
    return "这一行既不是“键 = 值”，也不是 [表头]" + _punctuation_hint(at.source)


def _unclosed(what: str) -> Callable[[_At, str], str]:
    def explain(at: _At, _message: str) -> str:
        hint = _punctuation_hint(at.source)
        return f"{what} 没有闭合：缺少结尾的符号，或两项之间缺少英文逗号“,”{hint}"

    return explain


def _backslash(_at: _At, _message: str) -> str:
    return "文字中的反斜杠“\\”要写成两个“\\\\”（或改用 /）"


def _escape(_at: _At, _message: str) -> str:
    return "“\\u”后面应为 4 位十六进制数字；想写反斜杠请写成两个“\\\\”"


def _general(at: _At) -> str:
    return "这里不符合 TOML 格式" + _punctuation_hint(at.source)


# Parser message prefix → explanation (tomli 2.x / tomllib 3.11–3.14 wording).
_EXPLAINERS: tuple[tuple[str, Callable[[_At, str], str]], ...] = (
    ("Invalid value", _invalid_value),
    ("Expected newline or end of document", _after_statement),
    ("Invalid date or datetime", _invalid_date),
    ("Illegal character", _unclosed_quote),
    ("Found invalid character", _unclosed_quote),
    ("Unterminated string", _unterminated),
    ("Unclosed multiline string", _unterminated),
    ("Expected", _expected),
    ("Cannot overwrite a value", _duplicate_key),
    ("Cannot declare", _duplicate_table),
    ("Duplicate inline table key", _duplicate_inline),
    ("Cannot mutate immutable namespace", _immutable),
    ("Cannot redefine namespace", _immutable),
    ("Invalid initial character for a key part", _bad_key),
    ("Invalid statement", _invalid_statement),
    ("Unclosed array", _unclosed("方括号 [ ]")),
    ("Unclosed inline table", _unclosed("花括号 { }")),
    ("Unescaped '\\' in a string", _backslash),
    ("Invalid hex value", _escape),
    ("Escaped character is not a Unicode scalar value", _escape),
)
