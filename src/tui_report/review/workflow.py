"""The review workflow's operations: what ``tui-report submit/comment/return/approve/reply/verify/
notice`` do, and what the app calls (title bar, findings list F3, replies, the start screen's
notices and the L refusal). Records are read and written by ``storage/reviewrecords.py``; the
states are computed by ``model/workflow.py``.

Every operation takes the report's path. Refusals are :class:`WorkflowRefused` with Chinese
reasons; the file system refuses the rest (an operator writing a reviewer's record gets
:class:`RecordError`: no permission).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui_report.model.report import Report
from tui_report.model.rules import Finding, check
from tui_report.model.template import TemplateError
from tui_report.model.workflow import (
    MAX_TEXT,
    CommentThread,
    Record,
    Workflow,
    apply_verified,
    content_fingerprint,
    location_of,
    review_findings,
    thread_finding,
    workflow_of,
)
from tui_report.review.files import UnsafeFile, read_plain_file
from tui_report.review.roster import ROSTER_NAME, unit_key
from tui_report.storage.atomic import atomic_write
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import decode_report_bytes, loads_report
from tui_report.storage.reviewrecords import (
    Notice,
    Place,
    RecordError,
    Written,
    first_saved,
    place_of,
    read_notices,
    read_records,
    unprotected_reasons,
    write_operator_record,
    write_reviewer_record,
    year_folder_of,
)
from tui_report.storage.siblings import last_year_beside
from tui_report.storage.statedir import state_dir

if TYPE_CHECKING:
    # The copied-text check (rapidfuzz) is loaded only where it runs: the editor imports this
    # module for a report's workflow state, before its first paint.
    from tui_report.model.similarity import SavedFirst

__all__ = [
    "RecordError",
    "Status",
    "WorkflowRefused",
    "approve",
    "comment",
    "comment_threads",
    "existing_report",
    "mark_notices_seen",
    "notices_for",
    "notices_for_user",
    "parse_date",
    "reply",
    "return_report",
    "saved_first_of",
    "status_of",
    "submit",
    "unseen_notices",
    "verify",
    "workflow_findings",
    "workflow_of_report",
]

BLOCKING_RULES = frozenset({"TABLE_INCOMPLETE", "TEXT_EMPTY", "META"})


class WorkflowRefused(Exception):
    """The operation is not allowed now; ``reasons`` (Chinese) say why."""

    def __init__(self, message: str, reasons: Sequence[str] = ()) -> None:
        self.message = message
        self.reasons = list(reasons)
        super().__init__(message + ("：" + "；".join(self.reasons) if self.reasons else ""))


@dataclass(slots=True)
class Status:
    """A report as the workflow sees it now: its content, findings and records."""

    path: Path
    place: Place
    report: Report | None
    problem: str  # why the report cannot be read ("" when it can)
    fingerprint: str | None
    workflow: Workflow
    findings: list[Finding] = field(default_factory=list)  # check's, with verifications applied
    unprotected: list[str] = field(default_factory=list)  # why operators could write .review

    @property
    def blocking(self) -> list[Finding]:
        """What keeps the report from being submitted or approved: errors and unfilled parts."""
        return [f for f in self.findings if f.severity == "error" or f.rule in BLOCKING_RULES]


def _load(path: Path) -> Report:
    return loads_report(decode_report_bytes(read_plain_file(path), path), path)


def _check(path: Path, report: Report) -> list[Finding]:
    """The findings ``tui-report check`` gives for a blocking decision (R7/R8 with last year's
    report; copied text does not block and is left out here)."""
    last = None if report.last_year is not None else last_year_beside(path, report)
    return check(report, last)


def status_of(path: Path, year_folder: Path | None = None, *, with_check: bool = True) -> Status:
    """Read a report and its records (the app's title bar: ``status_of(path).workflow.title()``)."""
    place = place_of(path, year_folder)
    report: Report | None = None
    problem = ""
    try:
        report = _load(path)
    except (UnsafeFile, ReportFileError) as exc:
        problem = str(exc)
    fingerprint = content_fingerprint(report) if report is not None else None
    workflow = workflow_of(read_records(place), fingerprint)
    findings = _check(path, report) if report is not None and with_check else []
    findings = apply_verified(findings, workflow)
    return Status(
        path, place, report, problem, fingerprint, workflow, findings, unprotected_reasons(place.year_folder)
    )


def workflow_of_report(path: Path, report: Report | None) -> Workflow:
    """The workflow of a report already loaded (the app: title bar ``.title()``, F3, replies)."""
    fingerprint = content_fingerprint(report) if report is not None else None
    return workflow_of(read_records(place_of(path)), fingerprint)


def workflow_findings(path: Path, report: Report | None, findings: Sequence[Finding] = ()) -> list[Finding]:
    """``findings`` as ``check`` and the app's findings list (F3) show them in a workflow: open
    review comments first (rule REVIEW, warning, at their cell or text part), then the findings
    with the reviewer's verifications (已核实) applied."""
    workflow = workflow_of_report(path, report)
    comments = review_findings(workflow, report.tpl if report is not None else None)
    return comments + apply_verified(list(findings), workflow)


def comment_threads(path: Path, report: Report | None) -> list[tuple[CommentThread, Finding]]:
    """Every comment of a report with its finding (open ones warnings, 已修改/closed ones notes), in
    order: the app's findings list shows them first, Enter goes to ``finding.locations``, and a
    reply names ``thread.number``."""
    workflow = workflow_of_report(path, report)
    template = report.tpl if report is not None else None
    return [(thread, thread_finding(thread, template)) for thread in workflow.threads]


# ---------------------------------------------------------------------- operator


def submit(path: Path) -> Written:
    """报送审核: refused (with the findings' messages) when the report has errors or unfilled parts,
    or is already submitted and unchanged; records the content's fingerprint."""
    status = status_of(path)
    if status.report is None:
        raise WorkflowRefused("报告无法读取，不能报送", [status.problem])
    blocking = status.blocking
    if blocking:
        raise WorkflowRefused("报告还有错误或未填写的部分，不能报送", [f.message for f in blocking])
    workflow = status.workflow
    if workflow.code in ("submitted", "approved", "published") and not workflow.changed_since_submission:
        raise WorkflowRefused(f"报告已是“{workflow.label}”，内容没有变化，无需再次报送")
    return write_operator_record(status.place, "submit", fingerprint=status.fingerprint)


def _thread(status: Status, number: int) -> Record:
    for thread in status.workflow.threads:
        if thread.number == number:
            return thread.comment
    count = len(status.workflow.threads)
    raise WorkflowRefused(f"没有第{number}条审核意见（共{count}条，用 tui-report check 查看）")


def reply(path: Path, number: int, text: str = "", *, done: bool = False) -> Written:
    """The operator's answer to comment ``number`` (1-based), and/or its 已修改 mark."""
    text = text.strip()
    if not text and not done:
        raise WorkflowRefused("请写答复内容（-m），或用 --done 标记已修改")
    _check_length(text, "答复")
    status = status_of(path, with_check=False)
    target = _thread(status, number)
    return write_operator_record(status.place, "reply", comment=target.id, text=text, done=done)


# ---------------------------------------------------------------------- reviewer


def _check_length(text: str, what: str) -> None:
    if len(text) > MAX_TEXT:
        raise WorkflowRefused(f"{what}过长（{len(text)}字，最多{MAX_TEXT}字）")


def comment(path: Path, text: str, at: str = "") -> Written:
    """A reviewer's comment on the whole report, or at a cell or text part (``at``: the dotted key
    path of ``check --json``, validated against the report's format)."""
    text = text.strip()
    if not text:
        raise WorkflowRefused("意见内容不能为空（-m 意见）")
    _check_length(text, "意见")
    status = status_of(path, with_check=False)
    location = at.strip()
    if location:
        if status.report is None:
            raise WorkflowRefused("报告无法读取，只能对整份报告提意见（不加 --at）", [status.problem])
        try:
            location = location_of(status.report.tpl, location).path
        except (ValueError, TemplateError) as exc:
            raise WorkflowRefused(str(exc)) from exc
    return write_reviewer_record(status.place, "comment", text=text, location=location)


def return_report(path: Path, text: str = "") -> list[Written]:
    """退回修改, with ``text`` as a comment on the whole report when given."""
    text = text.strip()
    _check_length(text, "意见")
    status = status_of(path, with_check=False)
    code = status.workflow.code
    if code == "not_submitted":
        raise WorkflowRefused("报告尚未报送，无需退回（可以用 tui-report comment 提意见）")
    if code == "returned":
        raise WorkflowRefused("报告已退回修改，单位尚未重新报送")
    written = []
    if text:
        written.append(write_reviewer_record(status.place, "comment", text=text))
    written.append(write_reviewer_record(status.place, "return", fingerprint=status.fingerprint))
    return written


def approve(path: Path) -> Written:
    """审核通过: names the content approved (its fingerprint). Refused unless the report is 已报送
    (or changed after an approval and submitted again) and has no errors or unfilled parts."""
    status = status_of(path)
    if status.report is None:
        raise WorkflowRefused("报告无法读取，不能通过", [status.problem])
    code = status.workflow.code
    if code == "not_submitted":
        raise WorkflowRefused("报告尚未报送，不能通过（请单位先用 tui-report submit 报送）")
    if code == "returned":
        raise WorkflowRefused("报告已退回修改，单位尚未重新报送")
    if code in ("approved", "published"):
        raise WorkflowRefused(f"报告已是“{status.workflow.label}”，内容没有变化")
    if code == "changed_after_approval":
        raise WorkflowRefused("报告在通过后又有修改，请单位重新报送后再审核")
    if status.blocking:
        raise WorkflowRefused("报告有错误或未填写的部分，不能通过", [f.message for f in status.blocking])
    return write_reviewer_record(status.place, "approve", fingerprint=status.fingerprint)


def record_publication(path: Path, fingerprint: str, year_folder: Path | None = None) -> Written:
    """已发布: batch export published this content."""
    return write_reviewer_record(place_of(path, year_folder), "publish", fingerprint=fingerprint)


def verify(path: Path, at: str, reason: str) -> Written:
    """已核实: a copied-text finding (R15) at a text part is explained (``reason``, e.g. the county
    decided that all units share these measures); it then no longer counts as a warning."""
    reason = reason.strip()
    if not reason:
        raise WorkflowRefused("请写明核实的理由（-m 理由）")
    _check_length(reason, "理由")
    status = status_of(path, with_check=False)
    if status.report is None:
        raise WorkflowRefused("报告无法读取", [status.problem])
    try:
        location = location_of(status.report.tpl, at.strip())
    except (ValueError, TemplateError) as exc:
        raise WorkflowRefused(str(exc)) from exc
    if location.text is None:
        raise WorkflowRefused(f"雷同文字提示只在文字部分（texts.…），“{at}”不是文字部分")
    from tui_report.model.copiedrule import copied_text_rule

    rule = copied_text_rule().id
    return write_reviewer_record(status.place, "verify", rule=rule, location=location.path, text=reason)


# ---------------------------------------------------------------------- copied text: who was first


def saved_first_of(paths: Sequence[Path | None]) -> SavedFirst:
    """For ``folder_copied_text``: when report ``i`` (of ``paths``) was first saved, read only for
    the reports that turn out to be alike (``storage.reviewrecords.first_saved``)."""
    cache: dict[int, datetime | None] = {}

    def saved(i: int) -> datetime | None:
        if i not in cache:
            path = paths[i] if i < len(paths) else None
            cache[i] = first_saved(path) if path is not None else None
        return cache[i]

    return saved


# ---------------------------------------------------------------------- duplicates


def _unit_year(path: Path) -> tuple[str, int] | None:
    from tui_report.host.toml import tomllib

    try:
        data = tomllib.loads(read_plain_file(path).decode("utf-8"))
    except (UnsafeFile, UnicodeDecodeError, ValueError):
        return None
    head = data.get("report") if isinstance(data, dict) else None
    if not isinstance(head, dict):
        return None
    unit, year = head.get("unit"), head.get("year")
    if not isinstance(unit, str) or not isinstance(year, int) or not unit.strip():
        return None
    return unit_key(unit), year


def _candidates(target: Path) -> list[Path]:
    """Report files a new report at ``target`` would sit beside: its folder's, and in the strict
    layout every unit folder's of the year folder."""
    folders = [target.parent if str(target.parent) else Path(".")]
    year_folder = year_folder_of(target)
    if year_folder.absolute() != folders[0].absolute():
        try:
            with os.scandir(year_folder) as entries:
                folders += [
                    Path(e.path)
                    for e in entries
                    if not e.name.startswith(".") and e.is_dir(follow_symlinks=False)
                ]
        except OSError:
            pass
    found: list[Path] = []
    for folder in folders:
        try:
            with os.scandir(folder) as entries:
                found += [
                    Path(e.path)
                    for e in entries
                    if e.name.endswith(".toml") and not e.name.startswith(".") and e.name != ROSTER_NAME
                ]
        except OSError:
            continue
    return sorted(found)


def existing_report(target: Path, unit: str, year: int) -> Path | None:
    """Another report of ``unit`` and ``year`` where ``target`` is to be created (``new``, and the
    start screen's L): the new one would be a duplicate. None when there is none."""
    wanted = (unit_key(unit), year)
    for path in _candidates(target):
        if path.absolute() == target.absolute():
            continue
        if _unit_year(path) == wanted:
            return path
    return None


# ---------------------------------------------------------------------- notices


def _year_folders(path: Path) -> list[Path]:
    """The year folder of a report, or of a folder (itself, or the year folder above a unit folder)."""
    return [year_folder_of(path / ROSTER_NAME if path.is_dir() else path)]


def notices_for(path: Path, today: date | None = None) -> list[Notice]:
    """The active notices for a report (its year folder's) or a folder."""
    today = today or date.today()
    return [n for f in _year_folders(path) for n in read_notices(f) if n.active(today)]


def notices_for_user(paths: Iterable[Path], today: date | None = None) -> list[Notice]:
    """The start screen: active notices of every folder holding one of ``paths`` (the recent
    reports and the current folder), each once."""
    seen: set[Path] = set()
    result: list[Notice] = []
    for path in paths:
        for folder in _year_folders(path):
            key = folder.absolute()
            if key in seen:
                continue
            seen.add(key)
            result += notices_for(folder, today)
    return result


def parse_date(text: str) -> date | None:
    """A notice's last day: ``2026-01-15``, ``2026/1/15`` or ``2026年1月15日``; None when it is
    none of these (``notice --until`` and the desk's 通知)."""
    import re

    match = re.fullmatch(r"\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?\s*", text)
    if match is None:
        return None
    try:
        return date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


SEEN_FILE = "seen-notices.json"


def _seen() -> set[str]:
    try:
        raw = json.loads(read_plain_file(state_dir() / SEEN_FILE, 1 << 20).decode("utf-8"))
    except (UnsafeFile, UnicodeDecodeError, ValueError):
        return set()
    return {s for s in raw if isinstance(s, str)} if isinstance(raw, list) else set()


def _notice_key(notice: Notice) -> str:
    return f"{notice.folder.absolute()}/{notice.id}"


def unseen_notices(path: Path, today: date | None = None) -> list[Notice]:
    """Notices for a report the operator has not been shown yet (shown once when a report opens)."""
    seen = _seen()
    return [n for n in notices_for(path, today) if _notice_key(n) not in seen]


def mark_notices_seen(notices: Iterable[Notice]) -> None:
    """Remember notices as shown (best effort: a read-only home is not an error)."""
    keys = sorted(_seen() | {_notice_key(n) for n in notices})[-2000:]
    folder = state_dir()
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        atomic_write(folder / SEEN_FILE, json.dumps(keys, ensure_ascii=False).encode("utf-8"), mode=0o600)
    except (OSError, ReportFileError):
        pass
