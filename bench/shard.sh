#!/usr/bin/env bash
# Times sharding on the JDK's java.base sources: one unsharded `gate check`
# against the same analysis split in 4 shards run one after another (each writes
# its partial result), all on one thread so the figures are total work; then
# `gate merge` of the 4 parts. Writes bench/shard-results.md.
#
#   bench/shard.sh            # bench/run.sh prepares the corpus the first time
#   BENCH_RUNS=10 bench/shard.sh
set -euo pipefail
cd "$(dirname "$0")/.."

work=${GATE_BENCH_DIR:-/tmp/gate-bench}
runs=${BENCH_RUNS:-5}
corpus=$work/java.base
if [ ! -d "$corpus" ]; then
  echo "no $corpus: run bench/run.sh once first (it unpacks the JDK sources)" >&2
  exit 2
fi
command -v hyperfine >/dev/null || { echo "needs hyperfine (apt-get install hyperfine)" >&2; exit 2; }

cargo build --release --quiet
gate=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gate
parts=$work/shard-parts
mkdir -p "$parts"
json=$work/shard-hyperfine.json
shards="for i in 1 2 3 4; do $gate check $corpus --jobs 1 --shard \$i/4 --partial-out $parts/p\$i.json 2>/dev/null; done"

# gate exits 1 on the JDK's findings: -i keeps hyperfine going.
hyperfine -i --warmup 1 --runs "$runs" --export-json "$json" \
  -n unsharded "$gate check $corpus --jobs 1 --format json -o /dev/null" \
  -n four-shards "$shards" \
  -n merge "$gate merge $parts/p1.json $parts/p2.json $parts/p3.json $parts/p4.json --root $corpus --format json -o /dev/null"

# The merged verdict equals the unsharded one (apart from timing).
"$gate" check "$corpus" --format json -o "$work/unsharded.json" 2>/dev/null || true
"$gate" merge "$parts"/p{1,2,3,4}.json --root "$corpus" --format json -o "$work/merged.json" 2>/dev/null || true
python3 - "$json" "$parts" "$work/unsharded.json" "$work/merged.json" "$gate" "$runs" <<'PY'
import json, sys, os, statistics, subprocess, platform
path, parts, unsharded, merged, gate, runs = sys.argv[1:]
res = {r["command"]: r for r in json.load(open(path))["results"]}
med = lambda n: statistics.median(res[n]["times"])
rng = lambda n: f'{min(res[n]["times"]):.3f}–{max(res[n]["times"]):.3f}'
a, b = json.load(open(unsharded)), json.load(open(merged))
for r in (a, b):
    r.pop("duration_ms")
same = a == b
sizes, files = [], []
for i in range(1, 5):
    p = os.path.join(parts, f"p{i}.json")
    sizes.append(os.path.getsize(p))
    files.append(len(json.load(open(p))["files"]))
version = subprocess.run([gate, "--version"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
u, s, m = med("unsharded"), med("four-shards"), med("merge")
out = f"""# Sharding benchmark: java.base in 4 shards

`bench/shard.sh`, {version}, {cpu}, {os.cpu_count()} cores (shared), hyperfine,
{runs} runs each after a warm-up, median (range) in seconds. Every analysis runs on
one thread (`--jobs 1`), so the times are the total work.

| run | time (s) | range |
|---|---|---|
| `gate check` unsharded | {u:.3f} | {rng("unsharded")} |
| 4 × `gate check --shard I/4 --partial-out`, one after another | {s:.3f} | {rng("four-shards")} |
| `gate merge` of the 4 parts | {m:.3f} | {rng("merge")} |

- Four shards cost **{(s / u - 1) * 100:+.1f} %** of the unsharded run's time (budget: within 10 %):
  each shard walks the whole tree and compiles the rules again, then parses only its files.
- Files per shard: {", ".join(map(str, files))} (sorted by path, cut at equal bytes);
  partial results {", ".join(f"{x / 1e6:.1f} MB" for x in sizes)}.
- The merge reads, validates and merges the parts, computes the measures and the verdict,
  and writes the JSON report in **{m * 1000:.0f} ms**.
- The merged JSON report equals the unsharded one apart from `duration_ms`: **{same}**.
"""
open("bench/shard-results.md", "w").write(out)
print(out)
PY
