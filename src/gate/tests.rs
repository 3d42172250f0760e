//! The verdict on plain values: each condition kind, the small-change rule, the
//! fail-closed cases and JaCoCo element rules.

use super::conditions::{Condition, Metric, Scope};
use super::measures::{measure, NewCode};
use super::*;
use crate::coverage::{
    ClassCounters, Counter, Coverage, FileCoverage, LineCoverage, ReportFormat, ReportSummary,
    Unlisted,
};
use crate::diff::{ChangedFile, ChangedLines, FileStatus, LineRange};
use crate::model::{Finding, Location, RuleType, Severity};

fn finding(path: &str, line: u32, severity: Severity) -> Finding {
    Finding {
        rule: "r".into(),
        severity,
        rule_type: RuleType::Bug,
        location: Location {
            path: path.into(),
            start_line: line,
            start_column: 1,
            end_line: line,
            end_column: 2,
        },
        message: "m".into(),
        snippet: String::new(),
        fingerprint: format!("{path}{line}"),
        new: false,
        suppressed: None,
    }
}

/// `A.java`: lines 1–10 measured, 1–6 covered.
fn coverage() -> Coverage {
    let lines = (1..=10).map(|n| {
        let hits = u64::from(n <= 6);
        let line = LineCoverage {
            hits,
            instructions: Counter::new(1 - hits, hits),
            branches: if n == 2 {
                Counter::new(1, 1)
            } else {
                Counter::default()
            },
        };
        (n, line)
    });
    let mut coverage = Coverage::default();
    coverage
        .files
        .insert("A.java".into(), FileCoverage::new(lines, None));
    coverage
}

fn changed(lines: &[(u32, u32)]) -> NewCode {
    NewCode::Changed {
        reference: "changes since main".into(),
        lines: ChangedLines::from_iter([ChangedFile {
            path: "A.java".into(),
            status: FileStatus::Modified,
            binary: false,
            ranges: lines
                .iter()
                .map(|&(start, end)| LineRange { start, end })
                .collect(),
            hunks: Vec::new(),
        }]),
        base: crate::diff::Base::Patch,
    }
}

fn config(conditions: Vec<Condition>, min_new_lines: u64) -> GateConfig {
    GateConfig {
        condition: Some(
            conditions
                .into_iter()
                .map(|c| toml::Spanned::new(0..0, c))
                .collect(),
        ),
        min_new_lines,
        ..GateConfig::default()
    }
}

fn cond(metric: Metric, scope: Scope, min: Option<f64>, max: Option<f64>) -> Condition {
    let spanned = |v| toml::Spanned::new(0..0, v);
    Condition {
        metric,
        scope,
        min: min.map(spanned),
        max: max.map(spanned),
    }
}

fn verdict(
    config: &GateConfig,
    findings: &mut [Finding],
    coverage: Option<&Coverage>,
    new_code: &NewCode,
) -> Verdict {
    for f in findings.iter_mut() {
        f.new = new_code.contains(&f.location.path, f.location.start_line);
    }
    let measures = measure(findings, coverage, new_code, &Unlisted::default()).unwrap();
    decide(&Inputs {
        config,
        measures: &measures,
        coverage,
        no_coverage: coverage
            .is_none()
            .then_some(NoCoverage::Missing("no coverage report found")),
        diagnostics: &[],
    })
}

#[test]
fn new_line_coverage_counts_only_changed_measured_lines() {
    let cov = coverage();
    // Lines 5–8 changed (+ 20, which holds no code): 5, 6 covered; 7, 8 missed.
    let new_code = changed(&[(5, 8), (20, 20)]);
    let m = measure(&[], Some(&cov), &new_code, &Unlisted::default()).unwrap();
    let lines = m.new.lines.unwrap();
    assert_eq!(
        (lines.covered, lines.missed, lines.percent),
        (2, 2, Some(50.0))
    );
    assert_eq!(m.overall.lines.unwrap().percent, Some(60.0));
    assert_eq!(
        crate::coverage::format_ranges(&m.uncovered_new_lines[0].lines),
        "7-8"
    );
    let c = config(
        vec![cond(Metric::CoverageLine, Scope::New, Some(80.0), None)],
        0,
    );
    let v = verdict(&c, &mut [], Some(&cov), &new_code);
    assert_eq!(v.status, Status::Failed);
    assert_eq!(v.conditions[0].actual, Some(50.0));
    assert_eq!(v.reasons, ["new line coverage 50.0 % is below 80 %"]);
}

#[test]
fn a_small_change_is_not_failed_on_coverage() {
    let cov = coverage();
    let c = config(
        vec![cond(Metric::CoverageLine, Scope::New, Some(80.0), None)],
        20,
    );
    let v = verdict(&c, &mut [], Some(&cov), &changed(&[(5, 8)]));
    assert_eq!(v.status, Status::Passed);
    assert_eq!(v.conditions[0].outcome, Outcome::Skipped);
    assert!(v.conditions[0]
        .note
        .as_deref()
        .unwrap()
        .contains("4 coverable new line(s), fewer than min_new_lines = 20"));
}

