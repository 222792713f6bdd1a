"""Issue #20 items 6, 7, 9 and 10, each attack tried N times on this tree and on a git revision
(``--baseline REV``, a temporary ``git worktree`` given this tree's attack tests): how often each
is blocked. An attack is a test of this tree (tests/reliability/test_hostile_server.py,
tests/test_bundle.py, tests/test_layout.py, tests/review/test_discovery.py,
tests/test_similarity.py); "blocked" means the test passed. Run as root (real users, `unshare -n`).

Run: python benchmarks/bench_hostile_server.py --tries 5 --baseline main
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

ATTACKS = [
    ("6a lock record rewritten (user, name, SSH client, heartbeat) shown as fact",
     "tests/reliability/test_hostile_server.py::test_6a_a_rewritten_lock_record_is_never_shown_as_fact"),
    ("6b hard link 甲.lock → 乙.lock offers 接管 of 甲's live session",
     "tests/reliability/test_hostile_server.py::test_6b_a_hard_linked_lock_file_offers_no_take_over"),
    ("7  check beside eight 150,000-character parts (≤ 30 s here)",
     "tests/test_similarity.py::test_check_beside_a_report_with_huge_parts_finishes"),
    ("9a folder swapped for a link to op1's home after opening: save lands there",
     "tests/reliability/test_hostile_server.py::test_9a_a_folder_swapped_for_a_link_after_opening_gets_no_save"),
    ("9b one unit removes/renames another's report, versions, folder, roster, .review",
     "tests/reliability/test_hostile_server.py::test_9b_no_unit_can_remove_or_swap_another_unit_s_report"),
    ("9c reviewers read all and write only .review/, outsider reads nothing",
     "tests/reliability/test_hostile_server.py::test_9c_reviewers_read_every_unit_and_nobody_else_does"),
    ("9  desk/roster/rollup/export miss reports in unit folders",
     "tests/review/test_discovery.py::test_roster_rollup_and_batch_export_read_the_unit_folders"),
    ("9  doctor names each deviation with its fix",
     "tests/test_layout.py::test_doctor_names_each_deviation_with_its_fix"),
    ("10 install.sh into a prefix another user owns",
     "tests/test_bundle.py::test_a_prefix_another_user_owns_is_refused"),
    ("10 planted bin/tui-report.new symlink followed by root",
     "tests/test_bundle.py::test_a_planted_launcher_link_is_not_followed"),
    ("10 planted versions/* symlink emptied by the clean-up",
     "tests/test_bundle.py::test_a_planted_version_link_is_not_emptied"),
    ("10 tampered bundle.env run before the checksums",
     "tests/test_bundle.py::test_a_tampered_bundle_env_is_never_run"),
]  # fmt: skip
TEST_FILES = sorted({test.split("::")[0] for _, test in ATTACKS})


def run_once(tree: Path) -> dict[str, bool]:
    """One pytest run of every attack in ``tree``: test id → blocked (passed)."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "junit.xml"
        subprocess.run(
            [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"]
            + [test for _, test in ATTACKS],
            cwd=tree,
            env={**os.environ, "PYTHONPATH": str(tree / "src"), "CI": "true"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            timeout=3600,
            check=False,
        )
        outcome: dict[str, bool] = {}
        if report.exists():
            for case in ET.parse(report).iter("testcase"):
                path = case.get("classname", "").replace(".", "/") + ".py"
                test_id = f"{path}::{case.get('name')}"
                outcome[test_id] = not any(child.tag in ("failure", "error", "skipped") for child in case)
        return {test: outcome.get(test, False) for _, test in ATTACKS}


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--tries", type=int, default=3)
    parser.add_argument("--baseline", help="a git revision tried the same way in the same run")
    args = parser.parse_args()
    trees = [("this tree", ROOT)]
    worktree: Path | None = None
    try:
        if args.baseline:
            worktree = Path(tempfile.mkdtemp(prefix="bench-hostile-base-")) / "tree"
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(worktree), args.baseline],
                check=True,
                capture_output=True,
            )
            for name in TEST_FILES:
                shutil.copyfile(ROOT / name, worktree / name)
            trees.insert(0, (f"baseline {args.baseline}", worktree))
        blocked = {name: dict.fromkeys((test for _, test in ATTACKS), 0) for name, _ in trees}
        for _ in range(args.tries):
            for name, tree in trees:
                for test, ok in run_once(tree).items():
                    blocked[name][test] += ok
        header = " | ".join(f"blocked, {name}" for name, _ in trees)
        print(f"attack | tries | {header}")
        for label, test in ATTACKS:
            cells = " | ".join(f"{blocked[name][test]}/{args.tries}" for name, _ in trees)
            print(f"{label} | {args.tries} | {cells}")
    finally:
        if worktree is not None:
            subprocess.run(
                ["git", "-C", str(ROOT), "worktree", "remove", "--force", str(worktree)],
                check=False,
                capture_output=True,
            )
            shutil.rmtree(worktree.parent, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
