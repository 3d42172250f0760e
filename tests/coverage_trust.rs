//! End-to-end: a coverage report can never make the gate pass by mistake. On the
//! sample's real pull request (`support::sample_pull_request`), broken or hostile
//! reports (empty, with a second report appended, with counts that overflow, built
//! from other sources) make `gate check` exit 2 with the reason on stderr; a changed
//! file no report lists counts as uncovered; and the opposite cases keep the real
//! report's figures. `[coverage] exclude` takes files out of the figures.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{sample, sample_pull_request, stderr};

fn gate(root: &Path, args: &[&str]) -> Output {
    // From the root, as CI runs it: --coverage paths are relative to the current folder.
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(root)
        .arg("check")
        .arg(root)
        .args(["--base", "main"])
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .output()
        .unwrap()
}

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", stderr(out)))
}

/// Runs the gate and asserts its exit code and that stderr holds `needle`.
fn assert_exit(out: &Output, code: i32, needle: &str) {
    let err = stderr(out);
    assert_eq!(out.status.code(), Some(code), "{err}");
    assert!(
        err.contains(needle),
        "expected {needle:?} on stderr:\n{err}"
    );
}

/// A coverage condition on the whole code, for even the smallest change: what an
/// empty report used to satisfy.
const STRICT: &str = "[gate]\nmin_new_lines = 0\n\n[[gate.condition]]\nmetric = \"coverage.line\"\nscope = \"overall\"\nmin = 50\n";

const NOTHING: &str = "report measures nothing (no source file with a coverable line); was it \
                       built from an empty test run, or before the code was compiled?";

#[test]
fn a_report_that_measures_nothing_cannot_pass() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    support::configure_base(root, STRICT);
    // JaCoCo's own report of no classes, where Maven writes it (zero configuration).
    fs::copy(
        sample().join("empty-run/jacoco.xml"),
        root.join("target/site/jacoco/jacoco.xml"),
    )
    .unwrap();
    let out = gate(root, &[]);
    assert_exit(
        &out,
        2,
        &format!("target/site/jacoco/jacoco.xml: the JaCoCo XML {NOTHING}"),
    );
    fs::write(root.join("coverage.xml"), "<coverage/>").unwrap();
    fs::write(root.join("lcov.info"), "TN:\n").unwrap();
    for (name, format) in [("coverage.xml", "Cobertura XML"), ("lcov.info", "LCOV")] {
        let out = gate(root, &["--coverage", name]);
        assert_exit(&out, 2, &format!("{name}: the {format} {NOTHING}"));
    }
    // One empty report among good ones is a broken build step too.
    fs::copy(
        sample().join("pr-change/jacoco.xml"),
        root.join("target/site/jacoco/jacoco.xml"),
    )
    .unwrap();
    let out = gate(
        root,
        &[
            "--coverage",
            "target/site/jacoco/jacoco.xml",
            "--coverage",
            "lcov.info",
        ],
    );
    assert_exit(&out, 2, &format!("lcov.info: the LCOV {NOTHING}"));
}

#[test]
fn a_second_report_or_junk_after_the_report_cannot_pass() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let report = root.join("target/site/jacoco/jacoco.xml");
    let real = fs::read_to_string(&report).unwrap();
    let start = real.find("<report").unwrap();
    fs::write(&report, format!("{real}\n{}", &real[start..])).unwrap();
    assert_exit(
        &gate(root, &[]),
        2,
        &format!(
            "jacoco.xml: line 2 (byte {}): <report> after the end of <report>: a file holds \
             one report (were two written into one file?)",
            real.len() + 1
        ),
    );
    fs::write(&report, format!("{real}junk")).unwrap();
    assert_exit(
        &gate(root, &[]),
        2,
        "content after the end of <report>, where only comments may follow",
    );
}

