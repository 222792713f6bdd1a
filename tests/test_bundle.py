"""The offline bundle: built from this checkout for this machine (`bundle.sh --host-only`),
installed from the tarball alone inside a network namespace without network (`unshare -n`),
then the installed launcher runs `doctor`, `check` and `export`; a second install upgrades in
place and keeps the first for `install.sh --rollback`.

Needs root (network namespaces) and the package index (the build downloads wheels); CI has both.
"""

from __future__ import annotations

import grp
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from tui_report import __version__
from tui_report.host.toml import tomllib

ROOT = Path(__file__).resolve().parent.parent
IN_CI = os.environ.get("CI") == "true"
BUNDLE = f"tui-report-offline-{__version__}"


def _require_root_and_unshare() -> None:
    problem = None
    if os.geteuid() != 0:
        problem = "installing inside `unshare -n` needs root"
    elif shutil.which("unshare") is None or shutil.which("setpriv") is None:
        problem = "unshare and setpriv (util-linux) are not installed"
    if problem:
        if IN_CI:
            pytest.fail(problem)
        pytest.skip(problem)


def offline(
    *command: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command in a new network namespace: only a loopback interface, which is down."""
    return subprocess.run(
        ["unshare", "-n", "--", *map(str, command)],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=cwd,
        check=False,
    )


@pytest.fixture(scope="module")
def bundle(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundle built for this machine, unpacked in a fresh folder."""
    _require_root_and_unshare()
    build = subprocess.run(
        ["bash", "scripts/bundle.sh", "--host-only"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "PYTHON": sys.executable},
        check=False,
    )
    assert build.returncode == 0, build.stdout + build.stderr
    tarball = ROOT / "dist" / f"{BUNDLE}.tar.gz"
    assert tarball.is_file()
    unpacked = tmp_path_factory.mktemp("unpacked")
    with tarfile.open(tarball) as tar:
        tar.extractall(unpacked, filter="data")
    return unpacked / BUNDLE


@pytest.fixture(scope="module")
def public_dir() -> Iterator[Path]:
    """A folder every user can reach (pytest's own are private to root), removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="tui-report-test-", dir="/tmp"))
    folder.chmod(0o755)
    yield folder
    shutil.rmtree(folder, ignore_errors=True)


@pytest.fixture(scope="module")
def installed(bundle: Path, public_dir: Path) -> Path:
    prefix = public_dir / "opt" / "tui-report"
    result = offline("bash", bundle / "install.sh", "--prefix", prefix, "--no-link")
    assert result.returncode == 0, result.stdout + result.stderr
    assert f"已安装：tui-report {__version__}" in result.stdout
    assert "注意" not in result.stdout  # a Python every operator can run was found
    return prefix


def _names(lines: list[str]) -> set[str]:
    return {re.sub(r"[-_.]+", "-", line.split("-")[0]).lower() for line in lines}


def test_bundle_holds_every_runtime_dependency(bundle: Path) -> None:
    listed = (bundle / "wheels.txt").read_text(encoding="utf-8").splitlines()
    names = _names(listed)
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    for requirement in project["dependencies"]:
        name = re.split(r"[\s<>=~!;\[]", requirement, maxsplit=1)[0]
        assert re.sub(r"[-_.]+", "-", name).lower() in names, f"{name} missing from the bundle"
    assert {"tui-report", "pip"} <= names
    assert (
        (bundle / "README.txt").read_text(encoding="utf-8").startswith(f"tui-report {__version__} 离线安装包")
    )
    manual = (bundle / "admin.md").read_text(encoding="utf-8")
    assert manual == (ROOT / "docs" / "admin.md").read_text(encoding="utf-8")
    env = dict(line.split("=", 1) for line in (bundle / "bundle.env").read_text().splitlines())
    assert env["PYTHONS"] == "'{}.{}'".format(*sys.version_info[:2])
    # the same wheels a county server gets: manylinux up to glibc 2.28 (Kylin V10, UOS 20)
    glibc = tuple(int(n) for n in env["GLIBC"].strip("'").split("."))
    assert (2, 17) <= glibc <= (2, 28)


def test_installed_launcher_works_offline(installed: Path, tmp_path: Path) -> None:
    launcher = installed / "bin" / "tui-report"
    folder = tmp_path / "shared"
    folder.mkdir()
    users = grp.getgrnam("users").gr_gid  # a shared group (root is not in it)
    os.chown(folder, -1, users)
    folder.chmod(0o2770)
    shutil.copy(ROOT / "examples" / "dama-2021.toml", folder / "x.toml")
    os.chown(folder / "x.toml", -1, users)
    (folder / "x.toml").chmod(0o660)
    # An SSH session without a locale and with umask 022: the launcher repairs both.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("LC_", "LANG", "PYTHON", "VIRTUAL_ENV"))}
    env["PATH"] = "/usr/bin:/bin"
    env["TUI_REPORT_STATE_DIR"] = str(tmp_path / "state")  # not whatever this machine's tests left in ~
    doctor = offline("sh", "-c", f'umask 022; exec "{launcher}" doctor "{folder}"', env=env)
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    assert "✓ 试转换示例报告为 PDF" in doctor.stdout
    assert "✓ umask 0007：新文件组内可读写" in doctor.stdout
    assert "! 登录会话的 umask 是 0022" in doctor.stdout
    assert "tui-report 已自动改用" in doctor.stdout  # the locale the launcher set
    assert str(installed / "versions") in doctor.stdout  # the installed Python, not this checkout's
    current = os.readlink(installed / "current").split("/")[-1]
    assert f"  ✓ 安装在 {installed}，版本 {current}" in doctor.stdout
    check = offline(launcher, "check", "x.toml", env=env, cwd=folder)
    assert check.returncode == 0, check.stdout + check.stderr
    export = offline(launcher, "export", "x.toml", "-o", "x.docx", env=env, cwd=folder)
    assert export.returncode == 0, export.stdout + export.stderr
    assert zipfile.is_zipfile(folder / "x.docx")
    assert (folder / "x.docx").stat().st_mode & 0o060 == 0o060  # umask 007: the group may replace it


def test_an_operator_outside_the_group_is_told(installed: Path, public_dir: Path) -> None:
    """The installed program runs for any user (not only root), and doctor tells an operator who
    is not in the folder's group what to ask for."""
    folder = public_dir / "nianbao"
    folder.mkdir()
    os.chown(folder, -1, grp.getgrnam("users").gr_gid)
    folder.chmod(0o2770)
    as_nobody = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
    env = {"PATH": "/usr/bin:/bin", "HOME": str(public_dir), "LANG": "C.UTF-8"}
    launcher = installed / "bin" / "tui-report"
    result = offline(*as_nobody, launcher, "doctor", folder, "--no-render", env=env, cwd=public_dir)
    assert result.returncode == 1, result.stdout + result.stderr
    lines = result.stdout.splitlines()
    assert "  ✗ 你（nobody）不在 users 组中，无法保存" in lines
    assert "      → 管理员执行：usermod -aG users nobody，然后重新登录" in lines
    assert "  ✗ 你无法进入这个文件夹，其余项目未检查" in lines
    assert "Traceback" not in result.stdout + result.stderr


def test_reinstall_upgrades_in_place_and_rolls_back(bundle: Path, installed: Path) -> None:
    first = os.readlink(installed / "current")
    again = offline("bash", bundle / "install.sh", "--prefix", installed, "--no-link")
    assert again.returncode == 0, again.stdout + again.stderr
    second = os.readlink(installed / "current")
    assert second != first and os.readlink(installed / "previous") == first
    assert "--rollback" in again.stdout
    back = offline("bash", installed / "install.sh", "--rollback", "--prefix", installed)
    assert back.returncode == 0, back.stdout + back.stderr
    assert os.readlink(installed / "current") == first
    assert os.readlink(installed / "previous") == second
    doctor = offline(installed / "bin" / "tui-report", "doctor", "--no-render")
    assert (
        f"上一个版本 {second.split('/')[-1]} 已保留，回退：sudo bash {installed}/install.sh --rollback"
        in doctor.stdout
    )
    version = offline(installed / "bin" / "tui-report", "--version")
    assert version.stdout.strip() == f"tui-report {__version__}"


def _stub_bundle(folder: Path, arches: str, pythons: str) -> Path:
    """install.sh beside a bundle.env and checksums, no wheels: enough for its refusals."""
    folder.mkdir()
    shutil.copy(ROOT / "scripts" / "offline" / "install.sh", folder / "install.sh")
    (folder / "wheels").mkdir()
    (folder / "bundle.env").write_text(f"VERSION='{__version__}'\nARCHES='{arches}'\nPYTHONS='{pythons}'\n")
    subprocess.run(
        "sha256sum install.sh bundle.env > SHA256SUMS", shell=True, cwd=folder, check=True, timeout=30
    )
    return folder


def test_installer_says_why_it_cannot_install(tmp_path: Path) -> None:
    old_python = tmp_path / "python3.7"
    old_python.write_text("#!/bin/sh\necho 3.7\n")
    old_python.chmod(0o755)
    arch = os.uname().machine
    stub = _stub_bundle(tmp_path / "bundle", arch, "3.10 3.11")
    prefix = tmp_path / "prefix"
    result = subprocess.run(
        ["bash", stub / "install.sh", "--prefix", prefix, "--python", old_python, "--no-link"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert (
        f"错误：需要 Python 3.10、3.11 之一（带 venv 模块），本机找到：{old_python}（3.7）" in result.stderr
    )
    assert not prefix.exists()  # nothing changed
    other = "aarch64" if arch == "x86_64" else "x86_64"
    wrong = _stub_bundle(tmp_path / "other", other, "3.11")
    result = subprocess.run(
        ["bash", wrong / "install.sh", "--prefix", prefix],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1
    assert f"错误：本安装包适用于 {other}，本机是 {arch}；请使用对应平台的安装包" in result.stderr
    (wrong / "bundle.env").write_text("VERSION='0'\nARCHES='x86_64 aarch64'\nPYTHONS='3.11'\n")
    result = subprocess.run(
        ["bash", wrong / "install.sh", "--prefix", prefix],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "校验和不符" in result.stderr
    (wrong / "bundle.env").write_text(f"VERSION='0'\nARCHES='{arch}'\nPYTHONS='3.11'\nGLIBC='2.999'\n")
    subprocess.run(
        "sha256sum install.sh bundle.env > SHA256SUMS", shell=True, cwd=wrong, check=True, timeout=30
    )
    result = subprocess.run(
        ["bash", wrong / "install.sh", "--prefix", prefix],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 1 and "本安装包需要 2.999 或更高" in result.stderr
    rollback = subprocess.run(
        ["bash", stub / "install.sh", "--rollback", "--prefix", prefix],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert rollback.returncode == 1 and "没有可以回退的上一个版本" in rollback.stderr


# ---------------------------------------------------------------------- a hostile server (#20 item 10)


def _install(bundle_dir: Path, *args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["bash", bundle_dir / "install.sh", *map(str, args)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _this_python() -> str:
    return "{}.{}".format(*sys.version_info[:2])


def test_a_prefix_another_user_owns_is_refused(tmp_path: Path, public_dir: Path) -> None:
    """`--prefix /tmp/x` of another user: its owner could swap bin/tui-report between root writing
    and running it. Refused before anything is written, for the prefix and for any folder above."""
    _require_root_and_unshare()
    stub = _stub_bundle(tmp_path / "bundle", os.uname().machine, _this_python())
    theirs = public_dir / "theirs"
    theirs.mkdir()
    os.chown(theirs, 65534, 65534)  # nobody's folder
    for prefix in (theirs, theirs / "deeper" / "tui-report"):
        result = _install(stub, "--prefix", prefix, "--no-link")
        assert result.returncode == 1, result.stdout + result.stderr
        assert f"{theirs} 属于用户 nobody，不属于 root" in result.stderr, result.stderr
        assert list(theirs.iterdir()) == []  # nothing written into it


def test_a_planted_launcher_link_is_not_followed(bundle: Path, public_dir: Path) -> None:
    """A symlink planted at bin/tui-report.new (the old temporary name) made root write the
    launcher wherever it pointed — /etc/cron.d, say."""
    prefix = public_dir / "planted-launcher"
    (prefix / "bin").mkdir(parents=True)
    cron = public_dir / "cron.d"
    cron.mkdir()
    (prefix / "bin" / "tui-report.new").symlink_to(cron / "evil")
    result = offline("bash", bundle / "install.sh", "--prefix", prefix, "--no-link")
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (cron / "evil").exists(), "root wrote through the planted link"
    launcher = prefix / "bin" / "tui-report"
    assert not launcher.is_symlink() and launcher.read_text().startswith("#!/bin/sh")


def test_a_planted_version_link_is_not_emptied(bundle: Path, public_dir: Path) -> None:
    """A symlink planted in versions/ made the clean-up of old versions (`rm -rf versions/x/`)
    delete the contents of the folder it pointed to."""
    prefix = public_dir / "planted-version"
    (prefix / "versions").mkdir(parents=True)
    precious = public_dir / "precious"
    precious.mkdir()
    (precious / "data.txt").write_text("重要数据\n", encoding="utf-8")
    (prefix / "versions" / "0.0.1-20200101000000").symlink_to(precious)
    result = offline("bash", bundle / "install.sh", "--prefix", prefix, "--no-link")
    assert result.returncode == 0, result.stdout + result.stderr
    assert (precious / "data.txt").read_text(encoding="utf-8") == "重要数据\n"


def test_a_tampered_bundle_env_is_never_run(tmp_path: Path) -> None:
    """bundle.env was sourced (run as root) before the checksums were checked; now nothing of the
    bundle is read before they are, and bundle.env is read as data even when the sums match."""
    _require_root_and_unshare()
    arch = os.uname().machine
    stub = _stub_bundle(tmp_path / "bundle", arch, _this_python())
    marker = tmp_path / "ran-as-root"
    env_file = stub / "bundle.env"
    env_file.write_text(env_file.read_text() + f"touch {marker}\n")
    result = _install(stub, "--prefix", tmp_path / "prefix", "--no-link")
    assert result.returncode == 1 and "校验和不符" in result.stderr, result.stderr
    assert not marker.exists(), "bundle.env was run before the checksums were checked"
    # Sums made to match (whoever can change the bundle can change SHA256SUMS too): still data.
    env_file.write_text(f"VERSION='$(touch {marker})'\nARCHES='{arch}'\nPYTHONS='{_this_python()}'\n")
    subprocess.run("sha256sum install.sh bundle.env > SHA256SUMS", shell=True, cwd=stub, check=True)
    result = _install(stub, "--prefix", tmp_path / "prefix", "--no-link")
    assert result.returncode == 1 and "bundle.env 中 VERSION 的值不对" in result.stderr, result.stderr
    assert not marker.exists()
    assert not (tmp_path / "prefix").exists()
