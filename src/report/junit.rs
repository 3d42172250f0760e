//! JUnit XML for Jenkins' `junit` step and other CI dashboards: the gate as tests.
//! Suite `gate.conditions` has one case per condition (a failed condition is a
//! failure, one that could not be evaluated an error, a skipped one skipped).
//! Suite `gate.rules` has one case per rule with unsuppressed findings: it fails
//! when the rule found something of severity major or worse on new code (what the
//! default gate fails on) and lists its other findings as output. Suite
//! `gate.analysis` has one case that errs when files could not be analysed.

use super::xml::{attr, text};
use super::Level;
use crate::gate::{Outcome as RowOutcome, Row};
use crate::model::{DiagnosticLevel, Finding};
use crate::pipeline::Outcome;
use std::fmt::Write as _;
use std::io::{self, Write};

#[derive(Default)]
struct Suite {
    name: &'static str,
    cases: Vec<String>,
    failures: usize,
    errors: usize,
    skipped: usize,
}

impl Suite {
    fn new(name: &'static str) -> Suite {
        Suite {
            name,
            ..Suite::default()
        }
    }

    /// A case; `body` is the XML inside it (a failure, an error, output).
    fn case(&mut self, name: &str, body: String) {
        let mut s = format!(
            "    <testcase classname=\"{}\" name=\"{}\"",
            self.name,
            attr(name)
        );
        if body.is_empty() {
            s.push_str("/>\n");
        } else {
            let _ = write!(s, ">\n{body}    </testcase>\n");
        }
        self.cases.push(s);
    }

    fn xml(&self) -> String {
        format!(
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\">\n{}  </testsuite>\n",
            self.name,
            self.cases.len(),
            self.failures,
            self.errors,
            self.skipped,
            self.cases.concat()
        )
    }
}

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let suites = [conditions(outcome), rules(outcome), analysis(outcome)];
    let sum = |f: fn(&Suite) -> usize| suites.iter().map(f).sum::<usize>();
    write!(
        out,
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites name=\"gate\" tests=\"{}\" failures=\"{}\" errors=\"{}\" skipped=\"{}\" time=\"{:.3}\">\n",
        sum(|s| s.cases.len()),
        sum(|s| s.failures),
        sum(|s| s.errors),
        sum(|s| s.skipped),
        outcome.duration_ms as f64 / 1000.0
    )?;
    for suite in &suites {
        out.write_all(suite.xml().as_bytes())?;
    }
    writeln!(out, "</testsuites>")
}

fn conditions(outcome: &Outcome) -> Suite {
    let mut suite = Suite::new("gate.conditions");
    for row in &outcome.verdict.conditions {
        let name = format!("{} ({}) {}", row.metric, row.scope, row.threshold);
        let summary = row_summary(row);
        let body = match row.outcome {
            RowOutcome::Passed => String::new(),
            RowOutcome::Failed => {
                suite.failures += 1;
                format!(
                    "      <failure type=\"failed\" message=\"{}\"/>\n",
                    attr(&summary)
                )
            }
            RowOutcome::Error => {
                suite.errors += 1;
                format!(
                    "      <error type=\"not-evaluated\" message=\"{}\"/>\n",
                    attr(&summary)
                )
            }
            RowOutcome::Skipped | RowOutcome::NotMeasured => {
                suite.skipped += 1;
                format!(
                    "      <skipped message=\"{}\"/>\n",
                    attr(row.note.as_deref().unwrap_or("not applied"))
                )
            }
        };
        suite.case(&name, body);
    }
    suite
}

fn row_summary(row: &Row) -> String {
    let actual = row.actual_text();
    let mut s = format!(
        "{} on {} code is {actual}; required {}",
        row.metric, row.scope, row.threshold
    );
    if let Some(note) = &row.note {
        let _ = write!(s, " ({note})");
    }
    s
}

fn rules(outcome: &Outcome) -> Suite {
    let mut suite = Suite::new("gate.rules");
    let mut ids: Vec<&str> = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .map(|f| f.rule.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    for id in ids {
        let found: Vec<&Finding> = outcome
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.rule == id)
            .collect();
        // What the default gate fails on (new, major or worse) fails the case;
        // the rest is the case's output.
        let (failing, other): (Vec<&Finding>, Vec<&Finding>) = found
            .iter()
            .partition(|f| f.new && Level::of(f.severity) == Level::Error);
        let mut body = String::new();
        if let Some(worst) = failing.iter().map(|f| f.severity).max() {
            suite.failures += 1;
            let _ = writeln!(
                body,
                "      <failure type=\"{worst}\" message=\"{} new finding(s) of severity major or worse\">{}</failure>",
                failing.len(),
                text(&lines(&failing))
            );
        }
        if !other.is_empty() {
            let _ = writeln!(
                body,
                "      <system-out>{}</system-out>",
                text(&lines(&other))
            );
        }
        suite.case(id, body);
    }
    suite
}

/// `path:line:column: severity: message (new)`, one finding per line.
fn lines(findings: &[&Finding]) -> String {
    let mut s = String::new();
    for f in findings {
        let l = &f.location;
        let message = f.message.replace(['\r', '\n'], " ");
        let new = if f.new { " (new)" } else { "" };
        let _ = writeln!(
            s,
            "{}:{}:{}: {}: {message}{new}",
            l.path.replace(['\r', '\n'], " "),
            l.start_line,
            l.start_column,
            f.severity
        );
    }
    s
}

fn analysis(outcome: &Outcome) -> Suite {
    let mut suite = Suite::new("gate.analysis");
    let mut errors = String::new();
    let mut warnings = String::new();
    for d in &outcome.diagnostics {
        let line = match &d.path {
            Some(p) => format!("{p}: {}\n", d.message),
            None => format!("{}\n", d.message),
        };
        match d.level {
            DiagnosticLevel::Error => errors.push_str(&line),
            DiagnosticLevel::Warning => warnings.push_str(&line),
        }
    }
    let mut body = String::new();
    if !errors.is_empty() {
        suite.errors += 1;
        let _ = writeln!(
            body,
            "      <error type=\"analysis\" message=\"some inputs could not be analysed\">{}</error>",
            text(&errors)
        );
    }
    if !warnings.is_empty() {
        let _ = writeln!(body, "      <system-out>{}</system-out>", text(&warnings));
    }
    suite.case("every file analysed", body);
    suite
}
