#!/usr/bin/env python3
"""bench/run.sh's tables: reads hyperfine's JSON, `/usr/bin/time` lines and each
tool's own output, and prints Markdown. Standard library only.

  peers.py java     WORK   # the 5 shared rules: gate, PMD, Checkstyle, Semgrep, ast-grep
  peers.py catalog  WORK   # the whole catalog vs parse-only and PMD's quickstart
  peers.py scaling  WORK   # 1x..8x the corpus, 1 and all threads
"""
import collections, json, os, re, statistics, sys

# Each tool's rule name -> the shared rule it stands for.
SHARED = {
    "empty-catch-block": "empty catch", "EmptyCatchBlock": "empty catch",
    "system-out-print": "System.out/err", "SystemPrintln": "System.out/err",
    "equals-without-hashcode": "equals/hashCode", "hashcode-without-equals": "equals/hashCode",
    "OverrideBothEqualsAndHashcode": "equals/hashCode", "EqualsHashCode": "equals/hashCode",
    "too-many-parameters": "> 7 parameters", "ExcessiveParameterList": "> 7 parameters",
    "ParameterNumber": "> 7 parameters",
    "string-compared-with-eq": "string ==", "UseEqualsToCompareStrings": "string ==",
    "StringLiteralEquality": "string ==",
}
KEYS = ["empty catch", "System.out/err", "equals/hashCode", "> 7 parameters", "string =="]


def findings(tool, path):
    """(rule, file, line) triples and the number of files the tool could not analyse."""
    found, errors = [], 0
    if not os.path.exists(path):
        return found, errors
    if tool == "gate":
        r = json.load(open(path))
        found = [(f["rule"], f["location"]["path"], f["location"]["start_line"]) for f in r["findings"]]
        errors = sum(1 for d in r["diagnostics"] if d.get("path"))
    elif tool == "pmd":
        pat = re.compile(r"^(.*?\.java):(\d+):\t(\w+):\t")
        for line in open(path, errors="replace"):
            m = pat.match(line)
            if m:
                found.append((m.group(3), m.group(1), int(m.group(2))))
            elif re.match(r"^\S.*\t-\t", line):
                errors += 1
    elif tool == "checkstyle":
        pat = re.compile(r"^\[(WARN|ERROR|INFO)\] (.*?\.java):(\d+)(?::\d+)?: .* \[(\w+)\]$")
        for line in open(path, errors="replace"):
            m = pat.match(line.rstrip("\n"))
            if m and m.group(1) != "ERROR" and m.group(4) != "Checker":
                found.append((m.group(4), m.group(2), int(m.group(3))))
            elif line.startswith("[ERROR]"):
                errors += 1  # a file 8.36 cannot parse (haltOnException=false)
    elif tool == "semgrep":
        d = json.load(open(path))
        found = [(r["check_id"].split(".")[-1], r["path"], r["start"]["line"]) for r in d.get("results", [])]
        errors = len({e.get("path") for e in d.get("errors", []) if e.get("path")})
    elif tool == "astgrep":
        for line in open(path, errors="replace"):
            if line.strip():
                r = json.loads(line)
                found.append((r["ruleId"], r["file"], r["range"]["start"]["line"] + 1))
    return found, errors


def timing(work, name):
    """hyperfine's runs of `name` (from every export in WORK) and the extra run's
    `/usr/bin/time` line: wall, user, sys seconds, max RSS in KB."""
    res = {}
    for fn in os.listdir(work):
        if fn.startswith("hyperfine-") and fn.endswith(".json"):
            for r in json.load(open(os.path.join(work, fn)))["results"]:
                res[r["command"]] = r
    r = res[name]
    # `time` puts "Command exited with non-zero status N" first when a tool finds problems.
    mem = open(os.path.join(work, "out", name + ".time")).read().splitlines()[-1].split()
    return {
        "median": statistics.median(r["times"]), "min": min(r["times"]), "max": max(r["times"]),
        "cpu": r["user"] + r["system"], "rss_mb": int(mem[3]) / 1024, "runs": len(r["times"]),
    }


def fmt_row(cells):
    return "| " + " | ".join(str(c) for c in cells) + " |"


