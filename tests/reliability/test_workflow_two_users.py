"""The review workflow between two real users in different groups (#22), in the strict layout of
docs/admin.md: a root-owned year folder, one folder per unit (the operators' group, the reviewers
reading through an ACL), and ``.review`` of the reviewers' group (the operators reading through an
ACL). Every step runs the command line (``tui_report.cli.main``) in a process with that user's ids.

The operator cannot approve: ``tui-report approve`` as the operator fails because the file system
refuses the write, and so does writing a record into ``.review`` directly; an "approve" record the
operator plants in their own folder is ignored. A change after the approval shows 已通过后有修改 and
is not published.

Run with ``-s`` to see the transcript (what each user typed and what came back).
"""

from __future__ import annotations

import contextlib
import grp
import io
import json
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tui_report.storage.reportfile import load_report, save_report

from ._helpers import _warm_imports, as_someone

if os.geteuid() != 0:
    if os.environ.get("CI"):
        raise RuntimeError("the two-user workflow test needs root in CI (useradd/groupadd)")
    pytest.skip("needs root to create two users and their groups", allow_module_level=True)

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "full-2024.toml"
UNIT = "甲乡人民政府"


@dataclass(frozen=True)
class User:
    name: str
    uid: int
    gid: int
    groups: tuple[int, ...]
    state: Path


@dataclass(frozen=True)
class County:
    operator: User
    reviewer: User
    year: Path
    report: Path
    out: Path
    transcript: list[str]


def _cmd(*args: str) -> None:
    subprocess.run(args, check=True, capture_output=True)


@pytest.fixture(scope="module")
def names() -> Iterator[tuple[str, str, str, str]]:
    suffix = f"{os.getpid() % 100000}"
    unit_group, review_group = f"twunit{suffix}", f"twrev{suffix}"
    operator, reviewer = f"twop{suffix}", f"twrv{suffix}"
    _cmd("groupadd", unit_group)
    _cmd("groupadd", review_group)
    try:
        _cmd("useradd", "-M", "-U", "-G", unit_group, "-s", "/usr/sbin/nologin", operator)
        _cmd("useradd", "-M", "-U", "-G", review_group, "-s", "/usr/sbin/nologin", reviewer)
        yield unit_group, review_group, operator, reviewer
    finally:
        for name in (operator, reviewer):
            subprocess.run(["userdel", name], capture_output=True)
            subprocess.run(["groupdel", name], capture_output=True)
        for group in (unit_group, review_group):
            subprocess.run(["groupdel", group], capture_output=True)


def _user(name: str, group: int, base: Path) -> User:
    entry = pwd.getpwnam(name)
    state = base / f"state-{name}"
    state.mkdir(mode=0o700)
    os.chown(state, entry.pw_uid, entry.pw_gid)
    return User(name, entry.pw_uid, entry.pw_gid, (entry.pw_gid, group), state)


@pytest.fixture
def county(names: tuple[str, str, str, str]) -> Iterator[County]:
    """The layout an administrator sets up (docs/admin.md, 报送审核)."""
    unit_group, review_group, operator_name, reviewer_name = names
    unit_gid, review_gid = grp.getgrnam(unit_group).gr_gid, grp.getgrnam(review_group).gr_gid
    base = Path(tempfile.mkdtemp(prefix="tui-report-workflow-", dir="/tmp"))
    os.chmod(base, 0o755)
    operator = _user(operator_name, unit_gid, base)
    reviewer = _user(reviewer_name, review_gid, base)
    year = base / "2024"
    year.mkdir(mode=0o755)  # root's, closed: nobody but root can replace .review or a unit folder
    review = year / ".review"
    review.mkdir()
    os.chown(review, 0, review_gid)
    os.chmod(review, 0o2770)
    _cmd(
        "setfacl",
        "-m",
        f"g:{unit_group}:rx",
        "-m",
        f"d:g:{unit_group}:rx",
        "-m",
        f"d:g:{review_group}:rwx",
        str(review),
    )
    unit = year / "jiaxiang"
    unit.mkdir()
    os.chown(unit, 0, unit_gid)
    os.chmod(unit, 0o2770)
    _cmd(
        "setfacl",
        "-m",
        f"g:{review_group}:rx",
        "-m",
        f"d:g:{review_group}:rx",
        "-m",
        f"d:g:{unit_group}:rwx",
        str(unit),
    )
    (year / "roster.toml").write_text(f'[[units]]\nname = "{UNIT}"\nlevel = "乡镇"\n', encoding="utf-8")
    report = load_report(EXAMPLE)
    report.unit, report.level = UNIT, "township"
    for cell in list(report.values["proactive"]):
        if cell.startswith("regulations."):  # 乡镇 make no 规章 (R14)
            report.values["proactive"][cell] = 0
    path = unit / "2024年报.toml"
    save_report(report, path)
    os.chown(path, operator.uid, unit_gid)
    os.chmod(path, 0o660)
    out = base / "发布"
    out.mkdir()
    os.chown(out, reviewer.uid, reviewer.gid)
    transcript: list[str] = []
    try:
        yield County(operator, reviewer, year, path, out, transcript)
    finally:
        print("\n".join(transcript))
        shutil.rmtree(base, ignore_errors=True)


