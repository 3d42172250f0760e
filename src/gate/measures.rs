//! Measures: the figures conditions are checked against, per scope (the whole code,
//! and the new code a change touched), with the lists behind them (uncovered new
//! lines per file, new issues). A pure function of findings, coverage, the changed
//! lines and the code lines of changed files no report lists: no I/O, so it is
//! tested with plain values.

use super::conditions::{Metric, Scope};
use crate::coverage::{format_ranges, Counter, Coverage, CoverageError, Unlisted};
use crate::diff::{Base, ChangedLines};
use crate::model::{Finding, RuleType, Severity};
use serde::Serialize;
use std::ops::RangeInclusive;

/// Which code counts as new, and how gate knows.
#[derive(Debug, Clone)]
pub enum NewCode {
    /// The lines a diff added or changed; `reference` says against what, `base`
    /// where the files' base revisions are.
    Changed {
        reference: String,
        lines: ChangedLines,
        base: Base,
    },
    /// No diff reference: every line is new (and, with a baseline, every finding
    /// not in it).
    Everything,
}

impl NewCode {
    pub fn contains(&self, path: &str, line: u32) -> bool {
        match self {
            NewCode::Changed { lines, .. } => lines.contains(path, line),
            NewCode::Everything => true,
        }
    }

    /// The changed lines; `None` when everything is new.
    pub fn changed(&self) -> Option<&ChangedLines> {
        match self {
            NewCode::Changed { lines, .. } => Some(lines),
            NewCode::Everything => None,
        }
    }
}

/// Covered and missed units, with the percentage people read.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Figure {
    pub covered: u64,
    pub missed: u64,
    pub total: u64,
    /// `None` when there is nothing to measure (0/0).
    pub percent: Option<f64>,
}

impl From<Counter> for Figure {
    fn from(c: Counter) -> Figure {
        Figure {
            covered: c.covered,
            missed: c.missed,
            total: c.total(),
            percent: c.percent(),
        }
    }
}

/// Unsuppressed issues by severity and type.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct IssueCounts {
    pub total: usize,
    pub blocker: usize,
    pub critical: usize,
    pub major: usize,
    pub minor: usize,
    pub info: usize,
    pub bug: usize,
    pub vulnerability: usize,
    pub security_hotspot: usize,
    pub code_smell: usize,
}

impl IssueCounts {
    fn add(&mut self, f: &Finding) {
        self.total += 1;
        *match f.severity {
            Severity::Blocker => &mut self.blocker,
            Severity::Critical => &mut self.critical,
            Severity::Major => &mut self.major,
            Severity::Minor => &mut self.minor,
            Severity::Info => &mut self.info,
        } += 1;
        *match f.rule_type {
            RuleType::Bug => &mut self.bug,
            RuleType::Vulnerability => &mut self.vulnerability,
            RuleType::SecurityHotspot => &mut self.security_hotspot,
            RuleType::CodeSmell => &mut self.code_smell,
        } += 1;
    }

    fn value(&self, metric: Metric) -> Option<usize> {
        Some(match metric {
            Metric::Issues => self.total,
            Metric::IssuesBlocker => self.blocker,
            Metric::IssuesCritical => self.blocker + self.critical,
            Metric::IssuesMajor => self.blocker + self.critical + self.major,
            Metric::IssuesMinor => self.total - self.info,
            Metric::IssuesBug => self.bug,
            Metric::IssuesVulnerability => self.vulnerability,
            Metric::IssuesSecurityHotspot => self.security_hotspot,
            Metric::IssuesCodeSmell => self.code_smell,
            Metric::CoverageLine | Metric::CoverageBranch | Metric::CoverageInstruction => {
                return None
            }
        })
    }
}

/// The figures of one scope. Coverage figures are `None` without a report.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ScopeMeasures {
    pub lines: Option<Figure>,
    pub branches: Option<Figure>,
    pub instructions: Option<Figure>,
    pub issues: IssueCounts,
}

