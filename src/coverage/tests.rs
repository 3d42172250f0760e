//! Tests of the coverage stage as the CLI calls it (find, read, map, merge), and the
//! helpers the format parsers' tests share.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde_json::Value;

use super::*;

pub(crate) fn fixture(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fixtures")
        .join(rel)
}

/// Writes `content` to `name` in a fresh directory (kept alive by the returned guard).
pub(crate) fn temp_file(name: &str, content: &[u8]) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(name);
    std::fs::write(&path, content).unwrap();
    (dir, path)
}

/// The error reading `content` as the report `name` gives, without the temporary
/// directory, so that tests can compare whole messages.
pub(crate) fn error_of(name: &str, content: &[u8]) -> String {
    let (dir, path) = temp_file(name, content);
    let text = read_report(&path).unwrap_err().to_string();
    text.replace(&format!("{}/", dir.path().display()), "")
}

/// Every file under `dir`, relative to it: what source discovery would hand over.
fn repo_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    for entry in ignore::WalkBuilder::new(dir)
        .standard_filters(false)
        .build()
    {
        let entry = entry.unwrap();
        if entry.file_type().unwrap().is_file() {
            let rel = entry.path().strip_prefix(dir).unwrap();
            files.push(rel.to_string_lossy().replace('\\', "/"));
        }
    }
    files
}

/// Asserts a parsed LCOV or Cobertura report of `fixtures/coverage-formats/` against
/// coverage.py's own JSON report of the same run: every file's executed and missing
/// lines, its branch outcomes, and the totals.
pub(crate) fn assert_matches_coverage_py(report: &ParsedReport) {
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(fixture("coverage-formats/coverage.expected.json")).unwrap(),
    )
    .unwrap();
    let mut files: BTreeMap<String, &FileCoverage> = BTreeMap::new();
    for f in &report.files {
        files.insert(f.name.to_string(), &f.coverage);
    }
    let want_files = expected["files"].as_object().unwrap();
    assert_eq!(
        files.keys().collect::<Vec<_>>(),
        want_files.keys().collect::<Vec<_>>()
    );
    let numbers = |v: &Value| -> BTreeSet<u32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|n| u32::try_from(n.as_u64().unwrap()).unwrap())
            .collect()
    };
    for (name, want) in want_files {
        let file = files[name];
        let covered: BTreeSet<u32> = file
            .lines()
            .filter(|(_, l)| l.is_covered())
            .map(|(n, _)| n)
            .collect();
        let missed: BTreeSet<u32> = file
            .lines()
            .filter(|(_, l)| !l.is_covered())
            .map(|(n, _)| n)
            .collect();
        assert_eq!(covered, numbers(&want["executed_lines"]), "{name}");
        assert_eq!(missed, numbers(&want["missing_lines"]), "{name}");
        let mut branches = Counter::default();
        for (_, line) in file.lines() {
            branches = branches.checked_add(line.branches).unwrap();
        }
        let summary = &want["summary"];
        assert_eq!(
            (branches.missed, branches.covered),
            (
                summary["missing_branches"].as_u64().unwrap(),
                summary["covered_branches"].as_u64().unwrap()
            ),
            "{name}"
        );
    }
    let totals = &expected["totals"];
    let counters = report.summary.counters;
    assert_eq!(
        (counters.line.missed, counters.line.covered),
        (
            totals["missing_lines"].as_u64().unwrap(),
            totals["covered_lines"].as_u64().unwrap()
        )
    );
    assert_eq!(
        (counters.branch.missed, counters.branch.covered),
        (
            totals["missing_branches"].as_u64().unwrap(),
            totals["covered_branches"].as_u64().unwrap()
        )
    );
}

fn config(reports: &[&str], source_roots: &[&str]) -> CoverageConfig {
    CoverageConfig {
        reports: reports.iter().map(|s| s.to_string()).collect(),
        source_roots: source_roots.iter().map(|s| s.to_string()).collect(),
        ..CoverageConfig::default()
    }
}

