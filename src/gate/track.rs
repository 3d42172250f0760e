//! Issue tracking, as SonarQube does it: a finding is *new* when no finding of the
//! same file's base revision matches it, and a base finding left without a match is
//! *fixed*. "Starts on a changed line" is not enough: a method that grows past a
//! complexity limit is reported at its unchanged name, a field whose last use goes is
//! reported at its unchanged declaration.
//!
//! Matching goes from the strongest evidence to the weakest, each pass over what the
//! ones before left: same rule, line text and message; same rule and line text (a
//! message whose number changed, complexity 20 → 24, is the same issue); same rule and
//! message at the line the diff maps the old line to (the line itself was edited).
//! Within a pass a finding at the mapped line is taken first, then the rest pair up in
//! file order (a moved block). A pure function: no I/O.

use crate::diff::{ChangedFile, ChangedLines, FileStatus};
use crate::model::Finding;
use std::collections::{HashMap, VecDeque};

/// Sets `new` on the head findings of the changed files that match no base finding
/// (unsuppressed findings only: a suppressed one never counts), and returns the base
/// findings that match none: the fixed ones, at their base location. `head` must be
/// sorted by path; `base` holds the findings of the changed files' base revisions.
///
/// Suppressed head findings are tracked too, after the rest: one that matches no
/// base finding, or only one the base did not suppress, was suppressed by this
/// change (`Suppression::new`), and that base finding is not fixed: a
/// `@SuppressWarnings` a pull request adds silences an issue, it does not fix it.
pub fn track(head: &mut [Finding], base: &[Finding], changed: &ChangedLines) -> Vec<Finding> {
    let mut head_by_path: HashMap<(&str, bool), Vec<usize>> = HashMap::new();
    for (i, f) in head.iter().enumerate() {
        let key = (f.location.path.as_str(), f.suppressed.is_some());
        head_by_path.entry(key).or_default().push(i);
    }
    let mut base_by_path: HashMap<(&str, bool), Vec<&Finding>> = HashMap::new();
    for f in base {
        let key = (f.location.path.as_str(), f.suppressed.is_some());
        base_by_path.entry(key).or_default().push(f);
    }
    let mut new = Vec::new();
    let mut newly_suppressed = Vec::new();
    let mut fixed = Vec::new();
    for file in changed.files() {
        let old_path = match &file.status {
            FileStatus::ModeOnly => continue,
            FileStatus::Added => None,
            FileStatus::Renamed { from } | FileStatus::Copied { from } => Some(from.as_str()),
            FileStatus::Modified | FileStatus::Deleted => Some(file.path.as_str()),
        };
        let ids = |suppressed: bool| -> &[usize] {
            head_by_path
                .get(&(file.path.as_str(), suppressed))
                .map_or(&[], Vec::as_slice)
        };
        let bases = |suppressed: bool| -> Vec<&Finding> {
            old_path
                .and_then(|p| base_by_path.get(&(p, suppressed)))
                .cloned()
                .unwrap_or_default()
        };
        let heads: Vec<&Finding> = ids(false).iter().map(|&i| &head[i]).collect();
        let unsuppressed = bases(false);
        let (head_matched, base_matched) = match_file(&heads, &unsuppressed, file);
        new.extend(
            ids(false)
                .iter()
                .zip(&head_matched)
                .filter(|(_, m)| !**m)
                .map(|(i, _)| *i),
        );
        // The suppressed heads, against the base's suppressed findings and the
        // unsuppressed ones left unmatched: a match with the latter is a suppression
        // the change added.
        let left: Vec<&Finding> = unsuppressed
            .iter()
            .zip(&base_matched)
            .filter(|(_, m)| !**m)
            .map(|(f, _)| *f)
            .collect();
        let mut candidates = left.clone();
        candidates.extend(bases(true));
        let quiet: Vec<&Finding> = ids(true).iter().map(|&i| &head[i]).collect();
        let (quiet_matched, candidate_matched) = match_file_with(&quiet, &candidates, file);
        for (k, partner) in quiet_matched.iter().enumerate() {
            if partner.is_none_or(|j| j < left.len()) {
                newly_suppressed.push(ids(true)[k]);
            }
        }
        // A copy leaves its original where it was: nothing of it is fixed.
        if !matches!(file.status, FileStatus::Copied { .. }) {
            fixed.extend(
                left.iter()
                    .zip(&candidate_matched)
                    .filter(|(_, m)| !**m)
                    .map(|(f, _)| (*f).clone()),
            );
        }
    }
    for i in new {
        head[i].new = true;
    }
    for i in newly_suppressed {
        if let Some(s) = &mut head[i].suppressed {
            s.new = true;
        }
    }
    fixed
}

