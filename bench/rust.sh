#!/usr/bin/env bash
# Times gate's Rust analysis on a large real corpus: the sources of the crates in
# ~/.cargo/registry/src (there after building this project). On one thread:
# parse-only (syn, the floor), parse + all Rust rules, parse + the 3 rules
# ast-grep runs too (unwrap/expect, todo!/unimplemented!/panic!, dbg!), and
# ast-grep with those 3 rules on the same files. Ratios are measured in the same
# run, since absolute times on a shared machine drift. Writes bench/rust-results.md.
#
#   bench/rust.sh                        # installs hyperfine and ast-grep if missing
#   BENCH_RUNS=5 CORPUS=/path bench/rust.sh
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${CORPUS:-$HOME/.cargo/registry/src}
runs=${BENCH_RUNS:-3}
work=${GATE_BENCH_DIR:-/tmp/gate-bench-rust}   # outside the repo: its .gitignore must not apply
mkdir -p "$work"

if ! command -v hyperfine >/dev/null; then
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >/dev/null
fi
command -v ast-grep >/dev/null || pip install -q ast-grep-cli

cargo build --release --quiet
gate=${CARGO_TARGET_DIR:-target}/release/gate
gate=$(realpath "$gate")

# Only .rs files, every Rust rule on; and the three rules ast-grep mirrors.
cat >"$work/all.toml" <<'EOF'
[sources]
include = ["**/*.rs"]
EOF
cat >"$work/three.toml" <<'EOF'
[sources]
include = ["**/*.rs"]
[rules]
only = ["unwrap-call", "todo-macro", "dbg-macro", "no-message-panic"]
extra = ["rules"]
EOF
mkdir -p "$work/rules/rust"
# todo-macro covers todo!/unimplemented!; panic! (with or without message) is
# a team rule here, to match ast-grep's rule exactly.
cat >"$work/rules/rust/no-message-panic.toml" <<'EOF'
id = "no-message-panic"
title = "panic!"
severity = "minor"
type = "code-smell"
message = "{name}!"
description = "d"
[match]
macro = ["panic"]
EOF
cat >"$work/sgconfig.yml" <<EOF
ruleDirs: [sg-rules]
EOF
mkdir -p "$work/sg-rules"
cat >"$work/sg-rules/unwrap.yml" <<'EOF'
id: unwrap
language: rust
severity: warning
rule:
  kind: call_expression
  has:
    field: function
    kind: field_expression
    has:
      field: field
      regex: ^(unwrap|expect)$
EOF
cat >"$work/sg-rules/todo.yml" <<'EOF'
id: todo-panic
language: rust
severity: warning
rule:
  kind: macro_invocation
  has:
    field: macro
    regex: ^(todo|unimplemented|panic)$
EOF
cat >"$work/sg-rules/dbg.yml" <<'EOF'
id: dbg
language: rust
severity: warning
rule:
  kind: macro_invocation
  has:
    field: macro
    regex: ^dbg$
EOF

json=$work/hyperfine.json
# gate exits 1 when it finds problems: -i keeps hyperfine going.
hyperfine -N -i --warmup 1 --runs "$runs" --export-json "$json" \
  -n parse-1t "$gate check $corpus --config $work/all.toml --jobs 1 --parse-only --format json -o /dev/null" \
  -n rules-1t "$gate check $corpus --config $work/all.toml --jobs 1 --format json -o /dev/null" \
  -n three-1t "$gate check $corpus --config $work/three.toml --jobs 1 --format json -o /dev/null" \
  -n astgrep-1t "ast-grep scan --config $work/sgconfig.yml --threads 1 --json=stream $corpus" \
  -n parse-all "$gate check $corpus --config $work/all.toml --parse-only --format json -o /dev/null" \
  -n rules-all "$gate check $corpus --config $work/all.toml --format json -o /dev/null"

