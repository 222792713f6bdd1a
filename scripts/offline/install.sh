#!/usr/bin/env bash
# tui-report 离线安装 / offline installer (shipped in tui-report-offline-<version>.tar.gz).
#
#   sudo bash install.sh [--prefix DIR] [--python PYTHON]   安装或升级（默认 /opt/tui-report）
#                        [--no-link]                        不在 /usr/local/bin 中建链接
#   sudo bash DIR/install.sh --rollback [--prefix DIR]       回退到上一个版本
#
# Layout under the prefix: versions/<version>-<time>/ (one virtual environment per install),
# current -> the one in use, previous -> the one before (kept for rollback), bin/tui-report (the
# launcher: UTF-8 locale when the session has none, umask 007), install.sh (this file, for rollback).
# Nothing is fetched from the network: pip runs with --no-index from the bundle's wheels/.
#
# Run as root, nothing here may be steered by another user (issue #20):
# - the prefix and every folder above it must belong to root and be writable by nobody else
#   (sticky folders such as /tmp excepted: others cannot rename what root owns in them), or their
#   owner could swap what root then runs; without root, they must be root's or your own;
# - the bundle's listed files are copied into a private folder and checked against SHA256SUMS
#   there before anything of them is read; bundle.env is then parsed as data, never sourced;
# - files are made by mktemp in their target folder and put in place by `mv -T` (a rename: a link
#   planted at the name is replaced, never followed); nothing is removed through a link.
if [ -z "${BASH_VERSION:-}" ]; then exec bash "$0" "$@"; fi # `sh install.sh` on Debian/UOS is dash
set -euo pipefail
umask 022 # the environment must be readable by every operator, whatever the administrator's umask

here=$(cd "$(dirname "$0")" && pwd -P)
prefix=/opt/tui-report
python_arg=""
action=install
link=1
euid=$(id -u)
stage=""

say() { printf '%s\n' "$*"; }
die() {
  printf '错误：%s\n' "$*" >&2
  exit 1
}

usage() {
  sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//'
}

while [ $# -gt 0 ]; do
  case "$1" in
    --prefix)
      [ $# -ge 2 ] || die "--prefix 后面需要一个文件夹"
      prefix=$2
      shift 2
      ;;
    --prefix=*)
      prefix=${1#--prefix=}
      shift
      ;;
    --python)
      [ $# -ge 2 ] || die "--python 后面需要 Python 程序的路径"
      python_arg=$2
      shift 2
      ;;
    --rollback)
      action=rollback
      shift
      ;;
    --no-link)
      link=0
      shift
      ;;
    -h | --help)
      usage
      exit 0
      ;;
    *) die "不认识的参数 $1（可用：--prefix 文件夹、--python 程序、--no-link、--rollback）" ;;
  esac