#[test]
fn loads_the_java_sample_onto_repository_paths() {
    let root = fixture("java-sample");
    let coverage = load(&root, &config(&["jacoco.xml"], &[]), &repo_files(&root)).unwrap();
    assert!(coverage.unmapped.is_empty(), "{:?}", coverage.unmapped);
    assert_eq!(
        coverage.files.keys().collect::<Vec<_>>(),
        [
            "src/main/java/com/example/legacy/CsvExporter.java",
            "src/main/java/com/example/shop/Cart.java",
            "src/main/java/com/example/shop/Discount.java",
            "src/main/java/com/example/shop/EuroFormatter.java",
            "src/main/java/com/example/shop/PriceFormatter.java",
            "src/main/java/com/example/util/TextUtils.java",
        ]
    );
    assert_eq!(coverage.line_counter(), Counter::new(33, 50));
    assert_eq!(coverage.reports[0].format, ReportFormat::Jacoco);
}

/// The added lines of a unified diff, per file: enough to check changed-line coverage
/// against diff-cover without the diff stage.
fn added_lines(patch: &str) -> BTreeMap<String, Vec<u32>> {
    let mut files: BTreeMap<String, Vec<u32>> = BTreeMap::new();
    let mut current = None;
    let mut next_line = 0u32;
    for line in patch.lines() {
        if let Some(path) = line.strip_prefix("+++ b/") {
            current = Some(path.to_string());
        } else if let Some(hunk) = line.strip_prefix("@@ ") {
            let new = hunk.split(' ').nth(1).unwrap().trim_start_matches('+');
            next_line = new.split(',').next().unwrap().parse().unwrap();
        } else if line.starts_with("+++") || line.starts_with("---") {
        } else if line.starts_with('+') {
            files
                .entry(current.clone().unwrap())
                .or_default()
                .push(next_line);
            next_line += 1;
        } else if line.starts_with(' ') {
            next_line += 1;
        }
    }
    files
}

#[test]
fn changed_line_coverage_of_the_pr_change_agrees_with_diff_cover() {
    let root = fixture("java-sample");
    let pr = fixture("java-sample/pr-change");
    let coverage = load_reports(
        &root,
        &[pr.join("jacoco.xml")],
        &CoverageConfig::default(),
        &repo_files(&root),
    )
    .unwrap();
    let expected: Value = serde_json::from_str(
        &std::fs::read_to_string(pr.join("changed-lines.expected.json")).unwrap(),
    )
    .unwrap();
    let changed = added_lines(&std::fs::read_to_string(pr.join("feature.patch")).unwrap());
    let mut total = Counter::default();
    for (path, want) in expected["files"].as_object().unwrap() {
        let file = &coverage.files[path];
        let lines = changed[path].iter().copied();
        let tally = file.tally(lines.clone());
        total = total.checked_add(tally).unwrap();
        assert_eq!(tally.total(), want["measured"].as_u64().unwrap(), "{path}");
        assert_eq!(tally.covered, want["covered"].as_u64().unwrap(), "{path}");
        let missed: Vec<u64> = file
            .missed_ranges(lines.clone())
            .into_iter()
            .flatten()
            .map(u64::from)
            .collect();
        let want_missed: Vec<u64> = want["missed_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(missed, want_missed, "{path}");
        let partial: Vec<u64> = lines
            .filter(|&n| file.line(n).is_some_and(|l| l.is_partial()))
            .map(u64::from)
            .collect();
        let want_partial: Vec<u64> = want["partial_lines"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_u64().unwrap())
            .collect();
        assert_eq!(partial, want_partial, "{path}");
    }
    assert_eq!(total, Counter::new(2, 6));
    assert_eq!(total.percent(), Some(75.0));
}

#[test]
fn kotlin_files_map_by_path_suffix() {
    let root = fixture("kotlin-sample");
    let coverage = load(&root, &config(&["jacoco.xml"], &[]), &repo_files(&root)).unwrap();
    assert!(coverage.unmapped.is_empty(), "{:?}", coverage.unmapped);
    assert_eq!(
        coverage.files.keys().collect::<Vec<_>>(),
        [
            "src/main/kotlin/Untested.kt",
            "src/main/kotlin/billing/Invoice.kt"
        ]
    );
}

#[test]
fn lcov_and_cobertura_of_one_run_map_and_merge_to_the_same_lines() {
    let root = fixture("coverage-formats/python-sample");
    let files = repo_files(&root);
    let reports = |names: &[&str]| -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| fixture(&format!("coverage-formats/{n}")))
            .collect()
    };
    let cfg = CoverageConfig::default();
    let lcov = load_reports(&root, &reports(&["lcov.info"]), &cfg, &files).unwrap();
    let cobertura = load_reports(&root, &reports(&["cobertura.xml"]), &cfg, &files).unwrap();
    assert!(lcov.unmapped.is_empty() && cobertura.unmapped.is_empty());
    assert_eq!(lcov.files, cobertura.files);
    assert_eq!(lcov.line_counter(), Counter::new(5, 20));
    let both = load_reports(
        &root,
        &reports(&["lcov.info", "cobertura.xml"]),
        &cfg,
        &files,
    )
    .unwrap();
    assert_eq!(both.files, lcov.files);
    assert_eq!(both.reports.len(), 2);
}

