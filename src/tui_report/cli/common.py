"""What every command shares: exit codes, printing errors, loading a report without a traceback."""

from __future__ import annotations

import argparse
import re
import sys
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

if TYPE_CHECKING:
    from tui_report.model.report import Report

EXIT_OK = 0
EXIT_FINDINGS = 1
EXIT_UNREADABLE = 2


def err(message: str) -> None:
    """One line for the operator on stderr. Everything in it that came from a file (names, units,
    paths) is shown with its control characters escaped, newlines too: one call, one line."""
    from tui_report.host.terminal import escape_line

    sys.stderr.write(escape_line(message) + "\n")
    sys.stderr.flush()


def out(text: str = "\n") -> None:
    """Write one line (or part of one) to stdout, control characters escaped as in :func:`err`;
    only a newline that ends ``text`` is written as a newline."""
    from tui_report.host.terminal import escape_line

    end = "\n" if text.endswith("\n") else ""
    sys.stdout.write(escape_line(text[: len(text) - len(end)]) + end)


def out_block(text: str) -> None:
    """Several lines at once, laid out by the command itself from fields it escaped first with
    :func:`shown` (a newline inside a field would otherwise start a forged line)."""
    from tui_report.host.terminal import escape_controls

    sys.stdout.write(escape_controls(text))


def shown(text: str) -> str:
    """A field from a file (a name, a unit) escaped onto one line, for a block built by hand."""
    from tui_report.host.terminal import escape_line

    return escape_line(text)


def say(line: str) -> None:
    """One whole line to stdout (:func:`out` with the newline added)."""
    out(line + "\n")


def out_json(record: object) -> None:
    """One JSON line on stdout; control characters (C0, C1, bidi, lone surrogates) inside strings
    as ``\\u001b`` escapes."""
    import json

    from tui_report.host.terminal import escape_controls_json

    sys.stdout.write(escape_controls_json(json.dumps(record, ensure_ascii=False)) + "\n")


def load(path: Path) -> tuple[Report | None, str]:
    """The report and "", or None and the Chinese reason it cannot be read."""
    from tui_report.storage.errors import ReportFileError
    from tui_report.storage.reportfile import load_report

    try:
        return load_report(path), ""
    except ReportFileError as exc:
        return None, str(exc)


def write_report_file(path: Path, content: Report, *, overwrite: bool) -> bool:
    """Write a report as every command does (``session.replace_report_file``: the edit lock, versions),
    saying why not on stderr. False when nothing was written."""
    from tui_report.safety.lock import LockedError
    from tui_report.session import replace_report_file
    from tui_report.storage.errors import ReportFileError

    try:
        kept, _saved = replace_report_file(path, content, overwrite=overwrite)
    except LockedError as exc:
        err(f"{exc}；{'未覆盖' if output_exists(path) else '未写入'}，请等对方保存并退出后再试")
        return False
    except ReportFileError as exc:
        if exc.reason == "文件已存在，未覆盖":
            err(f"{exc}（确需覆盖请加 --force）")
        else:
            err(str(exc))
        return False
    if kept is not None:
        say("原文件已保留为历史版本（tui-report history 查看，tui-report restore 恢复）")
    return True


def output_exists(path: Path) -> bool:
    """Whether something is at ``path`` (a dangling link too); an unreadable folder is not a
    traceback here: the write says why it cannot."""
    import os

    try:
        os.lstat(path)
    except OSError:
        return False
    return True


# argparse's own words, in Chinese. argparse builds its messages from these English templates
# (Python 3.11–3.13); each pattern turns one of them into Chinese, the rest of the message is kept.
_ARGPARSE_WORDS: tuple[tuple[str, str], ...] = (
    (r"^argument (?P<a>\S+): (?P<m>.*)$", "参数 {a}：{m}"),
    (r"invalid choice: (?P<v>.+?) \(choose from (?P<c>.+)\)$", "无效的选项 {v}（可选：{c}）"),
    (r"^invalid (?P<t>\w+) value: (?P<v>.+)$", "无效的值 {v}（应为{t}）"),
    (r"^expected one argument$", "需要一个值"),
    (r"^expected at least one argument$", "至少需要一个值"),
    (r"^expected at most one argument$", "最多只能有一个值"),
    (r"^the following arguments are required: (?P<a>.+)$", "缺少必需的参数：{a}"),
    (r"^unrecognized arguments: (?P<a>.+)$", "无法识别的参数：{a}"),
    (r"^ambiguous option: (?P<o>\S+) could match (?P<m>.+)$", "选项 {o} 有歧义，可能是：{m}"),
    (r"^not allowed with argument (?P<a>.+)$", "不能与参数 {a} 同时使用"),
    (r"^one of the arguments (?P<a>.+) is required$", "参数 {a} 必须给出其中一个"),
    (r"^ignored explicit argument (?P<a>.+)$", "多余的值 {a}"),
)
_TYPE_NAMES = {"int": "整数", "float": "数字"}


def chinese_message(message: str) -> str:
    """An argparse error message in Chinese (patterns applied in turn: "argument X: " first)."""
    import re

    for pattern, template in _ARGPARSE_WORDS:
        match = re.search(pattern, message)
        if match is None:
            continue
        words = {k: _TYPE_NAMES.get(v, v) for k, v in match.groupdict().items()}
        if "m" in words:
            words["m"] = chinese_message(words["m"])
        message = message[: match.start()] + template.format(**words) + message[match.end() :]
    return message


