"""Compares gate's findings on java.base with PMD's and Checkstyle's, per pair of
equivalent rules: a gate finding and a peer finding agree when they are in the
same file within --tol lines. Files Checkstyle could not parse are left out of
the Checkstyle pairs. Prints a Markdown report."""
import argparse, collections, json, os, re

# (gate rule, tool, peer rule, filter on the peer's message or None)
PAIRS = [
    ("empty-catch-block", "pmd", "EmptyCatchBlock", None),
    ("empty-catch-block", "checkstyle", "EmptyCatchBlock", None),
    ("equals-without-hashcode", "checkstyle", "EqualsHashCode", "^Definition of 'equals"),
    ("hashcode-without-equals", "checkstyle", "EqualsHashCode", "^Definition of 'hashCode"),
    ("system-out-print", "pmd", "SystemPrintln", None),
    ("print-stack-trace", "pmd", "AvoidPrintStackTrace", None),
    ("return-in-finally", "pmd", "ReturnFromFinallyBlock", None),
    ("too-many-parameters", "pmd", "ExcessiveParameterList", None),
    ("too-many-parameters", "checkstyle", "ParameterNumber", None),
    ("string-compared-with-eq", "pmd", "UseEqualsToCompareStrings", None),
    ("catch-generic-exception", "checkstyle", "IllegalCatch", None),
    ("switch-without-default", "checkstyle", "MissingSwitchDefault", None),
    ("bigdecimal-from-double", "pmd", "AvoidDecimalLiteralsInBigDecimalConstructor", None),
    ("empty-method", "pmd", "UncommentedEmptyMethodBody", None),
    ("empty-block", "checkstyle", "EmptyBlock", "(?!.*synchronized)"),
    ("empty-synchronized-block", "checkstyle", "EmptyBlock", "synchronized"),
    ("collapsible-if", "pmd", "CollapsibleIfStatements", None),
    ("catch-only-rethrows", "pmd", "AvoidRethrowingException", None),
    ("size-compared-to-zero", "pmd", "UseCollectionIsEmpty", None),
    ("boolean-literal-comparison", "pmd", "SimplifyBooleanExpressions", None),
    ("thread-run-called", "pmd", "DontCallThreadRun", None),
    ("wildcard-import", "checkstyle", "AvoidStarImport", None),
    ("finalize-overridden", "checkstyle", "NoFinalizer", None),
    ("magic-number", "checkstyle", "MagicNumber", None),
    ("method-too-long", "checkstyle", "MethodLength", None),
    ("too-many-methods", "checkstyle", "MethodCount", "^Total number"),
    ("cyclomatic-complexity", "checkstyle", "CyclomaticComplexity", None),
    ("unused-import", "checkstyle", "UnusedImports", None),
    ("method-naming-convention", "checkstyle", "MethodName", None),
    ("deprecated-without-javadoc", "checkstyle", "MissingDeprecated", "annotation"),
    ("field-naming-convention", "checkstyle", "ConstantName", None),
    ("field-naming-convention", "checkstyle", "StaticVariableName", None),
    ("field-naming-convention", "checkstyle", "MemberName", None),
    ("ignored-return-value", "pmd", "UselessOperationOnImmutable", None),
    ("unused-private-field", "pmd", "UnusedPrivateField", None),
    ("unused-private-method", "pmd", "UnusedPrivateMethod", None),
    ("unused-local-variable", "pmd", "UnusedLocalVariable", None),
    ("cognitive-complexity", "pmd", "CognitiveComplexity", None),
    ("string-concatenation-in-loop", "pmd", "UseStringBufferForStringAppends", None),
]

# (gate rule, peer rule): filter on gate's message, for a gate rule that spans
# several peer rules.
GATE_FILTERS = {
    ("field-naming-convention", "ConstantName"): "^Name of constant ",
    ("field-naming-convention", "StaticVariableName"): "^Name of static field ",
    ("field-naming-convention", "MemberName"): "^Name of field ",
}


def rel(path, root):
    path = os.path.normpath(path)
    return path[len(root) + 1:] if path.startswith(root + os.sep) else path


def load_pmd(path, root):
    pat = re.compile(r"^(.*?\.java):(\d+):\t(\w+):\t(.*)$")
    out = []
    for line in open(path, errors="replace"):
        m = pat.match(line.rstrip("\n"))
        if m:
            out.append((m.group(3), rel(m.group(1), root), int(m.group(2)), m.group(4)))
    return out