impl ScopeMeasures {
    /// The metric's value; `None` when it cannot be measured (no report, or 0/0).
    pub fn value(&self, metric: Metric) -> Option<f64> {
        let percent = |f: &Option<Figure>| f.and_then(|f| f.percent);
        match metric {
            Metric::CoverageLine => percent(&self.lines),
            Metric::CoverageBranch => percent(&self.branches),
            Metric::CoverageInstruction => percent(&self.instructions),
            _ => self.issues.value(metric).map(|n| n as f64),
        }
    }
}

/// Uncovered new lines of one file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Uncovered {
    pub path: String,
    /// Sorted; serialised as the reports print them, `12-15, 40`.
    #[serde(serialize_with = "as_text")]
    pub lines: Vec<RangeInclusive<u32>>,
    pub count: u64,
}

fn as_text<S: serde::Serializer>(ranges: &[RangeInclusive<u32>], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_ranges(ranges))
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Measures {
    /// What "new" means in this run, in words (`changes against origin/main`).
    pub new_code: String,
    /// Files and lines the change touched; `None` when everything is new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_files: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub changed_lines: Option<u64>,
    /// Unsuppressed findings of the base that the change removed; `None` when
    /// everything is new (nothing to compare with). Set by issue tracking.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fixed_issues: Option<usize>,
    /// Findings the change suppressed (`Suppression::new`): silenced, so not new
    /// issues, but what a reviewer must see. `None` when everything is new.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed_in_change: Option<usize>,
    pub overall: ScopeMeasures,
    pub new: ScopeMeasures,
    /// Uncovered new lines per file, in path order.
    pub uncovered_new_lines: Vec<Uncovered>,
    /// Changed files no report lists whose lines gate cannot count as uncovered either
    /// (a language the reports do not measure): their lines count neither way, as in
    /// diff-cover, and are listed so that the gap is visible.
    pub changed_files_without_coverage: Vec<String>,
}

impl Measures {
    /// The coverage counters some report measured, as `(name, new, overall)`
    /// rows: what every report's coverage table shows.
    pub fn coverage_rows(&self) -> Vec<(&'static str, Option<Figure>, Option<Figure>)> {
        [
            ("Lines", self.new.lines, self.overall.lines),
            ("Branches", self.new.branches, self.overall.branches),
            (
                "Instructions",
                self.new.instructions,
                self.overall.instructions,
            ),
        ]
        .into_iter()
        .filter(|(_, new, overall)| {
            !(overall.is_none_or(|f| f.total == 0) && new.is_none_or(|f| f.total == 0))
        })
        .collect()
    }

    pub fn scope(&self, scope: Scope) -> &ScopeMeasures {
        match scope {
            Scope::New => &self.new,
            Scope::Overall => &self.overall,
        }
    }
}