#[test]
fn a_line_is_covered_if_any_report_covers_it() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.info");
    let b = dir.path().join("b.info");
    std::fs::write(&a, "SF:src/x.rs\nDA:1,1\nDA:2,0\nDA:3,0\nend_of_record\n").unwrap();
    std::fs::write(
        &b,
        "SF:src/x.rs\nDA:1,0\nDA:2,4\nDA:3,0\nDA:4,0\nend_of_record\n",
    )
    .unwrap();
    let files = ["src/x.rs".to_string()];
    let coverage = load_reports(dir.path(), &[a, b], &CoverageConfig::default(), &files).unwrap();
    let x = &coverage.files["src/x.rs"];
    assert_eq!(x.line_counter(), Counter::new(2, 2));
    assert_eq!(x.line(2).unwrap().hits, 4);
    assert_eq!(format_ranges(&x.missed_ranges(x.line_numbers())), "3-4");
}

#[test]
fn missed_ranges_bridge_only_unmeasured_lines() {
    let lines = [(12, 0), (15, 0), (16, 1), (17, 0), (40, 0)].map(|(nr, hits)| {
        let line = LineCoverage {
            hits,
            ..LineCoverage::default()
        };
        (nr, line)
    });
    let file = FileCoverage::new(lines, None);
    let all = file.missed_ranges(1..=50);
    assert_eq!(format_ranges(&all), "12-15, 17-40");
    assert_eq!(format_ranges(&file.missed_ranges([40, 12, 99])), "12, 40");
    assert_eq!(file.tally(10..=16), Counter::new(2, 1));
    assert_eq!(Counter::default().percent(), None);
}

#[test]
fn unmapped_files_are_reported_with_a_hint() {
    let root = fixture("java-sample");
    let only_cart = ["src/main/java/com/example/shop/Cart.java".to_string()];
    let coverage = load(&root, &config(&["jacoco.xml"], &[]), &only_cart).unwrap();
    assert_eq!(coverage.files.len(), 1);
    assert_eq!(coverage.unmapped.len(), 5);
    let first = &coverage.unmapped[0];
    assert_eq!(first.reason, UnmappedReason::NoFile);
    let message = first.to_diagnostic().message;
    assert!(
        message.contains("com/example/util/TextUtils.java"),
        "{message}"
    );
    assert!(message.contains("[coverage] source_roots = ["), "{message}");
}

