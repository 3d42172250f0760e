//! Annotations: the lines a reviewer should look at, as GitHub draws them on the
//! pull request's diff: every new issue (most severe first) and every uncovered
//! new line range. The check run and the workflow commands both read this list.
//!
//! GitHub's limits are applied here, where they are known: a title of at most
//! 255 characters, a message of at most 64 KB, columns only on one-line ranges.
//! Titles and messages hold no bare URL GitHub would link (see
//! [`crate::report::unlink`]): only gate's own links are clickable.

use crate::model::Severity;
use crate::pipeline::Outcome;
use crate::report::unlink;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Level {
    Failure,
    Warning,
    Notice,
}

impl Level {
    /// The Checks API's `annotation_level`.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Failure => "failure",
            Level::Warning => "warning",
            Level::Notice => "notice",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub path: String,
    pub start_line: u32,
    pub end_line: u32,
    /// Only when the annotation spans one line (GitHub's rule).
    pub columns: Option<(u32, u32)>,
    pub level: Level,
    pub title: String,
    pub message: String,
}

const MAX_TITLE: usize = 255;
const MAX_MESSAGE: usize = 64 * 1024 - 1;

/// Every annotation of the outcome, in the order they should be kept when capped:
/// new issues by severity (worst first), then uncovered new lines.
pub fn of(outcome: &Outcome) -> Vec<Annotation> {
    let mut issues: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.new && f.suppressed.is_none())
        .collect();
    issues.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then_with(|| a.location.cmp(&b.location))
    });
    let mut out: Vec<Annotation> = issues
        .into_iter()
        .map(|f| {
            let l = &f.location;
            let end_line = l.end_line.max(l.start_line);
            Annotation {
                path: l.path.clone(),
                start_line: l.start_line.max(1),
                end_line: end_line.max(1),
                columns: (l.start_line == end_line && l.start_column >= 1)
                    .then_some((l.start_column, l.end_column.max(l.start_column))),
                level: match f.severity {
                    Severity::Blocker | Severity::Critical | Severity::Major => Level::Failure,
                    Severity::Minor => Level::Warning,
                    Severity::Info => Level::Notice,
                },
                title: clip(&unlink(&format!("{} ({})", f.rule, f.severity)), MAX_TITLE),
                message: clip(&unlink(&f.message), MAX_MESSAGE),
            }
        })
        .collect();
    for file in &outcome.measures.uncovered_new_lines {
        for (start, end) in ranges(&file.lines) {
            let what = if start == end {
                format!("Line {start} is new and no test covers it.")
            } else {
                format!("Lines {start}-{end} are new and no test covers them.")
            };
            out.push(Annotation {
                path: file.path.clone(),
                start_line: start,
                end_line: end,
                columns: None,
                level: Level::Warning,
                title: "Not covered by tests".to_string(),
                message: what,
            });
        }
    }
    out
}

/// `12-15, 40` → [(12, 15), (40, 40)].
fn ranges(text: &str) -> Vec<(u32, u32)> {
    text.split(',')
        .filter_map(|part| {
            let part = part.trim();
            match part.split_once('-') {
                Some((a, b)) => Some((a.trim().parse().ok()?, b.trim().parse().ok()?)),
                None => part.parse().ok().map(|n| (n, n)),
            }
        })
        .filter(|(a, b)| *a >= 1 && a <= b)
        .collect()
}

fn clip(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_string();
    }
    let mut end = max_bytes.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_parse_the_measures_notation() {
        assert_eq!(ranges("12-15, 40"), vec![(12, 15), (40, 40)]);
        assert_eq!(ranges(""), vec![]);
        assert_eq!(ranges("0, 5-3, x"), vec![]);
    }

    #[test]
    fn clipping_keeps_char_boundaries() {
        assert_eq!(clip("abcdef", 10), "abcdef");
        assert_eq!(clip("ééééé", 7), "éé...");
    }
}