#[test]
fn counts_that_overflow_or_disagree_cannot_pass() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    support::configure_base(root, STRICT);
    let cart = "src/main/java/com/example/shop/Cart.java";
    let max = u64::MAX;
    fs::write(
        root.join("lcov.info"),
        format!(
            "SF:{cart}\nDA:1,1\nLF:{max}\nLH:0\nend_of_record\nSF:{cart}\nDA:2,1\nLF:1\nLH:1\nend_of_record\n"
        ),
    )
    .unwrap();
    assert_exit(
        &gate(root, &["--coverage", "lcov.info"]),
        2,
        &format!("lcov.info: line 10: the LF: totals of the records add up past {max}"),
    );
    fs::write(
        root.join("lcov.info"),
        format!("SF:{cart}\nDA:1,1\nLF:3\nLH:4\nend_of_record\n"),
    )
    .unwrap();
    assert_exit(
        &gate(root, &["--coverage", "lcov.info"]),
        2,
        &format!("lcov.info: line 4: LH:4 is more than were found (LF:3) in the record for {cart}"),
    );
    // A report LINE counter that would wrap around to 0 missed, 3 covered.
    fs::remove_file(root.join("lcov.info")).unwrap();
    let report = root.join("target/site/jacoco/jacoco.xml");
    let real = fs::read_to_string(&report).unwrap();
    let end = real.rfind("</report>").unwrap();
    fs::write(
        &report,
        format!(
            r#"{}<counter type="LINE" missed="{max}" covered="0"/></report>"#,
            &real[..end]
        ),
    )
    .unwrap();
    assert_exit(
        &gate(root, &[]),
        2,
        &format!("the counts add up past {max}, more than any code holds"),
    );
}

