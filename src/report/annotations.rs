//! Annotations: the lines a reviewer should look at, as GitHub draws them on the
//! pull request's diff: every new issue (most severe first) and every uncovered
//! new line range. Built once here; the check run (`publish::github`) and the
//! workflow commands ([`super::github`]) render the same list, each within its
//! own limits. Titles and messages hold no bare URL GitHub would link (see
//! [`super::unlink`]): only gate's own links are clickable.

use super::{new_issues, unlink, Level};
use crate::pipeline::Outcome;
use std::ops::RangeInclusive;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotation {
    pub path: String,
    /// 1-based, never empty.
    pub lines: RangeInclusive<u32>,
    /// Only when the annotation spans one line (GitHub's rule).
    pub columns: Option<(u32, u32)>,
    pub level: Level,
    pub title: String,
    pub message: String,
}

/// Every annotation of the outcome, in the order they should be kept when capped:
/// new issues by severity (worst first), then uncovered new lines.
pub fn of(outcome: &Outcome) -> Vec<Annotation> {
    let mut out: Vec<Annotation> = new_issues(outcome)
        .into_iter()
        .map(|f| {
            let l = &f.location;
            let start = l.start_line.max(1);
            let end = l.end_line.max(start);
            Annotation {
                path: l.path.clone(),
                lines: start..=end,
                columns: (start == end && l.start_column >= 1)
                    .then_some((l.start_column, l.end_column.max(l.start_column))),
                level: Level::of(f.severity),
                title: unlink(&format!("{} ({})", f.rule, f.severity)).into_owned(),
                message: unlink(&f.message).into_owned(),
            }
        })
        .collect();
    for file in &outcome.measures.uncovered_new_lines {
        for range in &file.lines {
            let (start, end) = (*range.start(), *range.end());
            let what = if start == end {
                format!("Line {start} is")
            } else {
                format!("Lines {start}-{end} are")
            };
            out.push(Annotation {
                path: file.path.clone(),
                lines: range.clone(),
                columns: None,
                level: Level::Warning,
                title: "Not covered by tests".to_string(),
                message: format!("{what} new and not covered by any test."),
            });
        }
    }
    out
}
