//! SARIF 2.1.0, for GitHub code scanning and every SARIF viewer. One run: the
//! driver lists every rule this run applied (so `ruleIndex` points into it), each
//! finding is a result with a repository-relative location and our fingerprint as
//! `partialFingerprints` (stable across line shifts, which is how GitHub matches
//! alerts between runs). Suppressed findings are results with `suppressions`.
//!
//! GitHub's limits for an uploaded file shape it: at most 25,000 results per run
//! (GitHub keeps the 5,000 most severe, so results come most severe first), at most
//! 20 tags per rule, a `help` text and descriptions on every rule. Checked by
//! Microsoft's validator (`--rule-kind Sarif;Gh`) and the schema in the tests.

use super::{uri_path, Level};
use crate::model::{DiagnosticLevel, Finding, RuleType, Severity};
use crate::pipeline::Outcome;
use crate::rules::EnabledRule;
use serde_json::{json, Value};
use std::io::{self, Write};

/// The final OASIS schema URI, which validators and GitHub recognise.
pub const SCHEMA_URI: &str =
    "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";

/// GitHub rejects a run with more results than this.
pub const MAX_RESULTS: usize = 25_000;

/// GitHub reads at most this many tags per rule.
const MAX_TAGS: usize = 20;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    super::write_json(out, &document(outcome, MAX_RESULTS))?;
    writeln!(out)
}

/// The SARIF log as JSON, with at most `max_results` results.
pub fn document(outcome: &Outcome, max_results: usize) -> Value {
    let mut rules: Vec<Value> = outcome.enabled_rules.iter().map(rule).collect();
    let mut ids: Vec<&str> = outcome
        .enabled_rules
        .iter()
        .map(|r| r.rule.id.as_str())
        .collect();
    // Findings only come from enabled rules; a descriptor for any other keeps
    // every `ruleIndex` valid all the same.
    for f in &outcome.findings {
        if !ids.contains(&f.rule.as_str()) {
            ids.push(&f.rule);
            rules.push(unknown_rule(f));
        }
    }

    let mut findings: Vec<&Finding> = outcome.findings.iter().collect();
    findings.sort_by(|a, b| {
        a.suppressed
            .is_some()
            .cmp(&b.suppressed.is_some())
            .then_with(|| b.severity.cmp(&a.severity))
            .then_with(|| a.location.cmp(&b.location))
            .then_with(|| a.rule.cmp(&b.rule))
    });
    let knows_new_code = outcome.measures.changed_files.is_some();
    let results: Vec<Value> = findings
        .iter()
        .take(max_results)
        .map(|f| {
            let index = ids.iter().position(|id| *id == f.rule).unwrap_or(0);
            result(f, index, knows_new_code)
        })
        .collect();

    let mut notifications: Vec<Value> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let mut n = json!({
                "level": match d.level {
                    DiagnosticLevel::Warning => "warning",
                    DiagnosticLevel::Error => "error",
                },
                "message": message(&d.message),
            });
            if let Some(path) = &d.path {
                n["locations"] = json!([{ "physicalLocation": artifact(path) }]);
            }
            n
        })
        .collect();
    if findings.len() > results.len() {
        notifications.push(json!({
            "level": "warning",
            "message": message(&format!(
                "{} of {} findings are left out: a SARIF run holds at most {max_results} results; the most severe are kept",
                findings.len() - results.len(),
                findings.len()
            )),
        }));
    }
    let execution_successful = !outcome
        .diagnostics
        .iter()
        .any(|d| d.level == DiagnosticLevel::Error);

    json!({
        "$schema": SCHEMA_URI,
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "gate",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            } },
            "automationDetails": { "id": "gate/" },
            "columnKind": "unicodeCodePoints",
            "invocations": [{
                "executionSuccessful": execution_successful,
                "toolExecutionNotifications": notifications,
            }],
            "results": results,
            "properties": {
                "verdict": outcome.verdict.status,
                "reasons": outcome.verdict.reasons,
                "newCode": outcome.measures.new_code,
            },
        }],
    })
}

fn rule(enabled: &EnabledRule) -> Value {
    let r = &enabled.rule;
    let mut tags: Vec<String> = vec![r.language.to_string(), r.rule_type.to_string()];
    if matches!(
        r.rule_type,
        RuleType::Vulnerability | RuleType::SecurityHotspot
    ) {
        // GitHub shows security severity only on rules tagged `security`.
        tags.push("security".to_string());
    }
    for t in &r.tags {
        if !tags.contains(t) {
            tags.push(t.clone());
        }
    }
    tags.truncate(MAX_TAGS);
    let mut properties = json!({
        "tags": tags,
        "severity": enabled.severity,
        "type": r.rule_type,
    });
    if let Some(score) = security_severity(r.rule_type, enabled.severity) {
        properties["security-severity"] = json!(score);
    }
    let description = r.description.trim();
    json!({
        "id": r.id,
        "name": pascal_case(&r.id),
        "shortDescription": { "text": sentence(&r.title) },
        "fullDescription": { "text": sentence(first_paragraph(description)) },
        "help": { "text": description, "markdown": description },
        "defaultConfiguration": { "level": level(enabled.severity) },
        "properties": properties,
    })
}