/// The evidence one matching pass compares.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Pass {
    /// Rule, line text and message.
    Exact,
    /// Rule and line text.
    Text,
    /// Rule and message, at the mapped line only.
    Message,
}

type Key<'a> = (&'a str, &'a str, &'a str);

impl Pass {
    fn key<'a>(self, f: &'a Finding, text: &'a str) -> Key<'a> {
        match self {
            Pass::Exact => (&f.rule, text, &f.message),
            Pass::Text => (&f.rule, text, ""),
            Pass::Message => (&f.rule, "", &f.message),
        }
    }
}

/// Which head and which base findings found a partner.
fn match_file(
    heads: &[&Finding],
    bases: &[&Finding],
    file: &ChangedFile,
) -> (Vec<bool>, Vec<bool>) {
    let (partners, base_done) = match_file_with(heads, bases, file);
    (partners.iter().map(Option::is_some).collect(), base_done)
}

/// Each head finding's base partner (an index into `bases`), and which base
/// findings found one.
fn match_file_with(
    heads: &[&Finding],
    bases: &[&Finding],
    file: &ChangedFile,
) -> (Vec<Option<usize>>, Vec<bool>) {
    let mut head_done = vec![None; heads.len()];
    let mut base_done = vec![false; bases.len()];
    if heads.is_empty() || bases.is_empty() {
        return (head_done, base_done);
    }
    let text = |f: &Finding| -> String { f.snippet.split_whitespace().collect() };
    let head_text: Vec<String> = heads.iter().map(|f| text(f)).collect();
    let base_text: Vec<String> = bases.iter().map(|f| text(f)).collect();
    let mapped: Vec<u32> = bases
        .iter()
        .map(|f| file.map_old_line(f.location.start_line))
        .collect();
    for pass in [Pass::Exact, Pass::Text, Pass::Message] {
        let head_key = |i: usize| pass.key(heads[i], &head_text[i]);
        let base_key = |j: usize| pass.key(bases[j], &base_text[j]);
        // At the mapped line first.
        let mut at_line: HashMap<(Key, u32), Vec<usize>> = HashMap::new();
        for j in (0..bases.len()).rev().filter(|&j| !base_done[j]) {
            at_line.entry((base_key(j), mapped[j])).or_default().push(j);
        }
        pair_up(&mut head_done, &mut base_done, |i| {
            let line = heads[i].location.start_line;
            at_line.get_mut(&(head_key(i), line)).and_then(Vec::pop)
        });
        if pass == Pass::Message {
            continue;
        }
        // Then anywhere in the file, pairing in file order.
        let mut left: HashMap<Key, VecDeque<usize>> = HashMap::new();
        for j in (0..bases.len()).filter(|&j| !base_done[j]) {
            left.entry(base_key(j)).or_default().push_back(j);
        }
        pair_up(&mut head_done, &mut base_done, |i| {
            left.get_mut(&head_key(i)).and_then(VecDeque::pop_front)
        });
    }
    (head_done, base_done)
}