#[test]
fn a_changed_file_no_report_lists_counts_as_uncovered() {
    let new_file = "src/main/java/com/example/shop/Coupon.java";
    let repo = sample_pull_request(|root| {
        fs::write(
            root.join(new_file),
            "package com.example.shop;\n\nimport java.util.Objects;\n\n/** A coupon code. */\npublic final class Coupon {\n    // The code as typed.\n    private final String code;\n\n    @Deprecated\n    public Coupon(String code) {\n        this.code = Objects.requireNonNull(code);\n    }\n}\n",
        )
        .unwrap();
        // Neither JaCoCo nor gate counts a package's documentation.
        fs::write(
            root.join("src/main/java/com/example/shop/package-info.java"),
            "/** The shop. */\npackage com.example.shop;\n",
        )
        .unwrap();
    });
    // 75 % of 8 new lines passes a 70 % bar; with Coupon's 4 code lines it does not.
    support::configure_base(
        repo.path(),
        "[gate]\nmin_new_lines = 5\n\n[[gate.condition]]\nmetric = \"coverage.line\"\nmin = 70\n",
    );
    let out = gate(repo.path(), &["--format", "json"]);
    assert_exit(
        &out,
        1,
        &format!(
            "{new_file}: changed, but no coverage report lists it: its 4 new code line(s) count \
             as uncovered"
        ),
    );
    assert!(!stderr(&out).contains("package-info"), "{}", stderr(&out));
    let m = &json(&out)["measures"];
    assert_eq!(m["new"]["lines"]["total"], 12);
    assert_eq!(m["new"]["lines"]["covered"], 6);
    let uncovered: Vec<(&str, &str, u64)> = m["uncovered_new_lines"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| {
            (
                u["path"].as_str().unwrap(),
                u["lines"].as_str().unwrap(),
                u["count"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        uncovered,
        [
            ("src/main/java/com/example/legacy/CsvExporter.java", "23", 1),
            ("src/main/java/com/example/shop/Cart.java", "62", 1),
            (new_file, "6-12", 4),
        ]
    );
    // The changed test file is not coverage's business.
    assert_eq!(m["changed_files_without_coverage"], serde_json::json!([]));
    // Overall figures stay the report's own.
    assert_eq!(m["overall"]["lines"]["total"], 90);
}

#[test]
fn the_real_report_on_its_pull_request_keeps_its_figures_without_warnings() {
    let repo = sample_pull_request(|_| {});
    let out = gate(repo.path(), &["--format", "json"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
    let m = &json(&out)["measures"];
    assert_eq!(
        (&m["new"]["lines"]["covered"], &m["new"]["lines"]["total"]),
        (&Value::from(6), &Value::from(8))
    );
    assert_eq!(
        (
            &m["overall"]["lines"]["covered"],
            &m["overall"]["lines"]["total"]
        ),
        (&Value::from(56), &Value::from(90))
    );
}

#[test]
fn a_report_from_other_sources_cannot_pass() {
    let discount = "src/main/java/com/example/shop/Discount.java";
    // A comment block inserted after the report was built: its lines shift by four.
    let repo = sample_pull_request(|root| {
        let path = root.join(discount);
        let text = fs::read_to_string(&path).unwrap();
        let text = text.replacen(
            "public enum Discount {\n",
            "public enum Discount {\n    // From none to the biggest:\n    // TEN_PERCENT takes a tenth off,\n    // BLACK_FRIDAY halves big carts.\n\n",
            1,
        );
        fs::write(path, text).unwrap();
    });
    assert_exit(
        &gate(repo.path(), &[]),
        2,
        &format!(
            "{discount}: the report marks lines 5, 8, 30, 32 as code, but they are blank or \
             comments here (new in this change: 5, 8): the report was built from other sources \
             than these; rebuild it on this commit"
        ),
    );
    // Lines cut off the end: no new line is affected, a warning says so.
    let repo = sample_pull_request(|root| {
        let path = root.join(discount);
        let text = fs::read_to_string(&path).unwrap();
        let cut = text.find("    public static Discount parse").unwrap();
        fs::write(path, format!("{}}}\n", &text[..cut])).unwrap();
    });
    assert_exit(
        &gate(repo.path(), &[]),
        0,
        &format!(
            "warning: {discount}: the report marks lines 30, 32, 34, 36 as code, but the file \
             has 29 lines: the report may be from other sources"
        ),
    );
}

#[test]
fn coverage_exclusions_take_files_out_of_the_figures() {
    let legacy = "src/main/java/com/example/legacy/CsvExporter.java";
    let expected: Value = serde_json::from_str(
        &fs::read_to_string(sample().join("pr-change/jacoco.expected.json")).unwrap(),
    )
    .unwrap();
    let exporter = &expected["sourcefiles"]["com/example/legacy/CsvExporter.java"];
    let totals = &expected["totals"];
    let minus = |kind: &str, i: usize, what: &str| {
        totals[kind][what].as_u64().unwrap() - exporter[kind][i].as_u64().unwrap()
    };
    for config in [
        "[coverage]\nexclude = [\"**/legacy/**\"]\n",
        // Out of the analysis too.
        "[sources]\nexclude = [\"src/main/java/com/example/legacy/\"]\n",
    ] {
        let repo = sample_pull_request(|_| {});
        support::configure_base(repo.path(), config);
        let out = gate(repo.path(), &["--format", "json"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let r = json(&out);
        let m = &r["measures"];
        for (ours, kind) in [
            ("lines", "LINE"),
            ("branches", "BRANCH"),
            ("instructions", "INSTRUCTION"),
        ] {
            assert_eq!(
                m["overall"][ours]["missed"],
                minus(kind, 0, "missed"),
                "{config}"
            );
            assert_eq!(
                m["overall"][ours]["covered"],
                minus(kind, 1, "covered"),
                "{config}"
            );
        }
        assert_eq!(minus("LINE", 0, "missed"), 19);
        // CsvExporter's changed line 23 no longer counts: 6 of 7.
        assert_eq!(m["new"]["lines"]["total"], 7);
        assert_eq!(m["new"]["lines"]["covered"], 6);
        assert_eq!(m["changed_files_without_coverage"], serde_json::json!([]));
        let uncovered = m["uncovered_new_lines"].as_array().unwrap();
        assert!(
            uncovered.iter().all(|u| u["path"] != legacy),
            "{uncovered:?}"
        );
        let out_of_analysis = if config.starts_with("[sources]") {
            1
        } else {
            0
        };
        assert_eq!(
            r["skipped"]["excluded_by_config"], out_of_analysis,
            "{config}"
        );
    }
    let repo = sample_pull_request(|_| {});
    support::configure_base(
        repo.path(),
        "[coverage]\n\nexclude = [\"ok/**\", \"gen/[a\"]\n",
    );
    assert_exit(
        &gate(repo.path(), &[]),
        2,
        "gate.toml:3:21: bad glob `gen/[a`: unclosed character class",
    );
}

#[test]
fn a_report_the_pull_request_brings_cannot_pass() {
    // The report is committed where Maven writes it, so the build's own report
    // never replaces it if the build does not run JaCoCo.
    let repo = sample_pull_request(|root| {
        fs::create_dir_all(root.join("target/site/jacoco")).unwrap();
        fs::copy(
            sample().join("pr-change/jacoco.xml"),
            root.join("target/site/jacoco/jacoco.xml"),
        )
        .unwrap();
    });
    let out = gate(repo.path(), &[]);
    assert_exit(
        &out,
        2,
        "target/site/jacoco/jacoco.xml: this coverage report is part of the change: a report must \
         come from this run's build, not from the pull request",
    );
}
