//! New code: the lines a pull request changed. A *changed line* is a line of the
//! new version of a file that the diff marks with `+` (added or modified); context
//! lines, removed lines and the unchanged body of a renamed or copied file are not
//! new. Coverage and findings on new code are measured against this set only.
//!
//! The set comes either from a unified diff the user hands us ([`unified`]) or
//! from `git` comparing the merge-base of the base branch with `HEAD` ([`git`]);
//! [`ci`] tells which base and head the CI system means.

pub mod base;
pub mod git;
pub mod unified;

use serde::Serialize;
use std::collections::BTreeMap;

/// Where the base revision of a changed file comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Base {
    /// git's object store; `prefix` is the analysed root's folder in the checkout.
    Git {
        revision: git::Revision,
        prefix: String,
    },
    /// The checked-out files with the diff's hunks applied in reverse.
    Patch,
}

/// An inclusive range of 1-based line numbers in the new version of a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct LineRange {
    pub start: u32,
    /// Inclusive, so a one-line range has `start == end`.
    pub end: u32,
}

impl LineRange {
    pub fn contains(self, line: u32) -> bool {
        self.start <= line && line <= self.end
    }

    pub fn line_count(self) -> u64 {
        u64::from(self.end - self.start) + 1
    }
}

/// What the diff did to a file as a whole. Reports show it; the changed lines
/// alone cannot tell an added file from a modified one whose every line changed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum FileStatus {
    Added,
    Modified,
    /// Moved from `from`; only its `+` lines are new, not the lines it brought along.
    Renamed {
        from: String,
    },
    /// Copied from `from`, which still exists; as with a rename only `+` lines are new.
    Copied {
        from: String,
    },
    /// Gone in the new version: it has no lines, and `path` is its old path.
    Deleted,
    /// Only the file mode changed (e.g. made executable): no line is new.
    ModeOnly,
}

/// One file the diff touches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChangedFile {
    /// Repository-relative, `/`-separated; the new path, or the old one when deleted.
    pub path: String,
    pub status: FileStatus,
    /// The diff only says "binary files differ", so no line of it can be measured.
    pub binary: bool,
    /// Sorted, non-overlapping, non-adjacent ranges of new lines.
    pub ranges: Vec<LineRange>,
    /// The diff's hunks, in order: what maps a base line to its new line, and what
    /// rebuilds the base revision from the checked-out file when there is no git.
    #[serde(skip)]
    pub hunks: Vec<Hunk>,
}

/// One hunk of a file's diff, with its lines.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hunk {
    /// 1-based first line of each side; for an empty side, the line before it.
    pub old_start: u32,
    pub new_start: u32,
    /// In order, each with its marker: `b' '` context, `b'-'` removed, `b'+'` added;
    /// the text without the marker and the line end.
    pub lines: Vec<(u8, Vec<u8>)>,
}

impl Hunk {
    fn count(&self, side: u8) -> u32 {
        self.lines
            .iter()
            .filter(|(m, _)| *m == b' ' || *m == side)
            .count() as u32
    }

    /// The first line of a side as a 0-based index of where the hunk starts in it.
    fn start_index(start: u32, count: u32) -> usize {
        // `+c,0` means "after line c": the hunk starts at index c, not c - 1.
        if count == 0 {
            start as usize
        } else {
            start.saturating_sub(1) as usize
        }
    }
}

/// The base revision could not be rebuilt: the diff does not describe this file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mismatch {
    /// 1-based line of the checked-out file where the diff expected other text.
    pub line: u32,
}

impl ChangedFile {
    /// The new line a base line became: lines outside hunks shift by the lines the
    /// hunks before them added and removed; a context line maps exactly; a removed
    /// line maps to where its hunk's new lines are.
    pub fn map_old_line(&self, old: u32) -> u32 {
        let mut delta: i64 = 0;
        for hunk in &self.hunks {
            let old_count = hunk.count(b'-');
            let first = Hunk::start_index(hunk.old_start, old_count) as u32 + 1;
            if old < first {
                break;
            }
            if old < first + old_count {
                let mut o = first;
                let mut n = Hunk::start_index(hunk.new_start, hunk.count(b'+')) as u32 + 1;
                for (marker, _) in &hunk.lines {
                    if *marker != b'+' && o == old {
                        // A removed line maps to the line that replaced it, or to
                        // the line after the removal.
                        return n.max(1);
                    }
                    match marker {
                        b' ' => (o, n) = (o + 1, n + 1),
                        b'-' => o += 1,
                        _ => n += 1,
                    }
                }
                return n;
            }
            delta += i64::from(hunk.count(b'+')) - i64::from(old_count);
        }
        u32::try_from((i64::from(old) + delta).max(1)).unwrap_or(u32::MAX)
    }

