//! End-to-end tests of Rust analysis: the real binary on `fixtures/rust-sample`
//! (every seeded problem found, nothing else), on files that cannot be parsed or
//! nest too deeply (reported, and the run goes on), and with a team's own Rust
//! rule loaded from an `extra` folder.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn gate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(args)
        .env_remove("CI")
        .output()
        .expect("gate runs")
}

fn fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rust-sample")
}

fn report(root: &Path, extra: &[&str]) -> (Option<i32>, serde_json::Value) {
    let root = root.to_str().unwrap();
    // Lint only: these projects have no tests to measure.
    let mut args = vec!["check", root, "--format", "json", "--no-coverage"];
    args.extend(extra);
    let out = gate(&args);
    let json = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!("{e}: {}", String::from_utf8_lossy(&out.stderr));
    });
    (out.status.code(), json)
}

/// `path:line:column rule` per finding, with `(suppressed: reason)` when it is.
fn findings(report: &serde_json::Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            let l = &f["location"];
            let mut s = format!(
                "{}:{}:{} {}",
                l["path"].as_str().unwrap(),
                l["start_line"],
                l["start_column"],
                f["rule"].as_str().unwrap()
            );
            if let Some(reason) = f["suppressed"]["reason"].as_str() {
                s.push_str(&format!(" (suppressed: {reason})"));
            }
            s
        })
        .collect()
}

fn diagnostics(report: &serde_json::Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{}: {}",
                d["path"].as_str().unwrap_or("-"),
                d["message"].as_str().unwrap()
            )
        })
        .collect()
}

#[test]
fn rust_sample_finds_exactly_the_seeded_issues() {
    let (code, report) = report(&fixture(), &[]);
    assert_eq!(code, Some(1), "major findings fail the gate");
    assert_eq!(
        findings(&report),
        [
            "src/lib.rs:2:1 allow-without-reason",
            "src/lib.rs:7:23 glob-import",
            "src/lib.rs:11:25 unwrap-call",
            "src/lib.rs:17:27 unwrap-call (suppressed: PORT is validated by the launcher script)",
            "src/pricing.rs:5:20 dbg-macro",
            "src/pricing.rs:6:17 numeric-as-cast",
            "src/pricing.rs:7:5 print-macro-in-library",
            "src/pricing.rs:11:25 box-dyn-error-in-pub-fn",
            "src/pricing.rs:16:8 todo-fixme-comment",
            "src/pricing.rs:17:5 todo-macro",
            "src/pricing.rs:21:5 undocumented-unsafe",
            "src/pricing.rs:30:21 fn-too-deeply-nested",
            "src/store.rs:5:9 let-underscore-result",
            "src/store.rs:7:9 process-exit-call",
            "src/store.rs:12:5 mem-forget-call",
            "src/store.rs:19:14 panic-without-message",
            "src/store.rs:23:8 too-many-arguments",
        ]
    );
    assert_eq!(
        diagnostics(&report),
        ["src/broken.rs: not analysed: syn cannot parse it: cannot parse string into token stream (line 2, column 14)"]
    );
    assert_eq!(report["summary"]["files"], 6, "{}", report["summary"]);
}