/// Gives each unmatched head finding the base partner `find` offers, if any.
fn pair_up(
    head_done: &mut [Option<usize>],
    base_done: &mut [bool],
    mut find: impl FnMut(usize) -> Option<usize>,
) {
    for (i, done) in head_done.iter_mut().enumerate() {
        if done.is_none() {
            if let Some(j) = find(i) {
                *done = Some(j);
                base_done[j] = true;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::{Hunk, LineRange};
    use crate::model::{Location, RuleType, Severity};

    fn finding(path: &str, line: u32, rule: &str, text: &str, message: &str) -> Finding {
        Finding {
            rule: rule.into(),
            severity: Severity::Major,
            rule_type: RuleType::CodeSmell,
            location: Location {
                path: path.into(),
                start_line: line,
                start_column: 1,
                end_line: line,
                end_column: 2,
            },
            message: message.into(),
            snippet: text.into(),
            fingerprint: String::new(),
            new: false,
            suppressed: None,
        }
    }

    /// A file whose diff has one hunk of `-old +new` at the given starts.
    fn changed(path: &str, status: FileStatus, hunks: Vec<Hunk>) -> ChangedLines {
        ChangedLines::from_iter([ChangedFile {
            path: path.into(),
            status,
            binary: false,
            ranges: vec![LineRange { start: 1, end: 1 }],
            hunks,
        }])
    }

    fn hunk(old_start: u32, new_start: u32, lines: &[(u8, &str)]) -> Hunk {
        Hunk {
            old_start,
            new_start,
            lines: lines
                .iter()
                .map(|(m, t)| (*m, t.as_bytes().to_vec()))
                .collect(),
        }
    }

    fn new_lines(head: &[Finding]) -> Vec<u32> {
        head.iter()
            .filter(|f| f.new)
            .map(|f| f.location.start_line)
            .collect()
    }

    #[test]
    fn a_finding_on_an_unchanged_line_is_new_when_the_base_lacks_it() {
        // The method's body grew (lines 3-20 added); the finding is at its name, line 2.
        let base = [];
        let mut head = [finding(
            "A.java",
            2,
            "cognitive-complexity",
            "void run() {",
            "complexity 34",
        )];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![hunk(2, 3, &[(b'+', "x")])],
        );
        let fixed = track(&mut head, &base, &c);
        assert_eq!(new_lines(&head), [2]);
        assert!(fixed.is_empty());
    }

    #[test]
    fn a_changed_message_on_the_same_line_text_is_the_same_issue() {
        let base = [finding(
            "A.java",
            2,
            "cc",
            "void run() {",
            "complexity 20 > 15",
        )];
        let mut head = [finding(
            "A.java",
            2,
            "cc",
            "void run() {",
            "complexity 24 > 15",
        )];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![hunk(5, 5, &[(b'+', "if (x) {}")])],
        );
        assert!(track(&mut head, &base, &c).is_empty());
        assert_eq!(new_lines(&head), [] as [u32; 0]);
    }

    #[test]
    fn an_edited_line_keeps_its_issue_by_rule_and_message_at_the_mapped_line() {
        // Line 3 was rewritten (`int  x` → `long x`); 10 lines were added above it.
        let base = [finding(
            "A.java",
            3,
            "magic",
            "int x = 42;",
            "42 is a magic number",
        )];
        let mut head = [finding(
            "A.java",
            13,
            "magic",
            "long x = 42;",
            "42 is a magic number",
        )];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![
                hunk(1, 2, &[(b'+', ""); 10]),
                hunk(3, 13, &[(b'-', "int x = 42;"), (b'+', "long x = 42;")]),
            ],
        );
        assert!(track(&mut head, &base, &c).is_empty());
        assert_eq!(new_lines(&head), [] as [u32; 0]);
    }

    #[test]
    fn moved_code_keeps_its_issues_and_a_new_twin_is_the_new_one() {
        // Two identical TODOs in the base at 5 and 9; 50 lines were added above them
        // and a third copy after line 6: it is the new one, not the last.
        let todo = |line| finding("A.java", line, "todo", "// TODO", "TODO");
        let base = [todo(5), todo(9)];
        let mut head = [todo(55), todo(57), todo(60)];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![
                hunk(1, 2, &[(b'+', ""); 50]),
                hunk(6, 57, &[(b'+', "// TODO")]),
            ],
        );
        assert!(track(&mut head, &base, &c).is_empty());
        assert_eq!(new_lines(&head), [57]);

        // A block cut at line 5 and pasted at line 80: no line maps, the text does.
        let base = [todo(5)];
        let mut head = [todo(80)];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![
                hunk(5, 4, &[(b'-', "// TODO")]),
                hunk(81, 80, &[(b'+', "// TODO")]),
            ],
        );
        assert!(track(&mut head, &base, &c).is_empty());
        assert_eq!(new_lines(&head), [] as [u32; 0]);
    }

    #[test]
    fn what_the_base_had_and_the_head_lacks_is_fixed_at_its_base_location() {
        let base = [
            finding("Old.java", 4, "empty-catch", "} catch (E e) {}", "empty"),
            finding("Old.java", 8, "todo", "// TODO", "TODO"),
        ];
        let mut head = [finding(
            "New.java",
            4,
            "empty-catch",
            "} catch (E e) {}",
            "empty",
        )];
        let c = changed(
            "New.java",
            FileStatus::Renamed {
                from: "Old.java".into(),
            },
            vec![hunk(8, 7, &[(b'-', "// TODO")])],
        );
        let fixed = track(&mut head, &base, &c);
        assert_eq!(new_lines(&head), [] as [u32; 0]);
        assert_eq!(fixed.len(), 1);
        assert_eq!(
            (
                fixed[0].location.path.as_str(),
                fixed[0].location.start_line
            ),
            ("Old.java", 8)
        );
    }

    #[test]
    fn files_the_change_does_not_touch_have_no_new_findings_and_suppressed_ones_never_match() {
        let mut suppressed = finding("A.java", 2, "r", "x", "m");
        suppressed.suppressed = Some(quiet());
        // The base suppressed it; the head removed the suppression: new.
        let base = [suppressed];
        let mut head = [
            finding("A.java", 2, "r", "x", "m"),
            finding("B.java", 1, "r", "x", "m"),
        ];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![hunk(1, 1, &[(b'-', "// gate:ignore[r]"), (b'+', "")])],
        );
        assert!(track(&mut head, &base, &c).is_empty());
        assert!(head[0].new);
        assert!(!head[1].new);
    }

    fn quiet() -> crate::model::Suppression {
        crate::model::Suppression {
            kind: crate::model::SuppressionKind::Annotation,
            reason: None,
            new: false,
        }
    }

    fn suppressed(mut f: Finding) -> Finding {
        f.suppressed = Some(quiet());
        f
    }

    #[test]
    fn a_suppression_the_change_adds_is_new_and_fixes_nothing() {
        // The base had one issue at line 3 and one suppressed at line 6. The head
        // suppresses the old issue, keeps the old suppression, and brings a new
        // issue suppressed from the start.
        let base = [
            finding("A.java", 3, "r", "int a = 7;", "m"),
            suppressed(finding("A.java", 6, "r", "int b = 8;", "m")),
        ];
        let mut head = [
            suppressed(finding("A.java", 4, "r", "int a = 7;", "m")),
            suppressed(finding("A.java", 7, "r", "int b = 8;", "m")),
            suppressed(finding("A.java", 9, "r", "int c = 9;", "m")),
        ];
        let c = changed(
            "A.java",
            FileStatus::Modified,
            vec![
                hunk(2, 2, &[(b'+', "@SuppressWarnings(\"gate:r\")")]),
                hunk(8, 9, &[(b'+', "int c = 9;")]),
            ],
        );
        let fixed = track(&mut head, &base, &c);
        assert_eq!(fixed, []);
        let added: Vec<u32> = head
            .iter()
            .filter(|f| f.suppressed.as_ref().is_some_and(|s| s.new))
            .map(|f| f.location.start_line)
            .collect();
        assert_eq!(added, [4, 9]);
        assert!(
            head.iter().all(|f| !f.new),
            "suppressed findings are never new issues"
        );
    }
}