#[test]
fn branch_and_overall_conditions() {
    let cov = coverage();
    let c = config(
        vec![
            cond(Metric::CoverageBranch, Scope::Overall, Some(60.0), None),
            cond(Metric::CoverageLine, Scope::Overall, Some(60.0), None),
            cond(
                Metric::CoverageInstruction,
                Scope::Overall,
                None,
                Some(50.0),
            ),
        ],
        0,
    );
    let v = verdict(&c, &mut [], Some(&cov), &NewCode::Everything);
    let outcomes: Vec<_> = v.conditions.iter().map(|r| (r.actual, r.outcome)).collect();
    assert_eq!(
        outcomes,
        [
            (Some(50.0), Outcome::Failed),
            (Some(60.0), Outcome::Passed),
            (Some(60.0), Outcome::Failed)
        ]
    );
    assert_eq!(v.reasons[1], "instruction coverage 60.0 % is above 50 %");
}

#[test]
fn a_range_names_the_side_that_failed() {
    let cov = coverage();
    let c = config(
        vec![
            cond(Metric::CoverageLine, Scope::New, Some(40.0), Some(45.0)),
            cond(Metric::CoverageLine, Scope::Overall, Some(65.0), Some(70.0)),
            cond(Metric::CoverageLine, Scope::Overall, Some(55.0), Some(60.0)),
        ],
        0,
    );
    let v = verdict(&c, &mut [], Some(&cov), &changed(&[(5, 8)]));
    let rows: Vec<_> = v
        .conditions
        .iter()
        .map(|r| (r.threshold.as_str(), r.outcome))
        .collect();
    assert_eq!(
        rows,
        [
            ("40 – 45 %", Outcome::Failed),
            ("65 – 70 %", Outcome::Failed),
            ("55 – 60 %", Outcome::Passed)
        ]
    );
    assert_eq!(
        v.reasons,
        [
            "new line coverage 50.0 % is above 45 %",
            "line coverage 60.0 % is below 65 %"
        ]
    );
}

#[test]
fn issue_conditions_count_new_issues_at_or_above_a_severity() {
    let new_code = changed(&[(5, 8)]);
    let mut findings = vec![
        finding("A.java", 5, Severity::Critical),
        finding("A.java", 6, Severity::Minor),
        finding("A.java", 30, Severity::Blocker),
    ];
    let c = config(
        vec![
            cond(Metric::IssuesMajor, Scope::New, None, Some(0.0)),
            cond(Metric::IssuesMinor, Scope::New, None, Some(5.0)),
            cond(Metric::IssuesBlocker, Scope::Overall, None, Some(0.0)),
            cond(Metric::IssuesBug, Scope::Overall, None, Some(3.0)),
        ],
        0,
    );
    let v = verdict(&c, &mut findings, None, &new_code);
    let actual: Vec<_> = v.conditions.iter().map(|r| (r.actual, r.outcome)).collect();
    assert_eq!(
        actual,
        [
            (Some(1.0), Outcome::Failed),
            (Some(2.0), Outcome::Passed),
            (Some(1.0), Outcome::Failed),
            (Some(3.0), Outcome::Passed)
        ]
    );
    assert_eq!(v.reasons[0], "1 new major-or-worse issue (allowed: ≤ 0)");
}

#[test]
fn missing_coverage_is_an_error_unless_lint_only_was_chosen() {
    let explicit = config(
        vec![cond(Metric::CoverageLine, Scope::New, Some(80.0), None)],
        0,
    );
    let v = verdict(&explicit, &mut [], None, &changed(&[(1, 3)]));
    assert_eq!(v.status, Status::Error);
    assert_eq!(v.status.exit_code(), 2);
    assert_eq!(
        v.reasons,
        ["new line coverage cannot be measured: no coverage report found"]
    );

    // The default conditions too: no report is SonarQube's silent green build.
    let defaults = GateConfig::default();
    let v = verdict(&defaults, &mut [], None, &changed(&[(1, 3)]));
    assert_eq!(v.status, Status::Error);
    assert_eq!(v.conditions[0].outcome, Outcome::Error);
    assert_eq!(
        v.conditions.len(),
        2,
        "Sonar way: coverage and major issues"
    );

    // Lint only, chosen in words a reviewer can read.
    let measures = measure(&[], None, &changed(&[(1, 3)]), &Unlisted::default()).unwrap();
    let v = decide(&Inputs {
        config: &defaults,
        measures: &measures,
        coverage: None,
        no_coverage: Some(NoCoverage::ByChoice("--no-coverage")),
        diagnostics: &[],
    });
    assert_eq!(v.status, Status::Passed);
    assert_eq!(v.conditions[0].outcome, Outcome::NotMeasured);
    assert_eq!(
        v.conditions[0].note.as_deref(),
        Some("not measured by choice: --no-coverage")
    );
}

