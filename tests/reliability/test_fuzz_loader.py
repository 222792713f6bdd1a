"""Bad input never crashes: broken, truncated, GBK, hand-edited or random report files give a
:class:`ReportFileError` (Chinese message), never another exception. And what the app writes reads
back unchanged (no loss).

The number of cases each property ran is printed (``pytest -s``) and checked.
"""

from __future__ import annotations

import contextlib
import os
import string
import tempfile
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import tomli_w
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tui_report.model.report import Report
from tui_report.model.template import get_template
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import (
    decode_report_bytes,
    dumps_report,
    load_report,
    loads_report,
    save_report,
)

from ._helpers import ROOT

EXAMPLES = [p.read_bytes() for p in sorted((ROOT / "examples").glob("*.toml"))]
TEMPLATE = get_template("gov-info-disclosure-2021")
CASES: Counter[str] = Counter()
_SCRATCH = Path(tempfile.mkdtemp(prefix="tui-report-fuzz-"))
FUZZ = settings(
    max_examples=int(os.environ.get("TUI_REPORT_FUZZ_EXAMPLES", "600")),
    deadline=None,
    derandomize=True,  # the same cases on every run: a CI failure reproduces locally
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    database=None,
)


def _load_bytes(raw: bytes) -> None:
    path = Path("<fuzz>")
    try:
        loads_report(decode_report_bytes(raw, path), path)
    except ReportFileError as exc:
        assert str(exc).startswith(str(path))
        assert exc.reason


# ---------------------------------------------------------------------- byte-level mutations


@st.composite
def mutated(draw: st.DrawFn) -> bytes:
    data = bytearray(draw(st.sampled_from(EXAMPLES)))
    for _ in range(draw(st.integers(1, 4))):
        if not data:
            break
        op = draw(st.sampled_from(["truncate", "delete", "insert", "flip", "dup_line", "swap_lines", "gbk"]))
        pos = draw(st.integers(0, len(data) - 1))
        if op == "truncate":
            del data[pos:]
        elif op == "delete":
            del data[pos : pos + draw(st.integers(1, 40))]
        elif op == "insert":
            snippet = draw(
                st.sampled_from(
                    [
                        b"=",
                        b"[",
                        b"]",
                        b'"',
                        b"'''",
                        b'"""',
                        b"\n",
                        b"\\",
                        b"#",
                        b"\xef\xbb\xbf",
                        b"\xff",
                        b"\x00",
                    ]
                )
                | st.binary(max_size=12)
                | st.text(max_size=8).map(lambda t: t.encode("utf-8"))
            )
            data[pos:pos] = snippet
        elif op == "flip":
            data[pos] ^= 1 << draw(st.integers(0, 7))
        else:
            lines = bytes(data).split(b"\n")
            a = draw(st.integers(0, len(lines) - 1))
            b = draw(st.integers(0, len(lines) - 1))
            if op == "dup_line":
                lines.insert(b, lines[a])
            elif op == "swap_lines":
                lines[a], lines[b] = lines[b], lines[a]
            else:
                with contextlib.suppress(UnicodeDecodeError, UnicodeEncodeError):
                    lines[a] = lines[a].decode("utf-8").encode("gbk")
            data = bytearray(b"\n".join(lines))
    return bytes(data)


@FUZZ
@given(mutated())
def test_mutated_examples_never_crash(raw: bytes) -> None:
    CASES["mutated"] += 1
    _load_bytes(raw)


@FUZZ
@given(st.binary(max_size=2000))
def test_random_bytes_never_crash(raw: bytes) -> None:
    CASES["bytes"] += 1
    _load_bytes(raw)


# ---------------------------------------------------------------------- structural: plausible TOML

_scalars = (
    st.integers(min_value=-(2**70), max_value=2**70)
    | st.booleans()
    | st.text(max_size=20)
    | st.decimals(allow_nan=True, allow_infinity=True, places=None).filter(lambda d: not d.is_snan())
    | st.dates()
    | st.datetimes()
    | st.times()
)
_key = st.sampled_from(
    [
        "report",
        "preamble",
        "texts",
        "tables",
        "template",
        "template_version",
        "unit",
        "level",
        "year",
        "overview",
        "other",
        "main",
        "requests",
        "new",
        "natural",
        "proactive",
        "fees",
        "amount",
        "appeals",
        "period",
        "phone",
    ]
) | st.text(alphabet=string.ascii_lowercase + "_", min_size=1, max_size=8)
_values = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_key, inner, max_size=4),
    max_leaves=25,
)


@st.composite
def plausible_documents(draw: st.DrawFn) -> dict[str, Any]:
    doc: dict[str, Any] = {}
    if draw(st.booleans()):
        doc["report"] = {
            "template": draw(st.sampled_from(["gov-info-disclosure-2021", "gov-info-disclosure-2019", "x"])),
            "year": draw(st.integers(1980, 2300) | _scalars),
            "level": draw(st.sampled_from(["township", "county", "moon"])),
            "unit": draw(st.text(max_size=10)),
        }
        extra = draw(st.dictionaries(_key, _values, max_size=2))
        doc["report"].update(extra)
    doc.update(draw(st.dictionaries(_key, _values, max_size=4)))
    return doc


