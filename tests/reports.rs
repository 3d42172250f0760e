//! Reports end to end: every format rendered from real outcomes (the sample's pull
//! request, with its JaCoCo report, a new file with issues and a lowered
//! `min_new_lines`), compared with reviewed snapshots; SARIF through Microsoft's
//! validator and the SARIF 2.1.0 schema; hostile file names and messages in every
//! format; GitHub's size limits; the step summary and outputs in GitHub Actions.

mod support;

use gate::model::{Diagnostic, DiagnosticLevel, Finding, Location, RuleType, Severity};
use gate::report::{self, Format};
use gate::{CheckOptions, Outcome};
use serde_json::Value;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::sample_pull_request;

fn manifest() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The sample on `main`, its pull request on `feature` with JaCoCo's report for
/// it. `failing` adds a file with two new issues and lowers `min_new_lines`, so
/// the coverage condition applies (and fails at 75 %).
fn pull_request(failing: bool) -> tempfile::TempDir {
    let repo = sample_pull_request(|root| {
        if failing {
            fs::write(
                root.join("src/main/java/com/example/legacy/Importer.java"),
                "package com.example.legacy;\n\nclass Importer {\n    void run() {\n        try { load(); } catch (Exception e) { }\n    }\n    void load() { }\n}\n",
            )
            .unwrap();
        }
    });
    if failing {
        support::configure_base(repo.path(), "[gate]\nmin_new_lines = 5\n");
    }
    repo
}

const HEAD_SHA: &str = "0123456789abcdef0123456789abcdef01234567";

/// `gate check --base main` on the pull request, made reproducible (root, time)
/// and placed on GitHub (repository, head commit) so that reports link lines.
fn outcome(failing: bool) -> Outcome {
    let repo = pull_request(failing);
    let options = CheckOptions {
        base: Some("main".to_string()),
        use_ci_env: false,
        ..CheckOptions::new(repo.path().to_path_buf())
    };
    let mut outcome = gate::check(&options, &|_, _| {}).unwrap();
    outcome.root = ".".to_string();
    outcome.duration_ms = 1234;
    outcome.ci.server_url = Some("https://github.com".to_string());
    outcome.ci.repository = Some("octo/shop".to_string());
    outcome.ci.head_sha = Some(HEAD_SHA.to_string());
    outcome.ci.pr_number = Some(7);
    outcome
}

fn render(format: Format, outcome: &Outcome) -> String {
    let mut out = Vec::new();
    report::render(format, outcome, &mut out, report::View::default()).unwrap();
    String::from_utf8(out).unwrap()
}

fn name(format: Format) -> &'static str {
    match format {
        Format::Text => "text",
        Format::Json => "json",
        Format::Sarif => "sarif",
        Format::Markdown => "markdown",
        Format::Junit => "junit",
        Format::Checkstyle => "checkstyle",
        Format::Github => "github",
        Format::Html => "html",
    }
}

#[test]
fn every_format_on_a_failing_pull_request() {
    let outcome = outcome(true);
    assert_eq!(outcome.verdict.status, gate::gate::Status::Failed);
    // HTML is checked in a browser (tests/html.rs), not against a snapshot.
    for format in Format::ALL.into_iter().filter(|f| *f != Format::Html) {
        let text = render(format, &outcome);
        insta::assert_snapshot!(format!("failing_pr_{}", name(format)), text);
    }
}

#[test]
fn every_format_on_a_passing_pull_request() {
    let outcome = outcome(false);
    assert_eq!(outcome.verdict.status, gate::gate::Status::Passed);
    for format in Format::ALL {
        if matches!(format, Format::Json | Format::Text | Format::Html) {
            continue; // tests/gate.rs and tests/html.rs cover these
        }
        let text = render(format, &outcome);
        insta::assert_snapshot!(format!("passing_pr_{}", name(format)), text);
    }
}

// --- SARIF validation -------------------------------------------------------

/// Microsoft's SARIF multitool, installed by `npm ci --prefix tools` (which
/// `.ci/run` does); `SARIF_MULTITOOL` names another copy.
fn multitool() -> PathBuf {
    let path = std::env::var_os("SARIF_MULTITOOL").map_or_else(
        || manifest().join("tools/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool"),
        PathBuf::from,
    );
    assert!(
        path.is_file(),
        "the SARIF validator is not installed at {}: run `npm ci --prefix tools`",
        path.display()
    );
    path
}

