//! End-to-end tests: the real `gate` binary on `fixtures/` and on throwaway trees.

mod support;

use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::copy_dir;

fn gate() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    cmd.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE");
    cmd
}

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(name)
}

fn run(args: &[&str]) -> Output {
    gate().args(args).output().expect("gate runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", stdout(o)))
}

/// `(rule, path, line, suppressed)` of every finding, in report order.
fn findings(report: &Value) -> Vec<(String, String, u64, bool)> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["location"]["path"].as_str().unwrap().to_string(),
                f["location"]["start_line"].as_u64().unwrap(),
                f.get("suppressed").is_some(),
            )
        })
        .collect()
}

fn schema_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/gate-report.schema.json"),
        )
        .unwrap(),
    )
    .unwrap();
    jsonschema::validator_for(&schema).expect("the schema itself is valid")
}

fn assert_valid(report: &Value) {
    let validator = schema_validator();
    let errors: Vec<String> = validator
        .iter_errors(report)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect();
    assert!(
        errors.is_empty(),
        "report does not match docs/gate-report.schema.json:\n{}",
        errors.join("\n")
    );
}

#[test]
fn java_findings_fixture_gives_exactly_the_known_findings() {
    let out = run(&[
        "check",
        fixture("java-findings").to_str().unwrap(),
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = json(&out);
    assert_valid(&report);
    let got = findings(&report);
    let b = "src/main/java/com/example/broken/Broken.java";
    let k = "src/main/java/com/example/orders/OrderKey.java";
    let s = "src/main/java/com/example/orders/OrderService.java";
    let p = "src/main/java/com/example/orders/Suppressed.java";
    let expected: Vec<(&str, &str, u64, bool)> = vec![
        ("catch-generic-exception", b, 5, false),
        // `int x = ;`: the declaration survives the syntax error, unused.
        ("unused-local-variable", b, 9, false),
        ("system-out-print", b, 13, false),
        ("equals-without-hashcode", k, 11, false),
        ("switch-without-default", k, 16, false),
        ("string-compared-with-eq", s, 9, false),
        ("too-many-parameters", s, 12, false),
        ("empty-catch-block", s, 16, false),
        ("catch-generic-exception", s, 16, false),
        ("return-in-finally", s, 27, false),
        ("todo-comment", s, 31, false),
        ("system-out-print", s, 33, false),
        ("empty-catch-block", p, 5, true),
        ("catch-generic-exception", p, 5, false),
        ("system-out-print", p, 9, true),
        ("print-stack-trace", p, 13, true),
        ("catch-generic-exception", p, 18, true),
        ("empty-method", p, 21, false),
        ("empty-method", p, 23, false),
    ];
    let expected: Vec<(String, String, u64, bool)> = expected
        .into_iter()
        .map(|(r, f, l, s)| (r.to_string(), f.to_string(), l, s))
        .collect();
    assert_eq!(got, expected);
    assert_eq!(report["summary"]["findings"], 15);
    assert_eq!(report["summary"]["suppressed"], 4);
    assert_eq!(report["summary"]["by_severity"]["major"], 6);
    assert_eq!(
        report["summary"]["files"], 4,
        "scratch/ is gitignored and target/ skipped"
    );
    assert_eq!(
        report["skipped"]["default_excluded_dirs"],
        serde_json::json!(["target/"])
    );
    assert_eq!(report["verdict"]["status"], "failed");
    let suppressed = &report["findings"][12]["suppressed"];
    assert_eq!(suppressed["kind"], "comment");
    assert_eq!(suppressed["reason"], "closing is best effort");
    assert_eq!(report["findings"][15]["suppressed"]["kind"], "nosonar");
    assert_eq!(report["findings"][16]["suppressed"]["kind"], "annotation");
    // The file with a syntax error is reported, and still analysed.
    let diagnostics = report["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), 1);
    assert_eq!(diagnostics[0]["level"], "warning");
    assert_eq!(diagnostics[0]["path"], b);
    assert!(diagnostics[0]["message"]
        .as_str()
        .unwrap()
        .contains("first at line 8"));
}

/// The README's first command: a real pull request, its new issues, its fixed one,
/// its new-code coverage and the failed verdict, exactly as README shows them.
#[test]
fn the_readme_demo_shows_a_pull_request_and_its_verdict() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let out = gate()
        .current_dir(root)
        .args([
            "check",
            "fixtures/java-pr",
            "--diff",
            "fixtures/java-pr/pr.diff",
        ])
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = mask_duration(&stdout(&out));
    let readme = fs::read_to_string(root.join("README.md")).unwrap();
    let shown = readme
        .split("```\n")
        .find(|block| block.starts_with("src/main/java/com/example/shop/Cart.java:77:11: "))
        .expect("README shows the demo's output");
    assert_eq!(text, mask_duration(shown));
}

#[test]
fn java_sample_prints_findings_with_file_line_and_a_summary() {
    let out = run(&["check", fixture("java-sample").to_str().unwrap()]);
    // Its gate.toml leaves out tools/ (the report generator): no major finding; it
    // names the sample's JaCoCo report, whose 60.2 % is under the bar.
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("src/main/java/com/example/shop/Cart.java:40:42: minor magic-number  Magic number 1_000_000"),
        "{text}"
    );
    assert!(text.contains("  40 |         if (unitCents < 0 || unitCents > 1_000_000) {\n     |                                          ^^^^^^^^^\n"), "{text}");
    assert!(!text.contains("ReportGen"), "{text}");
    let last = text.lines().last().unwrap();
    assert!(
        text.contains("failed: 10 findings (10 minor) in 8 files (277 lines, 54 rules, "),
        "{text}"
    );
    assert_eq!(last, "  ✗ new line coverage 60.2 % is below 80 %");
    assert!(
        text.contains("skipped 1 file(s) excluded by [sources]"),
        "{text}"
    );
    assert!(
        !text.contains('\u{1b}'),
        "no colour when stdout is not a terminal"
    );
}

#[test]
fn text_report_snapshot() {
    let out = run(&[
        "check",
        fixture("java-findings").to_str().unwrap(),
        "--color",
        "never",
    ]);
    let text = stdout(&out);
    let text = mask_duration(&text);
    insta::assert_snapshot!("java_findings_text", text);
}

#[test]
fn json_report_snapshot() {
    let out = run(&[
        "check",
        fixture("java-findings").to_str().unwrap(),
        "--format",
        "json",
    ]);
    let mut report = json(&out);
    report["duration_ms"] = Value::from(0);
    report["root"] = Value::from("fixtures/java-findings");
    report["tool"]["version"] = Value::from("x.y.z");
    insta::assert_json_snapshot!("java_findings_json", report);
}

/// The summary line ends with the run's duration, which differs on every run.
fn mask_duration(text: &str) -> String {
    text.lines()
        .map(|l| match (l.rfind(", "), l.ends_with("s)")) {
            (Some(i), true) if l[i..].contains('.') => format!("{}, <duration>)", &l[..i]),
            _ => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn colour_only_when_asked_or_on_a_terminal() {
    let dir = fixture("java-findings");
    let out = run(&["check", dir.to_str().unwrap(), "--color", "always"]);
    assert!(stdout(&out).contains("\u{1b}["));
    let out = gate()
        .args(["check", dir.to_str().unwrap()])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!stdout(&out).contains('\u{1b}'));
}

#[test]
fn results_do_not_depend_on_the_number_of_threads() {
    let dir = fixture("java-findings");
    let mut reports: Vec<Value> = ["1", "2", "8"]
        .iter()
        .map(|jobs| {
            let mut r = json(&run(&[
                "check",
                dir.to_str().unwrap(),
                "--format",
                "json",
                "--jobs",
                jobs,
            ]));
            r["duration_ms"] = Value::from(0);
            r
        })
        .collect();
    let first = reports.remove(0);
    for r in reports {
        assert_eq!(r, first);
    }
}

#[test]
fn fingerprints_survive_lines_moving_but_not_content_changes() {
    let tmp = tempfile::tempdir().unwrap();
    copy_dir(&fixture("java-findings"), tmp.path());
    let file = tmp
        .path()
        .join("src/main/java/com/example/orders/OrderService.java");
    let prints = || -> Vec<(String, u64, String)> {
        let r = json(&run(&[
            "check",
            tmp.path().to_str().unwrap(),
            "--format",
            "json",
        ]));
        r["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| {
                f["location"]["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("OrderService.java")
            })
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    f["location"]["start_line"].as_u64().unwrap(),
                    f["fingerprint"].as_str().unwrap().to_string(),
                )
            })
            .collect()
    };
    let before = prints();
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replacen(
            "import java.util.List;\n",
            "import java.util.List;\n\n\n// moved\n",
            1,
        ),
    )
    .unwrap();
    let after = prints();
    assert_eq!(before.len(), after.len());
    for (b, a) in before.iter().zip(&after) {
        assert_eq!(a.1, b.1 + 3, "lines moved down by three");
        assert_eq!(a.2, b.2, "{} fingerprint changed", a.0);
    }
    let text = fs::read_to_string(&file).unwrap();
    fs::write(
        &file,
        text.replace("status == \"OPEN\"", "status == \"CLOSED\""),
    )
    .unwrap();
    let changed = prints();
    assert_ne!(changed[0].2, before[0].2, "the flagged line's text changed");
    assert_eq!(changed[1].2, before[1].2);
}

fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    for (rel, content) in files {
        let path = tmp.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, content).unwrap();
    }
    tmp
}

#[test]
fn malformed_config_names_file_line_and_key() {
    let tmp = project(&[
        ("A.java", b"class A {}"),
        ("gate.toml", b"[sources]\ninclde = [\"src/**\"]\n"),
    ]);
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("gate.toml:2:1: unknown key `inclde` (did you mean `include`?)"),
        "{err}"
    );
    assert!(!err.contains("panicked"));

    fs::write(
        tmp.path().join("gate.toml"),
        "[rules]\nempty-catch = \"off\"\n",
    )
    .unwrap();
    let err = stderr(&run(&["check", tmp.path().to_str().unwrap()]));
    assert!(
        err.contains(
            "gate.toml:2:1: [rules]: no rule `empty-catch` (did you mean `empty-catch-block`?)"
        ),
        "{err}"
    );

    fs::write(tmp.path().join("gate.toml"), "[sources\n").unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("gate.toml:1:"), "{}", stderr(&out));

    let out = run(&[
        "check",
        tmp.path().to_str().unwrap(),
        "--config",
        "/nonexistent/gate.toml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("/nonexistent/gate.toml: cannot read the configuration"));
}

#[test]
fn a_threshold_on_the_wrong_scale_stops_the_run() {
    let tmp = project(&[
        ("A.java", b"class A {}"),
        (
            "gate.toml",
            b"[gate]\nmin_new_lines = 0\n\n[[gate.condition]]\nmetric = \"coverage.line\"\nmin = 0.8\n",
        ),
    ]);
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "gate.toml:6:7: [[gate.condition]] coverage.line: coverage thresholds are percentages: did you mean 80?"
        ),
        "{err}"
    );

    fs::write(
        tmp.path().join("gate.toml"),
        "[[gate.jacoco_rule]]\nelement = \"CLASS\"\ncounter = \"LINE\"\nminimum = 80\n",
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "gate.toml:4:11: [[gate.jacoco_rule]] CLASS.LINE.COVEREDRATIO: JaCoCo ratios are between 0 and 1: did you mean 0.80?"
        ),
        "{err}"
    );

    fs::write(
        tmp.path().join("gate.toml"),
        "[coverage]\nmax_unmapped_percent = nan\n",
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "gate.toml:2:24: [coverage] `max_unmapped_percent` must be a finite number, not nan"
        ),
        "{err}"
    );
}

