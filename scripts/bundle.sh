#!/usr/bin/env bash
# Build the offline installation bundle from this checkout:
#   dist/tui-report-offline-<version>.tar.gz
# holding the project's wheel, the wheels of every runtime dependency (read from the wheel's own
# metadata, i.e. pyproject.toml's [project] dependencies) for Linux x86_64 and aarch64 (manylinux up
# to glibc 2.28: Kylin V10 and UOS 20 have 2.28), CPython 3.10-3.13, pip (to install without
# ensurepip), install.sh, a short README in Chinese and docs/admin.md.
#
#   bash scripts/bundle.sh              every platform and Python version (needs the package index)
#   bash scripts/bundle.sh --host-only  this machine's platform and Python alone (CI)
#
# PYTHON names the Python that builds (default python3); --host-only targets that Python.
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
ARCHES_ALL=(x86_64 aarch64)
PYTHONS_ALL=(3.10 3.11 3.12 3.13)
GLIBC_MINORS=(28 27 26 25 24 23 22 21 20 19 18 17)   # manylinux_2_28 .. manylinux_2_17 (= manylinux2014)

host_only=0
for arg in "$@"; do
  case "$arg" in
    --host-only) host_only=1 ;;
    -h | --help)
      sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "bundle.sh: unknown option $arg (use --host-only or --help)" >&2
      exit 2
      ;;
  esac
done

work=$(mktemp -d "${TMPDIR:-/tmp}/tui-report-bundle.XXXXXX")
trap 'rm -rf "$work"' EXIT
pip=("$PYTHON" -m pip --disable-pip-version-check)

# 1. The project's wheel, built like any `pip install .` (build requirements from the index).
"${pip[@]}" wheel -q --no-deps -w "$work/project" . >/dev/null
project_wheel=$(ls "$work"/project/tui_report-*.whl)
version=${project_wheel##*/tui_report-}
version=${version%%-*}
name=tui-report-offline-$version
stage=$work/$name
mkdir -p "$stage/wheels"
cp "$project_wheel" "$stage/wheels/"

# 2. Dependencies, resolved from the project wheel's Requires-Dist for each target; pip itself so
#    that install.sh needs neither ensurepip nor python3-pip on the server.
# The host-only bundle is the full one narrowed to this machine: the same wheels (manylinux up to
# glibc 2.28), so that CI installs what a county server gets.
if [ "$host_only" -eq 1 ]; then
  arches=("$(uname -m)")
  pythons=("$("$PYTHON" -c 'import sys; print("%d.%d" % sys.version_info[:2])')")
else
  arches=("${ARCHES_ALL[@]}")
  pythons=("${PYTHONS_ALL[@]}")
fi
for arch in "${arches[@]}"; do
  platforms=(--platform "manylinux2014_$arch")
  for minor in "${GLIBC_MINORS[@]}"; do platforms+=(--platform "manylinux_2_${minor}_$arch"); done
  for py in "${pythons[@]}"; do
    echo "Downloading wheels for $arch, CPython $py"
    "${pip[@]}" download -q --only-binary=:all: --implementation cp --python-version "$py" \
      "${platforms[@]}" -d "$stage/wheels" "$project_wheel" pip >/dev/null
  done
done

# 3. Installer, README, what the bundle is for, the wheel list and checksums.
cp scripts/offline/install.sh "$stage/install.sh"
chmod 755 "$stage/install.sh"
sed "s/@VERSION@/$version/g" scripts/offline/README.txt >"$stage/README.txt"
cp docs/admin.md "$stage/admin.md" # the administrator's manual, readable on the offline server
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# The oldest glibc every compiled dependency has a wheel for (install.sh refuses older systems
# with a clear message instead of pip's "no matching distribution").
glibc=$("$PYTHON" - "$stage/wheels" <<'PY'
from __future__ import annotations

import re
import sys
from pathlib import Path

LEGACY = {"manylinux1": (2, 5), "manylinux2010": (2, 12), "manylinux2014": (2, 17)}


def glibc_of(tag: str) -> tuple[int, int] | None:
    m = re.match(r"manylinux_(\d+)_(\d+)_", tag)
    if m:
        return int(m.group(1)), int(m.group(2))
    return LEGACY.get(tag.split("_", 1)[0])


lowest: dict[tuple[str, str, str], tuple[int, int]] = {}
for wheel in Path(sys.argv[1]).glob("*.whl"):
    parts = wheel.name[: -len(".whl")].split("-")
    needs = [g for tag in parts[-1].split(".") if (g := glibc_of(tag))]
    if needs:
        key = (parts[0], parts[-3], "aarch64" if "aarch64" in parts[-1] else "x86_64")
        lowest[key] = min(lowest.get(key, (99, 99)), min(needs))
major, minor = max(lowest.values(), default=(2, 17))
print(f"{major}.{minor}")
PY
)
cat >"$stage/bundle.env" <<EOF
VERSION='$version'
ARCHES='${arches[*]}'
PYTHONS='${pythons[*]}'
GLIBC='$glibc'
BUILT='$(date -u +%Y-%m-%dT%H:%M:%SZ)'
COMMIT='$commit'
EOF
"$PYTHON" - "$stage/wheels" >"$stage/wheels.txt" <<'PY'
import sys
from pathlib import Path

# One line per wheel: file, then the Python tag and the platform tag of its name.
for wheel in sorted(Path(sys.argv[1]).glob("*.whl")):
    parts = wheel.name[: -len(".whl")].split("-")
    print(f"{wheel.name}\t{parts[-3]}\t{parts[-1]}")
PY
(cd "$stage" && sha256sum install.sh bundle.env wheels/*.whl >SHA256SUMS)

mkdir -p dist
out=dist/$name.tar.gz
tar -C "$work" --owner=0 --group=0 --sort=name -czf "$out.partial" "$name"
mv -f "$out.partial" "$out"
count=$(ls "$stage"/wheels/*.whl | wc -l)
echo "Built $out ($(du -h "$out" | cut -f1), $count wheels; ${arches[*]}; CPython ${pythons[*]}; glibc >= $glibc)"
