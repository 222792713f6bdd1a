"""What the app shows of a report's review workflow, without Textual: the title bar's state, the
findings list's comments (审核意见 first, each with its thread for a reply), the location under the
cursor a reviewer comments on, and the notices.

Records are read by ``review/workflow.py`` (one read of a report's records per call); nothing here
is kept between calls, so that what is shown is what the folder says now.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from tui_report.model.copiedrule import copied_text_rule
from tui_report.model.report import Report
from tui_report.model.rules import Finding
from tui_report.model.workflow import (
    REVIEW_RULE,
    CommentThread,
    Workflow,
    apply_verified,
    thread_finding,
)
from tui_report.review.workflow import workflow_of_report
from tui_report.storage.layout import REVIEW_DIR
from tui_report.storage.reviewrecords import Notice, year_folder_of


def reviewed_here(path: Path) -> bool:
    """Whether the report's year folder is reviewed (has ``.review``): then even 未报送 is worth
    showing in the title bar."""
    try:
        return os.path.isdir(year_folder_of(path) / REVIEW_DIR)
    except OSError:
        return False


def title_state(path: Path, workflow: Workflow) -> str:
    """The title bar's workflow part: ``退回修改：3条意见``, ``已报送``; "" for a report outside any
    review (no record, no ``.review`` in its year folder)."""
    if workflow.decision is None and not workflow.threads and not reviewed_here(path):
        return ""
    return workflow.title()


@dataclass(slots=True)
class ReviewedFindings:
    """The findings list of a report in a review: every comment (open ones first) with its thread,
    then the check's findings with the reviewer's verifications applied."""

    workflow: Workflow
    comments: list[tuple[CommentThread, Finding]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)

    @property
    def all(self) -> list[Finding]:
        return [f for _, f in self.comments] + self.findings

    def thread_of(self, finding: Finding) -> CommentThread | None:
        return next((t for t, f in self.comments if f is finding), None)


def reviewed_findings(
    path: Path, report: Report | None, findings: list[Finding], workflow: Workflow | None = None
) -> ReviewedFindings:
    """``findings`` (the check's) with the report's comments before them. ``workflow``: already
    read (the desk's row), else read now; findings the desk gives are verified already."""
    if workflow is None:
        workflow = workflow_of_report(path, report)
        findings = apply_verified(findings, workflow)
    template = report.tpl if report is not None else None
    threads = sorted(workflow.threads, key=lambda t: (not t.open, t.number))
    comments = [(t, thread_finding(t, template)) for t in threads]
    return ReviewedFindings(workflow, comments, [f for f in findings if f.rule != REVIEW_RULE])


def verifiable(finding: Finding) -> bool:
    """A copied-text finding (R15) at a text part, still counted: a reviewer may mark it 已核实."""
    return (
        finding.rule == copied_text_rule().id
        and finding.severity == "warning"
        and any(loc.text is not None for loc in finding.locations)
    )


def notice_lines(notices: list[Notice]) -> list[str]:
    """Notices as the start screen and the notice dialog show them (newest last)."""
    lines = []
    for notice in notices:
        until = f"（{notice.until.month}月{notice.until.day}日前有效）" if notice.until else ""
        lines.append(f"{notice.at:%m-%d} {notice.author}：{notice.text}{until}")
    return lines
