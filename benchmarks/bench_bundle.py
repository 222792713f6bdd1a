"""The offline bundle: its size, how long install.sh takes without network, and how long the
installed doctor takes, each beside a baseline measured in the same run.

    python benchmarks/bench_bundle.py [--tarball dist/tui-report-offline-X.tar.gz] [--full]

Without --tarball it builds one (`scripts/bundle.sh --host-only`, or the full multi-platform
bundle with --full). Needs root for `unshare -n` (the installs run without network).

Baselines: installing the same wheels with plain `python -m venv` + `pip install --no-index`
(what install.sh adds: checksums, Python choice, launcher, version switch), and
`tui-report --version` through the same launcher (what the doctor's checks add to start-up).
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def run(*command: str | Path, env: dict[str, str] | None = None) -> float:
    """Seconds one command takes inside a network namespace without network."""
    start = time.perf_counter()
    result = subprocess.run(
        ["unshare", "-n", "--", *map(str, command)], capture_output=True, text=True, env=env, check=False
    )
    elapsed = time.perf_counter() - start
    if result.returncode not in (0, 1):  # the doctor exits 1 when something needs fixing
        sys.exit(f"{command} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
    return elapsed


def build(full: bool) -> Path:
    start = time.perf_counter()
    args = [] if full else ["--host-only"]
    subprocess.run(
        ["bash", "scripts/bundle.sh", *args],
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHON": sys.executable},
    )
    print(f"build{' (full)' if full else ' (host only)'}: {time.perf_counter() - start:.1f} s")
    return max((ROOT / "dist").glob("tui-report-offline-*.tar.gz"), key=lambda p: p.stat().st_mtime)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tarball", type=Path)
    parser.add_argument("--full", action="store_true", help="build the multi-platform bundle")
    args = parser.parse_args()
    if os.geteuid() != 0 or shutil.which("unshare") is None:
        sys.exit("needs root and unshare (util-linux)")
    tarball = args.tarball or build(args.full)
    work = Path(tempfile.mkdtemp(prefix="bench-bundle-", dir="/tmp"))
    try:
        with tarfile.open(tarball) as tar:
            names = tar.getnames()
            tar.extractall(work, filter="data")
        bundle = work / names[0].split("/")[0]
        wheels = sorted((bundle / "wheels").glob("*.whl"))
        print(f"tarball: {tarball.name}, {tarball.stat().st_size / 2**20:.1f} MiB, {len(wheels)} wheels")

        prefix = work / "opt"
        install = run("bash", bundle / "install.sh", "--prefix", prefix, "--no-link")
        upgrade = run("bash", bundle / "install.sh", "--prefix", prefix, "--no-link")
        python = os.path.realpath(prefix / "current" / "bin" / "python")
        env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")} | {
            "PIP_CONFIG_FILE": os.devnull
        }
        start = time.perf_counter()
        subprocess.run([python, "-m", "venv", "--without-pip", work / "plain"], check=True)
        pip = max((bundle / "wheels").glob("pip-*.whl"))
        baseline = run(
            work / "plain" / "bin" / "python", f"{pip}/pip", "install", "-q", "--no-index", "--find-links",
            bundle / "wheels", "tui-report", env=env,
        ) + (time.perf_counter() - start)  # fmt: skip
        size = sum(f.stat().st_size for f in (prefix / "current").resolve().rglob("*") if f.is_file())
        print(f"install.sh offline: {install:.1f} s; again (upgrade, keeps the previous): {upgrade:.1f} s")
        print(f"baseline venv + pip install --no-index of the same wheels: {baseline:.1f} s")
        print(f"installed environment: {size / 2**20:.0f} MiB")

        launcher = prefix / "bin" / "tui-report"
        version = min(run(launcher, "--version") for _ in range(3))
        doctor = min(run(launcher, "doctor", "--no-render") for _ in range(3))
        render = run(launcher, "doctor")
        print(f"launcher --version (baseline): {version * 1000:.0f} ms")
        print(f"doctor --no-render: {doctor * 1000:.0f} ms; doctor with the PDF test render: {render:.1f} s")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