/// Runs the multitool with the SARIF and GitHub rule sets. It exits 0 even when
/// it finds errors, so its own SARIF log is read: returns the error results.
fn multitool_errors(sarif: &str) -> Vec<String> {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("gate.sarif");
    let log = tmp.path().join("validation.sarif");
    fs::write(&input, sarif).unwrap();
    // The file must come first: list-valued options swallow what follows them.
    let out = Command::new(multitool())
        .arg("validate")
        .arg(&input)
        .arg("-o")
        .arg(&log)
        .args(["--log", "ForceOverwrite", "--rule-kind", "Sarif;Gh"])
        .output()
        .unwrap();
    let console = String::from_utf8_lossy(&out.stdout);
    assert!(out.status.success(), "multitool failed: {console}");
    let log: Value = serde_json::from_str(
        &fs::read_to_string(&log).unwrap_or_else(|e| panic!("no validation log ({e}): {console}")),
    )
    .unwrap();
    log["runs"][0]["results"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|r| r["level"] == "error")
        .map(|r| format!("{}: {}", r["ruleId"], r["message"]))
        .collect()
}

fn schema_errors(sarif: &Value) -> Vec<String> {
    let schema: Value = serde_json::from_str(
        &fs::read_to_string(manifest().join("docs/sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    let validator = jsonschema::validator_for(&schema).expect("the SARIF schema is valid");
    validator
        .iter_errors(sarif)
        .map(|e| format!("{e} at {}", e.instance_path))
        .collect()
}

fn assert_valid_sarif(text: &str) {
    let sarif: Value = serde_json::from_str(text).unwrap();
    let errors = schema_errors(&sarif);
    assert!(errors.is_empty(), "schema errors:\n{}", errors.join("\n"));
    let errors = multitool_errors(text);
    assert!(
        errors.is_empty(),
        "multitool errors:\n{}",
        errors.join("\n")
    );
}

#[test]
fn sarif_passes_microsofts_validator_and_the_schema() {
    for failing in [true, false] {
        assert_valid_sarif(&render(Format::Sarif, &outcome(failing)));
    }
    let mut hostile = outcome(true);
    make_hostile(&mut hostile);
    assert_valid_sarif(&render(Format::Sarif, &hostile));
}

#[test]
fn the_schema_catches_what_the_multitool_misses() {
    // The reason both validators run: a bad level passes the multitool.
    let mut sarif: Value = serde_json::from_str(&render(Format::Sarif, &outcome(true))).unwrap();
    sarif["runs"][0]["results"][0]["level"] = "fatal".into();
    assert!(!schema_errors(&sarif).is_empty());
}

#[test]
fn sarif_describes_every_rule_and_points_results_at_them() {
    let outcome = outcome(true);
    let sarif: Value = serde_json::from_str(&render(Format::Sarif, &outcome)).unwrap();
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert_eq!(rules.len(), outcome.enabled_rules.len());
    for rule in rules {
        for key in ["id", "name", "shortDescription", "fullDescription", "help"] {
            assert!(rule.get(key).is_some(), "{key} missing in {rule}");
        }
    }
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), outcome.findings.len());
    for r in results {
        let index = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], r["ruleId"]);
        assert!(r["partialFingerprints"]["primaryLocationLineHash"].is_string());
    }
    let new: Vec<&str> = results
        .iter()
        .filter(|r| r["baselineState"] == "new" && r["level"] == "error")
        .map(|r| r["ruleId"].as_str().unwrap())
        .collect();
    assert_eq!(new, ["empty-catch-block", "catch-generic-exception"]);
}

// --- escaping -------------------------------------------------------------------

/// A file name with everything a format could trip over.
const HOSTILE_PATH: &str = "src/main/java/50% a,b:c|d<e>`f`&g.java";
/// A message with a code span holding `|` and `<`, and a second line.
const HOSTILE_MESSAGE: &str =
    "Compared with `a|b<c>`: 100% wrong, really: \"x\" & y\r\n| second line | <b>bold</b> @team";
/// Another file name, with a newline, and a message with an odd backtick.
const HOSTILE_PATH_2: &str = "src/odd\nname,x:y.java";
const HOSTILE_MESSAGE_2: &str = "one ` tick, %0A and ::error::injected\nnext";

fn hostile_finding(path: &str, message: &str, line: u32, severity: Severity) -> Finding {
    Finding {
        rule: "string-compared-with-eq".to_string(),
        severity,
        rule_type: RuleType::Bug,
        location: Location {
            path: path.to_string(),
            start_line: line,
            start_column: 5,
            end_line: line,
            end_column: 9,
        },
        message: message.to_string(),
        snippet: "x".to_string(),
        fingerprint: format!("{:016x}", line),
        new: true,
        suppressed: None,
    }
}