#[test]
fn files_that_are_not_reports_are_errors() {
    let cases: [(&str, &[u8], &str); 7] = [
        ("jacoco.xml", b"", "empty (0 bytes)"),
        ("jacoco.xml", b"{\"coverage\": 1}", "looks like JSON"),
        ("jacoco.xml", b" \n\t ", "only whitespace"),
        (
            "index.xml",
            b"<!DOCTYPE html><html></html>",
            "it is XML, but its root element is neither <report> (JaCoCo) nor <coverage> (Cobertura)",
        ),
        ("lcov.info", b"\xFF\xFE<\x00r\x00", "UTF-16"),
        (
            "report.txt",
            b"Coverage: 75%",
            "it is text, but neither XML (JaCoCo, Cobertura) nor LCOV",
        ),
        // An environment dump: what kind of file, never a byte of it.
        (
            "environ",
            b"GITHUB_TOKEN=ghs_secret\0HOME=/root\0",
            "it holds NUL bytes, as binary files and environment dumps do",
        ),
    ];
    for (name, content, needle) in cases {
        let (_dir, path) = temp_file(name, content);
        let err = read_report(&path).unwrap_err().to_string();
        assert!(err.contains(name), "{err}");
        assert!(err.contains(needle), "expected {needle:?} in: {err}");
        assert!(
            !err.contains("GITHUB_TOKEN") && !err.contains("Coverage: 75"),
            "{err}"
        );
    }
    let missing = read_report(Path::new("/nonexistent/jacoco.xml")).unwrap_err();
    assert!(matches!(missing, CoverageError::Read { .. }), "{missing}");
}

#[test]
fn finds_reports_at_the_usual_places() {
    let dir = tempfile::tempdir().unwrap();
    for rel in [
        "core/target/site/jacoco/jacoco.xml",
        "target/site/jacoco-aggregate/jacoco.xml",
        "app/build/reports/jacoco/test/jacocoTestReport.xml",
        "app/build/reports/jacoco/test/html/index.html",
        "coverage/lcov.info",
        "src/lcov.info",
        ".hidden/target/site/jacoco/jacoco.xml",
    ] {
        let path = dir.path().join(rel);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, "x").unwrap();
    }
    let found: Vec<String> = find_reports(dir.path(), &CoverageConfig::default())
        .unwrap()
        .iter()
        .map(|p| {
            p.strip_prefix(dir.path())
                .unwrap()
                .to_string_lossy()
                .into_owned()
        })
        .collect();
    assert_eq!(
        found,
        [
            "app/build/reports/jacoco/test/jacocoTestReport.xml",
            "core/target/site/jacoco/jacoco.xml",
            "coverage/lcov.info",
            "target/site/jacoco-aggregate/jacoco.xml",
        ]
    );

    let err = find_reports(
        dir.path(),
        &config(&["coverage/lcov.info", "build/*.xml"], &[]),
    )
    .unwrap_err();
    assert!(
        err.to_string().contains("`build/*.xml` matches no file"),
        "{err}"
    );
    let err = find_reports(dir.path(), &config(&["lcov.info"], &[])).unwrap_err();
    assert!(
        err.to_string().contains("`lcov.info` matches no file"),
        "{err}"
    );
    let absolute = dir.path().join("src/lcov.info");
    // A repository's gate.toml may not name a file outside the repository…
    let err = find_reports(
        &dir.path().join("app"),
        &config(&[absolute.to_str().unwrap()], &[]),
    )
    .unwrap_err()
    .to_string();
    assert!(err.contains("outside the repository"), "{err}");
    // …the command line may.
    let mut literal = config(&[absolute.to_str().unwrap(), "coverage/lcov.info"], &[]);
    literal.reports_on_command_line = true;
    assert_eq!(
        find_reports(Path::new("/elsewhere"), &literal)
            .unwrap_err()
            .to_string(),
        "--coverage: `coverage/lcov.info` matches no file under /elsewhere"
    );
    assert_eq!(find_reports(dir.path(), &literal).unwrap().len(), 2);

    let empty = tempfile::tempdir().unwrap();
    let err = find_reports(empty.path(), &CoverageConfig::default()).unwrap_err();
    assert!(matches!(err, CoverageError::NoReportFound { .. }), "{err}");
    assert!(err.to_string().contains("[coverage] reports = ["), "{err}");

    let err = find_reports(dir.path(), &config(&["[broken"], &[])).unwrap_err();
    assert!(matches!(err, CoverageError::Glob { .. }), "{err}");
}

