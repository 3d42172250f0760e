//! GitHub Actions: workflow commands that annotate the pull request's lines, and
//! what gate leaves for the rest of the workflow (the step summary, the outputs).
//!
//! Annotations: the verdict when the gate did not pass, then new issues (most
//! severe first; error for major and worse, warning for minor, notice for info)
//! and uncovered new line ranges (warnings). GitHub shows only 10 annotations of
//! each level per step, so more are not printed; a last notice says how many were
//! left out. Values are escaped as the runner expects (`%`, CR, LF everywhere, and
//! `:` and `,` in properties), so no file name or message can end a command early
//! or start another; the console (see [`crate::console`]) prints them, letting
//! only these annotations through. Titles and messages hold no bare URL GitHub
//! would link (see [`super::unlink`]).

use super::annotations::{self, Annotation};
use super::{markdown, Level};
use crate::pipeline::Outcome;
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::PathBuf;

/// GitHub shows this many annotations of each level (error, warning, notice) per step.
pub const MAX_PER_LEVEL: usize = 10;

/// A message longer than this is shortened (the log line stays readable).
const MAX_MESSAGE: usize = 1_000;

/// GitHub drops a step summary larger than this many bytes.
pub const STEP_SUMMARY_LIMIT: usize = 1024 * 1024;

pub fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    if let Some((sentence, differences)) = super::config_notice(outcome) {
        let mut message = sentence;
        for d in differences {
            message.push_str(&format!("\n{d}"));
        }
        writeln!(
            out,
            "::warning title=gate configuration::{}",
            escape_data(&message)
        )?;
    }
    for line in commands(outcome, MAX_PER_LEVEL) {
        writeln!(out, "{line}")?;
    }
    Ok(())
}

/// One workflow command: the verdict, an annotation, or the overflow notice.
struct Command {
    level: Level,
    properties: Vec<(&'static str, String)>,
    message: String,
}

impl Command {
    fn text(&self) -> String {
        let name = match self.level {
            Level::Error => "error",
            Level::Warning => "warning",
            Level::Note => "notice",
        };
        let properties: Vec<String> = self
            .properties
            .iter()
            .map(|(k, v)| format!("{k}={}", escape_property(v)))
            .collect();
        format!(
            "::{name} {}::{}",
            properties.join(","),
            escape_data(&shorten(&self.message))
        )
    }
}

impl From<Annotation> for Command {
    fn from(a: Annotation) -> Command {
        let mut properties = vec![
            ("file", a.path),
            ("line", a.lines.start().to_string()),
            ("endLine", a.lines.end().to_string()),
        ];
        if let Some((start, end)) = a.columns {
            properties.push(("col", start.to_string()));
            properties.push(("endColumn", end.to_string()));
        }
        properties.push(("title", a.title));
        Command {
            level: a.level,
            properties,
            message: a.message,
        }
    }
}

/// The workflow commands, at most `per_level` of each level.
pub fn commands(outcome: &Outcome, per_level: usize) -> Vec<String> {
    let all = all_commands(outcome);
    let count = |level: Level| all.iter().filter(|a| a.level == level).count();
    let overflow = [Level::Error, Level::Warning, Level::Note]
        .iter()
        .any(|l| count(*l) > per_level);
    let mut shown = Vec::new();
    let mut left_out = [0usize; 3];
    let mut used = [0usize; 3];
    for a in &all {
        let i = a.level as usize;
        // The summary line of an overflow is a notice too: keep a slot for it.
        let cap = if overflow && a.level == Level::Note {
            per_level.saturating_sub(1)
        } else {
            per_level
        };
        if used[i] < cap {
            used[i] += 1;
            shown.push(a.text());
        } else {
            left_out[i] += 1;
        }
    }
    let total: usize = left_out.iter().sum();
    if total > 0 {
        let [notes, warnings, errors] = left_out;
        let note = Command {
            level: Level::Note,
            properties: vec![("title", "gate: more annotations".to_string())],
            message: format!(
                "{total} more annotations not shown ({errors} errors, {warnings} warnings, {notes} notices): \
                 GitHub shows {per_level} of each level per step. The step summary and the SARIF report list everything."
            ),
        };
        shown.push(note.text());
    }
    shown
}

/// The verdict when the gate did not pass, then the annotations.
fn all_commands(outcome: &Outcome) -> Vec<Command> {
    let mut all = Vec::new();
    let v = &outcome.verdict;
    if v.status != crate::gate::Status::Passed {
        let title = match v.status {
            crate::gate::Status::Error => "Quality gate could not be evaluated",
            _ => "Quality gate failed",
        };
        all.push(Command {
            level: Level::Error,
            properties: vec![("title", title.to_string())],
            message: v.reasons.join("; "),
        });
    }
    all.extend(annotations::of(outcome).into_iter().map(Command::from));
    all
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_MESSAGE {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_MESSAGE - 1).collect();
    s.push('…');
    s
}

/// A command's message: `%`, CR and LF encoded.
fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A command's property value: as data, plus `:` and `,`, which end a value.
fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

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
        let s = markdown::render(outcome, chars);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_as_the_runner_expects() {
        assert_eq!(escape_data("50% a\r\nb: c, d"), "50%25 a%0D%0Ab: c, d");
        assert_eq!(
            escape_property("src/a,b:c%d\ne.java"),
            "src/a%2Cb%3Ac%25d%0Ae.java"
        );
    }
}
