"""The review workflow on the command line (``review/workflow.py`` does the work):

operator:  ``submit REPORT``; ``reply REPORT N -m TEXT [--done]``
reviewer:  ``comment REPORT -m TEXT [--at LOCATION]``; ``return REPORT [-m TEXT]``; ``approve REPORT``;
           ``verify REPORT --at LOCATION -m REASON``; ``notice DIR -m TEXT [--until DATE]``,
           ``notice DIR --list``, ``notice DIR --clear``

Exit codes: 0 recorded, 1 refused (the reasons are printed), 2 the report cannot be read, the
record cannot be written (no permission: the file system decides who is a reviewer), or misuse.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.cli.common import EXIT_FINDINGS, EXIT_OK, EXIT_UNREADABLE, err, out

if TYPE_CHECKING:
    from tui_report.review.workflow import Status
    from tui_report.storage.reviewrecords import Written


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    submit = sub.add_parser(
        "submit",
        help="报送审核：报告没有错误、都已填写后报给县里审核（填报单位用）",
        description="把报告报送审核。报告有错误或还有没填的部分时拒绝报送并列出原因；报送记录报送人、时间和报送时的内容。",
    )
    submit.add_argument("file", type=Path, metavar="报告", help="报告文件")
    comment = sub.add_parser(
        "comment",
        help="审核意见：对整份报告或某个单元格、某段文字提意见（审核人员用）",
        description="记录一条审核意见。--at 给出位置（与 tui-report check --json 中的位置相同），不写时为对整份报告的意见。",
    )
    comment.add_argument("file", type=Path, metavar="报告", help="报告文件")
    comment.add_argument("-m", "--message", required=True, metavar="意见", help="意见内容")
    comment.add_argument(
        "--at",
        default="",
        metavar="位置",
        help="单元格或文字部分，如 tables.requests.new.natural、texts.problems.main",
    )
    back = sub.add_parser(
        "return",
        help="退回修改：把已报送的报告退回单位修改（审核人员用）",
        description="把已报送的报告退回修改；-m 的内容作为一条对整份报告的审核意见。",
    )
    back.add_argument("file", type=Path, metavar="报告", help="报告文件")
    back.add_argument("-m", "--message", default="", metavar="意见", help="退回的原因（记为审核意见）")
    approve = sub.add_parser(
        "approve",
        help="审核通过：通过已报送的报告（审核人员用）",
        description="审核通过已报送的报告。通过记录的是此刻的报告内容：之后再有修改，状态变为“已通过后有修改”，不会发布。",
    )
    approve.add_argument("file", type=Path, metavar="报告", help="报告文件")
    reply = sub.add_parser(
        "reply",
        help="答复审核意见，或标记已修改（填报单位用）",
        description="答复第 N 条审核意见（编号见 tui-report check），--done 标记为已修改。",
    )
    reply.add_argument("file", type=Path, metavar="报告", help="报告文件")
    reply.add_argument("number", type=int, metavar="序号", help="审核意见的编号（1 为第一条）")
    reply.add_argument("-m", "--message", default="", metavar="答复", help="答复内容")
    reply.add_argument("--done", action="store_true", help="标记为已修改")
    verify = sub.add_parser(
        "verify",
        help="核实雷同文字：注明理由后不再计为警告（审核人员用）",
        description="把某段文字的雷同提示（R15）标记为已核实，例如各单位按县里统一要求使用相同的改进措施。",
    )
    verify.add_argument("file", type=Path, metavar="报告", help="报告文件")
    verify.add_argument("--at", required=True, metavar="位置", help="文字部分，如 texts.problems.main")
    verify.add_argument("-m", "--message", required=True, metavar="理由", help="核实的理由")
    notice = sub.add_parser(
        "notice",
        help="通知：给文件夹中所有填报单位发通知（审核人员用）",
        description="发布通知：填报人员打开开始页、打开这个文件夹中的报告时看到。--list 列出，--clear 全部撤下。",
    )
    notice.add_argument("folder", type=Path, metavar="文件夹", help="年度文件夹（各单位报告所在）")
    what = notice.add_mutually_exclusive_group(required=True)
    what.add_argument("-m", "--message", metavar="通知", help="通知内容")
    what.add_argument("--list", action="store_true", help="列出现有通知")
    what.add_argument("--clear", action="store_true", help="撤下全部通知")
    notice.add_argument("--until", default=None, metavar="日期", help="显示到哪一天为止，如 2026-01-15")


# ---------------------------------------------------------------------- shared


def _written(written: Written) -> None:
    for folder in written.created:
        out(
            f"已建立审核记录文件夹 {folder}（只有你可写；有多位审核人员时请管理员按 docs/admin.md 设置审核组）\n"
        )


def _warn_unprotected(reasons: list[str]) -> None:
    for reason in reasons:
        err(f"提示：审核记录不受文件权限保护：{reason}")


def _attempt(action: Callable[[], int]) -> int:
    from tui_report.review.workflow import WorkflowRefused
    from tui_report.storage.reviewrecords import RecordError

    try:
        return action()
    except WorkflowRefused as exc:
        err(exc.message)
        for reason in exc.reasons:
            err(f"  {reason}")
        return EXIT_FINDINGS
    except RecordError as exc:
        err(f"无法记录：{exc}")
        return EXIT_UNREADABLE


def _when(status: Status) -> str:
    submitted = status.workflow.submitted
    return f"{submitted.at:%Y-%m-%d %H:%M}，{submitted.author}" if submitted is not None else ""


def _readable(path: Path) -> bool:
    if not path.is_file():
        err(f"{path}：不是报告文件（文件不存在或是文件夹）")
        return False
    return True


# ---------------------------------------------------------------------- commands


def run_submit(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import status_of, submit

    def act() -> int:
        written = submit(args.file)
        status = status_of(args.file, with_check=False)
        out(f"已报送 {args.file}（{_when(status)}）：现在的状态是“{status.workflow.label}”\n")
        _written(written)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_comment(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import comment, status_of

    def act() -> int:
        written = comment(args.file, args.message, args.at)
        status = status_of(args.file, with_check=False)
        number = len(status.workflow.threads)
        where = "（整份报告）"
        if args.at.strip() and status.report is not None:
            from tui_report.cli.check import describe_locations
            from tui_report.model.workflow import location_of

            where = f"（{describe_locations(status.report, [location_of(status.report.tpl, args.at)])}）"
        out(f"已记录第{number}条审核意见{where}：{args.message.strip()}\n")
        _written(written)
        _warn_unprotected(status.unprotected)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_return(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import return_report, status_of

    def act() -> int:
        written = return_report(args.file, args.message)
        status = status_of(args.file, with_check=False)
        out(f"已退回修改 {args.file}：{status.workflow.comments_open}条意见待处理\n")
        for record in written:
            _written(record)
        _warn_unprotected(status.unprotected)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_approve(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import approve, status_of

    def act() -> int:
        written = approve(args.file)
        status = status_of(args.file, with_check=False)
        note = "（报送后内容有修改，通过的是现在的内容）" if status.workflow.changed_since_submission else ""
        out(f"已审核通过 {args.file}{note}：之后再有修改，状态会变为“已通过后有修改”\n")
        _written(written)
        _warn_unprotected(status.unprotected)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_reply(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import reply, status_of

    def act() -> int:
        written = reply(args.file, args.number, args.message, done=args.done)
        status = status_of(args.file, with_check=False)
        mark = "，已标记为已修改" if args.done else ""
        out(f"已答复第{args.number}条审核意见{mark}；还有{status.workflow.comments_open}条意见待处理\n")
        _written(written)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_verify(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import status_of, verify

    def act() -> int:
        from tui_report.cli.check import describe_locations
        from tui_report.model.workflow import location_of

        written = verify(args.file, args.at, args.message)
        report = status_of(args.file, with_check=False).report
        assert report is not None  # verify read it
        where = describe_locations(report, [location_of(report.tpl, args.at)])
        out(f"已核实 {args.file} {where}的雷同文字：{args.message.strip()}\n")
        _written(written)
        return EXIT_OK

    return _attempt(act) if _readable(args.file) else EXIT_UNREADABLE


def run_notice(args: argparse.Namespace) -> int:
    from tui_report.review.workflow import parse_date
    from tui_report.storage.reviewrecords import (
        ROSTER_NAME,
        clear_notices,
        read_notices,
        write_notice,
        year_folder_of,
    )

    if not args.folder.is_dir():
        err(f"{args.folder}：不是文件夹（通知发给一个年度文件夹中的全部单位）")
        return EXIT_UNREADABLE
    folder = year_folder_of(args.folder / ROSTER_NAME)  # a unit folder's notices are its year's
    if args.list:
        notices = read_notices(folder)
        if not notices:
            out(f"{folder} 没有通知\n")
        today = date.today()
        for number, notice in enumerate(notices, start=1):
            shown = f"，显示到 {notice.until.isoformat()}" if notice.until else ""
            expired = "（已过期）" if not notice.active(today) else ""
            out(f"{number}. {notice.at:%Y-%m-%d %H:%M} {notice.author}{shown}{expired}：{notice.text}\n")
        return EXIT_OK
    if args.clear:
        return _attempt(lambda: _cleared(folder, clear_notices(folder)))
    until: date | None = None
    if args.until is not None:
        until = parse_date(args.until)
        if until is None:
            err(f"--until 的值“{args.until}”不是日期，请写成 2026-01-15")
            return EXIT_UNREADABLE
    from tui_report.model.workflow import MAX_TEXT

    text = (args.message or "").strip()
    if not text or len(text) > MAX_TEXT:
        err("通知内容不能为空（-m 通知）" if not text else f"通知过长（{len(text)}字，最多{MAX_TEXT}字）")
        return EXIT_UNREADABLE

    def act() -> int:
        written = write_notice(folder, text, until)
        shown = f"，显示到 {until.isoformat()}" if until else ""
        out(f"已发布通知{shown}：{text}\n")
        _written(written)
        return EXIT_OK

    return _attempt(act)


def _cleared(folder: Path, count: int) -> int:
    out(f"已撤下 {folder} 的 {count} 条通知\n")
    return EXIT_OK


HANDLERS = {
    "submit": run_submit,
    "comment": run_comment,
    "return": run_return,
    "approve": run_approve,
    "reply": run_reply,
    "verify": run_verify,
    "notice": run_notice,
}