#[test]
fn a_key_of_a_jacoco_rule_in_a_condition_says_where_it_belongs() {
    let tmp = project(&[
        ("A.java", b"class A {}"),
        (
            "gate.toml",
            b"[[gate.condition]]\nmetric = \"coverage.line\"\ncounter = \"LINE\"\nmin = 80\n",
        ),
    ]);
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stdout(&out));
    let err = stderr(&out);
    assert!(
        err.contains(
            "gate.toml:3:1: `counter` is a [[gate.jacoco_rule]] key; a [[gate.condition]] takes: metric, scope, min, max"
        ),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
}

const CUSTOM_RULE: &str = r#"id = "no-thread-sleep"
title = "Thread.sleep call"
severity = "major"
type = "code-smell"
message = "Avoid `Thread.sleep`"
description = """
Finds Thread.sleep.

## Why it matters
Flaky.

## How to fix
Wait on a condition.
"""
[match]
query = '''
(method_invocation
  object: (identifier) @cls
  name: (identifier) @m
  (#eq? @cls "Thread") (#eq? @m "sleep")) @match
'''
[[example]]
kind = "noncompliant"
code = "class A { void f() throws Exception { Thread.sleep(1); } }"
flagged = [1]
"#;

#[test]
fn extra_rule_folders_add_team_rules_and_validate_them() {
    let tmp = project(&[
        (
            "src/A.java",
            b"class A {\n  void f() throws Exception {\n    Thread.sleep(10);\n  }\n}\n",
        ),
        ("my-rules/java/no-thread-sleep.toml", CUSTOM_RULE.as_bytes()),
        ("gate.toml", b"[rules]\nextra = [\"my-rules\"]\n"),
    ]);
    let out = run(&[
        "check",
        tmp.path().to_str().unwrap(),
        "--format",
        "json",
        "--no-coverage",
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(
        findings(&json(&out)),
        vec![
            ("no-thread-sleep".into(), "src/A.java".into(), 3, false),
            ("magic-number".into(), "src/A.java".into(), 3, false)
        ]
    );

    let listed = stdout(
        &gate()
            .current_dir(tmp.path())
            .args(["rules"])
            .output()
            .unwrap(),
    );
    assert!(listed.contains("no-thread-sleep"), "{listed}");

    // A broken query: the error names the rule file, the line and the column.
    let broken = CUSTOM_RULE.replace("(identifier) @m", "(identifer) @m");
    fs::write(
        tmp.path().join("my-rules/java/no-thread-sleep.toml"),
        broken,
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(
        err.contains("no-thread-sleep.toml:19:10: invalid query: unknown node kind `identifer`"),
        "{err}"
    );
    assert_eq!(err.matches("identifer").count(), 1, "said once: {err}");

    fs::write(
        tmp.path().join("gate.toml"),
        "[rules]\nextra = [\"nope\"]\n",
    )
    .unwrap();
    let err = stderr(&run(&["check", tmp.path().to_str().unwrap()]));
    assert!(
        err.contains("gate.toml:2:9: [rules] extra: `nope` is not a folder"),
        "{err}"
    );
}

#[test]
fn a_nul_byte_is_text_and_a_binary_file_fails_closed() {
    // javac and rustc read a NUL in a comment: the file is analysed, not skipped.
    let tmp = project(&[
        (
            "Nul.java",
            b"// a \x00 here\nclass Nul { void f() { System.out.println(1); } }\n",
        ),
        (
            "nul.rs",
            b"// \x00\nfn f() { let x: Option<u8> = None; x.unwrap(); }\n",
        ),
    ]);
    let out = run(&["check", tmp.path().to_str().unwrap(), "--format", "json"]);
    let report = json(&out);
    let rules: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"system-out-print"), "{rules:?}");
    assert!(rules.contains(&"unwrap-call"), "{rules:?}");
    assert_eq!(report["summary"]["files"], 2, "{report}");

    // A class file named .java cannot be read as source: an error, not a skip.
    fs::write(
        tmp.path().join("Binary.java"),
        b"\xca\xfe\xba\xbe\x00\x00\x00\x34",
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("error: Binary.java: not valid UTF-8 (at byte 0)"),
        "{}",
        stderr(&out)
    );
    fs::remove_file(tmp.path().join("Binary.java")).unwrap();

    fs::write(
        tmp.path().join("Latin1.java"),
        b"class L { String s = \"caf\xe9\"; }",
    )
    .unwrap();
    let out = run(&["check", tmp.path().to_str().unwrap(), "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "source that cannot be read fails closed"
    );
    let report = json(&out);
    assert_valid(&report);
    assert_eq!(report["verdict"]["status"], "error");
    assert!(
        stderr(&out).contains("error: Latin1.java: not valid UTF-8 (at byte 25)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn an_unreadable_directory_is_an_error_not_a_silent_pass() {
    let tmp = project(&[("A.java", b"class A {}"), ("locked/B.java", b"class B {}")]);
    let root = tmp.path();
    let mode = |p: &Path, m: u32| {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(p, fs::Permissions::from_mode(m)).unwrap();
    };
    mode(root, 0o755);
    mode(&root.join("A.java"), 0o644);
    mode(&root.join("locked"), 0o000);
    // Root reads everything: run as `nobody` then, so the permission bites.
    let mut cmd = if is_root() {
        let mut c = Command::new("setpriv");
        c.args([
            "--reuid=65534",
            "--regid=65534",
            "--clear-groups",
            env!("CARGO_BIN_EXE_gate"),
        ]);
        c
    } else {
        gate()
    };
    let out = cmd
        .args(["check", root.to_str().unwrap()])
        .output()
        .unwrap();
    mode(&root.join("locked"), 0o755);
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("locked") && err.contains("ermission denied"),
        "{err}"
    );
    assert!(
        stdout(&out).contains("error: 0 findings in 1 file"),
        "{}",
        stdout(&out)
    );
}

fn is_root() -> bool {
    Command::new("id")
        .arg("-u")
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
        .unwrap_or(false)
}

#[test]
fn output_file_gets_the_report_and_stderr_a_summary() {
    let tmp = tempfile::tempdir().unwrap();
    let report = tmp.path().join("report.json");
    let out = run(&[
        "check",
        fixture("java-findings").to_str().unwrap(),
        "--format",
        "json",
        "--output",
        report.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).is_empty());
    assert!(
        stderr(&out).contains("gate: failed: 15 finding(s) in 4 file(s)"),
        "{}",
        stderr(&out)
    );
    let written: Value = serde_json::from_str(&fs::read_to_string(report).unwrap()).unwrap();
    assert_eq!(written["summary"]["findings"], 15);
}

#[test]
fn a_path_that_is_not_a_directory_is_a_usage_error() {
    // Said before git is asked about it, with or without a base.
    for args in [
        &["check", "/nonexistent/repo"][..],
        &["check", "/nonexistent/repo", "--base", "main"],
    ] {
        let out = run(args);
        assert_eq!(out.status.code(), Some(2));
        assert_eq!(
            stderr(&out),
            "gate: error: /nonexistent/repo: does not exist; give the repository's root folder\n"
        );
    }
    let out = run(&["check", "README.md"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        stderr(&out),
        "gate: error: README.md: not a directory; give the repository's root folder\n"
    );
    let out = run(&["check", "--jobs", "many"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn rules_lists_every_rule_as_text_and_json() {
    let out = run(&["rules", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let rules = json(&out);
    let rules = rules.as_array().unwrap();
    assert!(rules.len() >= 10);
    let ecb = rules
        .iter()
        .find(|r| r["id"] == "empty-catch-block")
        .unwrap();
    assert_eq!(ecb["language"], "java");
    assert_eq!(ecb["severity"], "major");
    assert_eq!(ecb["type"], "code-smell");
    assert_eq!(ecb["enabled"], true);
    assert_eq!(ecb["equivalent"]["pmd"], "EmptyCatchBlock");
    let text = stdout(&run(&["rules"]));
    assert!(text.starts_with("ID "), "{text}");
    assert!(
        text.contains(
            "empty-catch-block                 java      major     code-smell        Empty catch block"
        ),
        "{text}"
    );
}

#[test]
fn explain_prints_the_rule_file_as_documentation() {
    let out = run(&["explain", "return-in-finally"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for needle in [
        "# return-in-finally: return inside a finally block",
        "Severity: critical",
        "SonarQube `java:S1143`",
        "## Why it matters",
        "## How to fix",
        "## Noncompliant",
        "            return -1;  // ← flagged",
        "## Compliant",
        "#inside? @match \"finally_clause\"",
    ] {
        assert!(text.contains(needle), "missing {needle:?} in\n{text}");
    }
    let out = run(&["explain", "return-in-finaly"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("Did you mean `return-in-finally`?"));
}

#[test]
fn init_writes_a_config_that_check_accepts() {
    let tmp = project(&[("A.java", b"class A {}")]);
    let out = run(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0));
    let text = fs::read_to_string(tmp.path().join("gate.toml")).unwrap();
    assert!(text.contains("default_excludes = true"));
    // The defaults ask for coverage: without a report the run says how to get one.
    let out = run(&["check", tmp.path().to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(
        text.contains("new line coverage cannot be measured: no coverage report found under"),
        "{text}"
    );
    assert!(
        text.contains("or choose lint only (--no-coverage, or [coverage] required = false)"),
        "{text}"
    );
    let out = run(&["check", tmp.path().to_str().unwrap(), "--no-coverage"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    assert!(
        stdout(&out).contains("(not measured by choice: --no-coverage)"),
        "{}",
        stdout(&out)
    );
    let again = run(&["init", tmp.path().to_str().unwrap()]);
    assert_eq!(again.status.code(), Some(2));
    assert!(stderr(&again).contains("already exists; use --force"));
    assert_eq!(
        run(&["init", tmp.path().to_str().unwrap(), "--force"])
            .status
            .code(),
        Some(0)
    );
}

#[test]
fn help_and_version_are_real() {
    let out = run(&["--version"]);
    assert_eq!(
        stdout(&out).trim(),
        format!("gate {}", env!("CARGO_PKG_VERSION"))
    );
    let help = stdout(&run(&["check", "--help"]));
    for needle in [
        "--config <FILE>",
        "--format <FORMAT>",
        "--jobs <N>",
        "--output <FILE>",
        "--max-findings <N>",
        "(passed)",
        ".gitignore",
    ] {
        assert!(help.contains(needle), "missing {needle} in {help}");
    }
    // Exit 1 is any failed condition, coverage included, not only a major finding.
    let words = help.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains(
            "1 (failed: a condition is not met, by default a new finding of severity major \
             or above, or new-code line coverage under 80 %)"
        ),
        "{help}"
    );
}

#[test]
fn readme_rules_table_matches_the_rules() {
    let readme =
        fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).unwrap();
    let start = readme
        .find("<!-- rules:start")
        .expect("README marks its rules table");
    let end = readme
        .find("<!-- rules:end -->")
        .expect("README marks its rules table");
    let table: Vec<(String, String, String, String)> = readme[start..end]
        .lines()
        .filter(|l| l.starts_with("| `"))
        .map(|l| {
            let cells: Vec<&str> = l.split('|').map(str::trim).collect();
            (
                cells[1].trim_matches('`').to_string(),
                cells[2].to_string(),
                cells[3].to_string(),
                cells[4].to_string(),
            )
        })
        .collect();
    let rules = json(&run(&["rules", "--format", "json"]));
    let listed: Vec<(String, String, String, String)> = rules
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |k: &str| r[k].as_str().unwrap().to_string();
            (s("id"), s("language"), s("default_severity"), s("type"))
        })
        .collect();
    assert_eq!(table, listed, "README's rules table is out of date");
}

/// A legacy code base's first run: many findings, everything new without a base.
/// `--max-findings` lists a few and counts the rest, the summary by rule says where
/// they come from, and one hint says how to adopt gate without fixing them all.
#[test]
fn a_legacy_first_run_is_summarised_limited_and_hinted() {
    let mut java = String::from("class Legacy {\n");
    for i in 0..60 {
        java.push_str(&format!("    int f{i}() {{ return {}; }}\n", 100 + i));
    }
    java.push_str("    void g() { System.out.println(\"x\"); }\n}\n");
    let tmp = project(&[("src/Legacy.java", java.as_bytes())]);
    let path = tmp.path().to_str().unwrap();
    let out = run(&["check", path, "--no-coverage", "--max-findings", "3"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("src/Legacy.java:1:7: major too-many-methods  Legacy declares 61 methods"),
        "{text}"
    );
    assert!(
        text.contains("\nsrc/Legacy.java:2:23: minor magic-number  Magic number 100:"),
        "{text}"
    );
    assert_eq!(text.matches("src/Legacy.java:").count(), 3, "{text}");
    assert!(
        text.contains("\n… and 59 more findings not shown (--max-findings)\n"),
        "{text}"
    );
    assert!(
        text.contains(
            "\nFindings by rule: magic-number 60, system-out-print 1, too-many-methods 1\n"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "\nhint: without a base all 62 findings count as new: accept them with \
             `gate baseline`, or compare with the base branch (--base origin/main)\n"
        ),
        "{text}"
    );

    // Compared with a diff, the old findings are not new: no hint.
    fs::write(tmp.path().join("empty.diff"), "").unwrap();
    let diff = tmp.path().join("empty.diff");
    let out = run(&[
        "check",
        path,
        "--no-coverage",
        "--diff",
        diff.to_str().unwrap(),
        "--allow-empty-diff",
    ]);
    let text = stdout(&out);
    assert!(!text.contains("hint:"), "{text}");
    assert!(
        text.contains("62 finding(s) on code that is not new are not listed"),
        "{text}"
    );

    // Markdown lists three new issues too, and says why the rest are missing.
    let out = run(&[
        "check",
        path,
        "--no-coverage",
        "--format",
        "markdown",
        "--max-findings",
        "3",
    ]);
    let md = stdout(&out);
    assert_eq!(md.matches("| src/Legacy.java:").count(), 3, "{md}");
    assert!(
        md.contains("… and 59 more new issues not shown (--max-findings)."),
        "{md}"
    );
}

/// A report's file that matches no source is named once, as the warning's path,
/// not again at the start of its message.
#[test]
fn an_unmapped_coverage_file_names_its_report_once() {
    let tmp = project(&[
        ("src/A.java", b"class A {}\n"),
        (
            "jacoco.xml",
            br#"<?xml version="1.0" encoding="UTF-8"?><report name="r"><package name="gone"><sourcefile name="Gone.java"><line nr="1" mi="0" ci="1" mb="0" cb="0"/><counter type="LINE" missed="0" covered="1"/></sourcefile></package></report>"#,
        ),
    ]);
    let report = tmp.path().join("jacoco.xml");
    let out = run(&[
        "check",
        tmp.path().to_str().unwrap(),
        "--coverage",
        report.to_str().unwrap(),
    ]);
    let err = stderr(&out);
    let warning = err
        .lines()
        .find(|l| l.contains("no repository file matches `gone/Gone.java`"))
        .unwrap_or_else(|| panic!("{err}"));
    assert_eq!(
        warning,
        format!(
            "gate: warning: {}: no repository file matches `gone/Gone.java`; its coverage is not counted. \
             If the sources live in a custom directory, list it in gate.toml: \
             [coverage] source_roots = [\"path/to/src\"]",
            report.display()
        )
    );
}
