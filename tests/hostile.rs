//! Hostile names and messages, end to end: a repository whose file names and
//! comments hold line breaks, workflow commands (`::stop-commands::`,
//! `::add-mask::`, `##[`), `%0A`, CR, U+2028, an ANSI escape and URLs. Whatever
//! gate prints (every format, `gate merge`, `gate coverage`, diagnostics and
//! errors on standard error), no line may start a workflow command, no line may
//! be broken by a value, the Markdown may hold no bare link, and a token in the
//! environment never appears, not even in part. Also a Java file nested too
//! deep for gate: reported, and fail closed when the change touches it.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::TOKEN;

const CATCH: &str = "class A { void f() { try { g(); } catch (Exception e) { } } }\n";

/// The names, relative to the repository.
const NAMES: [&str; 6] = [
    "::add-mask::r.java",
    "src/a\n::stop-commands::x\n.java",
    "src/::add-mask::b.java",
    "src/c%0A::error::x\r.java",
    "src/d\u{2028}e\u{85}\u{1b}[31mf\u{1b}]8;;evil\u{7}.java",
    "src/www.evil.example.java",
];

/// A comment the todo rule quotes in its message.
const TODO: &str = "// TODO ##[error]x \u{2028}::add-mask::m \u{1b}[2K %0A https://evil.example\n";

fn repository() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("src")).unwrap();
    for name in NAMES {
        fs::write(root.join(name), format!("{TODO}{CATCH}")).unwrap();
    }
    // Not UTF-8: skipped with an error on standard error, naming the file.
    fs::write(root.join("src/bin\n::add-mask::z.java"), b"class \xff {}\n").unwrap();
    dir
}

fn gate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(dir)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .env_remove("GATE_GITHUB_TOKEN")
        .env("GITHUB_TOKEN", TOKEN)
        .output()
        .unwrap()
}

/// Every line a runner would act on or that a value broke, as a complaint.
/// `--format github` may print gate's own annotations, nothing else.
fn unsafe_lines(text: &str, annotations: bool) -> Vec<String> {
    let mut bad = Vec::new();
    for line in text.split(['\n', '\r']) {
        let start = line.trim_start();
        let own = annotations
            && ["::error ", "::warning ", "::notice "]
                .iter()
                .any(|p| line.starts_with(p));
        if (start.starts_with("::") && !own) || line.contains("##[") {
            bad.push(format!("a workflow command: {line:?}"));
        }
        if let Some(c) = line
            .chars()
            .find(|c| (c.is_control() && *c != '\t') || matches!(c, '\u{2028}' | '\u{2029}'))
        {
            bad.push(format!("a raw {c:?}: {line:?}"));
        }
    }
    if text.contains(&TOKEN[..8]) || text.contains(&TOKEN[TOKEN.len() - 8..]) {
        bad.push("the token, or a piece of it".to_string());
    }
    bad
}

fn assert_safe(what: &str, out: &Output, annotations: bool) {
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        let text = String::from_utf8_lossy(bytes);
        let bad = unsafe_lines(&text, annotations && stream == "stdout");
        assert!(bad.is_empty(), "{what} {stream}: {bad:#?}\n{text}");
    }
}

#[test]
fn no_format_lets_a_name_or_message_start_a_command() {
    let repo = repository();
    for format in [
        "text",
        "json",
        "sarif",
        "markdown",
        "junit",
        "checkstyle",
        "github",
    ] {
        let out = gate(
            repo.path(),
            &["check", ".", "--no-coverage", "--format", format],
        );
        assert_eq!(out.status.code(), Some(2), "the unreadable file: {format}");
        assert_safe(format, &out, format == "github");
    }
}

