"""The folder layout of a county's year (docs/admin.md §5): what each folder should be, and the
shell commands that make it so. ``tui-report setup`` (review/setup.py) runs these commands;
``tui-report doctor`` (admin/layout.py) prints them beside each deviation — one source for both::

    /srv/nianbao/               root:root 0755   (and every folder above: nobody else may write)
    /srv/nianbao/2025/          root:root 0755   the year folder: nobody but root renames a unit's folder
      roster.toml               root:<审核组> 0640
      .review/                  root:<审核组> 2770, ACL each unit's group r-x (default r-x too):
                                the reviewers' decisions, which operators read and cannot write
      某某乡/                    root:<本单位组> 2770, ACL <审核组> r-x (default r-x too):
                                one group per unit, so no unit can remove another's report
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

YEAR_MODE = 0o755
UNIT_MODE = 0o2770
REVIEW_MODE = 0o2770
ROSTER_MODE = 0o640
REVIEW_DIR = ".review"
# Groups that are never a unit's or the reviewers' own group.
SYSTEM_GROUPS = frozenset({"root", "nogroup", "nobody", "users", "staff", "wheel", "sudo", "adm"})

Command = list[str]


def year_folder_commands(path: Path) -> list[Command]:
    return [["chown", "root:root", str(path)], ["chmod", f"{YEAR_MODE:04o}", str(path)]]


def unit_folder_commands(path: Path, group: str) -> list[Command]:
    return [["chown", f"root:{group}", str(path)], ["chmod", f"{UNIT_MODE:04o}", str(path)]]


def reviewers_read_commands(path: Path, reviewers: str, *, has_content: bool = False) -> list[Command]:
    """The reviewers' group may read the unit's folder and what is saved in it later; with
    ``has_content``, also what is in it already (reports, .versions, .locks)."""
    commands = [["setfacl", "-m", f"g:{reviewers}:rx,d:g:{reviewers}:rx", str(path)]]
    if has_content:
        commands.append(["setfacl", "-R", "-m", f"g:{reviewers}:rX", str(path)])
        every_folder = ["find", str(path), "-mindepth", "1", "-type", "d"]
        commands.append([*every_folder, "-exec", "setfacl", "-m", f"d:g:{reviewers}:rX", "{}", "+"])
    return commands


def review_folder_commands(path: Path, reviewers: str) -> list[Command]:
    return [["chown", f"root:{reviewers}", str(path)], ["chmod", f"{REVIEW_MODE:04o}", str(path)]]


def units_read_review_commands(path: Path, unit_groups: list[str]) -> list[Command]:
    """Every unit's group may read the reviewers' folder (and what reviewers write there later)."""
    if not unit_groups:
        return []
    entries = ",".join(f"g:{g}:rx,d:g:{g}:rx" for g in unit_groups)
    return [["setfacl", "-m", entries, str(path)]]


def roster_commands(source: Path, target: Path, reviewers: str) -> list[Command]:
    return [["install", "-o", "root", "-g", reviewers, "-m", f"{ROSTER_MODE:04o}", str(source), str(target)]]


def new_group_commands(path: Path, group: str = "新组名") -> list[Command]:
    """A unit folder that shares its group: a group of its own (its operators then join it)."""
    return [
        ["groupadd", group],
        ["chgrp", group, str(path)],
        ["usermod", "-aG", group, "该单位的填报人员"],
    ]


_PLAIN = re.compile(r"[\w@%+=:,./{}-]+")  # \w: Chinese too — a shell takes it as it is


def quote(word: str) -> str:
    """A word as a shell needs it: quoted only when it has a space, a quote, ``$``, ``*`` …"""
    return word if _PLAIN.fullmatch(word) else shlex.quote(word)


def shell(commands: list[Command]) -> str:
    """One command per line, quoted for a shell."""
    return "\n".join(" ".join(quote(word) for word in command) for command in commands)
