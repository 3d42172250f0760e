#!/usr/bin/env python3
"""Issue tracking against the base, measured.

  bench/tracking.py history REPO [N]   replay the last N (default 20) first-parent
                                       commits of the git checkout REPO: the new
                                       findings of each commit by tracking, and by
                                       the old rule ("starts on a changed line")
  bench/tracking.py cost [FILES]       java.base (Debian's openjdk-17-source) in a
                                       git repository, a change to FILES (default
                                       300) of its files: gate with --base (tracking)
                                       against gate without a base, and against gate
                                       on those files alone (the cost bound)

GATE (default target/release/gate) is the binary measured. Nothing is downloaded:
REPO is a checkout you already have.
"""

import json
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile

GATE = os.environ.get("GATE", os.path.join(os.path.dirname(__file__), "..", "target", "release", "gate"))
SRC_ZIP = "/usr/lib/jvm/openjdk-17/lib/src.zip"
ENV = dict(os.environ, GIT_CONFIG_GLOBAL="/dev/null", GIT_CONFIG_NOSYSTEM="1",
           GIT_AUTHOR_NAME="b", GIT_AUTHOR_EMAIL="b@b", GIT_COMMITTER_NAME="b",
           GIT_COMMITTER_EMAIL="b@b")
for name in ("GITHUB_ACTIONS", "JENKINS_URL", "CI"):
    ENV.pop(name, None)


def git(repo, *args):
    return subprocess.run(["git", "-C", repo, *args], env=ENV, check=True,
                          capture_output=True).stdout.decode("utf-8", "replace")


def gate(root, *args, may_fail=False):
    out = subprocess.run([GATE, "check", root, "--format", "json", "--no-coverage",
                          "--config-from", "head", *args],
                         env=ENV, capture_output=True)
    if out.returncode not in (0, 1):
        if may_fail:
            return out.stderr.decode("utf-8", "replace").strip().splitlines()[-1]
        raise SystemExit(f"gate exited {out.returncode}: {out.stderr.decode()[-2000:]}")
    return json.loads(out.stdout)


def changed_lines(repo, base, head):
    """{path: set(new line numbers)} from git's own -U0 diff."""
    text = git(repo, "diff", "--no-color", "--no-ext-diff", "--text", "-U0", "-M",
               f"{base}..{head}")
    lines, path = {}, None
    for line in text.splitlines():
        if line.startswith("+++ "):
            path = line[6:] if line.startswith("+++ b/") else None
            lines.setdefault(path, set())
        m = re.match(r"@@ -\S+ \+(\d+)(?:,(\d+))? @@", line)
        if m and path:
            start, count = int(m.group(1)), int(m.group(2) or "1")
            lines[path].update(range(start, start + count))
    return lines


def history(repo, n):
    work = tempfile.mkdtemp()
    clone = os.path.join(work, "repo")
    # --shared: the clone borrows REPO's objects (it is removed at the end).
    subprocess.run(["git", "clone", "-q", "--shared", repo, clone], env=ENV, check=True,
                   capture_output=True)
    commits = git(clone, "rev-list", "--first-parent", f"-{n}", "HEAD").split()
    totals = {"tracked": 0, "line": 0, "both": 0, "only_tracked": 0, "only_line": 0, "fixed": 0}
    rows, skipped = [], []
    for commit in commits:
        subprocess.run(["git", "-C", clone, "checkout", "-q", "--force", commit], env=ENV,
                       capture_output=True)
        report = gate(clone, "--base", f"{commit}~1", may_fail=True)
        if isinstance(report, str):
            # A commit gate cannot evaluate (say, a blob missing from REPO): named
            # below, not counted.
            skipped.append(f"{commit[:10]}: {report}")
            continue
        changed = changed_lines(clone, f"{commit}~1", commit)
        active = [f for f in report["findings"] if "suppressed" not in f]
        key = lambda f: (f["rule"], f["location"]["path"], f["location"]["start_line"])
        tracked = {key(f) for f in active if f["new"]}
        line = {key(f) for f in active
                if f["location"]["start_line"] in changed.get(f["location"]["path"], ())}
        row = {
            "commit": commit[:10],
            "subject": git(clone, "log", "-1", "--format=%s", commit).strip()[:60],
            "tracked": len(tracked), "line": len(line), "both": len(tracked & line),
            "only_tracked": len(tracked - line), "only_line": len(line - tracked),
            "fixed": len(report["fixed"]),
            "missed": sorted(f"{r} {p}:{l}" for r, p, l in tracked - line),
            "false": sorted(f"{r} {p}:{l}" for r, p, l in line - tracked),
        }
        rows.append(row)
        for k in totals:
            totals[k] += row[k]
    shutil.rmtree(work)
    print(f"| commit | subject | new (tracking) | new (line rule) | both | missed by the line rule | line rule only | fixed |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r['commit']} | {r['subject']} | {r['tracked']} | {r['line']} | {r['both']} | "
              f"{r['only_tracked']} | {r['only_line']} | {r['fixed']} |")
    print(f"| **total** | {len(rows)} commits | {totals['tracked']} | {totals['line']} | {totals['both']} | "
          f"{totals['only_tracked']} | {totals['only_line']} | {totals['fixed']} |")
    for s in skipped:
        print(f"- not evaluated, {s}")
    for r in rows:
        for m in r["missed"]:
            print(f"- missed by the line rule, {r['commit']}: {m}")
        for m in r["false"]:
            print(f"- new by the line rule only, {r['commit']}: {m}")