done
case "$prefix" in
  /*) ;;
  *) prefix="$(pwd)/$prefix" ;;
esac
prefix=${prefix%/}

cleanup() {
  if [ -n "$stage" ] && [ -d "$stage" ] && [ ! -L "$stage" ]; then rm -rf -- "$stage"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------------- whose folders we trust

# Owners whose folders we may write into: root, and when not run as root also ourselves.
trusted_owner() { # uid
  [ "$1" -eq 0 ] || { [ "$euid" -ne 0 ] && [ "$1" -eq "$euid" ]; }
}

# Refuse a folder someone else could change under us: owned by another user, or writable by the
# group or others (a sticky folder such as /tmp is fine: what root owns in it stays root's).
check_folder() { # path
  local owner mode user
  read -r owner mode < <(stat -c '%u %a' -- "$1") || die "无法读取 $1 的属性"
  if ! trusted_owner "$owner"; then
    user=$(stat -c '%U' -- "$1")
    if [ "$euid" -eq 0 ]; then
      die "$1 属于用户 ${user}，不属于 root：它的所有者可以替换 root 将要运行的程序，拒绝安装。请用只属于 root 的文件夹（例如默认的 /opt/tui-report），或确认后执行 chown root:root $1"
    fi
    die "$1 属于用户 ${user}：它的所有者可以替换你将要运行的程序，拒绝安装。请换一个属于你自己的文件夹"
  fi
  mode=$((8#$mode))
  if [ $((mode & 8#022)) -ne 0 ] && [ $((mode & 8#1000)) -eq 0 ]; then
    die "$1 组内或其他用户可写（$(stat -c '%A' -- "$1")）：别人可以替换其中的文件，拒绝安装。请确认后执行 chmod go-w $1"
  fi
}

# Make prefix the real path of the prefix and check every folder of it, from / down (the part that
# does not exist yet is created by us), and the folders earlier installs left inside it.
check_prefix() {
  local existing rest="" real path="" part parts
  existing=$prefix
  while [ ! -e "$existing" ] && [ ! -L "$existing" ]; do
    rest="/${existing##*/}$rest"
    existing=$(dirname -- "$existing")
  done
  [ -d "$existing" ] || die "$existing 不是文件夹，无法安装到 $prefix"
  real=$(cd -P -- "$existing" && pwd -P) || die "无法进入 $existing"
  check_folder /
  IFS=/ read -r -a parts <<<"${real#/}"
  for part in "${parts[@]}"; do
    [ -n "$part" ] || continue
    path="$path/$part"
    check_folder "$path"
  done
  prefix="${real%/}$rest"
  for part in bin versions; do
    if [ -L "$prefix/$part" ] || { [ -e "$prefix/$part" ] && [ ! -d "$prefix/$part" ]; }; then
      die "$prefix/$part 不是文件夹（可能是别人放的链接），拒绝安装；请确认后删除它"
    fi
    if [ -d "$prefix/$part" ]; then check_folder "$prefix/$part"; fi
  done
}

# ---------------------------------------------------------------------- putting things in place

# An atomic symlink switch: a new link made in a fresh folder of ours, renamed over the old one
# (a rename replaces a link planted at the name; it never follows it).
switch_link() { # target link
  local tmp
  tmp=$(mktemp -d "$(dirname -- "$2")/.link.XXXXXX")
  ln -s -- "$1" "$tmp/link"
  if ! mv -T -f -- "$tmp/link" "$2"; then
    rm -rf -- "$tmp"
    die "无法替换 $2（是文件夹？），请确认后删除它"
  fi
  rmdir -- "$tmp"
}

# A new file in the target's own folder (mktemp: a new name, never an existing file or link),
# filled from stdin, then renamed over the target.
put_file() { # mode target
  local tmp
  tmp=$(mktemp "$(dirname -- "$2")/.${2##*/}.XXXXXX")
  cat >"$tmp"
  chmod "$1" -- "$tmp"
  if ! mv -T -f -- "$tmp" "$2"; then
    rm -f -- "$tmp"
    die "无法替换 $2（是文件夹？），请确认后删除它"
  fi
}

link_version() { # link -> the version folder's name
  local target
  target=$(readlink "$prefix/$1" 2>/dev/null) || return 1
  printf '%s\n' "${target##*/}"
}

rollback() {
  local cur prev
  check_prefix
  prev=$(link_version previous) || die "$prefix 中没有可以回退的上一个版本"
  [ -d "$prefix/versions/$prev" ] && [ ! -L "$prefix/versions/$prev" ] &&
    [ -x "$prefix/versions/$prev/bin/tui-report" ] || die "上一个版本 $prefix/versions/$prev 已不完整，无法回退"
  check_folder "$prefix/versions/$prev"
  cur=$(link_version current) || cur=""
  switch_link "versions/$prev" "$prefix/current"
  if [ -n "$cur" ]; then switch_link "versions/$cur" "$prefix/previous"; fi
  say "已回退到 ${prev}（原来的 ${cur:-无} 保留为上一个版本，再执行一次 --rollback 可以换回）。"
  "$prefix/bin/tui-report" --version
}