def java(work):
    cores = os.cpu_count()
    tools = [  # (name in run.sh, tool, label, threads)
        ("gate-5", "gate", "gate", cores),
        ("astgrep-5", "astgrep", "ast-grep", cores),
        ("checkstyle-5", "checkstyle", "Checkstyle", "1 (no option)"),
        ("pmd-5", "pmd", "PMD", cores),
        ("semgrep-5", "semgrep", "Semgrep", cores),
    ]
    tools = [t for t in tools if os.path.exists(os.path.join(work, "out", t[0] + ".time"))]
    gate = timing(work, "gate-5")
    out = ["| tool | threads | wall median s | min–max s | CPU s | peak MB | wall ÷ gate's | CPU ÷ gate's | "
           + " | ".join(KEYS) + " | files not analysed |",
           "|---" * (9 + len(KEYS)) + "|"]
    for name, tool, label, threads in tools:
        t = timing(work, name)
        found, errors = findings(tool, os.path.join(work, "out", name + ".out"))
        per = collections.Counter(SHARED.get(rule) for rule, _, _ in set(found))
        out.append(fmt_row([label, threads, f"{t['median']:.2f}", f"{t['min']:.2f}–{t['max']:.2f}",
                            f"{t['cpu']:.2f}", f"{t['rss_mb']:.0f}", f"{t['median'] / gate['median']:.1f}×",
                            f"{t['cpu'] / gate['cpu']:.1f}×"] + [per[k] for k in KEYS] + [errors]))
    base = [(n, lbl) for n, lbl in [("gate-base", "gate"), ("astgrep-base", "ast-grep"),
                                     ("checkstyle-base", "Checkstyle"), ("pmd-base", "PMD"),
                                     ("semgrep-base", "Semgrep")]
            if os.path.exists(os.path.join(work, "out", n + ".time"))]
    if base:
        out += ["", "Parse-only floors (each tool with a rule that never matches; gate `--parse-only`):", "",
                "| tool | wall median s | min–max s | CPU s | peak MB | wall ÷ gate's |", "|---|---|---|---|---|---|"]
        g = timing(work, "gate-base")
        for n, lbl in base:
            t = timing(work, n)
            out.append(fmt_row([lbl, f"{t['median']:.2f}", f"{t['min']:.2f}–{t['max']:.2f}", f"{t['cpu']:.2f}",
                                f"{t['rss_mb']:.0f}", f"{t['median'] / g['median']:.1f}×"]))
    ratio = {name: timing(work, name)["median"] / gate["median"] for name, *_ in tools}
    targets = [("pmd-5", "PMD", 30), ("checkstyle-5", "Checkstyle", 20), ("semgrep-5", "Semgrep", 50),
               ("astgrep-5", "ast-grep", 1)]
    out += ["", "Targets (wall clock, all cores for every tool that has the option):"]
    for name, label, want in targets:
        if name in ratio:
            word = "faster than" if want == 1 else f"≥ {want}× faster than"
            out.append(f"- {word} {label}: **{ratio[name]:.1f}×** — {'met' if ratio[name] >= want else 'NOT met'}")
    print("\n".join(out))


def catalog(work):
    cores = os.cpu_count()
    rows = [("parse-1t", "gate parse only, 1 thread", "parse-1t"),
            ("rules-1t", "gate all rules, 1 thread", "parse-1t"),
            ("parse-all", f"gate parse only, {cores} threads", "parse-all"),
            ("rules-all", f"gate all rules, {cores} threads", "parse-all"),
            ("pmd-quickstart", f"PMD quickstart ruleset, {cores} threads", "rules-all")]
    rows = [r for r in rows if os.path.exists(os.path.join(work, "out", r[0] + ".time"))]
    counts = {}
    for name, tool in (("rules-all", "gate"), ("pmd-quickstart", "pmd")):
        found, _ = findings(tool, os.path.join(work, "out", name + ".out"))
        counts[name] = (len(found), len({r for r, _, _ in found}))
    out = ["| run | wall median s | min–max s | CPU s | peak MB | ratio | findings (rules that fired) |",
           "|---|---|---|---|---|---|---|"]
    for name, label, base in rows:
        t, b = timing(work, name), timing(work, base)
        what = {"parse-1t": "", "parse-all": ""}.get(name, "vs parse-only")
        if name == "pmd-quickstart":
            what = "vs gate all rules"
        n = counts.get(name)
        out.append(fmt_row([label, f"{t['median']:.3f}", f"{t['min']:.3f}–{t['max']:.3f}", f"{t['cpu']:.2f}",
                            f"{t['rss_mb']:.0f}", f"{t['median'] / b['median']:.2f}× {what}".strip(),
                            f"{n[0]:,} ({n[1]})" if n else ""]))
    over = timing(work, "rules-1t")["median"] / timing(work, "parse-1t")["median"]
    cpu_over = timing(work, "rules-1t")["cpu"] / timing(work, "parse-1t")["cpu"]
    threads = timing(work, "rules-1t")["median"] / timing(work, "rules-all")["median"]
    out += ["", f"- whole catalog within 1.5× of parse-only (1 thread): **{over:.2f}×** wall, {cpu_over:.2f}× CPU — "
            f"{'met' if over <= 1.5 else 'NOT met'}",
            f"- {cores} threads vs 1 (all rules): **{threads:.2f}×** faster — "
            f"{'met' if threads >= 1.7 else 'NOT met'} (target ≥ 1.7× with 2 threads)"]
    print("\n".join(out))


def scaling(work):
    sizes = sorted(int(m.group(1)) for fn in os.listdir(os.path.join(work, "out"))
                   if (m := re.match(r"scale-(\d+)x\.time$", fn)))
    if len(sizes) < 2:
        sys.exit("scaling: fewer than two corpus sizes were timed")
    out = ["| corpus | lines | wall median s | min–max s | CPU s | peak MB | ÷ previous size | lines/s |",
           "|---|---|---|---|---|---|---|---|"]
    prev, worst = None, 0.0
    for n in sizes:
        t = timing(work, f"scale-{n}x")
        lines = int(open(os.path.join(work, "out", f"scale-{n}x.lines")).read())
        step = ""
        if prev:
            ratio = t["median"] / prev
            worst = max(worst, abs(ratio / 2 - 1))
            step = f"{ratio:.2f}×"
        out.append(fmt_row([f"{n}× java.base", f"{lines:,}", f"{t['median']:.2f}", f"{t['min']:.2f}–{t['max']:.2f}",
                            f"{t['cpu']:.2f}", f"{t['rss_mb']:.0f}", step, f"{lines / t['median']:,.0f}"]))
        prev = t["median"]
    out += ["", f"- linear within ±15 % per doubling: worst doubling **{worst * 100:+.0f} %** off 2× — "
            f"{'met' if worst <= 0.15 else 'NOT met'}"]
    print("\n".join(out))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("java", "catalog", "scaling"):
        sys.exit(__doc__)
    {"java": java, "catalog": catalog, "scaling": scaling}[sys.argv[1]](sys.argv[2])
