//! Suppressions written in the code. A language engine reports the comments and
//! annotations it sees during its one walk; this module decides which findings
//! they silence. Suppressed findings are kept (and counted), never dropped.
//!
//! - `// gate:ignore[rule-a, rule-b] reason` silences those rules on its own line,
//!   and on the next line when the comment stands alone on its line; bare
//!   `gate:ignore` silences every rule there.
//! - `// NOSONAR` silences every rule on its line, as in SonarQube.
//! - `@SuppressWarnings("gate:rule-id")` (or `"gate"` for all) silences findings
//!   inside the annotated declaration; the rule's SonarJava key (`"java:S108"`)
//!   works too, so migrated code keeps its suppressions.

use crate::model::{Suppression, SuppressionKind};
use memchr::memmem;
use std::sync::LazyLock;

#[derive(Debug, Default)]
pub struct Suppressions {
    marks: Vec<Mark>,
}

#[derive(Debug)]
struct Mark {
    first_line: u32,
    last_line: u32,
    /// Rule ids (or Sonar keys); empty means every rule.
    ids: Vec<String>,
    kind: SuppressionKind,
    reason: Option<String>,
}

const MARKER: &str = "gate:ignore";

/// Built once: making a searcher costs more than searching most comments.
static FIND_MARKER: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new(MARKER));
static FIND_NOSONAR: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("NOSONAR"));

impl Suppressions {
    /// Reads one comment. `own_line` is true when nothing but whitespace precedes it.
    pub fn comment(&mut self, text: &str, line: u32, end_line: u32, own_line: bool) {
        let last_line = if own_line { end_line + 1 } else { end_line };
        // memmem: most comments are Javadoc prose without either marker.
        if let Some(pos) = FIND_MARKER.find(text.as_bytes()) {
            let rest = &text[pos + MARKER.len()..];
            let (ids, rest) = match rest.strip_prefix('[') {
                Some(r) => match r.split_once(']') {
                    Some((list, after)) => (
                        list.split(',')
                            .map(|s| s.trim().to_string())
                            .filter(|s| !s.is_empty())
                            .collect(),
                        after,
                    ),
                    None => (Vec::new(), r),
                },
                None => (Vec::new(), rest),
            };
            let reason = rest
                .trim()
                .trim_end_matches("*/")
                .trim()
                .trim_start_matches([':', '-', '—'])
                .trim();
            self.marks.push(Mark {
                first_line: line,
                last_line,
                ids,
                kind: SuppressionKind::Comment,
                reason: (!reason.is_empty()).then(|| reason.to_string()),
            });
        } else if FIND_NOSONAR.find(text.as_bytes()).is_some() {
            self.marks.push(Mark {
                first_line: line,
                last_line: end_line,
                ids: Vec::new(),
                kind: SuppressionKind::Nosonar,
                reason: None,
            });
        }
    }

    /// Records a `@SuppressWarnings` over a declaration spanning these lines, with
    /// the annotation's string values.
    pub fn annotation<'a>(
        &mut self,
        first_line: u32,
        last_line: u32,
        values: impl Iterator<Item = &'a str>,
    ) {
        let mut ids = Vec::new();
        let mut all = false;
        for v in values {
            if v == "gate" {
                all = true;
            } else if let Some(id) = v.strip_prefix("gate:") {
                ids.push(id.to_string());
            } else if v.contains(':') {
                // A Sonar key such as "java:S108", matched against rule metadata.
                ids.push(v.to_string());
            }
        }
        if all || !ids.is_empty() {
            self.marks.push(Mark {
                first_line,
                last_line,
                ids: if all { Vec::new() } else { ids },
                kind: SuppressionKind::Annotation,
                reason: None,
            });
        }
    }

    /// The suppression covering a finding of `rule` (with Sonar key `sonar`) that
    /// starts on `line`, if any.
    pub fn find(&self, rule: &str, sonar: Option<&str>, line: u32) -> Option<Suppression> {
        self.marks
            .iter()
            .find(|m| {
                (m.first_line..=m.last_line).contains(&line)
                    && (m.ids.is_empty()
                        || m.ids
                            .iter()
                            .any(|id| id == rule || Some(id.as_str()) == sonar))
            })
            .map(|m| Suppression {
                kind: m.kind,
                reason: m.reason.clone(),
                new: false,
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comment_on_own_line_covers_the_next_line() {
        let mut s = Suppressions::default();
        s.comment("// gate:ignore[todo-comment, x] legacy code", 3, 3, true);
        assert!(s.find("todo-comment", None, 3).is_some());
        let found = s.find("x", None, 4).unwrap();
        assert_eq!(found.reason.as_deref(), Some("legacy code"));
        assert!(s.find("todo-comment", None, 5).is_none());
        assert!(s.find("other", None, 4).is_none());
    }

    #[test]
    fn trailing_comment_covers_its_line_only_and_bare_marker_covers_all() {
        let mut s = Suppressions::default();
        s.comment("// gate:ignore", 7, 7, false);
        assert!(s.find("anything", None, 7).is_some());
        assert!(s.find("anything", None, 8).is_none());
    }

    #[test]
    fn nosonar_and_annotations() {
        let mut s = Suppressions::default();
        s.comment("// NOSONAR", 2, 2, false);
        assert_eq!(s.find("r", None, 2).unwrap().kind, SuppressionKind::Nosonar);
        s.annotation(10, 20, ["gate:r1", "java:S108", "unchecked"].into_iter());
        assert!(s.find("r1", None, 15).is_some());
        assert!(s.find("r2", Some("java:S108"), 20).is_some());
        assert!(s.find("r2", Some("java:S1"), 20).is_none());
        assert!(s.find("r1", None, 21).is_none());
    }
}
