//! The JSON report: a stable, versioned document (`schema_version`), described by
//! `docs/gate-report.schema.json`. Other tools and later formats read this shape,
//! so fields are only ever added within a version.

use crate::gate::measures::Measures;
use crate::gate::Verdict;
use crate::model::{Diagnostic, Finding, Severity};
use crate::pipeline::Outcome;
use serde::Serialize;
use std::io::{self, Write};

/// Bumped when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 1;

#[derive(Serialize)]
struct Report<'a> {
    schema_version: u32,
    tool: Tool,
    root: &'a str,
    verdict: VerdictOut<'a>,
    summary: Summary,
    skipped: Skipped<'a>,
    measures: &'a Measures,
    coverage_reports: &'a [String],
    findings: &'a [Finding],
    fixed: &'a [Finding],
    #[serde(skip_serializing_if = "Option::is_none")]
    config_source: Option<&'a crate::pipeline::setup::ConfigSource>,
    diagnostics: &'a [Diagnostic],
    duration_ms: u64,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct VerdictOut<'a> {
    #[serde(flatten)]
    verdict: &'a Verdict,
    exit_code: u8,
}

#[derive(Serialize)]
struct Summary {
    files: usize,
    lines: u64,
    rules: usize,
    findings: usize,
    suppressed: usize,
    by_severity: BySeverity,
}

/// Counts per severity, most severe first (a struct keeps that order in JSON).
#[derive(Serialize)]
struct BySeverity {
    blocker: usize,
    critical: usize,
    major: usize,
    minor: usize,
    info: usize,
}

#[derive(Serialize)]
struct Skipped<'a> {
    default_excluded_dirs: &'a [String],
    excluded_by_config: usize,
}

pub fn render(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let active = || outcome.findings.iter().filter(|f| f.suppressed.is_none());
    let count = |s: Severity| active().filter(|f| f.severity == s).count();
    let by_severity = BySeverity {
        blocker: count(Severity::Blocker),
        critical: count(Severity::Critical),
        major: count(Severity::Major),
        minor: count(Severity::Minor),
        info: count(Severity::Info),
    };
    let report = Report {
        schema_version: SCHEMA_VERSION,
        tool: Tool {
            name: "gate",
            version: env!("CARGO_PKG_VERSION"),
        },
        root: &outcome.root,
        verdict: VerdictOut {
            verdict: &outcome.verdict,
            exit_code: outcome.verdict.status.exit_code(),
        },
        summary: Summary {
            files: outcome.files,
            lines: outcome.lines,
            rules: outcome.rules,
            findings: active().count(),
            suppressed: outcome.findings.len() - active().count(),
            by_severity,
        },
        skipped: Skipped {
            default_excluded_dirs: &outcome.default_excluded_dirs,
            excluded_by_config: outcome.excluded_by_config,
        },
        measures: &outcome.measures,
        coverage_reports: &outcome.coverage_reports,
        findings: &outcome.findings,
        fixed: &outcome.fixed,
        config_source: outcome.config_source.as_ref(),
        diagnostics: &outcome.diagnostics,
        duration_ms: outcome.duration_ms,
    };
    super::write_json(out, &report)?;
    writeln!(out)
}