summary() { "$gate" check "$corpus" --config "$1" --format json 2>/dev/null |
  python3 -c 'import json,sys; r=json.load(sys.stdin); s=r["summary"]; c={}
for f in r["findings"]: c[f["rule"]]=c.get(f["rule"],0)+1
print(json.dumps({"files":s["files"],"lines":s["lines"],"findings":c,"diagnostics":len(r["diagnostics"])}))' || true; }
all=$(summary "$work/all.toml")
three=$(summary "$work/three.toml")
sg=$(ast-grep scan --config "$work/sgconfig.yml" --json=stream "$corpus" 2>/dev/null |
  python3 -c 'import json,sys; c={}
for l in sys.stdin:
    r=json.loads(l)["ruleId"]; c[r]=c.get(r,0)+1
print(json.dumps(c))')

python3 - "$json" "$all" "$three" "$sg" "$runs" "$gate" "$corpus" <<'PY'
import json, sys, statistics, subprocess, platform
path, all_, three, sg, runs, gate, corpus = sys.argv[1:]
all_, three, sg = json.loads(all_), json.loads(three), json.loads(sg)
res = {r["command"]: r for r in json.load(open(path))["results"]}
med = lambda n: statistics.median(res[n]["times"])
cpu_s = lambda n: res[n]["user"] + res[n]["system"]
rng = lambda n: f'{min(res[n]["times"]):.2f}–{max(res[n]["times"]):.2f}'
lines = all_["lines"]
version = subprocess.run([gate, "--version"], capture_output=True, text=True).stdout.strip()
cpu = next((l.split(":", 1)[1].strip() for l in open("/proc/cpuinfo") if l.startswith("model name")), platform.machine())
cores = subprocess.run(["nproc"], capture_output=True, text=True).stdout.strip()
rows = [
    ("gate parse only (syn), 1 thread", "parse-1t", "parse-1t"),
    ("gate parse + all 18 rules, 1 thread", "rules-1t", "parse-1t"),
    ("gate parse + 3 rules, 1 thread", "three-1t", "parse-1t"),
    ("ast-grep, 3 rules, 1 thread", "astgrep-1t", "parse-1t"),
    (f"gate parse only, {cores} threads", "parse-all", "parse-all"),
    (f"gate parse + all rules, {cores} threads", "rules-all", "parse-all"),
]
out = ["# gate benchmark: Rust\n",
       f"- {version}; {cpu}, {cores} cores; hyperfine, 1 warm-up, {runs} runs each",
       f"- corpus: `{corpus}`: {all_['files']} .rs files analysed, {lines:,} lines; {all_['diagnostics']} diagnostics (files syn cannot parse, etc.)",
       "",
       "",
       "Wall time drifts when other work shares the machine; CPU time (user + system,",
       "mean) does much less, so both are shown, and lines/s per core is from CPU time.",
       "",
       "| run | wall median s | wall min–max s | CPU s | lines/s per core (CPU) | wall vs parse-only | CPU vs parse-only |",
       "|---|---|---|---|---|---|---|"]
for label, name, base in rows:
    out.append(f"| {label} | {med(name):.2f} | {rng(name)} | {cpu_s(name):.2f} | {lines/cpu_s(name):,.0f} | {med(name)/med(base):.2f}× | {cpu_s(name)/cpu_s(base):.2f}× |")
overhead = cpu_s("rules-1t") / cpu_s("parse-1t") - 1
wall_overhead = med("rules-1t") / med("parse-1t") - 1
out += ["",
        f"- all rules add **{overhead*100:+.0f} %** CPU ({wall_overhead*100:+.0f} % wall) on top of parsing (budget: +50 %) — {'met' if overhead <= 0.5 else 'NOT met'}",
        f"- ast-grep with the 3 rules takes **{cpu_s('astgrep-1t')/cpu_s('three-1t'):.2f}×** the CPU time of gate with the same 3 ({med('astgrep-1t')/med('three-1t'):.2f}× wall)",
        "",
        "Findings with the 3 rules (gate's unwrap-call skips test code; gate also looks inside macro arguments):",
        "",
        "| rule | gate | ast-grep |", "|---|---|---|",
        f"| unwrap/expect | {three['findings'].get('unwrap-call', 0)} | {sg.get('unwrap', 0)} |",
        f"| todo!/unimplemented!/panic! | {three['findings'].get('todo-macro', 0) + three['findings'].get('no-message-panic', 0)} | {sg.get('todo-panic', 0)} |",
        f"| dbg! | {three['findings'].get('dbg-macro', 0)} | {sg.get('dbg', 0)} |",
        "",
        "All rules, findings per rule: " + ", ".join(f"{k} {v}" for k, v in sorted(all_["findings"].items()))]
text = "\n".join(out) + "\n"
open("bench/rust-results.md", "w").write(text)
print(text)
PY