#[test]
fn the_text_report_shows_every_name_escaped_on_its_line() {
    let repo = repository();
    let out = gate(repo.path(), &["check", ".", "--no-coverage"]);
    // After a line break, so that `\nNAME:` means a name that starts its line.
    let stdout = format!("\n{}", String::from_utf8(out.stdout).unwrap());
    for shown in [
        "src/a\\n::stop-commands::x\\n.java",
        "\n\\u{3a}:add-mask::r.java:1:1: ",
        "\nsrc/::add-mask::b.java:1:1: ",
        "src/c%0A::error::x\\r.java",
        "src/d\\u{2028}e\\u{85}\\u{1b}[31mf\\u{1b}]8;;evil\\u{7}.java",
        "Open task in a comment: // TODO \\u{23}#[error]x \\u{2028}::add-mask::m \\u{1b}[2K %0A https://evil",
    ] {
        assert!(stdout.contains(shown), "{shown}\n{stdout}");
    }
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("gate: error: src/bin\\n::add-mask::z.java: not valid UTF-8"),
        "{stderr}"
    );
}

#[test]
fn json_keeps_the_names_exact() {
    let repo = repository();
    let out = gate(
        repo.path(),
        &["check", ".", "--no-coverage", "--format", "json"],
    );
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let mut paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["location"]["path"].as_str().unwrap())
        .collect();
    paths.sort_unstable();
    paths.dedup();
    let mut names = NAMES.to_vec();
    names.sort_unstable();
    assert_eq!(paths, names);
}

#[test]
fn workflow_commands_escape_values_and_stay_gate_own() {
    let repo = repository();
    let out = gate(
        repo.path(),
        &["check", ".", "--no-coverage", "--format", "github"],
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines.iter().all(|l| l.starts_with("::error ")
        || l.starts_with("::warning ")
        || l.starts_with("::notice ")));
    assert!(
        lines.contains(&"::error file=src/a%0A%3A%3Astop-commands%3A%3Ax%0A.java,line=2,endLine=2,col=35,endColumn=58,title=empty-catch-block (major)::Empty catch block: the `Exception` is swallowed without a trace"),
        "{stdout}"
    );
    // The message's URL is broken (annotations are shown on GitHub).
    assert!(
        stdout.contains("// TODO \\u{23}#[error]x \\u{2028}::add-mask::m \\u{1b}[2K %250A https:\u{2215}\u{2215}evil"),
        "{stdout}"
    );
}

/// `https://`, `http://` or `www.` anywhere in `markdown`, case-insensitive.
fn bare_links(markdown: &str) -> Vec<String> {
    let lower = markdown.to_lowercase();
    ["https://", "http://", "www."]
        .iter()
        .flat_map(|p| {
            lower
                .match_indices(p)
                .map(|(i, _)| lower[i..].chars().take(40).collect())
        })
        .collect()
}

#[test]
fn the_markdown_links_nothing_from_the_pull_request() {
    let repo = repository();
    let out = gate(
        repo.path(),
        &["check", ".", "--no-coverage", "--format", "markdown"],
    );
    let markdown = String::from_utf8(out.stdout).unwrap();
    assert!(markdown.contains("www\u{2024}evil"), "{markdown}");
    assert_eq!(bare_links(&markdown), Vec::<String>::new(), "{markdown}");
}

#[test]
fn merge_prints_safely() {
    let repo = repository();
    let part = repo.path().join("part.json");
    let out = gate(
        repo.path(),
        &[
            "check",
            ".",
            "--no-coverage",
            "--partial-out",
            part.to_str().unwrap(),
        ],
    );
    assert_safe("check --partial-out", &out, false);
    let out = gate(
        repo.path(),
        &["merge", "--no-coverage", part.to_str().unwrap()],
    );
    assert_safe("merge", &out, false);
    assert!(String::from_utf8_lossy(&out.stdout).contains("src/a\\n::stop-commands::x\\n.java"));
}

#[test]
fn coverage_prints_names_safely() {
    let repo = repository();
    fs::write(
        repo.path().join("lcov.info"),
        "SF:src/::add-mask::b.java\nDA:1,1\nend_of_record\nSF:src/##[error]gone.java\nDA:1,1\nend_of_record\n",
    )
    .unwrap();
    let out = gate(repo.path(), &["coverage", ".", "--coverage", "lcov.info"]);
    assert_safe("coverage", &out, false);
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("src/::add-mask::b.java"), "{stdout}");
}

