//! GitHub Actions without the API: what gate leaves in the job itself, which
//! needs no token and so also works on pull requests from forks. The step
//! summary (the Markdown report), the step outputs (`verdict`, `coverage`,
//! `new-coverage`, `new-issues`) and, when the API could not be used,
//! workflow-command annotations on standard error.
//!
//! Overlaps `report/github.rs` of the reports branch; at merge this file keeps
//! only what publishing needs (the event payload) and calls that one.

use super::annotations::{Annotation, Level};
use crate::gate::Status;
use crate::Outcome;
use std::io::Write as _;
use std::path::PathBuf;

/// GitHub drops a step summary larger than this many bytes.
const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// GitHub shows this many workflow-command annotations of each level per step.
const PER_LEVEL: usize = 10;

/// What the event payload (`GITHUB_EVENT_PATH`) says about the pull request
/// beyond what the CI context keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// The pull request's labels; `None` when there is no pull request payload.
    pub labels: Option<Vec<String>>,
    /// The head repository differs from the base one (or was deleted).
    pub fork: bool,
}

impl Event {
    /// Reads the payload; anything unreadable yields the default (the CI context
    /// has already refused a pull request whose payload is broken).
    pub fn read(env: &dyn Fn(&str) -> Option<String>) -> Event {
        let Some(path) = env("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) else {
            return Event::default();
        };
        let Ok(text) = std::fs::read_to_string(PathBuf::from(path)) else {
            return Event::default();
        };
        let Ok(payload) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Event::default();
        };
        Event::from_payload(&payload)
    }

    pub fn from_payload(payload: &serde_json::Value) -> Event {
        let Some(pr) = payload.get("pull_request") else {
            return Event::default();
        };
        let labels = pr.get("labels").and_then(|l| l.as_array()).map(|labels| {
            labels
                .iter()
                .filter_map(|l| l.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .collect()
        });
        let head = pr.pointer("/head/repo/full_name").and_then(|v| v.as_str());
        let base = pr
            .pointer("/base/repo/full_name")
            .or_else(|| payload.pointer("/repository/full_name"))
            .and_then(|v| v.as_str());
        let fork = match (head, base) {
            (Some(h), Some(b)) => !h.eq_ignore_ascii_case(b),
            // A deleted fork leaves `head.repo` null.
            (None, Some(_)) => pr.pointer("/head/repo").is_some_and(|r| r.is_null()),
            _ => false,
        };
        Event { labels, fork }
    }
}

/// `%`, CR and LF escaped, as the runner expects in a command's message.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Message escaping plus `:` and `,`, which end a property.
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// Workflow commands for `annotations`: at most 10 of each level (GitHub shows no
/// more), then a notice that counts the rest.
pub fn commands(annotations: &[Annotation]) -> Vec<String> {
    let mut lines = Vec::new();
    let mut left_out = 0;
    for level in [Level::Failure, Level::Warning, Level::Notice] {
        let of_level: Vec<_> = annotations.iter().filter(|a| a.level == level).collect();
        left_out += of_level.len().saturating_sub(PER_LEVEL);
        for a in of_level.into_iter().take(PER_LEVEL) {
            let command = match level {
                Level::Failure => "error",
                Level::Warning => "warning",
                Level::Notice => "notice",
            };
            let mut props = format!(
                "file={},line={},endLine={}",
                escape_property(&a.path),
                a.start_line,
                a.end_line
            );
            if let Some((start, end)) = a.columns {
                props.push_str(&format!(",col={start},endColumn={end}"));
            }
            props.push_str(&format!(",title={}", escape_property(&a.title)));
            lines.push(format!("::{command} {props}::{}", escape_data(&a.message)));
        }
    }
    if left_out > 0 {
        lines.push(format!(
            "::notice title=gate::{left_out} more annotation(s) not shown (GitHub shows {PER_LEVEL} of each level per step); see the step summary"
        ));
    }
    lines
}

