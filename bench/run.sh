#!/usr/bin/env bash
# Times `gate check` on the JDK's own java.base sources: all rules against a
# parse-only run of the same files (the floor any analyser pays), on one thread
# and on all cores. Ratios are measured in the same run, since absolute times on a
# shared machine drift. Writes bench/results.md.
#
#   bench/run.sh            # needs apt-get (root) the first time, then offline
#   BENCH_RUNS=10 bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=${GATE_BENCH_DIR:-/tmp/gate-bench}   # outside the repo: its .gitignore must not apply
runs=${BENCH_RUNS:-5}
src_zip=/usr/lib/jvm/openjdk-17/lib/src.zip

need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -f "$src_zip" ] || need+=(openjdk-17-source)
command -v unzip >/dev/null || need+=(unzip)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi

corpus=$work/java.base
if [ ! -d "$corpus" ]; then
  mkdir -p "$work"
  unzip -q -o "$src_zip" 'java.base/*' -d "$work"
fi

cargo build --release --quiet
gate=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gate
files=$(find "$corpus" -name '*.java' | wc -l)
lines=$(find "$corpus" -name '*.java' -print0 | xargs -0 cat | wc -l)
bytes=$(find "$corpus" -name '*.java' -print0 | xargs -0 cat | wc -c)
cores=$(nproc)
rules=$("$gate" rules --language java --format json | python3 -c 'import json,sys; print(sum(r["enabled"] for r in json.load(sys.stdin)))')

json=$work/hyperfine.json
# gate exits 1 when it finds problems in the JDK: -i keeps hyperfine going.
hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$json" \
  -n parse-1t "$gate check $corpus --jobs 1 --parse-only --format json -o /dev/null" \
  -n rules-1t "$gate check $corpus --jobs 1 --format json -o /dev/null" \
  -n parse-all "$gate check $corpus --jobs $cores --parse-only --format json -o /dev/null" \
  -n rules-all "$gate check $corpus --jobs $cores --format json -o /dev/null"

findings=$("$gate" check "$corpus" --format json 2>/dev/null | python3 -c 'import json,sys; r=json.load(sys.stdin); print(r["summary"]["findings"] + r["summary"]["suppressed"])' || true)

python3 - "$json" "$files" "$lines" "$bytes" "$cores" "$rules" "$findings" "$runs" "$gate" <<'PY'
import json, sys, platform, subprocess, statistics
path, files, lines, size, cores, rules, findings, runs, _gate = sys.argv[1:]
lines, cores = int(lines), int(cores)
res = {r["command"]: r for r in json.load(open(path))["results"]}
def med(n): return statistics.median(res[n]["times"])
def rng(n): return f'{min(res[n]["times"]):.3f}–{max(res[n]["times"]):.3f}'
version = subprocess.run([sys.argv[9], "--version"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
rows = [
    ("parse only, 1 thread", "parse-1t"),
    (f"parse + {rules} rules, 1 thread", "rules-1t"),
    (f"parse only, {cores} threads", "parse-all"),
    (f"parse + {rules} rules, {cores} threads", "rules-all"),
]
out = []
out.append("# gate benchmark: java.base\n")
out.append(f"- {version}; {cpu}, {cores} cores; hyperfine, 1 warm-up, {runs} runs each")
out.append(f"- corpus: java.base from Debian's openjdk-17-source: {files} files, {lines:,} lines, {int(size)/1e6:.1f} MB")
out.append(f"- findings on the corpus (all rules, incl. suppressed): {findings}\n")
out.append("| run | median s | min–max s | lines/s | vs parse-only |")
out.append("|---|---|---|---|---|")
for label, name in rows:
    base = "parse-1t" if name.endswith("1t") else "parse-all"
    out.append(f"| {label} | {med(name):.3f} | {rng(name)} | {lines/med(name):,.0f} | {med(name)/med(base):.2f}× |")
per_core = lines / med("rules-1t")
overhead = med("rules-1t") / med("parse-1t") - 1
scaling = med("rules-1t") / med("rules-all")
out.append("")
out.append("Targets (issue: core engine):")
out.append(f"- ≥ 300,000 lines/s per core for parse + all rules: **{per_core:,.0f}** lines/s on one thread — {'met' if per_core >= 300000 else 'NOT met'}")
out.append(f"- rules add at most 50 % on top of parse-only: **{overhead*100:+.0f} %** — {'met' if overhead <= 0.5 else 'NOT met'}")
out.append(f"- speed-up from 1 to {cores} threads: **{scaling:.2f}×**")
text = "\n".join(out) + "\n"
open("bench/results.md", "w").write(text)
print(text)
PY

# BENCH_PER_RULE=1: each Java rule alone ([rules] only = [id]) on one thread,
# CPU seconds (user) over a walk with no rule; robust to other load on the machine.
if [ -n "${BENCH_PER_RULE:-}" ]; then
  cfg=$work/per-rule.toml
  cpu() { /usr/bin/time -f %U "$gate" check "$corpus" --jobs 1 --config "$cfg" --format json -o /dev/null 2>&1 >/dev/null | tail -1; }
  printf '[rules]\nonly = []\n' > "$cfg"; walk=$(cpu)
  {
    echo
    echo "Per rule, alone, 1 thread: user CPU seconds over the bare walk ($walk s); single runs, so ±0.05 s is noise."
    echo
    echo "| rule | CPU s over the bare walk |"; echo "|---|---|"
    for id in $("$gate" rules --language java --format json | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'); do
      printf '[rules]\nonly = ["%s"]\n' "$id" > "$cfg"
      echo "| $id | $(python3 -c "print(f'{$(cpu) - $walk:+.2f}')") |"
    done | sort -t'|' -k3 -g -r
  } | tee -a bench/results.md
fi