def _become(user: User) -> None:
    os.setgroups(list(user.groups))
    os.setresgid(user.gid, user.gid, user.gid)
    os.setresuid(user.uid, user.uid, user.uid)
    os.environ["TUI_REPORT_STATE_DIR"] = str(user.state)
    os.environ["HOME"] = str(user.state)
    os.umask(0o007)


def _warm() -> None:
    """Load what the commands import lazily: the child cannot read root's private Python install."""
    _warm_imports()
    import concurrent.futures  # noqa: F401
    import multiprocessing  # noqa: F401

    import tui_report.cli.workflow
    import tui_report.export.html
    import tui_report.export.office
    import tui_report.importers
    import tui_report.review.batch
    import tui_report.review.desk
    import tui_report.review.workflow
    import tui_report.session  # noqa: F401


def as_user(user: User, func: Any) -> Any:
    _warm()
    return as_someone(user.name, lambda: _become(user), func)


def cli(county: County, user: User, *args: str) -> tuple[int, str, str]:
    """``tui-report ARGS`` as ``user``: exit code, stdout, stderr (and a line of the transcript)."""

    def run() -> tuple[int, str, str]:
        from tui_report.cli import main

        out, err = io.StringIO(), io.StringIO()
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            code = main(list(args))
        return code, out.getvalue(), err.getvalue()

    code, out, err = as_user(user, run)
    shown = " ".join(a.replace(str(county.year), "2024") for a in args)
    who = "审核人员" if user is county.reviewer else "填报人员"
    county.transcript.append(f"[{who} {user.name}]$ tui-report {shown}   → 退出码 {code}")
    county.transcript.extend(
        [f"    {line}" for line in (out + err).replace(str(county.year), "2024").splitlines()]
    )
    return code, out, err


def state(county: County, user: User) -> tuple[int, dict[str, Any]]:
    code, out, _ = cli(county, user, "review", str(county.year), "--json")
    rows = [json.loads(line) for line in out.splitlines()]
    return code, next(r for r in rows if r["unit"] == UNIT)


def test_the_whole_loop_between_an_operator_and_a_reviewer(county: County) -> None:
    operator, reviewer, report = county.operator, county.reviewer, str(county.report)

    code, row = state(county, reviewer)
    assert (code, row["state"], row["workflow"]) == (0, "已完成", "未报送")  # no workflow yet: 已完成 is done
    assert cli(county, operator, "submit", report)[0] == 0
    code, row = state(county, reviewer)
    assert (code, row["workflow_code"]) == (1, "submitted")  # the reviewer reads the operator's record

    comment = (
        "comment",
        report,
        "-m",
        "表三新收申请数与正文不一致，请核实",
        "--at",
        "tables.requests.new.natural",
    )
    assert cli(county, reviewer, *comment)[0] == 0
    assert cli(county, reviewer, "return", report, "-m", "请按意见修改后重新报送")[0] == 0
    code, row = state(county, operator)
    assert (row["workflow"], row["comments_open"]) == ("退回修改", 2)  # the operator reads the reviewer's

    # The operator cannot approve: refused by the file system, not only by the program
    code, _, err = cli(county, operator, "approve", report)
    assert code == 1 and "尚未重新报送" in err  # the program says no first…
    assert cli(county, operator, "submit", report)[0] == 0
    code, _, err = cli(county, operator, "approve", report)
    assert code == 2 and "没有写入权限" in err  # …and when it would say yes, the file system refuses
    records = county.year / ".review" / "jiaxiang" / "2024年报.toml"

    def forge_in_review() -> str:
        try:
            fd = os.open(
                records / "99999999-999999-999999-approve-forged.json", os.O_WRONLY | os.O_CREAT, 0o644
            )
        except PermissionError as exc:
            return f"refused: {exc.strerror}"
        os.close(fd)
        return "written"

    assert as_user(operator, forge_in_review).startswith("refused")

    def forge_review_folder() -> str:
        try:
            os.rename(county.year / ".review", county.year / ".review-old")
        except PermissionError as exc:
            return f"refused: {exc.strerror}"
        return "renamed"

    assert as_user(operator, forge_review_folder).startswith("refused")

    def forge_in_own_folder() -> None:
        from tui_report.model.workflow import content_fingerprint

        own = county.report.parent / ".workflow" / county.report.name
        forged = {"kind": "approve", "fingerprint": content_fingerprint(load_report(county.report))}
        (own / "99999999-999999-999999-approve-forged.json").write_text(json.dumps(forged), encoding="utf-8")

    as_user(operator, forge_in_own_folder)
    code, row = state(county, reviewer)
    assert (code, row["workflow_code"]) == (1, "submitted")  # the planted approval is ignored

    code, out, _ = cli(county, operator, "check", report)
    assert "[REVIEW] 审核意见1" in out and "表三 一·自然人" in out
    assert cli(county, operator, "reply", report, "1", "-m", "已核实，正文已改为与表三一致", "--done")[0] == 0
    assert cli(county, operator, "reply", report, "2", "--done")[0] == 0
    assert cli(county, reviewer, "approve", report)[0] == 0
    code, row = state(county, reviewer)
    assert (code, row["workflow"], row["comments_open"]) == (0, "已通过", 0)

    from tui_report.storage.reviewrecords import place_of, read_records

    authors = {r.kind: r.author for r in read_records(place_of(county.report))}
    assert authors["approve"] == reviewer.name and authors["submit"] == operator.name

    # A change after the approval: 已通过后有修改, not published
    def edit() -> None:
        from tui_report.session import EditSession

        session = EditSession.open(county.report)
        session.report.values["requests"]["new.natural"] += 1
        session.report.values["requests"]["results.disclosed.natural"] += 1
        session.mark_edited()
        session.save()
        session.close()

    as_user(operator, edit)
    code, row = state(county, reviewer)
    assert (code, row["workflow"]) == (1, "已通过后有修改")
    code, out, err = cli(
        county, reviewer, "export", str(county.year), "-o", str(county.out), "--format", "html"
    )
    assert code == 1 and f"暂不发布 {UNIT}：已通过后有修改" in err
    assert not [p for p in county.out.iterdir() if p.name != "index.html"]

    assert cli(county, operator, "submit", report)[0] == 0
    assert cli(county, reviewer, "approve", report)[0] == 0
    code, out, err = cli(
        county, reviewer, "export", str(county.year), "-o", str(county.out), "--format", "html"
    )
    assert code == 0 and "已发布（已审核通过） 1 份" in out
    code, row = state(county, operator)
    assert (code, row["workflow"], row["workflow_code"]) == (0, "已发布", "published")