/// Replaces the lists of `outcome` with hostile entries.
fn make_hostile(outcome: &mut Outcome) {
    outcome.findings = vec![
        hostile_finding(HOSTILE_PATH, HOSTILE_MESSAGE, 3, Severity::Major),
        hostile_finding(HOSTILE_PATH_2, HOSTILE_MESSAGE_2, 7, Severity::Minor),
    ];
    let m = &mut outcome.measures;
    m.uncovered_new_lines.truncate(1);
    m.uncovered_new_lines[0].path = HOSTILE_PATH.to_string();
    m.changed_files_without_coverage = vec![HOSTILE_PATH_2.to_string()];
    outcome.diagnostics = vec![Diagnostic {
        level: DiagnosticLevel::Warning,
        path: Some(HOSTILE_PATH.to_string()),
        message: HOSTILE_MESSAGE.to_string(),
    }];
}

fn hostile() -> Outcome {
    let mut outcome = outcome(true);
    make_hostile(&mut outcome);
    outcome
}

#[test]
fn hostile_names_and_messages_in_every_format() {
    let outcome = hostile();
    for format in [
        Format::Sarif,
        Format::Markdown,
        Format::Junit,
        Format::Checkstyle,
        Format::Github,
    ] {
        let text = render(format, &outcome);
        insta::assert_snapshot!(format!("hostile_{}", name(format)), text);
    }
}

/// Pipes that end a cell: not escaped by a backslash.
fn cell_separators(line: &str) -> usize {
    let mut count = 0;
    let mut escaped = false;
    for c in line.chars() {
        if c == '|' && !escaped {
            count += 1;
        }
        escaped = c == '\\' && !escaped;
    }
    count
}

#[test]
fn markdown_tables_hold_together_and_nothing_opens_html() {
    let md = gate::report::markdown::render(&hostile(), 65_536, None);
    let mut header = None;
    for line in md.lines() {
        if !line.starts_with('|') {
            header = None;
            continue;
        }
        let cells = cell_separators(line);
        match header {
            None => header = Some(cells),
            Some(n) => assert_eq!(cells, n, "a row with a different cell count: {line}"),
        }
    }
    for raw in ["<e>", "<b>bold", "@team", "\r"] {
        assert!(!md.contains(raw), "{raw:?} unescaped in:\n{md}");
    }
    // In a code span, `<` is shown as is and cannot open HTML.
    assert_eq!(
        md.matches("<c>").count(),
        md.matches("`a|b<c>`").count() + md.matches("`a\\|b<c>`").count()
    );
    // Each hostile message stays on its own row.
    assert!(md.contains(
        "`a\\|b<c>`: 100% wrong, really: \"x\" &amp; y \\| second line \\| &lt;b&gt;bold&lt;/b&gt; @\u{200B}team"
    ));
    // The link target is percent-encoded; the link text escaped.
    assert!(md.contains(
        "(https://github.com/octo/shop/blob/0123456789abcdef0123456789abcdef01234567/src/main/java/50%25%20a%2Cb%3Ac%7Cd%3Ce%3E%60f%60%26g.java#L3)"
    ));
}

#[test]
fn xml_formats_keep_names_and_messages_exact() {
    let outcome = hostile();
    for format in [Format::Junit, Format::Checkstyle] {
        let xml = render(format, &outcome);
        let mut reader = quick_xml::Reader::from_str(&xml);
        let mut messages = Vec::new();
        let mut names = Vec::new();
        loop {
            match reader.read_event() {
                Ok(quick_xml::events::Event::Eof) => break,
                Ok(quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e)) => {
                    for a in e.attributes() {
                        let a = a.unwrap();
                        let value = a
                            .normalized_value(quick_xml::XmlVersion::Implicit1_0)
                            .unwrap()
                            .into_owned();
                        let key: &str = a.key.as_ref();
                        match key {
                            "message" => messages.push(value),
                            "name" => names.push(value),
                            _ => {}
                        }
                    }
                }
                Ok(_) => {}
                Err(e) => panic!("{} is not well-formed XML: {e}\n{xml}", name(format)),
            }
        }
        if format == Format::Checkstyle {
            assert_eq!(messages, [HOSTILE_MESSAGE, HOSTILE_MESSAGE_2]);
            assert_eq!(names, [HOSTILE_PATH, HOSTILE_PATH_2]);
        }
    }
}