def load_checkstyle(path, root):
    pat = re.compile(r"^\[(WARN|ERROR|INFO)\] (.*?\.java):(\d+)(?::\d+)?: (.*) \[(\w+)\]$")
    out, broken = [], set()
    # A file Checkstyle cannot parse: "[ERROR] path:1: Got an exception - …" (no rule id).
    crash = re.compile(r"^\[ERROR\] (.*?\.java):\d+: Got an exception")
    for line in open(path, errors="replace"):
        m = pat.match(line.rstrip("\n"))
        if not m:
            if c := crash.match(line):
                broken.add(rel(c.group(1), root))
            continue
        if m.group(5) == "Checker" or m.group(1) == "ERROR":
            broken.add(rel(m.group(2), root))
            continue
        out.append((m.group(5), rel(m.group(2), root), int(m.group(3)), m.group(4)))
    return out, broken


def match(ours, theirs, tol):
    """Greedy per-file matching of line numbers within tol; returns (both, only ours, only theirs)."""
    by_file = collections.defaultdict(lambda: ([], []))
    for f, l in ours:
        by_file[f][0].append(l)
    for f, l in theirs:
        by_file[f][1].append(l)
    both, only_ours, only_theirs = 0, [], []
    for f, (a, b) in by_file.items():
        b = sorted(b)
        used = [False] * len(b)
        for l in sorted(a):
            hit = next((i for i, x in enumerate(b) if not used[i] and abs(x - l) <= tol), None)
            if hit is None:
                only_ours.append((f, l))
            else:
                used[hit] = True
                both += 1
        only_theirs += [(f, x) for i, x in enumerate(b) if not used[i]]
    return both, only_ours, only_theirs


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--gate"), ap.add_argument("--pmd"), ap.add_argument("--checkstyle")
    ap.add_argument("--root"), ap.add_argument("--tol", type=int, default=0)
    ap.add_argument("--versions", default="")
    a = ap.parse_args()
    root = os.path.normpath(a.root)
    report = json.load(open(a.gate))
    gate = collections.defaultdict(list)
    for f in report["findings"]:
        gate[f["rule"]].append((f["location"]["path"], f["location"]["start_line"], f["message"]))
    pmd = load_pmd(a.pmd, root)
    cs, broken = load_checkstyle(a.checkstyle, root)
    print("# gate vs PMD and Checkstyle on java.base\n")
    print(f"- corpus: JDK 17 `java.base` ({report['summary']['files']} files, {report['summary']['lines']:,} lines)")
    print(f"- peers: {a.versions}; configs in `bench/peers/`; made by `bench/agreement.sh`")
    print(f"- a gate finding and a peer finding agree when they are in the same file within {a.tol} line(s);")
    print(f"  Checkstyle 8.36 could not parse {len(broken)} file(s) (Java 17 syntax), left out of its rows")
    print("- agreement = both / gate count (precision vs peer) and both / peer count (recall vs peer)\n")
    print("| gate rule | peer rule | gate | peer | both | only gate | only peer | gate→peer | peer→gate |")
    print("|---|---|---|---|---|---|---|---|---|")
    details = []
    for rule, tool, peer_rule, flt in PAIRS:
        found = cs if tool == "checkstyle" else pmd
        theirs = [(f, l) for r, f, l, msg in found
                  if r == peer_rule and (flt is None or re.search(flt, msg))]
        gate_filter = GATE_FILTERS.get((rule, peer_rule), "")
        ours = [(f, l) for f, l, msg in gate.get(rule, []) if re.search(gate_filter, msg)]
        if tool == "checkstyle":
            ours = [x for x in ours if x[0] not in broken]
        both, only_ours, only_theirs = match(ours, theirs, a.tol)
        pct = lambda n, d: f"{100 * n / d:.1f} %" if d else "–"
        name = ("PMD " if tool == "pmd" else "Checkstyle ") + peer_rule
        print(f"| `{rule}` | {name} | {len(ours)} | {len(theirs)} | {both} | {len(only_ours)} | {len(only_theirs)} | {pct(both, len(ours))} | {pct(both, len(theirs))} |")
        details.append((rule, name, only_ours[:5], only_theirs[:5]))
    print("\n## First differences per pair\n")
    for rule, name, og, op in details:
        if og or op:
            print(f"- `{rule}` vs {name}: only gate {', '.join(f'{f}:{l}' for f, l in og) or '–'}; only peer {', '.join(f'{f}:{l}' for f, l in op) or '–'}")


main()
