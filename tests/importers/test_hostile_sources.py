"""Damaged and hostile sources: import either makes a report or refuses with a Chinese message
(ImportFailure) — never another exception, never a traceback for the operator."""

from __future__ import annotations

import random
import zipfile

import pytest

from tui_report.export.office import export_document
from tui_report.importers import ImportFailure, import_report
from tui_report.storage.reportfile import load_report

from .helpers import EXAMPLES, PUBLISHED_PDF


@pytest.fixture(scope="module")
def exports(tmp_path_factory):
    folder = tmp_path_factory.mktemp("exports")
    report = load_report(EXAMPLES / "full-2024.toml")
    paths = {}
    for suffix in ("docx", "html"):
        paths[suffix] = folder / f"full.{suffix}"
        export_document(report, paths[suffix])
    return paths


def _attempt(path) -> None:
    try:
        import_report(path)
    except ImportFailure as exc:
        assert str(exc) and "Traceback" not in str(exc)


@pytest.mark.parametrize("suffix", ["docx", "html"])
def test_mutated_bytes(tmp_path, exports, suffix):
    rng = random.Random(20261130)
    original = exports[suffix].read_bytes()
    for case in range(40):
        data = bytearray(original)
        for _ in range(rng.randint(1, 30)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if case % 5 == 0:
            data = data[: rng.randrange(len(data))]
        target = tmp_path / f"case{case}.{suffix}"
        target.write_bytes(bytes(data))
        _attempt(target)


def test_docx_with_mutated_document_xml(tmp_path, exports):
    """A valid zip whose document.xml is damaged: the XML parser's error becomes a Chinese refusal."""
    rng = random.Random(7)
    with zipfile.ZipFile(exports["docx"]) as archive:
        members = {name: archive.read(name) for name in archive.namelist()}
    for case in range(15):
        xml = bytearray(members["word/document.xml"])
        for _ in range(rng.randint(1, 20)):
            xml[rng.randrange(len(xml))] = rng.choice(b"<>&\"'x\x00 ")
        target = tmp_path / f"xml{case}.docx"
        with zipfile.ZipFile(target, "w") as archive:
            for name, data in members.items():
                archive.writestr(name, bytes(xml) if name == "word/document.xml" else data)
        _attempt(target)


def test_zip_bomb_and_wrong_kinds_are_refused(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"<" + b"a" * (300 * 1024 * 1024))
    with pytest.raises(ImportFailure, match="过大"):
        import_report(bomb)
    old_word = tmp_path / "old.doc"
    old_word.write_bytes(b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    with pytest.raises(ImportFailure, match=r"\.doc"):
        import_report(old_word)
    fake_pdf = tmp_path / "fake.pdf"
    fake_pdf.write_bytes(b"%PDF-1.4\n garbage")
    with pytest.raises(ImportFailure):
        import_report(fake_pdf)
    link = tmp_path / "link.docx"
    link.symlink_to(tmp_path / "missing.docx")
    with pytest.raises(ImportFailure):
        import_report(link)


def test_mutated_pdf(tmp_path):

    rng = random.Random(11)
    original = PUBLISHED_PDF.read_bytes()
    for case in range(8):
        data = bytearray(original)
        for _ in range(rng.randint(1, 40)):
            data[rng.randrange(len(data))] = rng.randrange(256)
        if case % 4 == 0:
            data = data[: rng.randrange(len(data))]
        target = tmp_path / f"case{case}.pdf"
        target.write_bytes(bytes(data))
        _attempt(target)