/// `(command, properties, message)` of a workflow command line, unescaped.
fn parse_command(line: &str) -> (String, Vec<(String, String)>, String) {
    let unescape = |s: &str| {
        s.replace("%0D", "\r")
            .replace("%0A", "\n")
            .replace("%3A", ":")
            .replace("%2C", ",")
            .replace("%25", "%")
    };
    let rest = line.strip_prefix("::").unwrap();
    let (head, message) = rest.split_once("::").unwrap();
    let (command, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').unwrap();
            (k.to_string(), unescape(v))
        })
        .collect();
    (command.to_string(), props, unescape(message))
}

#[test]
fn workflow_commands_escape_what_would_end_them() {
    let text = render(Format::Github, &hostile());
    let commands: Vec<_> = text.lines().map(parse_command).collect();
    let issue = |path: &str| {
        commands
            .iter()
            .find(|(_, props, _)| props.iter().any(|(k, v)| k == "file" && v == path))
            .unwrap_or_else(|| panic!("no annotation for {path:?} in\n{text}"))
    };
    let (command, props, message) = issue(HOSTILE_PATH);
    assert_eq!(command, "error");
    assert_eq!(message, HOSTILE_MESSAGE);
    assert_eq!(
        props.iter().map(|(k, _)| k.as_str()).collect::<Vec<_>>(),
        ["file", "line", "endLine", "col", "endColumn", "title"]
    );
    let (command, _, message) = issue(HOSTILE_PATH_2);
    assert_eq!(command, "warning");
    assert_eq!(message, HOSTILE_MESSAGE_2);
    // Nothing starts a second command on a line of its own.
    assert!(text
        .lines()
        .all(|l| l.starts_with("::") && !l.contains('\r')));
}

// --- GitHub's limits --------------------------------------------------------------

/// 5,000 new findings over 500 files, and 300 files with uncovered new lines.
fn huge() -> Outcome {
    let mut outcome = outcome(true);
    let severities = Severity::ALL;
    outcome.findings = (0..5_000u32)
        .map(|i| {
            hostile_finding(
                &format!(
                    "src/main/java/com/example/pkg{}/File{}.java",
                    i % 500,
                    i % 37
                ),
                "Strings compared with `==`: this compares references; use `equals()`",
                i + 1,
                severities[i as usize % severities.len()],
            )
        })
        .collect();
    let template = outcome.measures.uncovered_new_lines[0].clone();
    outcome.measures.uncovered_new_lines = (0..300)
        .map(|i| gate::gate::measures::Uncovered {
            path: format!("src/main/java/com/example/pkg{i}/Big.java"),
            lines: vec![1..=3, 7..=7, 12..=40],
            ..template.clone()
        })
        .collect();
    outcome
}

#[test]
fn five_thousand_findings_fit_githubs_limits() {
    let outcome = huge();
    let md = gate::report::markdown::render(&outcome, gate::report::markdown::COMMENT_LIMIT, None);
    let chars = md.chars().count();
    assert!(chars <= 65_536, "{chars} characters");
    assert!(chars > 60_000, "the limit is used, not wasted: {chars}");
    let note = md
        .lines()
        .find(|l| l.contains("more new issues not shown"))
        .unwrap_or_else(|| panic!("no truncation note in\n{md}"));
    let shown = md.matches("| string-compared-with-eq |").count();
    assert!(
        note.starts_with(&format!("… and {} more new issues", 5_000 - shown)),
        "{note}"
    );
    assert!(md.starts_with("## ❌ Quality gate failed"));
    assert!(md.contains("more files not shown"));

    let commands = render(Format::Github, &outcome);
    let lines: Vec<&str> = commands.lines().collect();
    for level in ["::error ", "::warning ", "::notice "] {
        let n = lines.iter().filter(|l| l.starts_with(level)).count();
        assert!(n <= 10, "{n} lines of {level}");
    }
    let last = lines.last().unwrap();
    assert!(
        last.starts_with("::notice title=gate%3A more annotations::")
            && last.contains("annotations not shown"),
        "{last}"
    );
    // 1 verdict + 5,000 issues + 900 uncovered ranges, 29 shown.
    assert!(last.contains("::5872 more annotations not shown"), "{last}");

    let sarif = gate::report::sarif::document(&outcome, 1_000);
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 1_000);
    let notes = sarif["runs"][0]["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert!(notes.iter().any(|n| n["message"]["text"]
        .as_str()
        .unwrap()
        .starts_with("4000 of 5000 findings are left out")));
}

#[test]
fn a_tiny_limit_is_still_respected() {
    let outcome = huge();
    for limit in [0, 50, 500, 2_000] {
        let md = gate::report::markdown::render(&outcome, limit, None);
        assert!(md.chars().count() <= limit, "{limit}: {md}");
    }
}