#[test]
fn lines_too_large_for_the_compact_form_are_kept_exactly() {
    let jacoco = |mi, ci, mb, cb| LineCoverage {
        hits: ci,
        instructions: Counter::new(mi, ci),
        branches: Counter::new(mb, cb),
    };
    let lcov = |hits| LineCoverage {
        hits,
        ..LineCoverage::default()
    };
    let lines = [
        (1, jacoco(3, 0, 1, 1)),
        (2, jacoco(70_000, 0, 0, 0)),
        (3, jacoco(0, 65_535, 0, 0)),
        (4, jacoco(1, 2, 0, 100_000)),
        (5, jacoco(0, u64::MAX, 0, 0)),
        (6, lcov(9)),
    ];
    let file = FileCoverage::new(lines, None);
    assert_eq!(file.lines().collect::<Vec<_>>(), lines);
    assert_eq!(file.line_counter(), Counter::new(2, 4));

    // LCOV lines have no instructions, whatever their count; merged with a JaCoCo
    // line, the larger count and the JaCoCo instructions stay.
    let counts = [(1, lcov(0)), (2, lcov(3)), (3, lcov(1 << 40))];
    let mut merged = FileCoverage::new(counts, None);
    assert_eq!(merged.lines().collect::<Vec<_>>(), counts);
    merged.merge(FileCoverage::new([(2, jacoco(1, 2, 0, 0))], None));
    let two = LineCoverage {
        hits: 3,
        ..jacoco(1, 2, 0, 0)
    };
    assert_eq!(merged.line(2), Some(two));
    assert_eq!(merged.line(3), Some(lcov(1 << 40)));
}