/// `name=value` lines for `$GITHUB_OUTPUT`; a figure that cannot be measured is
/// empty.
pub fn outputs(outcome: &Outcome, skipped: bool) -> String {
    let m = &outcome.measures;
    let figure = |f: Option<crate::gate::measures::Figure>| {
        f.and_then(|f| f.percent)
            .map_or_else(String::new, |p| format!("{p:.1}"))
    };
    let verdict = match (skipped, outcome.verdict.status) {
        (true, _) => "skipped",
        (false, Status::Passed) => "passed",
        (false, Status::Failed) => "failed",
        (false, Status::Error) => "error",
    };
    format!(
        "verdict={verdict}\ncoverage={}\nnew-coverage={}\nnew-issues={}\n",
        figure(m.overall.lines),
        figure(m.new.lines),
        m.new.issues.total
    )
}

/// Appends the Markdown report to `$GITHUB_STEP_SUMMARY` and the outputs to
/// `$GITHUB_OUTPUT`, when the runner names those files.
pub fn write_step(
    outcome: &Outcome,
    skipped: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> std::io::Result<()> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = var("GITHUB_STEP_SUMMARY") {
        let existing = std::fs::metadata(&path).map_or(0, |m| m.len() as usize);
        let room = STEP_SUMMARY_LIMIT.saturating_sub(existing + 256);
        let mut text = match skipped {
            Some(why) => format!("## gate: skipped\n\n{why}\n"),
            // Characters ≤ bytes, so `room` characters may still be too many bytes:
            // halve until it fits.
            None => {
                let mut chars = room;
                loop {
                    let s = crate::report::markdown::render(outcome, chars);
                    if s.len() <= room || chars == 0 {
                        break s;
                    }
                    chars /= 2;
                }
            }
        };
        text.push('\n');
        append(&path, &text)?;
    }
    if let Some(path) = var("GITHUB_OUTPUT") {
        append(&path, &outputs(outcome, skipped.is_some()))?;
    }
    Ok(())
}

fn append(path: &std::path::Path, text: &str) -> std::io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| std::io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn escaping_keeps_commands_on_one_line() {
        assert_eq!(escape_data("50%\r\nnext"), "50%25%0D%0Anext");
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
    }

    #[test]
    fn commands_cap_each_level_and_count_the_rest() {
        let a = |level, line| Annotation {
            path: "src/A,b.java".into(),
            start_line: line,
            end_line: line,
            columns: Some((3, 9)),
            level,
            title: "rule (major)".into(),
            message: "bad\nthing".into(),
        };
        let mut all: Vec<_> = (1..=12).map(|n| a(Level::Failure, n)).collect();
        all.push(a(Level::Warning, 99));
        let lines = commands(&all);
        assert_eq!(lines.len(), 12);
        assert_eq!(
            lines[0],
            "::error file=src/A%2Cb.java,line=1,endLine=1,col=3,endColumn=9,title=rule (major)::bad%0Athing"
        );
        assert!(lines[10].starts_with("::warning file=src/A%2Cb.java,line=99"));
        assert!(lines[11].starts_with("::notice title=gate::2 more annotation(s)"));
    }

    #[test]
    fn event_labels_and_forks() {
        let same = json!({"pull_request": {"labels": [{"name": "Backend"}],
            "head": {"repo": {"full_name": "acme/shop"}}, "base": {"repo": {"full_name": "acme/shop"}}}});
        assert_eq!(
            Event::from_payload(&same),
            Event {
                labels: Some(vec!["Backend".into()]),
                fork: false
            }
        );
        let fork = json!({"pull_request": {"head": {"repo": {"full_name": "eve/shop"}},
            "base": {"repo": {"full_name": "acme/shop"}}}});
        assert!(Event::from_payload(&fork).fork);
        let deleted = json!({"pull_request": {"head": {"repo": null}},
            "repository": {"full_name": "acme/shop"}});
        assert!(Event::from_payload(&deleted).fork);
        assert_eq!(
            Event::from_payload(&json!({"before": "x"})),
            Event::default()
        );
    }
}
