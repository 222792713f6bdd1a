#!/usr/bin/env bash
# Install everything the tests need, then run lint, types and the whole test suite.
# This is the README's test command; .ci/run runs exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

# System packages: LibreOffice + the fonts a PDF needs (CJK serif/sans, a 楷体, a Times-metric Latin
# font: the same list as export/fonts.py PDF_FONT_NEEDS), poppler (PDF text layer and pages),
# Chromium (the HTML export in a real browser),
# tmux (real-terminal tests), OpenSSH server (hang-up over real SSH).
need_apt=()
command -v soffice >/dev/null || need_apt+=(libreoffice-writer-nogui)
fc-list 2>/dev/null | grep -qi "Noto Sans CJK\|Noto Serif CJK" || need_apt+=(fonts-noto-cjk)
fc-list 2>/dev/null | grep -qi "Liberation Serif" || need_apt+=(fonts-liberation)  # Times-metric Latin: table digits fit their cells
fc-list 2>/dev/null | grep -qi "AR PL UKai" || need_apt+=(fonts-arphic-ukai)      # 楷体 for the （一） sub-headings
command -v chromium >/dev/null || need_apt+=(chromium)
command -v pdftoppm >/dev/null || need_apt+=(poppler-utils)
command -v tmux >/dev/null || need_apt+=(tmux)
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server openssh-client)
{ command -v unshare && command -v setpriv; } >/dev/null || need_apt+=(util-linux)  # offline install (unshare -n), operator (setpriv)
{ command -v useradd && command -v groupadd; } >/dev/null || need_apt+=(passwd)  # two real users (tests/reliability/test_two_users.py)
{ command -v setfacl && command -v getfacl; } >/dev/null || need_apt+=(acl)  # reviewers' read-only ACLs (tui-report setup, doctor)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo -n"
  if command -v apt-get >/dev/null && { [ -z "$sudo_cmd" ] || sudo -n true 2>/dev/null; }; then
    echo "Installing system packages: ${need_apt[*]}"
    $sudo_cmd apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
  else
    echo "Cannot install system packages (${need_apt[*]}): the tests that need them will be skipped." >&2
  fi
fi

python3 -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip >/dev/null 2>&1 || true
.venv/bin/python -m pip install -q -e ".[test]"
export PATH="$PWD/.venv/bin:$PATH"

ruff check src tests benchmarks
ruff format --check src tests benchmarks
mypy
lint-imports
# Every core for the tests that may share the CPU, then the timing-, terminal- and system-bound
# ones alone (marked serial in tests/conftest.py). A pass with nothing selected (exit 5, e.g.
# a path given as argument holds no serial test) is not a failure; any other exit code is.
pass_ok() { local code=$?; [ "$code" -eq 0 ] || [ "$code" -eq 5 ] || exit "$code"; }
pytest -n "${TEST_WORKERS:-auto}" --dist loadgroup -m "not serial" "$@" || pass_ok
pytest -m serial "$@" || pass_ok