fn unknown_rule(f: &Finding) -> Value {
    json!({
        "id": f.rule,
        "name": pascal_case(&f.rule),
        "shortDescription": { "text": sentence(&f.rule) },
        "fullDescription": { "text": sentence(&f.rule) },
        "help": { "text": format!("`gate explain {}` describes this rule.", f.rule) },
        "defaultConfiguration": { "level": level(f.severity) },
    })
}

fn result(f: &Finding, rule_index: usize, knows_new_code: bool) -> Value {
    let l = &f.location;
    let mut location = artifact(&l.path);
    location["region"] = json!({
        "startLine": l.start_line.max(1),
        "startColumn": l.start_column.max(1),
        "endLine": l.end_line.max(l.start_line).max(1),
        "endColumn": l.end_column.max(1),
    });
    let mut result = json!({
        "ruleId": f.rule,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": message(&f.message),
        "locations": [{ "physicalLocation": location }],
        "partialFingerprints": {
            "primaryLocationLineHash": f.fingerprint,
            "gate/v1": f.fingerprint,
        },
        "properties": { "severity": f.severity, "type": f.rule_type },
    });
    if knows_new_code && f.suppressed.is_none() {
        result["baselineState"] = json!(if f.new { "new" } else { "unchanged" });
    }
    if let Some(s) = &f.suppressed {
        let mut suppression = json!({ "kind": "inSource" });
        if let Some(reason) = &s.reason {
            suppression["justification"] = json!(reason);
        }
        result["suppressions"] = json!([suppression]);
    }
    result
}

fn artifact(path: &str) -> Value {
    json!({ "artifactLocation": { "uri": uri_path(path), "uriBaseId": "%SRCROOT%" } })
}

fn level(severity: Severity) -> &'static str {
    match Level::of(severity) {
        Level::Error => "error",
        Level::Warning => "warning",
        Level::Note => "note",
    }
}

/// GitHub's scale for security alerts: over 9 critical, 7 to 8.9 high, 4 to 6.9
/// medium, below 4 low.
fn security_severity(rule_type: RuleType, severity: Severity) -> Option<String> {
    if !matches!(
        rule_type,
        RuleType::Vulnerability | RuleType::SecurityHotspot
    ) {
        return None;
    }
    Some(
        match severity {
            Severity::Blocker => "9.5",
            Severity::Critical => "8.0",
            Severity::Major => "5.5",
            Severity::Minor => "3.0",
            Severity::Info => "1.0",
        }
        .to_string(),
    )
}

/// `empty-catch-block` → `EmptyCatchBlock`: SARIF's friendly rule name.
fn pascal_case(id: &str) -> String {
    id.split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |c| {
                c.to_uppercase().chain(chars).collect::<String>()
            })
        })
        .collect()
}

/// The Markdown's first paragraph, as one line of text.
fn first_paragraph(markdown: &str) -> &str {
    let end = markdown.find("\n\n").unwrap_or(markdown.len());
    let end = markdown[..end].find("\n#").unwrap_or(end);
    markdown[..end].trim()
}

/// A message object. Its text may hold `{0}` placeholders, so literal braces
/// are doubled (SARIF 2.1.0 §3.11.5).
fn message(text: &str) -> Value {
    json!({ "text": sentence(text).replace('{', "{{").replace('}', "}}") })
}

/// SARIF asks for messages that are sentences: one line, ending in a period.
fn sentence(text: &str) -> String {
    let mut s = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if s.is_empty() {
        s.push_str("(no text)");
    }
    if !s.ends_with(['.', '!', '?']) {
        s.push('.');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_sentences() {
        assert_eq!(pascal_case("empty-catch-block"), "EmptyCatchBlock");
        assert_eq!(pascal_case("team.no_foo"), "TeamNoFoo");
        assert_eq!(sentence("two\nlines"), "two lines.");
        assert_eq!(sentence("Done."), "Done.");
        assert_eq!(message("a {b}")["text"], "a {{b}}.");
        assert_eq!(
            first_paragraph("Finds X\nand Y.\n\n## Why it matters\nZ"),
            "Finds X\nand Y."
        );
        assert_eq!(first_paragraph("Finds X.\n## Why"), "Finds X.");
    }
}