#[test]
fn analysis_errors_fail_closed() {
    let d = Diagnostic {
        level: DiagnosticLevel::Error,
        path: None,
        message: "cannot read".into(),
    };
    let measures = measure(&[], None, &NewCode::Everything, &Unlisted::default()).unwrap();
    let v = decide(&Inputs {
        config: &GateConfig::default(),
        measures: &measures,
        coverage: None,
        no_coverage: None,
        diagnostics: &[d],
    });
    assert_eq!(v.status, Status::Error);
}

fn jacoco_coverage() -> Coverage {
    let counters = |missed, covered| Counters {
        line: Counter::new(missed, covered),
        ..Counters::default()
    };
    let class = |name: &str, missed, covered| ClassCounters {
        group: "".into(),
        package: "com/example".into(),
        name: format!("com/example/{name}"),
        counters: counters(missed, covered),
    };
    let mut c = Coverage::default();
    c.reports.push(ReportSummary {
        path: "jacoco.xml".into(),
        format: ReportFormat::Jacoco,
        name: Some("app".into()),
        counters: counters(5, 15),
        classes: vec![
            class("Good", 1, 9),
            class("Bad", 4, 6),
            class("BadTest", 10, 0),
        ],
    });
    c
}

fn jacoco_rule(text: &str) -> GateConfig {
    #[derive(serde::Deserialize)]
    struct G {
        gate: GateConfig,
    }
    toml::from_str::<G>(&format!(
        "[gate]\ncondition = []\n[[gate.jacoco_rule]]\n{text}"
    ))
    .unwrap()
    .gate
}

#[test]
fn jacoco_check_rules_name_the_failing_elements() {
    let cov = jacoco_coverage();
    let c = jacoco_rule("element = \"CLASS\"\ncounter = \"LINE\"\nvalue = \"COVEREDRATIO\"\nminimum = 0.8\nexcludes = [\"*Test\"]");
    let v = verdict(&c, &mut [], Some(&cov), &NewCode::Everything);
    assert_eq!(v.status, Status::Failed);
    let row = &v.conditions[0];
    assert_eq!(row.metric, "CLASS.LINE.COVEREDRATIO");
    assert_eq!(row.actual, Some(0.6));
    assert_eq!(
        row.note.as_deref(),
        Some("1 element(s) outside the limit: com.example.Bad = 0.6")
    );

    let c = jacoco_rule("counter = \"LINE\"\nminimum = 0.7");
    assert_eq!(
        verdict(&c, &mut [], Some(&cov), &NewCode::Everything).status,
        Status::Passed
    );
    let c = jacoco_rule(
        "element = \"PACKAGE\"\ncounter = \"LINE\"\nvalue = \"MISSEDCOUNT\"\nmaximum = 10",
    );
    let v = verdict(&c, &mut [], Some(&cov), &NewCode::Everything);
    assert_eq!(
        (v.status, v.conditions[0].actual),
        (Status::Failed, Some(15.0))
    );

    let v = verdict(&c, &mut [], None, &NewCode::Everything);
    assert_eq!(
        v.status,
        Status::Error,
        "a JaCoCo rule without a report cannot pass"
    );
}

#[test]
fn counts_that_add_up_past_u64_are_errors_never_wrapped() {
    let max = u64::MAX;
    // Two classes of one package, each with a total that fits, whose sum does not.
    let mut cov = jacoco_coverage();
    let classes = &mut cov.reports[0].classes;
    classes[0].counters.line = Counter::new(max - 1, 0);
    classes[1].counters.line = Counter::new(1, 3);
    let c = jacoco_rule("element = \"PACKAGE\"\ncounter = \"LINE\"\nminimum = 0.5");
    let v = verdict(&c, &mut [], Some(&cov), &NewCode::Everything);
    assert_eq!(v.status, Status::Error);
    assert_eq!(
        v.reasons,
        [format!(
            "JaCoCo rule PACKAGE.LINE.COVEREDRATIO cannot be checked: the LINE counters of \
             package com.example's classes add up past {max}: the report is corrupt"
        )]
    );

    // Two files whose branch counters add up past u64::MAX.
    let mut cov = coverage();
    let mut file = |path: &str, missed| {
        let counters = Counters {
            branch: Counter::new(missed, 0),
            ..Counters::default()
        };
        let line = LineCoverage::default();
        cov.files
            .insert(path.into(), FileCoverage::new([(1, line)], Some(counters)));
    };
    file("B.java", max);
    file("C.java", 1);
    cov.reports.push(ReportSummary {
        path: "target/jacoco.xml".into(),
        format: ReportFormat::Jacoco,
        name: None,
        counters: Counters::default(),
        classes: Vec::new(),
    });
    let err = measure(&[], Some(&cov), &NewCode::Everything, &Unlisted::default()).unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "target/jacoco.xml: the files' branch counts add up past {max}: the report is corrupt"
        )
    );
}
