#!/usr/bin/env bash
# gate on hostile inputs that grow one way each (bench/hostile.py): time against
# input size, all rules, one thread, with the ratio per doubling (linear work
# doubles the time: ≤ 2.2× is the target). Writes bench/scaling-results.md.
#
#   bench/scaling.sh                     # installs hyperfine if missing
#   BEFORE=/path/to/old/gate bench/scaling.sh   # also an older build's times
#   BENCH_RUNS=3                         # hyperfine runs per input (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."

work=${GATE_BENCH_DIR:-/tmp/gate-bench-scaling}   # outside the repo: its .gitignore must not apply
runs=${BENCH_RUNS:-3}
before=${BEFORE:-}
if ! command -v hyperfine >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
cargo build --release --quiet
gate=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gate
mkdir -p "$work"

# shape and its sizes (each the double of the one before)
cases=(
  "java-mb 1 2 4"
  "todos 12500 25000 50000"
  "java-line 25000 50000 100000"
  "else-if 500 1000 2000 4000 8000 16000"
  "nested-if 500 1000 2000 4000 8000 16000"
  "ternary 500 1000 2000 4000 8000 16000"
  "assignments 500 1000 2000 4000 8000 16000"
  "sum 500 1000 2000 4000 8000 16000"
  "rust-generics 225 450 900 1800"
  "rust-refs 225 450 900 1800"
  "rust-binary 225 450 900 1800"
  "rust-methods 225 450 900 1800"
)
# mean seconds of one gate on one input
timed() {
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/h.json" \
    "$1 check $2 --jobs 1 --no-coverage --format json -o /dev/null" >/dev/null 2>&1
  python3 -c "import json; print(json.load(open('$work/h.json'))['results'][0]['mean'])"
}
rows=()
for case in "${cases[@]}"; do
  read -r shape sizes <<<"$case"
  for n in $sizes; do
    dir=$work/$shape-$n
    [ -d "$dir" ] || python3 bench/hostile.py "$shape" "$n" "$dir"
    bytes=$(cat "$dir"/* | wc -c)
    # gate exits 1 on findings: that is no failure here.
    note=$({ "$gate" check "$dir" --jobs 1 --no-coverage --format json 2>/dev/null || true; } |
      python3 -c 'import json,sys; r=json.load(sys.stdin); print("reported: too deep" if any("levels deep" in d["message"] for d in r["diagnostics"]) else str(len(r["findings"])) + " findings")')
    t=$(timed "$gate" "$dir")
    b=""
    if [ -n "$before" ]; then
      if /usr/bin/time -f %e -o "$work/t" timeout 60 "$before" check "$dir" --jobs 1 --no-coverage \
        --format json -o /dev/null >/dev/null 2>&1 || [ $? -ne 124 ]; then
        b=$(tail -1 "$work/t")
      else
        b="> 60"
      fi
    fi
    rows+=("$shape|$n|$bytes|$t|$b|$note")
    echo "$shape $n: ${t}s ${b:+(before: ${b}s)} $note" >&2
  done
done

{
  echo "# Scaling on hostile inputs"
  echo
  echo "Made by \`bench/scaling.sh\` on $(date -u +%Y-%m-%d): $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(nproc) cores (shared);"
  echo "$("$gate" --version), all rules, \`--jobs 1\`, hyperfine mean of $runs runs after a warm-up."
  echo "Inputs from \`bench/hostile.py\`; each size doubles the one before, so linear work doubles the"
  echo "time (target: ≤ 2.2× per doubling). Below 50 ms the process start dominates and ratios say little."
  if [ -n "$before" ]; then echo "\"before s\": \`$before\`, one run, stopped at 60 s."; fi
  echo
  echo "| input | size | bytes | time s | × previous | before s | result |"
  echo "|---|---|---|---|---|---|---|"
  prev_shape=""; prev_t=""
  for row in "${rows[@]}"; do
    IFS='|' read -r shape n bytes t b note <<<"$row"
    ratio=""
    [ "$shape" = "$prev_shape" ] && ratio=$(python3 -c "print(f'{$t / $prev_t:.2f}×')")
    printf '| %s | %s | %s | %.3f | %s | %s | %s |\n' "$shape" "$n" "$bytes" "$t" "$ratio" "$b" "$note"
    prev_shape=$shape; prev_t=$t
  done
} > bench/scaling-results.md
cat bench/scaling-results.md
