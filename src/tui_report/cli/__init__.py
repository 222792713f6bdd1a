"""Command line: the same operations as the app, headless.

``tui-report FILE`` (or no argument) opens the app; the sub-commands below never import Textual,
so that they stay fast on a busy server.

Exit codes: 0 success / no errors, 1 a report has errors (or an export was refused because of
them), 2 an input could not be read or the command was used wrongly.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Sequence

from tui_report import __version__
from tui_report.cli import (
    check,
    doctor,
    export,
    history,
    importcmd,
    new,
    review,
    rollup,
    roster,
    setup,
    templates,
    workflow,
)
from tui_report.cli.common import EXIT_OK, EXIT_UNREADABLE, ChineseArgumentParser, err

# Each command is a module with ``add_parser(sub)`` and ``run(args) -> int``; their imports of the
# model are inside ``run`` so that ``--help`` and the app's start stay fast.
HANDLERS = {
    "new": new.run,
    "check": check.run,
    "export": export.run,
    "templates": templates.run,
    "history": history.run,
    "restore": history.run_restore,
    "review": review.run,
    "roster": roster.run,
    "rollup": rollup.run,
    "doctor": doctor.run,
    "setup": setup.run,
    "import": importcmd.run,
    **workflow.HANDLERS,  # submit, comment, return, approve, reply, verify, notice
}
COMMANDS = tuple(HANDLERS)


def _build_parser() -> argparse.ArgumentParser:
    parser = ChineseArgumentParser(
        prog="tui-report",
        description="填报、检查、导出政府信息公开工作年度报告。\n"
        "打开填报界面：tui-report，或 tui-report 报告文件.toml\n"
        "每个命令的说明：tui-report 命令 --help",
    )
    parser.add_argument(
        "--version", action="version", version=f"tui-report {__version__}", help="显示版本号并退出"
    )
    # Sub-parsers are built by the parser's own class (Chinese help and errors for every command).
    sub: argparse._SubParsersAction[argparse.ArgumentParser] = parser.add_subparsers(  # type: ignore[assignment]
        dest="command", metavar="命令", title="命令"
    )
    new.add_parser(sub)
    check.add_parser(sub)
    export.add_parser(sub)
    templates.add_parser(sub)
    history.add_parser(sub)
    history.add_restore_parser(sub)
    review.add_parser(sub)
    roster.add_parser(sub)
    rollup.add_parser(sub)
    doctor.add_parser(sub)
    setup.add_parser(sub)
    importcmd.add_parser(sub)
    workflow.add_parsers(sub)
    _describe_every_command(sub)
    return parser


def _describe_every_command(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """A command's --help opens with what it does: its line in the list when it has no more."""
    listed = {choice.dest: choice.help for choice in sub._choices_actions}
    for name, command in sub.choices.items():
        if not command.description:
            command.description = listed.get(name)


def not_a_command(args: list[str]) -> str:
    """The message for a first word that is neither a command nor a file to open ("" when it may
    be a report to open): a mistyped command (``chek``) gets the command it resembles."""
    import difflib
    import os

    if not args:
        return ""  # `tui-report` alone: the start screen
    word = args[0]
    if os.path.lexists(word):
        return ""
    close = difflib.get_close_matches(word.lower(), COMMANDS, n=1, cutoff=0.6)
    if close:
        return f"没有“{word}”这个命令，是不是要用：tui-report {close[0]}"
    if len(args) > 1:
        return f"没有“{word}”这个命令；可用的命令：{'、'.join(COMMANDS)}（说明：tui-report --help）"
    return ""


def run_app(argv: Sequence[str]) -> int:
    """Open the guided entry app (imported only here, so headless commands never load Textual)."""
    # Start-up creates some hundred thousand long-lived objects (Textual, pydantic, the report),
    # which the cyclic collector would scan again and again before the first paint (~30 ms). It is
    # paused until the app has drawn its first screen (ReportApp.on_mount), and at the latest here.
    gc.disable()
    try:
        try:
            from tui_report.tui.app import (  # type: ignore[import-not-found,import-untyped,unused-ignore]
                main as app_main,
            )
        except ImportError as exc:
            err(f"无法启动填报界面：{exc}")
            return EXIT_UNREADABLE
        return int(app_main(list(argv)))
    finally:
        gc.enable()


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "--":
        return run_app(args_list[1:])  # `tui-report -- -dash.toml`: a file whose name starts with "-"
    if not args_list:
        return run_app([])  # the start page
    if args_list[0] not in COMMANDS and not args_list[0].startswith("-"):
        mistyped = not_a_command(args_list)
        if mistyped:
            err(mistyped)
            return EXIT_UNREADABLE
        return run_app(args_list)
    parser = _build_parser()
    args = parser.parse_args(args_list)
    if args.command is None:
        return run_app([])
    try:
        return HANDLERS[args.command](args)
    except BrokenPipeError:
        return EXIT_OK
    except KeyboardInterrupt:
        return 130
    except OSError as exc:  # the last net: a file or folder problem in Chinese, never a traceback
        from tui_report.host.oserror import os_error_text

        where = f"{exc.filename}：" if exc.filename else ""
        err(f"{where}{os_error_text(exc)}")
        return EXIT_UNREADABLE


if __name__ == "__main__":
    sys.exit(main())
