//! The verdict: a pure function of what the earlier stages found. Until coverage
//! and conditions land, the gate fails on any unsuppressed finding of severity
//! major or above, and cannot pass when something could not be analysed.

use crate::model::{Diagnostic, DiagnosticLevel, Finding, Severity};
use serde::Serialize;

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Verdict {
    pub status: Status,
    /// One sentence per reason the gate did not pass; empty when it passed.
    pub reasons: Vec<String>,
}

/// Findings at or above this severity fail the gate.
pub const FAIL_AT: Severity = Severity::Major;

pub fn decide(findings: &[Finding], diagnostics: &[Diagnostic]) -> Verdict {
    let mut reasons = Vec::new();
    let errors = diagnostics
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    if errors > 0 {
        reasons.push(format!(
            "{errors} problem(s) prevented a complete analysis (see the errors above)"
        ));
    }
    let blocking = findings
        .iter()
        .filter(|f| f.suppressed.is_none() && f.severity >= FAIL_AT)
        .count();
    if blocking > 0 {
        reasons.push(format!(
            "{blocking} finding(s) of severity {FAIL_AT} or above"
        ));
    }
    let status = if errors > 0 {
        Status::Error
    } else if blocking > 0 {
        Status::Failed
    } else {
        Status::Passed
    };
    Verdict { status, reasons }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Location, RuleType};

    fn finding(severity: Severity, suppressed: bool) -> Finding {
        Finding {
            rule: "r".into(),
            severity,
            rule_type: RuleType::Bug,
            location: Location {
                path: "A.java".into(),
                start_line: 1,
                start_column: 1,
                end_line: 1,
                end_column: 2,
            },
            message: "m".into(),
            snippet: String::new(),
            fingerprint: "0".into(),
            suppressed: suppressed.then_some(crate::model::Suppression {
                kind: crate::model::SuppressionKind::Comment,
                reason: None,
            }),
        }
    }

    #[test]
    fn fails_on_major_or_above_unless_suppressed() {
        assert_eq!(
            decide(&[finding(Severity::Minor, false)], &[]).status,
            Status::Passed
        );
        assert_eq!(
            decide(&[finding(Severity::Major, false)], &[]).status,
            Status::Failed
        );
        assert_eq!(
            decide(&[finding(Severity::Blocker, true)], &[]).status,
            Status::Passed
        );
    }

    #[test]
    fn an_analysis_error_fails_closed_with_exit_2() {
        let d = Diagnostic {
            level: DiagnosticLevel::Error,
            path: None,
            message: "cannot read".into(),
        };
        let v = decide(&[], &[d]);
        assert_eq!((v.status, v.status.exit_code()), (Status::Error, 2));
    }
}
