//! GitHub Actions' workflow commands: they annotate the pull request's lines from
//! the job's log (the step summary and outputs are `publish::github::step`'s).
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
use super::Level;
use crate::pipeline::Outcome;
use std::io::{self, Write};

/// GitHub shows this many annotations of each level (error, warning, notice) per step.
pub const MAX_PER_LEVEL: usize = 10;

/// A message longer than this is shortened (the log line stays readable).
const MAX_MESSAGE: usize = 1_000;

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
