//! The verdict: a pure function of the measures and the conditions. One row per
//! condition (metric, scope, threshold, actual, outcome) and one sentence per
//! reason. It fails closed: a condition that cannot be evaluated because an input
//! is missing is an error (exit 2), never a pass.

pub mod baseline;
pub mod conditions;
pub mod measures;
pub mod track;

use crate::coverage::{CounterKind, Counters, Coverage};
use crate::model::{Diagnostic, DiagnosticLevel};
use conditions::{number, Condition, Element, JacocoRule, LimitValue, Scope};
use measures::Measures;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Passed,
    Failed,
    /// Something could not be evaluated: the gate fails closed.
    Error,
}

impl Status {
    /// The process exit code: 0 passed, 1 failed, 2 could not evaluate.
    pub fn exit_code(self) -> u8 {
        match self {
            Status::Passed => 0,
            Status::Failed => 1,
            Status::Error => 2,
        }
    }
}

/// How one condition came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Outcome {
    Passed,
    Failed,
    /// Deliberately not applied (a change with fewer coverable new lines than
    /// `min_new_lines`, or nothing to measure); `note` says why.
    Skipped,
    /// Could not be evaluated: the verdict is an error.
    Error,
    /// Not measured because the run chose not to (lint only: `--no-coverage`,
    /// `[coverage] required = false`).
    NotMeasured,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Row {
    pub metric: String,
    pub scope: Scope,
    /// `≥ 80 %`, `≤ 0`.
    pub threshold: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub actual: Option<f64>,
    pub outcome: Outcome,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Row {
    /// The measured value as every report prints it: `61.2 %` for coverage, a
    /// count otherwise, `-` when nothing was measured.
    pub fn actual_text(&self) -> String {
        match self.actual {
            Some(v) if self.metric.starts_with("coverage.") => format!("{v:.1} %"),
            Some(v) => conditions::number(v),
            None => "-".to_string(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Verdict {
    pub status: Status,
    /// One sentence per reason the gate did not pass; empty when it passed.
    pub reasons: Vec<String>,
    pub conditions: Vec<Row>,
}

/// `[gate]` in gate.toml.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GateConfig {
    /// The conditions; absent means the defaults ("Sonar way" on new code).
    pub condition: Option<Vec<toml::Spanned<Condition>>>,
    pub jacoco_rule: Vec<toml::Spanned<JacocoRule>>,
    /// Coverage conditions on new code are not failed when the change has fewer
    /// coverable new lines than this: a two-line fix should not fail on 50 %.
    pub min_new_lines: u64,
    /// Fingerprints of accepted findings, written by `gate baseline`.
    pub baseline: String,
    /// In a pull request, read gate's own files from the head instead of the base
    /// (only the base's own setting counts): for repositories that protect them by
    /// review.
    pub config_from: Option<ConfigFrom>,
}

impl Default for GateConfig {
    fn default() -> Self {
        GateConfig {
            condition: None,
            jacoco_rule: Vec::new(),
            min_new_lines: 20,
            baseline: baseline::DEFAULT_PATH.to_string(),
            config_from: None,
        }
    }
}

impl GateConfig {
    pub fn conditions(&self) -> Vec<Condition> {
        self.condition
            .as_ref()
            .map_or_else(Condition::defaults, |c| {
                c.iter().map(|c| c.get_ref().clone()).collect()
            })
    }
}

/// Everything the verdict reads.
pub struct Inputs<'a> {
    pub config: &'a GateConfig,
    pub measures: &'a Measures,
    pub coverage: Option<&'a Coverage>,
    /// Why there is no coverage, when there is none.
    pub no_coverage: Option<NoCoverage<'a>>,
    pub diagnostics: &'a [Diagnostic],
}

/// Why a run has no coverage: a report was wanted and is missing (the coverage
/// conditions cannot be evaluated), or lint-only was chosen, in the words that chose it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NoCoverage<'a> {
    Missing(&'a str),
    ByChoice(&'a str),
}

impl NoCoverage<'_> {
    /// The row's outcome and note for a coverage condition without coverage.
    fn row(self) -> (Outcome, String) {
        match self {
            NoCoverage::Missing(why) => (Outcome::Error, why.to_string()),
            NoCoverage::ByChoice(how) => (
                Outcome::NotMeasured,
                format!("not measured by choice: {how}"),
            ),
        }
    }
}

pub fn decide(inputs: &Inputs) -> Verdict {
    let config = inputs.config;
    let mut rows = Vec::new();
    let mut reasons = Vec::new();
    let mut error = false;
    let errors = inputs
        .diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    if errors > 0 {
        error = true;
        reasons.push(format!(
            "{errors} problem(s) prevented a complete analysis (see the errors above)"
        ));
    }
    let coverable_new = inputs.measures.new.lines.map_or(0, |f| f.total);
    for condition in config.conditions() {
        let metric = condition.metric;
        let actual = inputs.measures.scope(condition.scope).value(metric);
        let mut row = Row {
            metric: metric.name().to_string(),
            scope: condition.scope,
            threshold: condition.threshold_text(),
            actual,
            outcome: Outcome::Passed,
            note: None,
        };
        let scope_word = match condition.scope {
            Scope::New => "new ",
            Scope::Overall => "",
        };
        if metric.is_coverage() && inputs.coverage.is_none() {
            let (outcome, note) = inputs
                .no_coverage
                .unwrap_or(NoCoverage::Missing("no coverage report"))
                .row();
            if outcome == Outcome::Error {
                error = true;
                reasons.push(format!(
                    "{scope_word}{} cannot be measured: {note}",
                    metric.label()
                ));
            }
            row.outcome = outcome;
            row.note = Some(note);
        } else if metric.is_coverage()
            && condition.scope == Scope::New
            && coverable_new < config.min_new_lines
        {
            row.outcome = Outcome::Skipped;
            row.note = Some(format!(
                "{coverable_new} coverable new line(s), fewer than min_new_lines = {}",
                config.min_new_lines
            ));
        } else {
            match actual {
                None => {
                    row.outcome = Outcome::Skipped;
                    row.note = Some("nothing to measure".to_string());
                }
                Some(v) => {
                    if let Some((side, bound)) = condition.violation(v) {
                        row.outcome = Outcome::Failed;
                        reasons.push(if metric.is_coverage() {
                            format!(
                                "{scope_word}{} {v:.1} % is {side} {} %",
                                metric.label(),
                                number(bound)
                            )
                        } else {
                            format!(
                                "{} {scope_word}{} (allowed: {})",
                                number(v),
                                metric.counted(v),
                                condition.threshold_text()
                            )
                        });
                    }
                }
            }
        }
        rows.push(row);
    }
    for rule in &config.jacoco_rule {
        let row = jacoco_row(rule.get_ref(), inputs.coverage, inputs.no_coverage);
        match row.outcome {
            Outcome::Failed => reasons.push(format!(
                "JaCoCo rule {}: {}",
                row.metric,
                row.note.as_deref().unwrap_or("limit not met")
            )),
            Outcome::Error => {
                error = true;
                reasons.push(format!(
                    "JaCoCo rule {} cannot be checked: {}",
                    row.metric,
                    row.note.as_deref().unwrap_or("no coverage")
                ));
            }
            _ => {}
        }
        rows.push(row);
    }
    let status = if error {
        Status::Error
    } else if rows.iter().any(|r| r.outcome == Outcome::Failed) {
        Status::Failed
    } else {
        Status::Passed
    };
    Verdict {
        status,
        reasons,
        conditions: rows,
    }
}

/// One row for a JaCoCo `check` rule: its worst element, and the failing ones named.
fn jacoco_row(
    rule: &JacocoRule,
    coverage: Option<&Coverage>,
    no_coverage: Option<NoCoverage>,
) -> Row {
    let (minimum, maximum) = rule.limits();
    let mut row = Row {
        metric: rule.name(),
        scope: Scope::Overall,
        threshold: match (minimum, maximum) {
            (Some(min), Some(max)) => format!("{min} – {max}"),
            (Some(min), None) => format!("≥ {min}"),
            (None, Some(max)) => format!("≤ {max}"),
            (None, None) => String::new(),
        },
        actual: None,
        outcome: Outcome::Passed,
        note: None,
    };
    let Some(coverage) = coverage else {
        let (outcome, note) = no_coverage
            .unwrap_or(NoCoverage::Missing("no coverage report"))
            .row();
        row.outcome = outcome;
        row.note = Some(note);
        return row;
    };
    let elements = match jacoco_elements(rule.element, coverage) {
        Ok(elements) => elements,
        Err(why) => {
            row.outcome = Outcome::Error;
            row.note = Some(why);
            return row;
        }
    };
    if elements.is_empty() && rule.element != Element::Bundle {
        row.outcome = Outcome::Error;
        row.note = Some(format!(
            "the report has no per-{} counters (JaCoCo XML has them; LCOV and Cobertura do not)",
            format!("{:?}", rule.element).to_lowercase()
        ));
        return row;
    }
    let mut failing = Vec::new();
    let mut worst: Option<f64> = None;
    for (name, counters) in elements {
        let included = rule
            .includes
            .iter()
            .any(|p| conditions::wildcard_match(p, &name))
            && !rule
                .excludes
                .iter()
                .any(|p| conditions::wildcard_match(p, &name));
        if !included {
            continue;
        }
        let c = counters.get(rule.counter);
        let value = match rule.value {
            LimitValue::Coveredratio => {
                (c.total() > 0).then(|| c.covered as f64 / c.total() as f64)
            }
            LimitValue::Missedratio => (c.total() > 0).then(|| c.missed as f64 / c.total() as f64),
            LimitValue::Coveredcount => Some(c.covered as f64),
            LimitValue::Missedcount => Some(c.missed as f64),
            LimitValue::Totalcount => Some(c.total() as f64),
        };
        // Like JaCoCo, a ratio of nothing (0/0) is not checked.
        let Some(value) = value else { continue };
        let too_low = minimum.is_some_and(|m| value < m);
        let too_high = maximum.is_some_and(|m| value > m);
        let is_worse = |w: f64| {
            if minimum.is_some() {
                value < w
            } else {
                value > w
            }
        };
        if worst.is_none_or(is_worse) {
            worst = Some(value);
        }
        if too_low || too_high {
            failing.push(format!("{name} = {}", round(value)));
        }
    }
    row.actual = worst.map(round);
    if !failing.is_empty() {
        row.outcome = Outcome::Failed;
        let shown: Vec<&str> = failing.iter().take(5).map(String::as_str).collect();
        let more = if failing.len() > 5 {
            format!(" and {} more", failing.len() - 5)
        } else {
            String::new()
        };
        row.note = Some(format!(
            "{} element(s) outside the limit: {}{more}",
            failing.len(),
            shown.join(", ")
        ));
    }
    row
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// The named counters of each element of a kind, as JaCoCo's `check` sees them; why
/// not, when a package's counters overflow.
fn jacoco_elements(
    element: Element,
    coverage: &Coverage,
) -> Result<Vec<(String, Counters)>, String> {
    let dotted = |s: &str| s.replace('/', ".");
    Ok(match element {
        Element::Bundle => coverage
            .reports
            .iter()
            .map(|r| {
                (
                    r.name
                        .clone()
                        .unwrap_or_else(|| r.path.display().to_string()),
                    r.counters,
                )
            })
            .collect(),
        Element::Class => coverage
            .reports
            .iter()
            .flat_map(|r| r.classes.iter())
            .map(|c| (dotted(&c.name), c.counters))
            .collect(),
        Element::Package => {
            let mut packages: std::collections::BTreeMap<String, Counters> = Default::default();
            for class in coverage.reports.iter().flat_map(|r| r.classes.iter()) {
                let name = dotted(&class.package);
                let entry = packages.entry(name.clone()).or_default();
                for kind in CounterKind::ALL {
                    let sum = entry.get_mut(kind);
                    *sum = sum.checked_add(class.counters.get(kind)).ok_or_else(|| {
                        format!(
                            "the {} counters of package {name}'s classes add up past {}: \
                             the report is corrupt",
                            kind.as_str(),
                            u64::MAX
                        )
                    })?;
                }
            }
            packages.into_iter().collect()
        }
        Element::Sourcefile => coverage
            .files
            .iter()
            .filter_map(|(path, f)| f.counters.map(|c| (path.clone(), c)))
            .collect(),
    })
}

/// Which revision gate reads its own files from in a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigFrom {
    /// The base revision: the pull request's changes apply after it merges.
    Base,
    /// The working tree, for repositories that protect these files by review.
    Head,
}

impl ConfigFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigFrom::Base => "base",
            ConfigFrom::Head => "head",
        }
    }
}

impl std::str::FromStr for ConfigFrom {
    type Err = String;

    fn from_str(s: &str) -> Result<ConfigFrom, String> {
        match s {
            "base" => Ok(ConfigFrom::Base),
            "head" => Ok(ConfigFrom::Head),
            _ => Err(format!("`{s}`: expected `base` or `head`")),
        }
    }
}

#[cfg(test)]
mod tests;
