//! Checkstyle XML, the lingua franca of Jenkins' Warnings Next Generation plugin
//! (`recordIssues(tools: [checkStyle(pattern: 'gate-checkstyle.xml')])`) and many
//! other consumers: one `<file>` per path, one `<error>` per unsuppressed finding,
//! `source` naming the rule as `gate.<rule-id>`. Severity is Checkstyle's scale
//! (error, warning, info); the consumer decides what is new against its own
//! reference build, so every finding is listed, new or not.

use super::xml::attr;
use super::Level;
use crate::model::Finding;
use crate::pipeline::Outcome;
use std::io::{self, Write};

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let mut findings: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    findings.sort_by(|a, b| a.location.cmp(&b.location).then(a.rule.cmp(&b.rule)));
    writeln!(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>")?;
    writeln!(out, "<checkstyle version=\"4.3\">")?;
    let mut current: Option<&str> = None;
    for f in findings {
        let path = f.location.path.as_str();
        if current != Some(path) {
            if current.is_some() {
                writeln!(out, "  </file>")?;
            }
            writeln!(out, "  <file name=\"{}\">", attr(path))?;
            current = Some(path);
        }
        let severity = match Level::of(f.severity) {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "info",
        };
        writeln!(
            out,
            "    <error line=\"{}\" column=\"{}\" severity=\"{severity}\" message=\"{}\" source=\"gate.{}\"/>",
            f.location.start_line,
            f.location.start_column,
            attr(&f.message),
            attr(&f.rule)
        )?;
    }
    if current.is_some() {
        writeln!(out, "  </file>")?;
    }
    writeln!(out, "</checkstyle>")
}