# What a value is called in help and errors (argparse would show the destination in English).
METAVARS = {
    "file": "文件",
    "files": "文件",
    "output": "输出文件",
    "last_year": "上年报告",
    "version": "版本",
    "unit": "单位",
    "year": "年度",
    "level": "层级",
    "template": "模板",
    "folder": "文件夹",
    "path": "路径",
    "roster": "名册文件",
    "source": "来源文件",
    "diff": "编号",
}
_NO_VALUE_ACTIONS = (
    argparse._StoreTrueAction,
    argparse._StoreFalseAction,
    argparse._StoreConstAction,
    argparse._HelpAction,
    argparse._VersionAction,
    argparse._CountAction,
    argparse._SubParsersAction,
)


# The terminal an operator has is 80 columns wide (often exactly): help never goes wider.
HELP_COLUMNS = 80
_USAGE_PART = re.compile(r"\(.*?\)+(?=\s|$)|\[.*?\]+(?=\s|$)|\S+")


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Help whose fixed words are Chinese (用法：, the section titles set by the parser), measured
    and wrapped in terminal cells (a Chinese character takes two), at most 80 columns wide."""

    def __init__(self, prog: str, *args: Any, **kwargs: Any) -> None:
        import shutil

        columns = min(shutil.get_terminal_size((HELP_COLUMNS, 24)).columns, HELP_COLUMNS)
        kwargs.setdefault("width", columns - 1)
        super().__init__(prog, *args, **kwargs)

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def _format_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None,
    ) -> str:
        """argparse's usage on one line, then wrapped by cells: options and their values stay
        together, continuation lines start under the first option."""
        from tui_report.model.linebreak import cells

        width, self._width = self._width, 1 << 20
        try:
            line = super()._format_usage(usage, actions, groups, prefix).strip("\n")
        finally:
            self._width = width
        head = f"{prefix or ''}{self._prog} "
        if not line.startswith(head) or cells(line) <= width:
            return line + "\n\n"
        indent = " " * (cells(head) if cells(head) <= width // 2 else cells(prefix or ""))
        lines, current = [], head.rstrip()
        for part in _USAGE_PART.findall(line[len(head) :]):
            if cells(current) + 1 + cells(part) > width and current.strip():
                lines.append(current)
                current = indent + part
            else:
                current += " " + part
        lines.append(current)
        return "\n".join(lines) + "\n\n"

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        """Descriptions wrapped by cells, at phrase boundaries (the messages' line-breaking)."""
        from tui_report.model.linebreak import wrap

        paragraphs = [" ".join(paragraph.split()) for paragraph in text.strip().split("\n")]
        return "\n".join(indent + line for line in wrap("\n".join(paragraphs), width - len(indent)))

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:
            from tui_report.model.linebreak import cells

            headers = [(self._format_action_invocation(action), self._current_indent)]
            # The commands are listed indented under their section (argparse forgets that indent).
            subactions = action._get_subactions() if isinstance(action, argparse._SubParsersAction) else []
            step = self._current_indent + self._indent_increment
            headers += [(self._format_action_invocation(sub), step) for sub in subactions]
            longest = max(cells(header) + indent for header, indent in headers)
            self._action_max_length = max(self._action_max_length, longest)

    def _format_action(self, action: argparse.Action) -> str:
        from tui_report.model.linebreak import cells, wrap

        if isinstance(action, argparse._SubParsersAction):
            # The section title says 命令 already: list the commands without a header line.
            return "".join(self._format_action(sub) for sub in self._iter_indented_subactions(action))
        help_position = min(self._action_max_length + 2, self._max_help_position)
        header = " " * self._current_indent + self._format_action_invocation(action)
        help_text = self._expand_help(action) if action.help else ""
        lines = wrap(help_text, max(self._width - help_position, 11)) if help_text else []
        parts = []
        if lines and cells(header) + 2 <= help_position:
            parts.append(header + " " * (help_position - cells(header)) + lines.pop(0) + "\n")
        else:
            parts.append(header + "\n")
        parts += [" " * help_position + line + "\n" for line in lines]
        parts += [self._format_action(sub) for sub in self._iter_indented_subactions(action)]
        return "".join(parts)


class ChineseArgumentParser(argparse.ArgumentParser):
    """The parser of every command (sub-parsers inherit the class): help and errors in Chinese.

    Errors exit with code 2 (EXIT_UNREADABLE), as argparse's do."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        add_help = kwargs.pop("add_help", True)
        kwargs["add_help"] = False
        super().__init__(*args, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", help="显示本帮助并退出")

    def add_argument(self, *args: Any, **kwargs: Any) -> argparse.Action:
        action = super().add_argument(*args, **kwargs)
        if (
            action.metavar is None
            and action.choices is None  # argparse shows them: {docx,pdf,html}
            and action.nargs != 0
            and not isinstance(action, _NO_VALUE_ACTIONS)
        ):
            action.metavar = METAVARS[action.dest]  # every value an operator types is named
        return action

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_UNREADABLE, f"{self.prog}：错误：{chinese_message(message)}\n")