    /// The base revision of this file, rebuilt by applying its hunks in reverse to
    /// `new` (the checked-out text); the lines the diff says are there must be.
    pub fn reverse_apply(&self, new: &str) -> Result<String, Mismatch> {
        let lines: Vec<&str> = new.lines().collect();
        let mut out = String::with_capacity(new.len());
        let mut next = 0usize;
        for hunk in &self.hunks {
            let start = Hunk::start_index(hunk.new_start, hunk.count(b'+'));
            if start < next || start > lines.len() {
                return Err(Mismatch {
                    line: start as u32 + 1,
                });
            }
            for line in &lines[next..start] {
                out.push_str(line);
                out.push('\n');
            }
            next = start;
            for (marker, text) in &hunk.lines {
                if *marker != b'-' {
                    let here = lines.get(next).map(|l| l.strip_suffix('\r').unwrap_or(l));
                    if here.map(str::as_bytes) != Some(text.as_slice()) {
                        return Err(Mismatch {
                            line: next as u32 + 1,
                        });
                    }
                    next += 1;
                }
                if *marker != b'+' {
                    out.push_str(&String::from_utf8_lossy(text));
                    out.push('\n');
                }
            }
        }
        for line in &lines[next..] {
            out.push_str(line);
            out.push('\n');
        }
        Ok(out)
    }

    pub fn contains(&self, line: u32) -> bool {
        // Ranges are sorted and disjoint: find the last range starting at or before `line`.
        let idx = self.ranges.partition_point(|r| r.start <= line);
        idx > 0 && self.ranges[idx - 1].contains(line)
    }

    /// How many lines of this file are new.
    pub fn line_count(&self) -> u64 {
        self.ranges.iter().map(|r| r.line_count()).sum()
    }

    /// Every new line number, ascending.
    pub fn lines(&self) -> impl Iterator<Item = u32> + '_ {
        self.ranges.iter().flat_map(|r| r.start..=r.end)
    }
}

/// The files a change touches and, per file, the lines it added or modified.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
#[serde(transparent)]
pub struct ChangedLines {
    files: BTreeMap<String, ChangedFile>,
}

impl ChangedLines {
    /// Whether `line` of `path` (repository-relative, `/`-separated) is new code.
    pub fn contains(&self, path: &str, line: u32) -> bool {
        self.files.get(path).is_some_and(|f| f.contains(line))
    }

    pub fn file(&self, path: &str) -> Option<&ChangedFile> {
        self.files.get(path)
    }

    /// Files in path order, so every report built from them is deterministic.
    pub fn files(&self) -> impl Iterator<Item = &ChangedFile> {
        self.files.values()
    }

    pub fn len(&self) -> usize {
        self.files.len()
    }

    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    /// How many lines are new across all files.
    pub fn line_count(&self) -> u64 {
        self.files.values().map(ChangedFile::line_count).sum()
    }

    /// The files under `prefix` (a folder, `/`-terminated, relative to where the
    /// paths are rooted), with paths made relative to it: for a repository whose
    /// analysed root is a subfolder of the git checkout.
    pub fn under(self, prefix: &str) -> ChangedLines {
        if prefix.is_empty() {
            return self;
        }
        let files = self
            .files
            .into_values()
            .filter_map(|mut f| {
                f.path = f.path.strip_prefix(prefix)?.to_string();
                if let FileStatus::Renamed { from } | FileStatus::Copied { from } = &mut f.status {
                    match from.strip_prefix(prefix) {
                        Some(rest) => *from = rest.to_string(),
                        // Brought in from outside the analysed folder: new here.
                        None => f.status = FileStatus::Added,
                    }
                }
                Some((f.path.clone(), f))
            })
            .collect();
        ChangedLines { files }
    }

    /// The same files and lines without their hunks' text: what an outcome keeps,
    /// and what tests compare.
    pub(crate) fn without_hunks(mut self) -> ChangedLines {
        for f in self.files.values_mut() {
            f.hunks.clear();
        }
        self
    }

