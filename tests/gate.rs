//! End-to-end tests of coverage, new code and the verdict: a throwaway git
//! repository holds `fixtures/java-sample` on `main` and its real pull request
//! (`pr-change/feature.patch`) on `feature`, with the JaCoCo report JaCoCo made for
//! the patched tree. The expected figures come from that report's own totals and
//! from diff-cover's measurement of the same change (`changed-lines.expected.json`).

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{copy_dir, coverage_json, git, sample, sample_pull_request};

fn gate(root: &Path, args: &[&str]) -> Output {
    // From the root, as CI runs it: --coverage paths are relative to the current folder.
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(root)
        .arg("check")
        .arg(root)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .output()
        .unwrap()
}

fn report(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn expected() -> Value {
    serde_json::from_str(
        &fs::read_to_string(sample().join("pr-change/changed-lines.expected.json")).unwrap(),
    )
    .unwrap()
}

fn jacoco_totals() -> Value {
    serde_json::from_str::<Value>(
        &fs::read_to_string(sample().join("pr-change/jacoco.expected.json")).unwrap(),
    )
    .unwrap()["totals"]
        .clone()
}

/// The measures every way of naming the change must agree on.
fn assert_pull_request_measures(r: &Value) {
    let want = expected();
    let m = &r["measures"];
    assert_eq!(m["changed_files"], want["files_in_diff"]);
    assert_eq!(m["changed_lines"], want["changed_lines_total"]);
    let new = &m["new"]["lines"];
    assert_eq!(new["total"], want["changed_lines_measured"]);
    assert_eq!(new["covered"], want["changed_lines_covered"]);
    assert_eq!(new["missed"], want["changed_lines_missed"]);
    assert_eq!(
        new["percent"].as_f64(),
        Some(want["changed_line_coverage"].as_f64().unwrap() * 100.0)
    );
    let uncovered: Vec<(String, String)> = m["uncovered_new_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["path"].as_str().unwrap().into(),
                u["lines"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        uncovered,
        [
            (
                "src/main/java/com/example/legacy/CsvExporter.java".to_string(),
                "23".to_string()
            ),
            (
                "src/main/java/com/example/shop/Cart.java".to_string(),
                "62".to_string()
            )
        ]
    );
    // Overall figures equal JaCoCo's own report totals.
    let totals = jacoco_totals();
    for (ours, theirs) in [
        ("lines", "LINE"),
        ("branches", "BRANCH"),
        ("instructions", "INSTRUCTION"),
    ] {
        assert_eq!(
            m["overall"][ours]["covered"], totals[theirs]["covered"],
            "{ours}"
        );
        assert_eq!(
            m["overall"][ours]["missed"], totals[theirs]["missed"],
            "{ours}"
        );
    }
    // The test file changed too, but JaCoCo never measures tests: not a gap.
    assert_eq!(m["changed_files_without_coverage"], serde_json::json!([]));
}

#[test]
fn a_pull_request_against_its_base_branch() {
    let repo = sample_pull_request(|_| {});
    let out = gate(repo.path(), &["--base", "main", "--format", "json"]);
    let r = report(&out);
    assert_pull_request_measures(&r);
    assert_eq!(r["measures"]["new_code"], "changes since main");
    assert_eq!(
        r["coverage_reports"],
        serde_json::json!(["target/site/jacoco/jacoco.xml"])
    );
    // 8 coverable new lines < 20: the coverage condition is not applied; no new issue.
    let rows = r["verdict"]["conditions"].as_array().unwrap();
    assert_eq!(rows[0]["metric"], "coverage.line");
    assert_eq!(rows[0]["outcome"], "skipped");
    assert_eq!(rows[0]["actual"].as_f64(), Some(75.0));
    assert_eq!(rows[1]["metric"], "issues.major");
    assert_eq!(
        (rows[1]["outcome"].as_str(), rows[1]["actual"].as_f64()),
        (Some("passed"), Some(0.0))
    );
    assert_eq!(r["verdict"]["status"], "passed");
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn the_same_change_as_a_diff_file_and_on_stdin() {
    let repo = sample_pull_request(|_| {});
    let patch = sample().join("pr-change/feature.patch");
    let r = report(&gate(
        repo.path(),
        &["--diff", patch.to_str().unwrap(), "--format", "json"],
    ));
    assert_pull_request_measures(&r);
    let mut child = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args([
            "check",
            repo.path().to_str().unwrap(),
            "--diff",
            "-",
            "--format",
            "json",
        ])
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    child
        .stdin
        .take()
        .unwrap()
        .write_all(&fs::read(&patch).unwrap())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    let r = report(&out);
    assert_pull_request_measures(&r);
    assert_eq!(r["measures"]["new_code"], "the diff on standard input");
}

#[test]
fn coverage_below_the_bar_fails_once_the_change_is_big_enough() {
    let repo = sample_pull_request(|_| {});
    support::configure_base(repo.path(), "[gate]\nmin_new_lines = 5\n");
    let out = gate(repo.path(), &["--base", "main"]);
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("New code: changes since main (3 file(s), 18 changed line(s))"),
        "{text}"
    );
    assert!(text.contains("Coverage: new 75.0 % of 8 lines · overall 62.2 % of 90 lines (from target/site/jacoco/jacoco.xml)"), "{text}");
    assert!(
        text.contains("  src/main/java/com/example/shop/Cart.java: 62"),
        "{text}"
    );
    assert!(
        text.contains("  ✗ coverage.line  new      ≥ 80 %      75.0 %"),
        "{text}"
    );
    assert!(
        text.contains("  ✗ new line coverage 75.0 % is below 80 %"),
        "{text}"
    );
}

#[test]
fn a_new_issue_on_a_changed_line_fails_and_old_ones_do_not_count() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    // An old problem on main, then a new one in the pull request.
    let exporter = root.join("src/main/java/com/example/legacy/Importer.java");
    fs::write(&exporter, "package com.example.legacy;\n\nclass Importer {\n    void run() {\n        try { load(); } catch (Exception e) { }\n    }\n    void load() { }\n}\n").unwrap();
    // The sources only: the report is the build's, never part of the change.
    git(root, &["add", "src"]);
    git(root, &["commit", "-q", "-m", "importer"]);
    let out = gate(root, &["--base", "main", "--format", "json"]);
    let r = report(&out);
    assert_eq!(out.status.code(), Some(1));
    let new: Vec<&str> = r["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| {
            f["new"] == true
                && ["major", "critical", "blocker"].contains(&f["severity"].as_str().unwrap())
        })
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["empty-catch-block", "catch-generic-exception"]);
    assert_eq!(r["measures"]["new"]["issues"]["major"], 2);
    // No report lists the new Importer.java: its four code lines count as uncovered.
    let importer = r["measures"]["uncovered_new_lines"]
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["path"] == "src/main/java/com/example/legacy/Importer.java")
        .unwrap();
    assert_eq!(
        (&importer["lines"], &importer["count"]),
        (&"3-7".into(), &4.into())
    );
    assert_eq!(
        r["measures"]["changed_files_without_coverage"],
        serde_json::json!([])
    );
    assert_eq!(
        r["verdict"]["reasons"],
        serde_json::json!(["2 new major-or-worse issues (allowed: ≤ 0)"])
    );
    // The same tree with main at this commit: nothing is new any more.
    git(root, &["branch", "-f", "main", "HEAD"]);
    let out = gate(root, &["--base", "main", "--format", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(report(&out)["measures"]["new"]["issues"]["total"], 0);
}

#[test]
fn a_baseline_accepts_todays_findings() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/java-findings"),
        dir.path(),
    );
    let root = dir.path();
    assert_eq!(gate(root, &[]).status.code(), Some(1));
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["baseline", root.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&out.stdout).contains("15 finding(s) accepted"));
    let text = fs::read_to_string(root.join(".gate/baseline.json")).unwrap();
    assert_eq!(
        text.lines().count(),
        17,
        "one finding per line between the brackets:\n{text}"
    );
    let out = gate(root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let r = report(&out);
    assert_eq!(r["measures"]["new"]["issues"]["total"], 0);
    assert_eq!(r["measures"]["overall"]["issues"]["total"], 15);
    // The accepted findings are said to be in the baseline, not on old code.
    let text = String::from_utf8(gate(root, &[]).stdout).unwrap();
    assert!(
        text.starts_with(
            "15 finding(s) in the baseline are not listed (--format json lists all)\n"
        ),
        "{text}"
    );
    let md = String::from_utf8(gate(root, &["--format", "markdown"]).stdout).unwrap();
    assert!(
        md.contains("15 issues in the baseline are not listed; 4 suppressed."),
        "{md}"
    );
    // A new problem is new again.
    let file = root.join("src/main/java/com/example/orders/OrderKey.java");
    let code = fs::read_to_string(&file).unwrap();
    fs::write(&file, code.replace("        return \"unknown\";", "        if (code == 3) { try { code++; } catch (Exception e) {} }\n        return \"unknown\";")).unwrap();
    let out = gate(root, &["--format", "json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(report(&out)["measures"]["new"]["issues"]["major"], 2);
}

#[test]
fn fail_closed_without_the_inputs_a_condition_needs() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    fs::remove_dir_all(root.join("target")).unwrap();
    // Default conditions: no report is an error that says how to fix it, never
    // SonarQube's "No report imported" and a green build.
    let out = gate(root, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains(
            "  ! coverage.line  new      ≥ 80 %           -  (no coverage report found under"
        ),
        "{text}"
    );
    assert!(
        text.contains("looked for **/target/site/jacoco/jacoco.xml"),
        "{text}"
    );
    // Lint only, by choice: on the command line or in the base's gate.toml.
    let out = gate(root, &["--base", "main", "--no-coverage"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("(not measured by choice: --no-coverage)")
    );
    support::configure_base(root, "[coverage]\nrequired = false\n");
    let out = gate(root, &["--base", "main", "--format", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let r = report(&out);
    assert_eq!(r["verdict"]["conditions"][0]["outcome"], "not-measured");
    assert_eq!(
        r["verdict"]["conditions"][0]["note"],
        "not measured by choice: [coverage] required = false"
    );
    // A coverage condition the team wrote: no report is an error.
    support::configure_base(
        root,
        "[[gate.condition]]\nmetric = \"coverage.line\"\nmin = 80\n",
    );
    let out = gate(root, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stdout)
        .contains("new line coverage cannot be measured: no coverage report found"));
    // A report named but missing.
    support::configure_base(root, "[coverage]\nreports = [\"build/jacoco.xml\"]\n");
    let out = gate(root, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("build/jacoco.xml"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    // A report about other code: most files map to nothing.
    support::configure_base(root, "");
    fs::create_dir_all(root.join("other")).unwrap();
    fs::write(
        root.join("other/lcov.info"),
        "SF:/elsewhere/a.rs\nDA:1,1\nend_of_record\nSF:/elsewhere/b.rs\nDA:1,0\nend_of_record\n",
    )
    .unwrap();
    let out = gate(root, &["--base", "main", "--coverage", "other/lcov.info"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("match no repository file"),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn new_code_errors_are_clear() {
    let repo = sample_pull_request(|_| {});
    let out = gate(repo.path(), &["--base", "no-such-branch"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("no-such-branch"));
    let shallow = tempfile::tempdir().unwrap();
    let url = format!("file://{}", repo.path().display());
    let out = Command::new("git")
        .args(["clone", "-q", "--depth", "1", "--branch", "feature", &url])
        .arg(shallow.path().join("c"))
        .output()
        .unwrap();
    assert!(out.status.success());
    let clone = shallow.path().join("c");
    git(
        &clone,
        &["fetch", "-q", "--depth", "1", "origin", "main:main"],
    );
    let out = gate(&clone, &["--base", "main"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("fetch-depth: 0"), "{err}");
}

#[test]
fn a_github_pull_request_event_names_the_base() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let base = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "main"])
            .current_dir(root)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let head = String::from_utf8(
        Command::new("git")
            .args(["rev-parse", "HEAD"])
            .current_dir(root)
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();
    let event = root.join("event.json");
    fs::write(
        &event,
        format!(
            "{{\"pull_request\": {{\"number\": 7, \"base\": {{\"sha\": \"{}\", \"ref\": \"main\"}}, \"head\": {{\"sha\": \"{}\"}}}}}}",
            base.trim(),
            head.trim()
        ),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", root.to_str().unwrap(), "--format", "json"])
        .env("GITHUB_ACTIONS", "true")
        .env("GITHUB_EVENT_NAME", "pull_request")
        .env("GITHUB_EVENT_PATH", &event)
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_SHA", head.trim())
        .output()
        .unwrap();
    let r = report(&out);
    assert_pull_request_measures(&r);
    // Diffed against the event's base commit, named by its branch, not its hash.
    assert_eq!(
        r["measures"]["new_code"],
        "pull request #7 (changes since origin/main)"
    );
}

#[test]
fn gate_coverage_prints_the_reports_figures() {
    let r = coverage_json(&sample(), "jacoco.xml");
    let totals: Value =
        serde_json::from_str(&fs::read_to_string(sample().join("jacoco.expected.json")).unwrap())
            .unwrap();
    for kind in [
        "INSTRUCTION",
        "BRANCH",
        "LINE",
        "COMPLEXITY",
        "METHOD",
        "CLASS",
    ] {
        assert_eq!(
            r["reports"][0]["counters"][kind]["missed"], totals["totals"][kind]["missed"],
            "{kind}"
        );
        assert_eq!(
            r["reports"][0]["counters"][kind]["covered"], totals["totals"][kind]["covered"],
            "{kind}"
        );
    }
    let text = Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(sample())
        .args(["coverage", ".", "--coverage", "jacoco.xml"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains("  LINE                33        50    60.2 %"),
        "{text}"
    );
    assert!(
        text.contains("src/main/java/com/example/legacy/CsvExporter.java"),
        "{text}"
    );
}

#[test]
fn gate_coverage_measures_the_changed_lines_like_diff_cover() {
    let repo = sample_pull_request(|_| {});
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["coverage", repo.path().to_str().unwrap(), "--base", "main"])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8_lossy(&out.stdout);
    // diff-cover 11.0.1 on the same report and diff: 8 lines, 2 missing, 75 %.
    assert!(
        text.contains(
            "new code (changes since main): 6 of 8 changed coverable lines covered (75.0 %)"
        ),
        "{text}"
    );
    assert!(text.contains("  src/main/java/com/example/legacy/CsvExporter.java: 23\n  src/main/java/com/example/shop/Cart.java: 62"), "{text}");
}

#[test]
fn a_jenkins_multibranch_change_request_names_the_target_branch() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    // Jenkins fetches the target branch as a remote-tracking ref.
    git(root, &["update-ref", "refs/remotes/origin/main", "main"]);
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", root.to_str().unwrap(), "--format", "json"])
        .env_remove("GITHUB_ACTIONS")
        .env("JENKINS_URL", "https://ci.example.com/")
        .env("CHANGE_ID", "42")
        .env("CHANGE_TARGET", "main")
        .env("CHANGE_URL", "https://github.com/acme/shop/pull/42")
        .output()
        .unwrap();
    let r = report(&out);
    assert_pull_request_measures(&r);
    assert_eq!(
        r["measures"]["new_code"],
        "pull request #42 (changes since origin/main)"
    );
}

#[test]
fn command_line_paths_are_relative_to_the_current_folder() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let sub = root.join("src/main");
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_gate"))
            .current_dir(&sub)
            .args(["check", "../.."])
            .args(args)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("JENKINS_URL")
            .output()
            .unwrap()
    };
    // From src/main, the report is ../../target/…, as a shell would complete it.
    let out = run(&[
        "--base",
        "main",
        "--format",
        "json",
        "--coverage",
        "../../target/site/jacoco/jacoco.xml",
    ]);
    assert_pull_request_measures(&report(&out));
    let out = run(&["--base", "main", "--coverage", "../../target/**/jacoco.xml"]);
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("Coverage: new 75.0 % of 8 lines"),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // What the user wrote, not a configuration key they never wrote.
    let out = run(&[
        "--base",
        "main",
        "--coverage",
        "target/site/jacoco/jacoco.xml",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--coverage target/site/jacoco/jacoco.xml: no such file (paths on the command line are relative to the current folder: "),
        "{err}"
    );
    let out = run(&["--base", "main", "--coverage", "../../nothing/**/*.xml"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--coverage: `nothing/**/*.xml` matches no file under"),
        "{err}"
    );
}