# ---------------------------------------------------------------------- the bundle

# Copy the files SHA256SUMS lists into a private folder and check them there: what is checked is
# what is used (a bundle folder someone else can write could change between a check and a use).
verify_bundle() {
  local sum name listed=" "
  command -v sha256sum >/dev/null 2>&1 || die "需要 sha256sum（coreutils）来核对安装包"
  { [ -f "$here/SHA256SUMS" ] && [ ! -L "$here/SHA256SUMS" ] && [ -d "$here/wheels" ]; } ||
    die "请在解压后的安装包文件夹中运行 install.sh（缺少 SHA256SUMS 或 wheels/）"
  stage=$(mktemp -d "${TMPDIR:-/tmp}/tui-report-install.XXXXXX")
  mkdir -- "$stage/wheels"
  cp -- "$here/SHA256SUMS" "$stage/SHA256SUMS"
  while read -r sum name; do
    name=${name#\*}
    if ! [[ $sum =~ ^[0-9a-f]{64}$ && $name =~ ^(install\.sh|bundle\.env|wheels/[A-Za-z0-9._+-]+\.whl)$ ]]; then
      die "安装包的 SHA256SUMS 格式不对，请重新复制安装包"
    fi
    { [ -f "$here/$name" ] && [ ! -L "$here/$name" ]; } || die "安装包中缺少 $name 或它不是普通文件，请重新复制安装包"
    cp -- "$here/$name" "$stage/$name"
    listed="$listed$name "
  done <"$stage/SHA256SUMS"
  case "$listed" in
    *" install.sh "*) ;;
    *) die "安装包的 SHA256SUMS 没有列出 install.sh，请重新复制安装包" ;;
  esac
  case "$listed" in
    *" bundle.env "*) ;;
    *) die "安装包的 SHA256SUMS 没有列出 bundle.env，请重新复制安装包" ;;
  esac
  (cd "$stage" && sha256sum --quiet --strict -c SHA256SUMS) >/dev/null 2>&1 ||
    die "安装包文件不完整或已损坏（校验和不符），请重新复制安装包"
}

# KEY='value' of the checked bundle.env, read as data; the value must match the pattern.
bundle_value() { # key pattern
  local value
  value=$(sed -n "s/^$1='\([^'\$\`]*\)'\$/\1/p" "$stage/bundle.env" | head -n 1)
  [[ $value =~ ^$2$ ]] || die "安装包的 bundle.env 中 $1 的值不对，请重新复制安装包"
  printf '%s\n' "$value"
}

# The Python for the environment: one this bundle has wheels for, with the venv module, and
# preferably one every operator can run (a Python under /root would install a launcher that only
# root can start). Sets py (and shared=0 when only a private one fits); found lists every Python
# seen, for the message when none fits.
py=""
shared=1
found=""
PROBE='import os, sys
path = os.path.realpath(sys.executable)
shared = True
while True:
    shared = shared and bool(os.stat(path).st_mode & 0o001)
    parent = os.path.dirname(path)
    if parent == path:
        break
    path = parent
print("%d.%d" % sys.version_info[:2], "shared" if shared else "private")'
pick_python() {
  local candidates=() c v access private=""
  if [ -n "$python_arg" ]; then
    candidates=("$python_arg")
  else
    candidates=(python3 python3.13 python3.12 python3.11 python3.10
      /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 /usr/bin/python3.10
      /usr/local/bin/python3.13 /usr/local/bin/python3.12 /usr/local/bin/python3.11 /usr/local/bin/python3.10)
  fi
  for c in "${candidates[@]}"; do
    command -v "$c" >/dev/null 2>&1 || continue
    read -r v access < <("$c" -c "$PROBE" 2>/dev/null) || continue
    found="${found:+$found、}$c（$v）"
    case " $PYTHONS " in
      *" $v "*) ;;
      *) continue ;;
    esac
    "$c" -c 'import venv' 2>/dev/null || continue
    if [ "$access" = shared ]; then
      py=$(command -v "$c")
      return 0
    fi
    [ -n "$private" ] || private=$(command -v "$c")
  done
  if [ -n "$private" ]; then
    py=$private
    shared=0
    return 0
  fi
  return 1
}