// --- the command line --------------------------------------------------------------

fn gate_check(root: &Path, args: &[&str], env: &[(&str, &Path)]) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
    cmd.arg("check").arg(root).args(args);
    for var in [
        "GITHUB_ACTIONS",
        "GITHUB_EVENT_NAME",
        "GITHUB_EVENT_PATH",
        "GITHUB_STEP_SUMMARY",
        "GITHUB_OUTPUT",
        "JENKINS_URL",
    ] {
        cmd.env_remove(var);
    }
    for (k, v) in env {
        cmd.env(k, v);
    }
    cmd.output().unwrap()
}

#[test]
fn several_formats_in_one_run_go_to_their_files() {
    let repo = pull_request(true);
    let dir = repo.path().join("reports");
    let out = gate_check(
        repo.path(),
        &[
            "--base",
            "main",
            "--format",
            "json,sarif,markdown,junit,checkstyle,text,github",
            "--output-dir",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(
            "gate.json, gate.sarif, gate.md, gate-junit.xml, gate-checkstyle.xml, gate.txt"
        ),
        "{stderr}"
    );
    let mut files: Vec<String> = fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "gate-checkstyle.xml",
            "gate-junit.xml",
            "gate.json",
            "gate.md",
            "gate.sarif",
            "gate.txt"
        ]
    );
    // Workflow commands only work on standard output.
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.starts_with("::error title=Quality gate failed::"),
        "{stdout}"
    );
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.join("gate.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
}

#[test]
fn one_format_goes_to_stdout_and_several_need_a_directory() {
    let repo = pull_request(false);
    for format in Format::ALL {
        let out = gate_check(
            repo.path(),
            &["--base", "main", "--format", name(format)],
            &[],
        );
        assert_eq!(out.status.code(), Some(0), "{}", name(format));
        assert!(!out.stdout.is_empty() || format == Format::Github);
    }
    let out = gate_check(repo.path(), &["--format", "json,sarif"], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("give --output-dir DIR"));
}

#[test]
fn in_github_actions_the_summary_and_outputs_are_written() {
    let repo = pull_request(true);
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let outputs = tmp.path().join("outputs.txt");
    fs::write(&summary, "## An earlier step\n").unwrap();
    fs::write(&outputs, "earlier=1\n").unwrap();
    let out = gate_check(
        repo.path(),
        &["--base", "main", "--format", "github"],
        &[
            ("GITHUB_ACTIONS", Path::new("true")),
            ("GITHUB_STEP_SUMMARY", &summary),
            ("GITHUB_OUTPUT", &outputs),
        ],
    );
    assert_eq!(
        out.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let written = fs::read_to_string(&summary).unwrap();
    assert!(
        written.starts_with(
            "## An earlier step\n\n## ❌ Quality gate failed: new line coverage 50.0 % is below 80 %; 2 new major-or-worse issues"
        ),
        "{written}"
    );
    assert_eq!(
        fs::read_to_string(&outputs).unwrap(),
        "earlier=1\nverdict=failed\ncoverage=62.2\nnew-coverage=50.0\nnew-issues=3\n"
    );

    // Outside GitHub Actions, neither file is touched.
    let untouched = tmp.path().join("nothing.md");
    let out = gate_check(
        repo.path(),
        &["--base", "main"],
        &[
            ("GITHUB_STEP_SUMMARY", &untouched),
            ("GITHUB_OUTPUT", &untouched),
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(!untouched.exists());
}

#[test]
fn the_comment_links_the_html_report_the_ci_publishes() {
    let mut outcome = outcome(true);
    let md = render(Format::Markdown, &outcome);
    assert!(
        !md.contains("HTML report"),
        "no link without a published report"
    );
    let url = "https://github.com/octo/shop/actions/runs/42";
    outcome.ci.report_url = Some(url.to_string());
    let md = render(Format::Markdown, &outcome);
    assert!(
        md.contains(&format!(
            "📄 [The HTML report]({url}): every file with its coverage and issues line by line."
        )),
        "{md}"
    );

    // The CI's variable is checked before it reaches the comment.
    let repo = pull_request(false);
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", ".", "--base", "main", "--format", "markdown"])
        .current_dir(repo.path())
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .env(
            "GATE_REPORT_URL",
            "https://ci.example/r) ![x](https://evil.example/",
        )
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(
        String::from_utf8_lossy(&out.stderr).contains("`GATE_REPORT_URL` is not an http(s) URL")
    );
}