def timed(commands, rounds=7):
    """The least wall and CPU time of each command over `rounds` rounds, the
    commands taking turns so that a slow moment of the machine hits them alike; a
    first round warms the page cache and is not counted."""
    best = [(float("inf"), float("inf")) for _ in commands]
    for r in range(rounds + 1):
        for i, args in enumerate(commands):
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            start = time.perf_counter()
            subprocess.run(args, env=ENV, check=False, capture_output=True)
            wall = time.perf_counter() - start
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if r > 0:
                best[i] = (min(best[i][0], wall), min(best[i][1], cpu))
    return best


def cost(files):
    work = tempfile.mkdtemp()
    with zipfile.ZipFile(SRC_ZIP) as z:
        z.extractall(work, [m for m in z.namelist() if m.startswith("java.base/")])
    repo = os.path.join(work, "java.base")
    git(repo, "init", "-q", "-b", "main")
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "base")
    git(repo, "checkout", "-q", "-b", "change")
    sources = sorted(p for p in git(repo, "ls-files").split("\n") if p.endswith(".java"))
    step = max(1, len(sources) // files)
    chosen = sources[::step][:files]
    for rel in chosen:
        path = os.path.join(repo, rel)
        with open(path, encoding="utf-8", errors="surrogateescape") as f:
            text = f.read()
        # A realistic edit: a new method at the end of the first type, and a line
        # changed inside the file.
        text = text.replace("\n}", "\n    int added() { return 42; }\n}", 1) + "// edited\n"
        with open(path, "w", encoding="utf-8", errors="surrogateescape") as f:
            f.write(text)
    git(repo, "commit", "-q", "-am", "change")
    only = os.path.join(work, "only")
    for rel in chosen:
        os.makedirs(os.path.dirname(os.path.join(only, rel)), exist_ok=True)
        shutil.copy(os.path.join(repo, rel), os.path.join(only, rel))
    base_args = [GATE, "check", repo, "--format", "json", "--no-coverage", "--config-from", "head"]
    (t_all, c_all), (t_tracked, c_tracked), (t_files, c_files), (t_diff, c_diff) = timed([
        base_args,
        base_args + ["--base", "main"],
        [GATE, "check", only, "--format", "json", "--no-coverage"],
        # What any run with a base needs, tracking or not: the change's lines.
        ["git", "-C", repo, "diff", "--no-color", "--no-ext-diff", "--text", "-U0", "-M",
         "main...HEAD"],
    ])
    report = gate(repo, "--base", "main")
    new = sum(1 for f in report["findings"] if f["new"] and "suppressed" not in f)
    print(f"- corpus: java.base, {len(sources)} files; change: {len(chosen)} files "
          f"({report['measures']['changed_lines']} changed lines), {new} new findings, "
          f"{len(report['fixed'])} fixed")
    print(f"- least of 7 interleaved runs, wall / CPU (user + sys), {os.cpu_count()} cores")
    print(f"- gate without a base (no tracking): {t_all:.3f} s / {c_all:.3f} s")
    print(f"- gate --base main (tracking, {len(chosen)} base files analysed again): "
          f"{t_tracked:.3f} s / {c_tracked:.3f} s")
    print(f"- gate on the {len(chosen)} changed files alone: {t_files:.3f} s / {c_files:.3f} s")
    print(f"- tracking adds {t_tracked - t_all:.3f} s wall = {(t_tracked - t_all) / t_files:.2f}x, "
          f"{c_tracked - c_all:.3f} s CPU = {(c_tracked - c_all) / c_files:.2f}x "
          f"the time to analyse those files on their own (bound: 1.00x)")
    print(f"- of which `git diff` of the change (needed by any run with a base): "
          f"{t_diff:.3f} s / {c_diff:.3f} s; tracking beyond it adds "
          f"{(t_tracked - t_all - t_diff) / t_files:.2f}x wall, "
          f"{(c_tracked - c_all - c_diff) / c_files:.2f}x CPU")
    shutil.rmtree(work)


if __name__ == "__main__":
    if len(sys.argv) >= 3 and sys.argv[1] == "history":
        history(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 20)
    elif len(sys.argv) >= 2 and sys.argv[1] == "cost":
        cost(int(sys.argv[2]) if len(sys.argv) > 2 else 300)
    else:
        raise SystemExit(__doc__)