install() {
  verify_bundle
  VERSION=$(bundle_value VERSION '[0-9A-Za-z.+-]+')
  ARCHES=$(bundle_value ARCHES '[0-9A-Za-z_ ]+')
  PYTHONS=$(bundle_value PYTHONS '[0-9. ]+')
  GLIBC=$(bundle_value GLIBC '[0-9.]*')
  local arch stamp name target old
  arch=$(uname -m)
  case " $ARCHES " in
    *" $arch "*) ;;
    *) die "本安装包适用于 ${ARCHES}，本机是 ${arch}；请使用对应平台的安装包" ;;
  esac
  local libc
  libc=$(getconf GNU_LIBC_VERSION 2>/dev/null | awk '{print $2}') || libc=""
  if [ -n "${GLIBC:-}" ] && [ -n "$libc" ] &&
    [ "$(printf '%s\n%s\n' "$GLIBC" "$libc" | sort -V | head -n 1)" != "$GLIBC" ]; then
    die "本机的 glibc 是 ${libc}，本安装包需要 ${GLIBC} 或更高（麒麟 V10、统信 UOS 20 及以后的系统）"
  fi
  if ! pick_python; then
    die "需要 Python ${PYTHONS// /、} 之一（带 venv 模块），本机找到：${found:-无}。请从系统安装源安装 python3.10 或更高版本（麒麟/统信：yum 或 apt 安装 python3.11），或用 --python 指明其路径"
  fi
  check_prefix
  mkdir -p -- "$prefix/versions" "$prefix/bin" 2>/dev/null || die "无法在 $prefix 中创建文件夹：请用 sudo 运行，或用 --prefix 指定你有权限的文件夹"
  [ -w "$prefix/versions" ] || die "没有写入 $prefix 的权限：请用 sudo 运行，或用 --prefix 指定你有权限的文件夹"

  stamp=$(date +%Y%m%d%H%M%S)
  name="$VERSION-$stamp"
  # A new folder of our own (mkdir fails on anything already there, a planted link included):
  # installed twice within a second, it gets another name.
  while ! mkdir -- "$prefix/versions/$name" 2>/dev/null; do
    name="$name-1"
  done
  target="$prefix/versions/$name"
  say "安装 tui-report $VERSION 到 $target（Python：$py）"
  if [ "$shared" -eq 0 ]; then
    say "注意：$py 只有它的所有者能运行，其他用户（填报人员）将无法启动 tui-report；请用 --python 指定系统的 Python（如 /usr/bin/python3.11）"
  fi
  # pip from the bundle, no index, no configuration of this machine (its mirrors are unreachable).
  unset PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_FIND_LINKS PIP_CONSTRAINT PIP_REQUIREMENT PIP_NO_INDEX
  export PIP_CONFIG_FILE=/dev/null PYTHONNOUSERSITE=1 PIP_DISABLE_PIP_VERSION_CHECK=1
  local pip_wheel
  pip_wheel=$(ls "$stage"/wheels/pip-*.whl 2>/dev/null | sort -V | tail -n 1)
  if [ -z "$pip_wheel" ]; then
    rmdir -- "$target"
    die "安装包中缺少 pip"
  fi
  if ! "$py" -m venv --without-pip "$target" ||
    ! "$target/bin/python" "$pip_wheel/pip" install -q --no-index --no-cache-dir \
      --find-links "$stage/wheels" "tui-report==$VERSION" ||
    ! "$target/bin/tui-report" --version >/dev/null; then
    rm -rf -- "$target"
    die "安装失败（见上面的信息），原来的版本没有改动"
  fi

  old=$(link_version current) || old=""
  switch_link "versions/$name" "$prefix/current"
  if [ -n "$old" ] && [ "$old" != "$name" ] && [ -d "$prefix/versions/$old" ] && [ ! -L "$prefix/versions/$old" ]; then
    switch_link "versions/$old" "$prefix/previous"
  fi
  write_launcher
  put_file 755 "$prefix/install.sh" <"$stage/install.sh"
  prune
  if [ "$link" -eq 1 ]; then link_into_path; fi
  say "已安装：$("$prefix/bin/tui-report" --version)"
  if [ -L "$prefix/previous" ]; then
    say "上一个版本 $(link_version previous) 已保留；如需回退：sudo bash $prefix/install.sh --rollback --prefix $prefix"
  fi
  say "下一步：tui-report doctor 共享文件夹（例如 tui-report doctor /srv/nianbao/2025）检查服务器设置。"
}

