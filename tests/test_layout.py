"""The folder layout of docs/admin.md §5: `tui-report setup` builds it from the roster (a dry run by
default), and `tui-report doctor DIR` names every deviation with the commands that fix it.

Building groups and ACLs needs root (CI has it); outside CI the tests that need it skip."""

from __future__ import annotations

import grp
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report.review.roster import RosterError, load_layout

ROOT = Path(__file__).resolve().parent.parent


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "tui_report", *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        check=False,
    )


def _roster(path: Path, reviewers: str, units: list[tuple[str, str, str]]) -> Path:
    text = f'[layout]\nreviewers = "{reviewers}"\n'
    for name, folder, group in units:
        text += f'\n[[units]]\nname = "{name}"\nfolder = "{folder}"\ngroup = "{group}"\n'
    path.write_text(text, encoding="utf-8")
    return path


def test_a_dry_run_prints_the_commands_and_changes_nothing(tmp_path: Path) -> None:
    roster = _roster(tmp_path / "roster.toml", "nb-shenhe", [("甲乡人民政府", "甲乡", "nb-jia")])
    year = tmp_path / "2025"
    result = _cli("setup", str(year), "--roster", str(roster))
    assert result.returncode == 0, result.stdout + result.stderr
    commands = [
        line.strip() for line in result.stdout.splitlines() if line.startswith("  ") and "#" not in line
    ]
    for expected in (
        "groupadd nb-shenhe",
        "groupadd nb-jia",
        f"chown root:root {year}",
        f"chmod 0755 {year}",
        f"install -o root -g nb-shenhe -m 0640 {roster} {year}/roster.toml",
        f"chown root:nb-shenhe {year}/.review",
        f"chmod 2770 {year}/.review",
        f"setfacl -m g:nb-jia:rx,d:g:nb-jia:rx {year}/.review",
        f"chown root:nb-jia {year}/甲乡",
        f"chmod 2770 {year}/甲乡",
        f"setfacl -m g:nb-shenhe:rx,d:g:nb-shenhe:rx {year}/甲乡",
    ):
        assert expected in commands, (expected, result.stdout)
    assert not year.exists()


@pytest.mark.parametrize(
    ("roster", "message"),
    [
        ('[[units]]\nname = "甲乡"\n', "缺少 [layout] 中的 reviewers"),
        ('[layout]\nreviewers = "审核组"\n[[units]]\nname = "甲乡"\n', "不是可用的用户名或组名"),
        (
            '[layout]\nreviewers = "nb-r"\n[[units]]\nname = "甲乡"\ngroup = "nb-x"\n'
            '[[units]]\nname = "乙镇"\ngroup = "nb-x"\n',
            "用了同一个组“nb-x”",
        ),
        ('[layout]\nreviewers = "nb-r"\n[[units]]\nname = "甲乡"\nfolder = "../etc"\n', "不能用作文件夹名"),
    ],
)
def test_a_roster_that_cannot_make_a_layout_is_refused(tmp_path: Path, roster: str, message: str) -> None:
    path = tmp_path / "roster.toml"
    path.write_text(roster, encoding="utf-8")
    with pytest.raises(RosterError, match=message.replace("[", r"\[").replace("]", r"\]")):
        load_layout(path)
    result = _cli("setup", str(tmp_path / "2025"), "--roster", str(path))
    assert result.returncode == 2 and message in result.stderr, result.stderr


@pytest.fixture
def groups() -> Iterator[tuple[str, str, str]]:
    if os.geteuid() != 0:
        if os.environ.get("CI"):
            pytest.fail("the layout tests need root in CI (groupadd, chown, setfacl)")
        pytest.skip("needs root to make groups and ACLs")
    if shutil.which("setfacl") is None:
        pytest.fail("setfacl (package acl) is missing: scripts/test.sh installs it")
    suffix = f"{os.getpid() % 100000}"
    names = (f"tlr{suffix}", f"tlj{suffix}", f"tly{suffix}")
    yield names
    for name in names:
        subprocess.run(["groupdel", name], capture_output=True, check=False)


def test_doctor_names_each_deviation_with_its_fix(tmp_path: Path, groups: tuple[str, str, str]) -> None:
    reviewers, jia, yi = groups
    base = tmp_path / "srv"
    base.mkdir()
    roster = _roster(
        tmp_path / "roster.toml", reviewers, [("甲乡人民政府", "甲乡", jia), ("乙镇人民政府", "乙镇", yi)]
    )
    year = base / "2025"
    applied = _cli("setup", str(year), "--roster", str(roster), "--apply")
    assert applied.returncode == 0 and "检查通过" in applied.stdout, applied.stdout + applied.stderr
    assert "布局已与名册一致" in _cli("setup", str(year)).stdout  # a second run changes nothing

    # What a careless (or hostile) hand does to the folders afterwards:
    base.chmod(0o777)
    (year / "乙镇").chmod(0o2775)
    shutil.chown(year / "乙镇", group=jia)
    subprocess.run(["setfacl", "-x", f"g:{reviewers}", str(year / "甲乡")], check=True)
    (year / "roster.toml").chmod(0o664)
    (year / "丙乡").symlink_to("/root")
    shutil.copyfile(ROOT / "examples" / "dama-2021.toml", year / "放错了.toml")

    doctor = _cli("doctor", str(year), "--no-render")
    assert doctor.returncode == 1
    out = doctor.stdout
    expected = [
        (f"{base} 组内或其他用户可写", f"→ chmod go-w {base}"),
        (f"{year}/roster.toml 不只属于 root", f"→ chmod 0640 {year}/roster.toml"),
        ("这些报告直接放在年度文件夹中，不在任何单位的文件夹里：放错了.toml", "→ mv "),
        ("丙乡 是符号链接（指向 /root），程序不会跟随", f"→ 确认后删除链接：rm {year}/丙乡"),
        (
            f"甲乡/ 审核组 {reviewers} 不能读取",
            f"→ setfacl -m g:{reviewers}:rx,d:g:{reviewers}:rx {year}/甲乡",
        ),
        (f"乙镇/ 与 甲乡 共用 {jia} 组", "→ groupadd 新组名"),
        ("乙镇/ 的权限是 drwxrwsr-x（2775），应为 2770", f"→ chmod 2770 {year}/乙镇"),
    ]
    for deviation, fix in expected:
        at = out.find(deviation)
        assert at >= 0, (deviation, out)
        assert fix in out[at:], (fix, out)
    # setup repairs what the roster says; the rest stays for the administrator, as doctor says.
    repaired = _cli("setup", str(year), "--apply")
    assert f"chmod go-w {base}" in repaired.stderr
    after = _cli("doctor", str(year), "--no-render").stdout
    for fixed in ("roster.toml 不只属于 root", "审核组", "共用", "2775"):
        assert not any(fixed in line and "✗" in line for line in after.splitlines()), (fixed, after)
    assert grp.getgrgid((year / "乙镇").stat().st_gid).gr_name == yi


def test_doctor_on_a_unit_folder_checks_the_folders_above(tmp_path: Path) -> None:
    """The swap attack needs a writable folder above the report folder: doctor names it."""
    parent = tmp_path / "xiangzhen"
    unit = parent / "2025"
    unit.mkdir(parents=True)
    parent.chmod(0o2770 if os.geteuid() == 0 else 0o777)
    unit.chmod(0o2770)
    out = _cli("doctor", str(unit), "--no-render").stdout
    if os.geteuid() == 0:
        assert f"✗ {parent} 组内或其他用户可写" in out, out
        assert f"→ chmod go-w {parent}" in out, out
    else:
        assert f"✗ {parent} 属于" in out, out
