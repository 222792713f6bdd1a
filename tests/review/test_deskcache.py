"""The desk's reading kept between runs (review/deskcache.py): the same rows from the stored reading
as from a fresh one, only changed files read again, and a stored reading that does not check out
(tampered, another program version, too big) ignored."""

from __future__ import annotations

import os
import zlib
from pathlib import Path

import pytest

from tui_report.review import desk, deskcache
from tui_report.review.columns import row_json
from tui_report.review.desk import review_folder
from tui_report.review.deskcache import CacheError, DeskCache, cache_path, dumps, loads
from tui_report.storage.reportfile import load_report, save_report
from tui_report.tui.reviewapp import ReviewApp
from tui_report.tui.screens.review import ReviewScreen

from .conftest import EXAMPLES, scaled
from .deskhelpers import until


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    folder = tmp_path / "2024"
    folder.mkdir()
    base = load_report(EXAMPLES / "full-2024.toml")
    save_report(scaled(base, "甲乡人民政府", 1), folder / "a.toml")
    broken = scaled(base, "乙镇人民政府", 2)
    broken.values["requests"]["new.natural"] += 1  # an error finding with locations
    save_report(broken, folder / "b.toml")
    (folder / "c.toml").write_text("[report]\nunit = \n", encoding="utf-8")  # unreadable
    return folder


def rows(folder: Path, cache: DeskCache) -> list[dict[str, object]]:
    cache.load()
    return [row_json(r) for r in review_folder(folder, processes=1, cache=cache.inspections).rows]


def test_the_stored_reading_gives_the_same_rows_and_spares_unchanged_files(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = DeskCache(folder)
    fresh = rows(folder, first)
    first.save()
    assert cache_path(folder).is_file()
    inspected: list[str] = []
    real = desk._inspect

    def counted(path: str) -> desk.Inspection:
        inspected.append(path)
        return real(path)

    monkeypatch.setattr(desk, "_inspect", counted)
    assert rows(folder, DeskCache(folder)) == fresh and inspected == []  # nothing read again
    report = load_report(folder / "a.toml")
    report.values["requests"]["new.natural"] += 0  # saved again: a new time
    save_report(report, folder / "a.toml")
    rows(folder, DeskCache(folder))
    assert inspected == [str(folder / "a.toml")]


def test_a_stored_reading_that_does_not_check_out_is_ignored(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = DeskCache(folder)
    rows(folder, cache)
    data = dumps(cache.inspections, "code-a")
    assert loads(data, "code-a").keys() == cache.inspections.keys()
    with pytest.raises(CacheError):
        loads(data, "code-b")  # made by other code (another version, changed rules)
    tampered = zlib.decompress(data).replace(b'"error"', b'"evil"')
    with pytest.raises(CacheError):
        loads(zlib.compress(tampered), "code-a")
    with monkeypatch.context() as bounded:  # inflated beyond the bound: refused, not read whole
        bounded.setattr(deskcache, "MAX_JSON_BYTES", len(zlib.decompress(data)) - 1)
        with pytest.raises(CacheError):
            loads(data, "code-a")
    path = cache_path(folder)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(zlib.compress(tampered))
    fresh = DeskCache(folder)
    fresh.load()
    assert fresh.inspections == {}  # ignored: the folder is read afresh
    path.unlink()
    path.symlink_to(folder / "a.toml")
    linked = DeskCache(folder)
    linked.load()
    assert linked.inspections == {}


def test_a_file_changed_in_place_with_its_time_set_back_is_read_again(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = DeskCache(folder)
    rows(folder, first)
    first.save()
    path = folder / "a.toml"
    before = path.stat()
    raw = path.read_bytes()
    text = load_report(path).texts["problems.main"]
    changed = raw.replace(text.encode(), ("改" + text[1:]).encode(), 1)  # the same size
    assert changed != raw and len(changed) == len(raw)
    with open(path, "r+b") as edited:  # the same inode
        edited.write(changed)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # touch -d: the old time again
    assert (path.stat().st_mtime_ns, path.stat().st_ino) == (before.st_mtime_ns, before.st_ino)
    inspected: list[str] = []
    real = desk._inspect

    def counted(name: str) -> desk.Inspection:
        inspected.append(name)
        return real(name)

    monkeypatch.setattr(desk, "_inspect", counted)
    again = DeskCache(folder)
    rows(folder, again)
    assert inspected == [str(path)]
    assert again.inspections[str(path)][1].texts["problems.main"].startswith("改")


async def test_the_desk_opens_from_its_reading_of_the_last_run(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    async def shown() -> list[str]:
        app = ReviewApp(folder)
        async with app.run_test(size=(80, 24)) as pilot:
            screen = app.screen
            assert isinstance(screen, ReviewScreen)
            await until(pilot, lambda: screen.review is not None, what="the rows")
            await until(pilot, cache_path(folder).is_file, what="the reading kept")
            assert screen.review is not None
            return [row.unit for row in screen.review.rows]

    first = await shown()
    inspected: list[str] = []

    def counted(name: str) -> desk.Inspection:
        inspected.append(name)
        return desk.Inspection(name)

    monkeypatch.setattr(desk, "_inspect", counted)
    assert await shown() == first
    assert inspected == []  # every file from the kept reading