#[test]
fn file_coverage_survives_a_partial_result() {
    let line = |nr: u32, mi: u64, ci: u64| {
        let coverage = LineCoverage {
            hits: ci,
            instructions: Counter::new(mi, ci),
            branches: Counter::new(1, 1),
        };
        (nr, coverage)
    };
    let counters = Counters {
        line: Counter::new(1, 1),
        ..Counters::default()
    };
    let file = FileCoverage::new([line(3, 2, 0), line(7, 0, 80_000)], Some(counters));
    let json = serde_json::to_string(&file).unwrap();
    assert!(
        json.starts_with(r#"{"lines":[[3,0,2,0,1,1],[7,80000,0,80000,1,1]]"#),
        "{json}"
    );
    assert_eq!(serde_json::from_str::<FileCoverage>(&json).unwrap(), file);
    // Written by hand out of order, with a repeat: read as a report would be.
    let unsorted = r#"{"lines":[[7,0,1,0,0,0],[3,1,0,1,0,0],[7,4,0,4,0,0]],"counters":null}"#;
    let read: FileCoverage = serde_json::from_str(unsorted).unwrap();
    assert_eq!(read.line_numbers().collect::<Vec<_>>(), [3, 7]);
    assert_eq!(
        read.line(7).map(|l| l.instructions),
        Some(Counter::new(0, 4))
    );
}

/// A repository of `files` (path, text) with an LCOV report `report`, loaded.
fn repository(files: &[(&str, &str)], report: &str) -> (tempfile::TempDir, Coverage) {
    let dir = tempfile::tempdir().unwrap();
    for (path, text) in files {
        let path = dir.path().join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(dir.path().join("lcov.info"), report).unwrap();
    let coverage = load(
        dir.path(),
        &config(&["lcov.info"], &[]),
        &repo_files(dir.path()),
    )
    .unwrap();
    (dir, coverage)
}

/// `gate.toml` as a configuration.
fn gate_toml(text: &str) -> crate::config::Config {
    crate::config::Loaded::parse(text.to_string(), "gate.toml".into())
        .unwrap()
        .config
}

fn changed_lines(files: &[(&str, &[(u32, u32)])]) -> crate::diff::ChangedLines {
    files
        .iter()
        .map(|(path, ranges)| crate::diff::ChangedFile {
            path: path.to_string(),
            status: crate::diff::FileStatus::Modified,
            binary: false,
            ranges: ranges
                .iter()
                .map(|&(start, end)| crate::diff::LineRange { start, end })
                .collect(),
            hunks: Vec::new(),
        })
        .collect()
}

fn lcov(path: &str, lines: &[u32]) -> String {
    let da: String = lines.iter().map(|n| format!("DA:{n},1\n")).collect();
    format!("SF:{path}\n{da}end_of_record\n")
}

/// `(level, path: message)` of each diagnostic.
fn messages(diagnostics: &[Diagnostic]) -> Vec<(DiagnosticLevel, String)> {
    diagnostics
        .iter()
        .map(|d| {
            let text = match &d.path {
                Some(p) => format!("{p}: {}", d.message),
                None => d.message.clone(),
            };
            (d.level, text)
        })
        .collect()
}

#[test]
fn the_samples_reports_fit_their_sources() {
    for (dir, report) in [
        ("java-sample", "java-sample/jacoco.xml"),
        ("kotlin-sample", "kotlin-sample/jacoco.xml"),
        (
            "coverage-formats/python-sample",
            "coverage-formats/lcov.info",
        ),
    ] {
        let root = fixture(dir);
        let mut coverage = load_reports(
            &root,
            &[fixture(report)],
            &CoverageConfig::default(),
            &repo_files(&root),
        )
        .unwrap();
        let files = coverage.files.len();
        let mut diagnostics = Vec::new();
        let unlisted = vet(
            &root,
            &mut coverage,
            None,
            &Default::default(),
            &Default::default(),
            &mut diagnostics,
        )
        .unwrap();
        assert_eq!(messages(&diagnostics), [], "{dir}");
        assert_eq!(unlisted, Unlisted::default());
        assert_eq!(coverage.files.len(), files);
    }
}

const CART: &str = "package a;

/** A cart. */
public class Cart {
    int f() {
        // the answer
        return 1;
    }

    int g() {
        return 2;
    }
}
";

#[test]
fn a_report_from_other_sources_is_a_warning_and_an_error_on_new_lines() {
    let path = "src/main/java/a/Cart.java";
    // Lines 2, 3, 6 and 9 are blank or comments: a report of an older Cart.java.
    let report = lcov(path, &[2, 3, 6, 7, 9, 11]);
    let (dir, coverage) = repository(&[(path, CART)], &report);
    let vetted = |changed: Option<&crate::diff::ChangedLines>| {
        let mut diagnostics = Vec::new();
        vet(
            dir.path(),
            &mut coverage.clone(),
            changed,
            &Default::default(),
            &Default::default(),
            &mut diagnostics,
        )
        .unwrap();
        messages(&diagnostics)
    };
    let marks = "src/main/java/a/Cart.java: the report marks lines 2, 3, 6, 9 as code, but they \
                 are blank or comments here";
    let unchanged = changed_lines(&[(path, &[(11, 11)])]);
    assert_eq!(
        vetted(Some(&unchanged)),
        [(
            DiagnosticLevel::Warning,
            format!("{marks}: the report may be from other sources")
        )]
    );
    let changed = changed_lines(&[(path, &[(5, 7)])]);
    let error = (
        DiagnosticLevel::Error,
        format!(
            "{marks} (new in this change: 6): the report was built from other sources than \
             these; rebuild it on this commit"
        ),
    );
    assert_eq!(vetted(Some(&changed)), [error]);
    // Without a diff reference every line is new.
    assert_eq!(vetted(None)[0].0, DiagnosticLevel::Error);

    // Two such lines of six are within the margin; any line past the end is not.
    let (dir, coverage) = repository(&[(path, CART)], &lcov(path, &[2, 6, 7, 11]));
    let mut diagnostics = Vec::new();
    vet(
        dir.path(),
        &mut coverage.clone(),
        None,
        &Default::default(),
        &Default::default(),
        &mut diagnostics,
    )
    .unwrap();
    assert_eq!(messages(&diagnostics), []);
    let (dir, coverage) = repository(&[(path, CART)], &lcov(path, &[7, 11, 20]));
    vet(
        dir.path(),
        &mut coverage.clone(),
        None,
        &Default::default(),
        &Default::default(),
        &mut diagnostics,
    )
    .unwrap();
    assert_eq!(
        messages(&diagnostics),
        [(
            DiagnosticLevel::Warning,
            "src/main/java/a/Cart.java: the report marks line 20 as code, but the file has 13 \
             lines: the report may be from other sources"
                .to_string()
        )]
    );
}

#[test]
fn llvm_reports_may_mark_blank_and_comment_lines_of_rust() {
    let rust = "fn f() -> u32 {\n    let x = 1;\n\n    // why\n    x\n}\n";
    let (dir, mut coverage) = repository(
        &[("src/f.rs", rust)],
        &lcov("src/f.rs", &[1, 2, 3, 4, 5, 6]),
    );
    let mut diagnostics = Vec::new();
    vet(
        dir.path(),
        &mut coverage,
        None,
        &Default::default(),
        &Default::default(),
        &mut diagnostics,
    )
    .unwrap();
    assert_eq!(messages(&diagnostics), []);
}

#[test]
fn changed_files_no_report_lists_count_their_new_code_lines_as_uncovered() {
    use crate::gate::measures::{measure, NewCode};
    let listed = "src/main/java/a/Cart.java";
    let files = [
        (listed, CART),
        ("src/main/java/a/New.java", CART),
        ("src/main/java/a/Commented.java", CART),
        ("src/test/java/a/CartTest.java", CART),
        ("src/main/java/a/gen/Made.java", CART),
        ("legacy/Old.java", CART),
        ("src/lib.rs", "fn f() {}\n"),
    ];
    let (dir, mut coverage) = repository(&files, &lcov(listed, &[7, 11]));
    let changed = changed_lines(&[
        (listed, &[(11, 11)]),
        ("src/main/java/a/New.java", &[(1, 13)]),
        ("src/main/java/a/Commented.java", &[(2, 3), (6, 6)]),
        ("src/test/java/a/CartTest.java", &[(1, 13)]),
        ("src/main/java/a/gen/Made.java", &[(1, 13)]),
        ("legacy/Old.java", &[(1, 13)]),
        ("src/lib.rs", &[(1, 1)]),
    ]);
    let config =
        gate_toml("[sources]\nexclude = [\"legacy/\"]\n[coverage]\nexclude = [\"**/gen/**\"]\n");
    let mut diagnostics = Vec::new();
    let unlisted = vet(
        dir.path(),
        &mut coverage,
        Some(&changed),
        &config.coverage,
        &config.sources,
        &mut diagnostics,
    )
    .unwrap();
    assert_eq!(
        messages(&diagnostics),
        [(
            DiagnosticLevel::Warning,
            "src/main/java/a/New.java: changed, but no coverage report lists it: its 5 new code \
             line(s) count as uncovered (list it in [coverage] exclude if its coverage is not \
             measured on purpose)"
                .to_string()
        )]
    );
    // Code lines: the class, two method signatures, two returns; not the package line,
    // the comments, blank lines or braces.
    assert_eq!(
        unlisted.files.keys().collect::<Vec<_>>(),
        ["src/main/java/a/Commented.java", "src/main/java/a/New.java"]
    );
    assert_eq!(
        unlisted.excluded.iter().collect::<Vec<_>>(),
        ["legacy/Old.java", "src/main/java/a/gen/Made.java"]
    );
    assert_eq!(
        unlisted.files["src/main/java/a/New.java"]
            .line_numbers()
            .collect::<Vec<_>>(),
        [4, 5, 7, 10, 11]
    );
    let new_code = NewCode::Changed {
        reference: "changes since main".into(),
        lines: changed,
        base: crate::diff::Base::Patch,
    };
    let m = measure(&[], Some(&coverage), &new_code, &unlisted).unwrap();
    let new = m.new.lines.unwrap();
    assert_eq!((new.covered, new.missed), (1, 5));
    assert_eq!(m.uncovered_new_lines.len(), 1);
    assert_eq!(
        (
            m.uncovered_new_lines[0].path.as_str(),
            crate::coverage::format_ranges(&m.uncovered_new_lines[0].lines).as_str(),
            m.uncovered_new_lines[0].count
        ),
        ("src/main/java/a/New.java", "4-11", 5)
    );
    // Rust is not what this report measures: listed as a gap, not counted.
    assert_eq!(m.changed_files_without_coverage, ["src/lib.rs"]);
}

#[test]
fn excluded_files_leave_the_figures() {
    let files = [
        ("src/main/java/a/Cart.java", CART),
        ("src/main/java/a/dto/Row.java", CART),
        ("legacy/Old.java", CART),
    ];
    let report: String = files.iter().map(|(p, _)| lcov(p, &[7, 11])).collect();
    let (dir, coverage) = repository(&files, &report);
    let kept = |toml: &str| {
        let mut c = coverage.clone();
        {
            let config = gate_toml(toml);
            vet(
                dir.path(),
                &mut c,
                None,
                &config.coverage,
                &config.sources,
                &mut Vec::new(),
            )
        }
        .unwrap();
        c.files.into_keys().collect::<Vec<_>>()
    };
    assert_eq!(kept("").len(), 3);
    assert_eq!(
        kept("[coverage]\nexclude = [\"src/main/java/**/dto/**\"]\n"),
        ["legacy/Old.java", "src/main/java/a/Cart.java"]
    );
    // `*` stays within a folder.
    assert_eq!(
        kept("[coverage]\nexclude = [\"src/*/Cart.java\"]\n").len(),
        3
    );
    assert_eq!(
        kept("[sources]\nexclude = [\"legacy/\"]\n"),
        ["src/main/java/a/Cart.java", "src/main/java/a/dto/Row.java"]
    );
}

#[test]
fn counters_refuse_totals_past_u64() {
    let max = u64::MAX;
    assert_eq!(Counter::checked(max, 1), None);
    assert_eq!(
        Counter::new(max - 1, 0).checked_add(Counter::new(0, 1)),
        Some(Counter::new(max - 1, 1))
    );
    assert_eq!(Counter::new(max, 0).checked_add(Counter::new(0, 1)), None);
    // A partial result written by hand cannot smuggle one in.
    let err =
        serde_json::from_str::<Counter>(&format!(r#"{{"missed":{max},"covered":1}}"#)).unwrap_err();
    assert!(
        err.to_string().contains("missed + covered is past"),
        "{err}"
    );
    let line = format!(r#"{{"lines":[[3,1,{max},1,0,0]],"counters":null}}"#);
    let err = serde_json::from_str::<FileCoverage>(&line).unwrap_err();
    assert!(
        err.to_string().contains("line 3: its counts add up past"),
        "{err}"
    );
}
