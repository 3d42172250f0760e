//! What gate leaves for the rest of a GitHub Actions workflow: the Markdown report
//! in the step summary, and the outputs `verdict`, `coverage`, `new-coverage` and
//! `new-issues`.

use crate::pipeline::Outcome;
use crate::report::markdown;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

/// GitHub drops a step summary larger than this many bytes.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

/// What [`publish_to_step`] wrote.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Published {
    pub step_summary: Option<PathBuf>,
    pub outputs: Option<PathBuf>,
}

/// In a GitHub Actions step (`GITHUB_ACTIONS=true`), appends the Markdown report
/// to `$GITHUB_STEP_SUMMARY` and the outputs `verdict`, `coverage`,
/// `new-coverage` and `new-issues` to `$GITHUB_OUTPUT`; elsewhere does nothing.
/// `env` looks variables up (the process environment, or a map in tests).
/// `skipped` says why publishing skipped this pull request (`[github]
/// only_labels`): the summary then says so and the `verdict` output is `skipped`.
pub fn publish_to_step(
    outcome: &Outcome,
    skipped: Option<&str>,
    env: &dyn Fn(&str) -> Option<String>,
) -> io::Result<Published> {
    let mut published = Published::default();
    if env("GITHUB_ACTIONS").as_deref() != Some("true") {
        return Ok(published);
    }
    let var = |name: &str| env(name).filter(|v| !v.is_empty()).map(PathBuf::from);
    if let Some(path) = var("GITHUB_STEP_SUMMARY") {
        let existing = std::fs::metadata(&path).map_or(0, |m| m.len() as usize);
        let room = STEP_SUMMARY_LIMIT.saturating_sub(existing + 2);
        let summary = match skipped {
            Some(why) => format!("## gate: skipped\n\n{why}\n"),
            None => summary_within(outcome, room),
        };
        if !summary.is_empty() {
            // A blank line keeps it apart from what earlier steps wrote.
            let gap = if existing > 0 { "\n" } else { "" };
            append(&path, &format!("{gap}{summary}\n"))?;
        }
        published.step_summary = Some(path);
    }
    if let Some(path) = var("GITHUB_OUTPUT") {
        append(&path, &outputs(outcome, skipped.is_some()))?;
        published.outputs = Some(path);
    }
    Ok(published)
}

/// The Markdown report in at most `bytes` bytes (GitHub's limit counts bytes,
/// the renderer counts characters).
fn summary_within(outcome: &Outcome, bytes: usize) -> String {
    let mut chars = bytes;
    loop {
        let s = markdown::render(outcome, chars, None);
        if s.len() <= bytes || chars == 0 {
            return s;
        }
        chars = (chars * bytes / s.len()).min(chars - 1);
    }
}

/// `name=value` lines for `$GITHUB_OUTPUT`; a figure that cannot be measured is
/// empty.
pub fn outputs(outcome: &Outcome, skipped: bool) -> String {
    let m = &outcome.measures;
    let figure = |f: Option<crate::gate::measures::Figure>| {
        f.and_then(|f| f.percent)
            .map_or_else(String::new, |p| format!("{p:.1}"))
    };
    let status = match (skipped, outcome.verdict.status) {
        (true, _) => "skipped",
        (false, crate::gate::Status::Passed) => "passed",
        (false, crate::gate::Status::Failed) => "failed",
        (false, crate::gate::Status::Error) => "error",
    };
    let mut s = String::new();
    let _ = writeln!(s, "verdict={status}");
    let _ = writeln!(s, "coverage={}", figure(m.overall.lines));
    let _ = writeln!(s, "new-coverage={}", figure(m.new.lines));
    let _ = writeln!(s, "new-issues={}", m.new.issues.total);
    s
}

fn append(path: &std::path::Path, text: &str) -> io::Result<()> {
    let mut file = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(path)
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))?;
    file.write_all(text.as_bytes())
        .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
}