#[test]
fn a_token_in_an_error_is_redacted() {
    let dir = tempfile::tempdir().unwrap();
    // An error quoting a path that holds the token, and one holding a piece of it.
    for config in [
        format!("{TOKEN}.toml"),
        format!("x{}", &TOKEN[..TOKEN.len() / 2]),
    ] {
        let out = gate(dir.path(), &["check", ".", "--config", &config]);
        assert_eq!(out.status.code(), Some(2));
        let stderr = String::from_utf8(out.stderr.clone()).unwrap();
        assert!(
            stderr.starts_with("gate: error: ") && stderr.contains("***"),
            "{stderr}"
        );
        assert_safe("error", &out, false);
    }
}

#[test]
fn hostile_reports_as_printed() {
    let repo = repository();
    let duration = regex::Regex::new(r"\d+\.\d\ds\)").unwrap();
    for format in ["text", "github", "markdown"] {
        let out = gate(
            repo.path(),
            &["check", ".", "--no-coverage", "--format", format],
        );
        let printed = String::from_utf8(out.stdout).unwrap();
        let printed = duration.replace(&printed, "0.00s)");
        insta::assert_snapshot!(format!("hostile_{format}"), printed);
    }
}

#[test]
fn files_named_by_mistake_are_described_never_quoted() {
    let repo = repository();
    fs::write(repo.path().join("app.env"), "API_KEY=s3cr3t-value\n").unwrap();
    fs::write(
        repo.path().join("creds.json"),
        r#"{"version": "s3cr3t-value"}"#,
    )
    .unwrap();
    for (args, kind) in [
        (
            &["check", ".", "--no-coverage", "--diff", "app.env"][..],
            "KEY=VALUE",
        ),
        (
            &["merge", "--no-coverage", "creds.json"][..],
            "not JSON: invalid type: a string",
        ),
    ] {
        let out = gate(repo.path(), args);
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(out.status.code(), Some(2), "{stderr}");
        assert!(
            stderr.contains(kind) && !stderr.contains("s3cr3t"),
            "{stderr}"
        );
    }
}

/// A Java file nested deeper than gate analyses is reported, not analysed
/// (with `--parse-only` too): a warning, an error when the change touches it.
#[test]
fn a_java_file_nested_too_deep_is_reported_and_fails_closed_when_changed() {
    let dir = tempfile::tempdir().unwrap();
    let n = 20_000;
    let deep = format!(
        "class A {{\n int x = {}1{}; }}\n",
        "(".repeat(n),
        ")".repeat(n)
    );
    fs::write(dir.path().join("A.java"), deep).unwrap();
    fs::write(dir.path().join("B.java"), "class B {}\n").unwrap();
    fs::write(
        dir.path().join("change.diff"),
        "--- a/A.java\n+++ b/A.java\n@@ -1 +1 @@\n-class A {\n+class A {\n",
    )
    .unwrap();
    // program, class, body, field, declarator: the innermost `(` is n + 5 deep.
    let reported = format!(
        "not analysed: it nests {} levels deep, more than the 10000 gate analyses (line 2, column {})",
        n + 5,
        9 + n
    );
    let check = |extra: &[&str]| {
        let mut args = vec!["check", ".", "--format", "json", "--no-coverage"];
        args.extend(extra);
        let out = gate(dir.path(), &args);
        let r: Value = serde_json::from_slice(&out.stdout).unwrap();
        let messages: Vec<String> = r["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| {
                format!(
                    "{} {} {}",
                    d["level"],
                    d["path"],
                    d["message"].as_str().unwrap()
                )
            })
            .collect();
        (out.status.code(), messages)
    };
    for extra in [&[][..], &["--parse-only"]] {
        assert_eq!(
            check(extra),
            (Some(0), vec![format!("\"warning\" \"A.java\" {reported}")]),
            "{extra:?}"
        );
    }
    assert_eq!(
        check(&["--diff", "change.diff"]),
        (
            Some(2),
            vec![format!(
                "\"error\" \"A.java\" {reported}; the change touches this file, so its issues cannot be known"
            )]
        )
    );
}