@FUZZ
@given(plausible_documents())
def test_plausible_documents_never_crash(doc: dict[str, Any]) -> None:
    CASES["documents"] += 1
    try:
        text = tomli_w.dumps(doc)
    except (TypeError, ValueError):
        return  # not representable in TOML (e.g. a time with a timezone)
    _load_bytes(text.encode("utf-8"))


# ---------------------------------------------------------------------- no loss: write, read back

_texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",))  # type: ignore[arg-type]  # a Literal in the stubs
    | st.sampled_from(list("\"\\'\n\r\t“”—…")),
    max_size=80,
)


def _cell_value(kind: str) -> st.SearchStrategy[int | Decimal]:
    if kind == "count":
        return st.integers(0, 10**9)
    if kind == "change":
        return st.integers(-(10**6), 10**6)
    return st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False, allow_infinity=False)


@st.composite
def valid_reports(draw: st.DrawFn) -> Report:
    values: dict[str, dict[str, int | Decimal]] = {}
    for key, table in TEMPLATE.compiled.items():
        chosen = draw(st.lists(st.sampled_from(table.input_cells()), max_size=6, unique=True))
        cells = {cid: draw(_cell_value(table.cells[cid].kind)) for cid in chosen}
        if cells:
            values[key] = cells
    texts = {k: draw(_texts) for k in draw(st.lists(st.sampled_from(TEMPLATE.text_keys()), unique=True))}
    preamble = {f.key: draw(_texts) for f in TEMPLATE.preamble if draw(st.booleans())}
    return Report(
        template=TEMPLATE.id,
        template_version=TEMPLATE.version,
        unit=draw(_texts),
        level=draw(st.sampled_from(["township", "county", "department"])),
        year=draw(st.integers(2020, 2100)),
        preamble=preamble,
        texts=texts,
        values=values,
    )


@FUZZ
@given(valid_reports())
def test_what_is_saved_reads_back_unchanged(report: Report) -> None:
    CASES["round trip"] += 1
    save_report(report, _SCRATCH / "r.toml")  # the save's own read-back check passes …
    # … having made CR LF line ends LF (TOML cannot keep a CR LF in a multi-line string)
    assert "\r" not in report.unit + "".join(report.texts.values()) + "".join(report.preamble.values())
    assert loads_report(dumps_report(report)).model_dump() == report.model_dump()


def test_gbk_bom_and_truncated_files_have_located_chinese_messages(tmp_path: Path) -> None:
    text = EXAMPLES[0].decode("utf-8")
    cases = {
        "gbk.toml": (text.encode("gb18030"), "GBK"),
        "bom.toml": (b"\xef\xbb\xbf" + EXAMPLES[0], "BOM"),
        "cut.toml": (EXAMPLES[0][: len(EXAMPLES[0]) // 3], "TOML"),
        "unquoted.toml": ("[report]\nunit = 大马乡\n".encode(), "TOML 格式错误"),
    }
    for name, (raw, expected) in cases.items():
        path = tmp_path / name
        path.write_bytes(raw)
        with pytest.raises(ReportFileError) as info:
            load_report(path)
        assert expected in str(info.value) and name in str(info.value)
        if name != "bom.toml":
            assert info.value.line is not None


def test_zz_fuzz_case_counts(capsys: pytest.CaptureFixture[str]) -> None:
    """Report how many cases ran (named to run last in this module)."""
    total = sum(CASES.values())
    with capsys.disabled():
        print(f"\nfuzz cases run: {total} ({', '.join(f'{k} {v}' for k, v in sorted(CASES.items()))})")
    if CASES:  # when this test runs on its own, nothing else has
        assert total >= 1000


def test_saved_file_round_trip_on_disk(tmp_path: Path) -> None:
    report = loads_report(EXAMPLES[0].decode("utf-8"))
    report.texts["other.main"] = 'a "quoted" \\ back\nslash """ and \'\'\' and \r\n'.replace("\r\n", "\n")
    save_report(report, tmp_path / "r.toml")
    assert load_report(tmp_path / "r.toml").model_dump() == report.model_dump()


def test_windows_line_ends_are_saved_as_newlines(tmp_path: Path) -> None:
    report = loads_report(EXAMPLES[0].decode("utf-8"))
    report.texts["other.main"] = "第一行\r\n第二行\r第三行"
    report.unit = "大马乡\r\n"
    report.preamble["phone"] = "0371\r\n"
    save_report(report, tmp_path / "r.toml")  # unit and preamble used to fail the read-back check
    saved = load_report(tmp_path / "r.toml")
    assert saved.texts["other.main"] == "第一行\n第二行\n第三行"
    assert saved.unit == "大马乡\n" and saved.preamble["phone"] == "0371\n"