def test_an_operator_cannot_post_notices_and_reads_them(county: County) -> None:
    code, _, err = cli(county, county.operator, "notice", str(county.year), "-m", "伪造的通知")
    assert code == 2 and "没有写入权限" in err
    assert (
        cli(
            county,
            county.reviewer,
            "notice",
            str(county.year),
            "-m",
            "1月15日前报送",
            "--until",
            "2099-01-15",
        )[0]
        == 0
    )

    def seen() -> list[str]:
        from tui_report.review.workflow import notices_for

        return [f"{n.author}：{n.text}" for n in notices_for(county.report)]

    assert as_user(county.operator, seen) == [f"{county.reviewer.name}：1月15日前报送"]
    code, _, err = cli(county, county.operator, "notice", str(county.year), "--clear")
    assert code == 2 and "无法删除通知" in err


def test_doctor_checks_that_only_reviewers_write_the_review_folder(county: County) -> None:
    """On a unit's folder, doctor checks the year folder's .review for that unit (on the year folder,
    admin/layout.py checks it with the rest of the layout)."""
    from tui_report.admin.layout import year_folder_checks
    from tui_report.admin.results import Status
    from tui_report.admin.reviewfolder import review_folder_checks

    unit, review = county.report.parent, county.year / ".review"
    unit_group = grp.getgrgid(os.stat(unit).st_gid).gr_name
    checks = review_folder_checks(unit)
    assert [c.status for c in checks] == [Status.OK] and "各单位只能读取" in checks[0].text, checks
    assert review_folder_checks(county.year) == []  # the year folder's own checks cover it:
    assert any(c.status is Status.OK and ".review/" in c.text for c in year_folder_checks(county.year))
    _cmd("setfacl", "-m", f"g:{unit_group}:rwx", str(review))  # an administrator's slip
    checks = review_folder_checks(unit)
    assert any(c.status is Status.FAIL and unit_group in c.text and "可以写入" in c.text for c in checks)
    _cmd("setfacl", "-m", f"g:{unit_group}:---", str(review))
    checks = review_folder_checks(unit)
    assert any(c.status is Status.FAIL and unit_group in c.text and "不能读取" in c.text for c in checks)


def test_a_unit_folder_is_not_a_year_folder(county: County) -> None:
    """Run on a unit folder, the commands use the year folder's .review; a .review and roster an
    operator makes in their own folder are never taken for the county's."""

    def plant() -> None:
        unit = county.report.parent
        (unit / ".review" / ".notices").mkdir(parents=True)
        (unit / "roster.toml").write_text('[[units]]\nname = "x"\n', encoding="utf-8")
        notice = {"kind": "notice", "text": "伪造的通知"}
        (unit / ".review" / ".notices" / "1-notice-x.json").write_text(json.dumps(notice), encoding="utf-8")

    as_user(county.operator, plant)
    assert cli(county, county.reviewer, "notice", str(county.report.parent), "-m", "真的通知")[0] == 0
    assert (county.year / ".review" / ".notices").is_dir()

    def seen() -> list[str]:
        from tui_report.review.workflow import notices_for

        return [n.text for n in notices_for(county.report)] + [
            n.text for n in notices_for(county.report.parent)
        ]

    assert as_user(county.operator, seen) == ["真的通知", "真的通知"]