    /// Adds a file; a path seen twice (two patches concatenated) keeps the union
    /// of both line sets and the later status.
    pub(crate) fn insert(&mut self, file: ChangedFile) {
        match self.files.get_mut(&file.path) {
            Some(existing) => {
                let mut lines = LineSet::default();
                for r in existing.ranges.iter().chain(&file.ranges) {
                    lines.push_range(*r);
                }
                existing.ranges = lines.into_ranges();
                existing.hunks.extend(file.hunks);
                existing.hunks.sort_by_key(|h| h.new_start);
                existing.status = file.status;
                existing.binary |= file.binary;
            }
            None => {
                self.files.insert(file.path.clone(), file);
            }
        }
    }
}

/// Builds the set from files, e.g. for tests of the stages that read it.
impl FromIterator<ChangedFile> for ChangedLines {
    fn from_iter<I: IntoIterator<Item = ChangedFile>>(files: I) -> ChangedLines {
        let mut out = ChangedLines::default();
        for file in files {
            out.insert(file);
        }
        out
    }
}

/// Collects line numbers in any order and yields them as sorted, merged ranges.
/// Lines almost always arrive ascending, so pushing usually extends the last range.
#[derive(Debug, Default)]
pub(crate) struct LineSet {
    ranges: Vec<LineRange>,
}

impl LineSet {
    pub(crate) fn push(&mut self, line: u32) {
        self.push_range(LineRange {
            start: line,
            end: line,
        });
    }

    pub(crate) fn push_range(&mut self, range: LineRange) {
        if let Some(last) = self.ranges.last_mut() {
            if range.start >= last.start && range.start <= last.end.saturating_add(1) {
                last.end = last.end.max(range.end);
                return;
            }
        }
        self.ranges.push(range);
    }

    pub(crate) fn into_ranges(mut self) -> Vec<LineRange> {
        if self.ranges.is_sorted() {
            // Pushes in ascending order were merged as they came.
            return self.ranges;
        }
        self.ranges.sort_unstable();
        let mut merged: Vec<LineRange> = Vec::with_capacity(self.ranges.len());
        for r in self.ranges {
            match merged.last_mut() {
                Some(last) if r.start <= last.end.saturating_add(1) => {
                    last.end = last.end.max(r.end);
                }
                _ => merged.push(r),
            }
        }
        merged
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(start: u32, end: u32) -> LineRange {
        LineRange { start, end }
    }

    fn set(lines: &[u32]) -> Vec<LineRange> {
        let mut s = LineSet::default();
        for &l in lines {
            s.push(l);
        }
        s.into_ranges()
    }

    #[test]
    fn line_set_merges_adjacent_and_unsorted_lines() {
        assert_eq!(set(&[]), vec![]);
        assert_eq!(set(&[1, 2, 3, 5]), vec![range(1, 3), range(5, 5)]);
        assert_eq!(set(&[5, 1, 2, 4, 3, 9]), vec![range(1, 5), range(9, 9)]);
        assert_eq!(set(&[7, 7, 7]), vec![range(7, 7)]);
    }

    #[test]
    fn contains_finds_lines_only_inside_ranges() {
        let file = ChangedFile {
            path: "src/A.java".into(),
            status: FileStatus::Modified,
            binary: false,
            ranges: vec![range(3, 5), range(10, 10)],
            hunks: Vec::new(),
        };
        let mut all = ChangedLines::default();
        all.insert(file);
        let hits: Vec<u32> = (0..13).filter(|&l| all.contains("src/A.java", l)).collect();
        assert_eq!(hits, vec![3, 4, 5, 10]);
        assert!(!all.contains("src/B.java", 3));
        assert_eq!(all.line_count(), 4);
    }

    #[test]
    fn inserting_a_path_twice_unions_its_lines() {
        let mut all = ChangedLines::default();
        for ranges in [vec![range(1, 2)], vec![range(3, 3), range(8, 9)]] {
            all.insert(ChangedFile {
                path: "x".into(),
                status: FileStatus::Modified,
                binary: false,
                ranges,
                hunks: Vec::new(),
            });
        }
        assert_eq!(
            all.file("x").map(|f| f.ranges.clone()),
            Some(vec![range(1, 3), range(8, 9)])
        );
    }
}