#[test]
fn rules_lists_the_rust_rules_with_their_clippy_lints() {
    let out = gate(&["rules", "--language", "rust"]);
    let text = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = text.lines().filter(|l| l.contains("  rust  ")).collect();
    assert!(rows.len() >= 15, "{text}");
    assert!(
        rows.iter()
            .any(|r| r.starts_with("unwrap-call ")
                && r.ends_with("(clippy: unwrap_used, expect_used)")),
        "{text}"
    );
    let out = gate(&["explain", "process-exit-call"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("Equivalent to: Clippy `exit`"), "{text}");
    assert!(
        text.contains("Calls of the functions `std::process::exit`."),
        "{text}"
    );
    assert!(
        text.contains("Context: not-in-main, not-in-tests."),
        "{text}"
    );
    assert!(!text.contains("@SuppressWarnings"), "{text}");
}

#[test]
fn deep_nesting_and_syntax_errors_are_reported_and_the_run_goes_on() {
    let tmp = tempfile::tempdir().unwrap();
    let src = tmp.path().join("src");
    fs::create_dir_all(&src).unwrap();
    let n = 10_000;
    fs::write(
        src.join("parens.rs"),
        format!(
            "fn f() -> i32 {{\n    {}1{}\n}}\n",
            "(".repeat(n),
            ")".repeat(n)
        ),
    )
    .unwrap();
    fs::write(
        src.join("blocks.rs"),
        format!("fn f() {}{}\n", "{".repeat(n), "}".repeat(n)),
    )
    .unwrap();
    fs::write(
        src.join("chain.rs"),
        format!("fn f() {{ a{}; }}\n", ".b()".repeat(n)),
    )
    .unwrap();
    fs::write(src.join("nightly.rs"), "fn f() { do yeet 1; }\n").unwrap();
    fs::write(src.join("ok.rs"), "pub fn g() { dbg!(1); }\n").unwrap();
    let (code, report) = report(tmp.path(), &[]);
    assert_eq!(code, Some(1), "the dbg! in ok.rs fails the gate");
    assert_eq!(findings(&report), ["src/ok.rs:1:14 dbg-macro"]);
    let d = diagnostics(&report);
    let too_deep =
        |depth| format!("it nests {depth} levels deep, more than the 1000 gate analyses");
    assert_eq!(d.len(), 4, "{d:?}");
    assert!(
        d[0].starts_with(&format!(
            "src/blocks.rs: not analysed: {} (line 1",
            too_deep(10000)
        )),
        "{d:?}"
    );
    assert!(
        d[1].starts_with(&format!(
            "src/chain.rs: not analysed: {} (line 1",
            too_deep(10002)
        )),
        "{d:?}"
    );
    assert!(
        d[2].starts_with("src/nightly.rs: not analysed: syn cannot parse it: "),
        "{d:?}"
    );
    assert!(
        d[3].starts_with(&format!(
            "src/parens.rs: not analysed: {} (line 2",
            too_deep(10002)
        )),
        "{d:?}"
    );
    assert_eq!(report["summary"]["files"], 5);
}

/// A file over `[sources] max_file_bytes` is reported and not read past the
/// bound; when the change touches it, its issues are unknown and the run is
/// unevaluable (exit 2), as for any file left unanalysed.
#[test]
fn a_file_over_the_size_bound_is_reported_and_fails_closed_when_changed() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("src")).unwrap();
    fs::write(
        tmp.path().join("gate.toml"),
        "[sources]\nmax_file_bytes = 1000\n",
    )
    .unwrap();
    let big = format!("pub fn f() {{ dbg!(1); }}\n{}", "// padding\n".repeat(100));
    fs::write(tmp.path().join("src/big.rs"), &big).unwrap();
    fs::write(tmp.path().join("src/ok.rs"), "pub fn g() {}\n").unwrap();
    let skipped = "src/big.rs: not analysed: it is larger than 1000 bytes ([sources] max_file_bytes); split it, exclude it in [sources] exclude, or raise the bound";
    let (code, r) = report(tmp.path(), &[]);
    assert_eq!(code, Some(0), "without a change it is a warning: {r}");
    assert_eq!(diagnostics(&r), [skipped]);
    assert_eq!(r["summary"]["files"], 1);

    let diff = tmp.path().join("change.diff");
    fs::write(
        &diff,
        "--- a/src/big.rs\n+++ b/src/big.rs\n@@ -1 +1 @@\n-pub fn f() {}\n+pub fn f() { dbg!(1); }\n",
    )
    .unwrap();
    let (code, r) = report(tmp.path(), &["--diff", diff.to_str().unwrap()]);
    assert_eq!(code, Some(2), "{r}");
    assert_eq!(
        diagnostics(&r),
        [format!(
            "{skipped}; the change touches this file, so its issues cannot be known"
        )]
    );
}

#[test]
fn jobs_past_four_per_core_are_capped_and_said() {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let out = gate(&[
        "check",
        fixture().to_str().unwrap(),
        "--no-coverage",
        "--jobs",
        "5000",
        "--format",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains(&format!(
            "gate: --jobs 5000 is more than 4 per core ({cores} cores); using {}",
            4 * cores
        )),
        "{stderr}"
    );
}

#[test]
fn a_team_rust_rule_loads_from_an_extra_folder_without_recompiling() {
    let tmp = tempfile::tempdir().unwrap();
    fs::create_dir_all(tmp.path().join("src")).unwrap();
    fs::create_dir_all(tmp.path().join("team/rust")).unwrap();
    fs::write(
        tmp.path().join("src/worker.rs"),
        "use std::thread::sleep;\npub async fn f(d: u64) {\n    sleep(d);\n    std::thread::sleep(d);\n}\n#[test]\nfn t() { sleep(1); }\n",
    )
    .unwrap();
    fs::write(
        tmp.path().join("team/rust/no-thread-sleep.toml"),
        r#"id = "no-thread-sleep"
title = "thread::sleep in async code"
severity = "major"
type = "code-smell"
message = "`{name}` blocks the executor thread"
description = "d"
[match]
path = ["std::thread::sleep"]
context = "not-in-tests"
"#,
    )
    .unwrap();
    fs::write(
        tmp.path().join("gate.toml"),
        "[rules]\nextra = [\"team\"]\nonly = [\"no-thread-sleep\"]\n",
    )
    .unwrap();
    let (code, report) = report(tmp.path(), &[]);
    assert_eq!(code, Some(1));
    assert_eq!(
        findings(&report),
        [
            "src/worker.rs:3:5 no-thread-sleep",
            "src/worker.rs:4:5 no-thread-sleep"
        ]
    );
    let messages: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["message"].as_str().unwrap())
        .collect();
    assert_eq!(
        messages,
        [
            "`sleep` blocks the executor thread",
            "`std::thread::sleep` blocks the executor thread"
        ]
    );
}
