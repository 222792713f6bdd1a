"""A hand-edited report that is not valid TOML: the reason in Chinese, with line and column, and
nothing of the parser's English (#23)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tui_report.cli import main as cli_main
from tui_report.storage.errors import ReportFileError
from tui_report.storage.reportfile import load_report, loads_report
from tui_report.storage.tomlerrors import explain_toml_error

# name → (file text, line, column, words the message must contain)
CASES: dict[str, tuple[str, int, int, tuple[str, ...]]] = {
    "unquoted Chinese value": ("[report]\nunit = 大马乡\n", 2, 8, ("“大马乡”", "英文双引号", '"大马乡"')),
    "unquoted word": ("level = township\n", 1, 9, ("“township”", "英文双引号")),
    "Chinese quotes": ("unit = “大马乡”\n", 1, 8, ("中文引号",)),
    "invalid month": ("d = 2024-13-01\n", 1, 9, ("日期“2024-13-01”无效", "没有13月")),
    "invalid day": ("d = 2024-02-30\n", 1, 5, ("2月没有30日",)),
    "one-digit month": ("d = 2024-2-3\n", 1, 9, ("2024-02-03",)),
    "duplicate key": ("a = 1\nb = 2\na = 3\n", 3, 6, ("键“a”写了两次", "第1行已有")),
    "duplicate table": ("[a]\nx = 1\n[a]\ny = 2\n", 3, 3, ("表头 [a] 写了两次", "第1行已有")),
    "unterminated string": ('unit = "大马乡\n', 1, 12, ("引号没有闭合",)),
    "unterminated multi-line": ('a = 1\nb = """第一段\n\n第二段\n', 5, 1, ("从第2行开始", '"""', "没有闭合")),
    "bad escape": ('contact = "C:\\文件"\n', 1, 14, ("反斜杠", "两个")),
    "bad unicode escape": ('a = "\\uZZZZ"\n', 1, 6, ("\\u", "十六进制")),
    "BOM in text": ("\ufeffa = 1\n", 1, 1, ("BOM",)),
    "Chinese key": ('单位 = "x"\n', 1, 1, ("键名“单位”不能用中文",)),
    "full-width equals": ("a ＝ 1\n", 1, 3, ("全角“＝”",)),
    "missing equals": ("abc\n", 1, 4, ("“abc”后面缺少“=”",)),
    "missing key": ("= 1\n", 1, 1, ("“=”前面缺少键名",)),
    "missing value": ("a =\nb = 1\n", 1, 4, ("“=”后面缺少值",)),
    "unit after number": ("natural = 12件\n", 1, 13, ("数字后面多了“件”",)),
    "leading zero": ("postcode = 012345\n", 1, 13, ("以 0 开头", "英文双引号")),
    "trailing comma": ("a = 1,\n", 1, 6, ("多了逗号",)),
    "text after quotes": ('a = "x" y\n', 1, 9, ("引号后面多了“y”",)),
    "two statements": ("a = 1 b = 2\n", 1, 7, ("一行只能写一个",)),
    "unclosed array": ("a = [1，2]\n", 1, 7, ("方括号 [ ] 没有闭合", "全角符号“，”")),
    "unclosed header": ("[report\n", 1, 8, ("表头缺少结尾的“]”",)),
    "control character": ('a = "a\x01b"\n', 1, 7, ("控制字符（U+0001）",)),
    "space in key": ("my key = 1\n", 1, 4, ("中间有空格",)),
    "truncated": ("a = [1,\n", 2, 1, ("文件在值写完之前就结束了",)),
}


@pytest.mark.parametrize("name", list(CASES))
def test_parse_error_is_explained_in_chinese(name: str) -> None:
    text, line, column, words = CASES[name]
    with pytest.raises(ReportFileError) as info:
        loads_report(text, Path("报告.toml"))
    error = info.value
    message = str(error)
    assert (error.line, error.column) == (line, column), message
    assert message.startswith(f"报告.toml 第{line}行第{column}列：TOML 格式错误："), message
    for word in words:
        assert word in message, (word, message)
    # No English sentence of the parser: only quoted file text may contain Latin letters.
    unquoted = re.sub(r"“[^”]*”|\"[^\"]*\"|\[[^\]]*\]|\\u|U\+[0-9A-F]{4}|TOML|BOM|UTF-8", "", message)
    assert not re.search(r"[A-Za-z]{3,}", unquoted.replace("报告.toml", "")), message
    assert "(" not in message and "Invalid" not in message and "Expected" not in message


def test_every_parser_message_family_has_a_chinese_explanation() -> None:
    """Messages the parser may give (tomli 2.x, tomllib 3.11–3.14) are all explained, none falls
    through to the general sentence, whatever wording of position the parser uses."""
    for message in (
        "Invalid value (at line 1, column 5)",
        "Unclosed multiline string (at end of document)",
        "Cannot mutate immutable namespace ('a',) (at line 1, column 1)",
        "Cannot redefine namespace ('a',) (at line 1, column 1)",
        "Duplicate inline table key 'b' (at line 1, column 1)",
        "Expected ']]' at the end of an array declaration (at line 1, column 1)",
        "Escaped character is not a Unicode scalar value (at line 1, column 1)",
        "Invalid initial character for a key part (at line 1, column 1)",
    ):
        problem = explain_toml_error("a = x\n", ValueError(message))  # the str() form only
        assert problem.line in (1, 2), message  # line 2: the end of the document
        assert "不符合 TOML 格式" not in problem.reason, (message, problem.reason)
        assert not re.search(r"[A-Za-z]{4,}", problem.reason.replace("TOML", "")), problem.reason


def test_file_errors_keep_their_chinese_messages(tmp_path: Path) -> None:
    """BOM and GBK are found before parsing (bytes), with the place of the first bad byte."""
    bom = tmp_path / "bom.toml"
    bom.write_bytes(b"\xef\xbb\xbf[report]\n")
    gbk = tmp_path / "gbk.toml"
    gbk.write_bytes('[report]\nunit = "大马乡"\n'.encode("gbk"))
    for path, words, line, column in ((bom, "BOM", 1, 1), (gbk, "GBK", 2, 9)):
        with pytest.raises(ReportFileError) as info:
            load_report(path)
        assert words in str(info.value) and (info.value.line, info.value.column) == (line, column)


def test_check_prints_the_chinese_reason(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "手改.toml"
    path.write_text('[report]\ntemplate = "gov-info-disclosure-2021"\nunit = 大马乡\n', encoding="utf-8")
    assert cli_main(["check", str(path)]) == 2
    err = capsys.readouterr().err
    assert "第3行第8列：TOML 格式错误：值“大马乡”无效：文字要用英文双引号括起来" in err
    assert "Invalid" not in err