/// Computes every measure. `findings` must already carry their `new` flag. `unlisted`
/// holds the changed files no report lists ([`crate::coverage::vet`]): their new code
/// lines count as uncovered. Counts from reports are added with overflow checks: a
/// sum past `u64::MAX` is an error naming the reports, never a wrapped figure.
pub fn measure(
    findings: &[Finding],
    coverage: Option<&Coverage>,
    new_code: &NewCode,
    unlisted: &Unlisted,
) -> Result<Measures, CoverageError> {
    let mut overall = ScopeMeasures::default();
    let mut new = ScopeMeasures::default();
    for f in findings.iter().filter(|f| f.suppressed.is_none()) {
        overall.issues.add(f);
        if f.new {
            new.issues.add(f);
        }
    }
    let mut uncovered = Vec::new();
    let mut without = Vec::new();
    if let Some(coverage) = coverage {
        let add = |sum: &mut Counter, c: Counter, what: &str| {
            *sum = sum.checked_add(c).ok_or_else(|| CoverageError::Overflow {
                reports: report_names(coverage),
                what: what.to_string(),
            })?;
            Ok::<(), CoverageError>(())
        };
        let (mut lines, mut branches, mut instructions) =
            (Counter::default(), Counter::default(), Counter::default());
        for file in coverage.files.values() {
            add(&mut lines, file.line_counter(), "the files' line counts")?;
            match &file.counters {
                Some(c) => {
                    add(&mut branches, c.branch, "the files' branch counts")?;
                    add(
                        &mut instructions,
                        c.instruction,
                        "the files' instruction counts",
                    )?;
                }
                None => {
                    for (_, l) in file.lines() {
                        add(&mut branches, l.branches, "the lines' branch counts")?;
                        add(
                            &mut instructions,
                            l.instructions,
                            "the lines' instruction counts",
                        )?;
                    }
                }
            }
        }
        overall.lines = Some(lines.into());
        overall.branches = Some(branches.into());
        overall.instructions = Some(instructions.into());
        match new_code {
            NewCode::Everything => {
                new.lines = overall.lines;
                new.branches = overall.branches;
                new.instructions = overall.instructions;
                for (path, file) in &coverage.files {
                    push_uncovered(&mut uncovered, path, file, file.line_numbers());
                }
            }
            NewCode::Changed { lines: changed, .. } => {
                let (mut lines, mut branches, mut instructions) =
                    (Counter::default(), Counter::default(), Counter::default());
                for cf in changed.files() {
                    let Some(file) = coverage
                        .files
                        .get(&cf.path)
                        .or_else(|| unlisted.files.get(&cf.path))
                    else {
                        if cf.line_count() > 0
                            && !unlisted.excluded.contains(&cf.path)
                            && crate::model::Language::from_path(&cf.path).is_some()
                            && !crate::model::is_test_path(&cf.path)
                        {
                            without.push(cf.path.clone());
                        }
                        continue;
                    };
                    add(&mut lines, file.tally(cf.lines()), "the new lines' counts")?;
                    for n in cf.lines() {
                        if let Some(l) = file.line(n) {
                            add(&mut branches, l.branches, "the new lines' branch counts")?;
                            add(
                                &mut instructions,
                                l.instructions,
                                "the new lines' instruction counts",
                            )?;
                        }
                    }
                    let changed: Vec<u32> = cf.lines().collect();
                    push_uncovered(&mut uncovered, &cf.path, file, changed);
                }
                new.lines = Some(lines.into());
                new.branches = Some(branches.into());
                new.instructions = Some(instructions.into());
            }
        }
    }
    let (description, changed_files, changed_lines) = match new_code {
        NewCode::Changed {
            reference, lines, ..
        } => (
            reference.clone(),
            Some(lines.len()),
            Some(lines.line_count()),
        ),
        NewCode::Everything => (
            "everything (no --base, --diff or pull-request context)".to_string(),
            None,
            None,
        ),
    };
    Ok(Measures {
        new_code: description,
        changed_files,
        changed_lines,
        fixed_issues: None,
        suppressed_in_change: None,
        overall,
        new,
        uncovered_new_lines: uncovered,
        changed_files_without_coverage: without,
    })
}

/// `a/jacoco.xml, b/lcov.info`: the reports an overflow is blamed on.
fn report_names(coverage: &Coverage) -> String {
    let names: Vec<String> = coverage
        .reports
        .iter()
        .map(|r| r.path.display().to_string())
        .collect();
    names.join(", ")
}

fn push_uncovered(
    out: &mut Vec<Uncovered>,
    path: &str,
    file: &crate::coverage::FileCoverage,
    lines: impl IntoIterator<Item = u32, IntoIter: Clone>,
) {
    let lines = lines.into_iter();
    let ranges = file.missed_ranges(lines.clone());
    if ranges.is_empty() {
        return;
    }
    out.push(Uncovered {
        path: path.to_string(),
        lines: ranges,
        count: file.tally(lines).missed,
    });
}

/// The findings this change suppressed, in path order: every report lists them,
/// since a suppression silences the gate.
pub fn suppressed_in_change(findings: &[Finding]) -> impl Iterator<Item = &Finding> {
    findings
        .iter()
        .filter(|f| f.suppressed.as_ref().is_some_and(|s| s.new))
}
