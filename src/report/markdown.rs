//! PLACEHOLDER until the reports branch lands: the Markdown report with the
//! agreed signature, reduced to the verdict line and the conditions table. The
//! real renderer replaces this file at merge.

use crate::Outcome;
use std::fmt::Write as _;

/// The report as Markdown of at most `max_chars` characters.
pub fn render(outcome: &Outcome, max_chars: usize) -> String {
    let v = &outcome.verdict;
    let mut s = format!("## gate: {:?}\n\n", v.status).to_lowercase();
    for reason in &v.reasons {
        let _ = writeln!(s, "- {reason}");
    }
    s.push_str("\n| condition | scope | threshold | actual | outcome |\n|---|---|---|---|---|\n");
    for row in &v.conditions {
        let actual = row
            .actual
            .map_or_else(|| "–".to_string(), |a| format!("{a:.1}"));
        let _ = writeln!(
            s,
            "| {} | {} | {} | {actual} | {:?} |",
            row.metric, row.scope, row.threshold, row.outcome
        );
    }
    s.chars().take(max_chars).collect()
}