# The launcher operators run: a UTF-8 locale when the session has none (PuTTY sessions often come
# with LANG unset or POSIX), and umask 007 so that colleagues in the group can save each other's files.
write_launcher() {
  put_file 755 "$prefix/bin/tui-report" <<EOF
#!/bin/sh
# tui-report launcher (written by install.sh): UTF-8 locale if the session has none, umask 007.
TUI_REPORT_SESSION_UMASK=\$(umask)
export TUI_REPORT_SESSION_UMASK
umask 007
case "\${LC_ALL:-\${LC_CTYPE:-\${LANG:-}}}" in
  *[Uu][Tt][Ff]-8* | *[Uu][Tt][Ff]8*) ;;
  *)
    TUI_REPORT_SESSION_LOCALE="\${LC_ALL:-\${LC_CTYPE:-\${LANG:-POSIX}}}"
    export TUI_REPORT_SESSION_LOCALE
    utf8=C.UTF-8
    available=\$(locale -a 2>/dev/null)
    for candidate in zh_CN.utf8 zh_CN.UTF-8 C.utf8 C.UTF-8 en_US.utf8 en_US.UTF-8; do
      if printf '%s\n' "\$available" | grep -qx "\$candidate"; then
        utf8=\$candidate
        break
      fi
    done
    LC_ALL=\$utf8
    PYTHONUTF8=1
    export LC_ALL PYTHONUTF8
    ;;
esac
exec "$prefix/current/bin/tui-report" "\$@"
EOF
}

# Keep the version in use and the previous one; older installs go: only real folders of ours,
# never through a link (`rm -rf link/` would empty the folder the link points to).
prune() {
  local cur prev dir base
  cur=$(link_version current) || cur=""
  prev=$(link_version previous) || prev=""
  for dir in "$prefix"/versions/*; do
    { [ -d "$dir" ] && [ ! -L "$dir" ]; } || continue
    trusted_owner "$(stat -c '%u' -- "$dir")" || continue
    base=${dir##*/}
    if [ "$base" != "$cur" ] && [ "$base" != "$prev" ]; then rm -rf -- "$dir"; fi
  done
}

link_into_path() {
  local path_link=/usr/local/bin/tui-report
  if [ "$prefix/bin/tui-report" = "$path_link" ]; then return; fi
  if [ -d /usr/local/bin ] && [ ! -L /usr/local/bin ] && [ -w /usr/local/bin ] &&
    trusted_owner "$(stat -c '%u' /usr/local/bin)" && { [ ! -e "$path_link" ] || [ -L "$path_link" ]; }; then
    switch_link "$prefix/bin/tui-report" "$path_link"
    say "已链接 $path_link -> $prefix/bin/tui-report"
  else
    say "未能链接到 /usr/local/bin（没有权限或已有同名文件）；请把 $prefix/bin 加入 PATH，例如在 /etc/profile.d/tui-report.sh 中写：export PATH=$prefix/bin:\$PATH"
  fi
}

if [ "$action" = rollback ]; then
  rollback
else
  install
fi
