//! The unified-diff reader: turns `git diff` output, or plain `diff -u` output, into
//! [`ChangedLines`]. A *section* is everything the diff says about one file: a
//! header (`diff --git`, git's extended lines, `---`/`+++`) and zero or more
//! *hunks* (`@@ -a,b +c,d @@` and the lines they count).
//!
//! The input is read as bytes: only the first byte of a hunk line matters, so a
//! source file in any encoding, or a CRLF diff, parses the same. Hunk counts are
//! trusted and enforced: they are what tells a removed line `-- x` from a new file
//! header `--- x`, so a hunk whose lines do not match its counts is an error that
//! names the diff line, never a guess.

use super::{ChangedFile, ChangedLines, FileStatus, Hunk as FileHunk, LineSet};
use std::borrow::Cow;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

/// Why a diff could not be read. Line numbers are 1-based lines of the diff text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    #[error(
        "line {line}: the hunk at line {hunk_line} still expects {old_left} old and {new_left} new line(s), \
         but found `{found}`; the diff is truncated or its hunk header counts are wrong"
    )]
    HunkTooShort {
        line: usize,
        hunk_line: usize,
        old_left: u32,
        new_left: u32,
        found: String,
    },
    #[error(
        "line {line}: `{found}` follows the hunk at line {hunk_line} after all the lines its header counts; \
         the hunk header counts are too small or the diff is corrupt"
    )]
    HunkTooLong {
        line: usize,
        hunk_line: usize,
        found: String,
    },
    #[error(
        "the diff ends inside the hunk at line {hunk_line}, which still expects {old_left} old and \
         {new_left} new line(s); the diff is truncated"
    )]
    UnexpectedEnd {
        hunk_line: usize,
        old_left: u32,
        new_left: u32,
    },
    #[error(
        "line {line}: bad hunk header `{found}`; expected `@@ -start[,count] +start[,count] @@`"
    )]
    BadHunkHeader { line: usize, found: String },
    #[error("line {line}: hunk header `{found}` comes before any file header (`diff --git` or `---`/`+++`)")]
    HunkOutsideFile { line: usize, found: String },
    #[error("line {line}: expected `+++ <new file>` after the `---` line at line {minus_line}, found `{found}`")]
    MissingNewName {
        line: usize,
        minus_line: usize,
        found: String,
    },
    #[error(
        "line {line}: unexpected `{found}` in the header of the file at line {header_line}; expected a git \
         header line (`index`, `old mode`, `new file mode`, `rename from`, `similarity index`, …), \
         `---`, `Binary files … differ` or `@@`"
    )]
    UnexpectedHeaderLine {
        line: usize,
        header_line: usize,
        found: String,
    },
    #[error("line {line}: unexpected `{found}`; expected {expected}")]
    UnexpectedLine {
        line: usize,
        found: String,
        expected: &'static str,
    },
    #[error("line {line}: expected a hunk header `@@ -start[,count] +start[,count] @@` after the `---`/`+++` lines; the diff is truncated")]
    MissingHunk { line: usize },
    #[error("line {line}: bad quoted path `{found}`: {reason}")]
    BadQuotedPath {
        line: usize,
        found: String,
        reason: &'static str,
    },
    #[error("line {line}: cannot tell the file name from the section that starts here")]
    NoFileName { line: usize },
    #[error("line {line}: combined diffs of merge commits (`diff --cc`, `@@@`) are not supported; diff against one parent")]
    CombinedDiff { line: usize },
    /// A file with no diff in it is described, never quoted (see [`crate::guard::describe`]).
    #[error("line {line}: this is not a unified diff ({kind}); expected `diff --git` or `---`/`+++` file headers")]
    NotADiff { line: usize, kind: &'static str },
}

/// A diff file that could not be read or parsed; says which file.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the diff {}: {source}", describe(path))]
    Io { path: PathBuf, source: io::Error },
    #[error("the diff {} is not a valid unified diff: {source}", describe(path))]
    Parse { path: PathBuf, source: ParseError },
}

fn describe(path: &Path) -> String {
    if is_stdin(path) {
        "on standard input".to_owned()
    } else {
        format!("`{}`", path.display())
    }
}

fn is_stdin(path: &Path) -> bool {
    path.as_os_str() == "-"
}

/// Reads and parses the diff at `path`; `-` reads standard input (`--diff -`).
pub fn read(path: &Path) -> Result<ChangedLines, ReadError> {
    let bytes = if is_stdin(path) {
        let mut buf = Vec::new();
        io::stdin().lock().read_to_end(&mut buf).map(|_| buf)
    } else {
        std::fs::read(path)
    }
    .map_err(|source| ReadError::Io {
        path: path.to_owned(),
        source,
    })?;
    parse(&bytes).map_err(|source| ReadError::Parse {
        path: path.to_owned(),
        source,
    })
}

/// Parses a unified diff (git's format, plain `diff -u`, or a `git format-patch`
/// mail, whose text before the first file header is ignored). Empty input is an
/// empty change.
pub fn parse(input: &[u8]) -> Result<ChangedLines, ParseError> {
    let mut parser = Parser::default();
    let mut rest = input;
    let mut number = 0;
    while !rest.is_empty() {
        number += 1;
        let (line, next) = match rest.iter().position(|&b| b == b'\n') {
            Some(i) => (&rest[..i], &rest[i + 1..]),
            None => (rest, &rest[rest.len()..]),
        };
        rest = next;
        parser.line(number, line.strip_suffix(b"\r").unwrap_or(line))?;
    }
    parser.finish()
}

const DEV_NULL: &str = "/dev/null";

#[derive(Debug, Default)]
struct Parser {
    out: ChangedLines,
    section: Option<Section>,
    hunk: Option<Hunk>,
    mode: Mode,
    /// A non-blank line that came before any file header, in case none ever comes.
    first_text: Option<(usize, &'static str)>,
    seen_diff: bool,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
enum Mode {
    #[default]
    Normal,
    /// After `--- name` (at this line): the next line must be `+++ name`.
    ExpectNewName(usize),
    /// Inside `GIT binary patch` data, which runs until the next `diff` line.
    BinaryPatch,
    /// After a `format-patch` signature (`-- `): nothing is diff until the next `diff`.
    Trailer,
}

#[derive(Debug)]
struct Hunk {
    line: usize,
    old_left: u32,
    new_left: u32,
    next_new: u32,
}

/// What one file's section said so far. Names are kept raw (with their `a/`,
/// `b/` prefixes) until the section ends, when it is clear which prefix is used.
#[derive(Debug, Default)]
struct Section {
    line: usize,
    git: bool,
    header_old: Option<String>,
    header_new: Option<String>,
    old: Option<String>,
    new: Option<String>,
    rename_from: Option<String>,
    rename_to: Option<String>,
    copy_from: Option<String>,
    copy_to: Option<String>,
    new_file: bool,
    deleted: bool,
    binary: bool,
    mode_changed: bool,
    hunks: usize,
    /// Where `+++` was, if there was one: hunks must follow it.
    new_name_line: Option<usize>,
    /// Set by a plain diff's hunk `@@ -0,0 …` / `@@ … +0,0 @@`: the side is empty.
    old_empty: bool,
    new_empty: bool,
    lines: LineSet,
    hunk_lines: Vec<FileHunk>,
}

impl Parser {
    fn line(&mut self, n: usize, line: &[u8]) -> Result<(), ParseError> {
        if let Some(hunk) = &mut self.hunk {
            if hunk.old_left > 0 || hunk.new_left > 0 {
                return hunk_line(hunk, self.section.as_mut(), n, line);
            }
        }
        match self.mode {
            Mode::ExpectNewName(minus_line) => {
                let Some(rest) = line.strip_prefix(b"+++ ") else {
                    return Err(ParseError::MissingNewName {
                        line: n,
                        minus_line,
                        found: shown(line),
                    });
                };
                let name = header_name(n, rest)?;
                if let Some(section) = &mut self.section {
                    section.new = Some(name);
                    section.new_name_line = Some(n);
                }
                self.mode = Mode::Normal;
                return Ok(());
            }
            Mode::BinaryPatch | Mode::Trailer if !line.starts_with(b"diff ") => return Ok(()),
            _ => self.mode = Mode::Normal,
        }

        if let Some(rest) = line.strip_prefix(b"diff --git ") {
            self.start_section(n, true)?;
            if let Some((old, new)) = split_git_header(rest) {
                if let Some(section) = &mut self.section {
                    section.header_old = Some(old);
                    section.header_new = Some(new);
                }
            }
            return Ok(());
        }
        if line.starts_with(b"diff --cc ") || line.starts_with(b"diff --combined ") {
            return Err(ParseError::CombinedDiff { line: n });
        }
        if line.starts_with(b"diff ") {
            // `diff -ru old new`: a plain section follows with `---`/`+++` or `Binary files`.
            self.start_section(n, false)?;
            return Ok(());
        }
        if line.starts_with(b"@@@") {
            return Err(ParseError::CombinedDiff { line: n });
        }
        if line.starts_with(b"@@ ") {
            return self.start_hunk(n, line);
        }
        if let Some(rest) = line.strip_prefix(b"--- ") {
            let continues_git_header = self
                .section
                .as_ref()
                .is_some_and(|s| s.git && s.hunks == 0 && s.old.is_none());
            let plain_section_waiting = self
                .section
                .as_ref()
                .is_some_and(|s| !s.git && s.hunks == 0 && s.old.is_none() && !s.binary);
            if !continues_git_header && !plain_section_waiting {
                self.start_section(n, false)?;
            }
            let name = header_name(n, rest)?;
            if let Some(section) = &mut self.section {
                section.old = Some(name);
            }
            self.mode = Mode::ExpectNewName(n);
            return Ok(());
        }
        if let Some(rest) = line.strip_prefix(b"Binary files ") {
            if let Some(names) = rest.strip_suffix(b" differ") {
                return self.binary_files(n, names);
            }
        }

        if line == b"-- " && self.section.is_some() {
            // The signature `git format-patch` puts after the last file.
            self.end_section()?;
            self.mode = Mode::Trailer;
            return Ok(());
        }

        let after_hunk = self.hunk.as_ref().map(|h| h.line);
        let git = self.section.as_ref().is_some_and(|s| s.git);
        match (&mut self.section, after_hunk) {
            (Some(section), _) if section.git && section.hunks == 0 => {
                git_header_line(section, n, line, &mut self.mode)
            }
            (Some(section), _) if section.new.is_some() && section.hunks == 0 => {
                Err(ParseError::UnexpectedLine {
                    line: n,
                    found: shown(line),
                    expected: "a hunk header `@@ -start[,count] +start[,count] @@` after the `---`/`+++` lines",
                })
            }
            (Some(_), Some(hunk_line)) => match line.first() {
                Some(b'+' | b'-' | b' ') => Err(ParseError::HunkTooLong {
                    line: n,
                    hunk_line,
                    found: shown(line),
                }),
                // `\ No newline at end of file` after the hunk's last counted line.
                Some(b'\\') | None => Ok(()),
                // `diff -r` writes `Only in …` between sections; git writes nothing.
                _ if !git => Ok(()),
                _ => Err(ParseError::UnexpectedLine {
                    line: n,
                    found: shown(line),
                    expected: "`diff --git`, another hunk `@@ … @@`, or the end of the diff",
                }),
            },
            _ => {
                if self.first_text.is_none() && !line.iter().all(u8::is_ascii_whitespace) {
                    self.first_text = Some((
                        n,
                        crate::guard::describe(line).unwrap_or("it is text without a file header"),
                    ));
                }
                Ok(())
            }
        }
    }

    fn start_section(&mut self, n: usize, git: bool) -> Result<(), ParseError> {
        self.end_section()?;
        self.seen_diff = true;
        self.section = Some(Section {
            line: n,
            git,
            ..Section::default()
        });
        Ok(())
    }

    fn start_hunk(&mut self, n: usize, line: &[u8]) -> Result<(), ParseError> {
        let Some(section) = &mut self.section else {
            return Err(ParseError::HunkOutsideFile {
                line: n,
                found: shown(line),
            });
        };
        if !section.git && section.old.is_none() {
            return Err(ParseError::HunkOutsideFile {
                line: n,
                found: shown(line),
            });
        }
        let header = parse_hunk_header(line).ok_or_else(|| ParseError::BadHunkHeader {
            line: n,
            found: shown(line),
        })?;
        section.hunks += 1;
        section.hunk_lines.push(FileHunk {
            old_start: header.old_start,
            new_start: header.new_start,
            lines: Vec::new(),
        });
        if header.old_start == 0 && header.old_count == 0 {
            section.old_empty = true;
        }
        if header.new_start == 0 && header.new_count == 0 {
            section.new_empty = true;
        }
        self.hunk = Some(Hunk {
            line: n,
            old_left: header.old_count,
            new_left: header.new_count,
            next_new: header.new_start,
        });
        Ok(())
    }

    fn binary_files(&mut self, n: usize, names: &[u8]) -> Result<(), ParseError> {
        let in_git_header = self.section.as_ref().is_some_and(|s| s.git && s.hunks == 0);
        if !in_git_header {
            // `diff -r` reports binary files with this one line and no other header.
            let reuse = self
                .section
                .as_ref()
                .is_some_and(|s| !s.git && s.hunks == 0 && s.old.is_none());
            if !reuse {
                self.start_section(n, false)?;
            }
            let (old, new) = split_binary_names(n, names)?;
            if let Some(section) = &mut self.section {
                section.old = Some(old);
                section.new = Some(new);
            }
        }
        if let Some(section) = &mut self.section {
            section.binary = true;
        }
        Ok(())
    }

    /// Closes the current section and records its file.
    fn end_section(&mut self) -> Result<(), ParseError> {
        self.hunk = None;
        let Some(section) = self.section.take() else {
            return Ok(());
        };
        if let Some(file) = section.into_file()? {
            self.out.insert(file);
        }
        Ok(())
    }

    fn finish(mut self) -> Result<ChangedLines, ParseError> {
        if let Some(hunk) = &self.hunk {
            if hunk.old_left > 0 || hunk.new_left > 0 {
                return Err(ParseError::UnexpectedEnd {
                    hunk_line: hunk.line,
                    old_left: hunk.old_left,
                    new_left: hunk.new_left,
                });
            }
        }
        if let Mode::ExpectNewName(minus_line) = self.mode {
            return Err(ParseError::MissingNewName {
                line: minus_line + 1,
                minus_line,
                found: "end of input".to_owned(),
            });
        }
        self.end_section()?;
        if !self.seen_diff {
            if let Some((line, kind)) = self.first_text {
                return Err(ParseError::NotADiff { line, kind });
            }
        }
        Ok(self.out)
    }
}

/// One line inside a hunk that still expects lines.
fn hunk_line(
    hunk: &mut Hunk,
    mut section: Option<&mut Section>,
    n: usize,
    line: &[u8],
) -> Result<(), ParseError> {
    let too_short = |hunk: &Hunk| ParseError::HunkTooShort {
        line: n,
        hunk_line: hunk.line,
        old_left: hunk.old_left,
        new_left: hunk.new_left,
        found: shown(line),
    };
    let marker = match line.first() {
        // An empty line is a context line whose lone space was stripped by an
        // editor or mailer (`git apply` accepts it too).
        Some(b' ') | None => {
            if hunk.old_left == 0 || hunk.new_left == 0 {
                return Err(too_short(hunk));
            }
            hunk.old_left -= 1;
            hunk.new_left -= 1;
            hunk.next_new = hunk.next_new.saturating_add(1);
            b' '
        }
        Some(b'-') => {
            if hunk.old_left == 0 {
                return Err(too_short(hunk));
            }
            hunk.old_left -= 1;
            b'-'
        }
        Some(b'+') => {
            if hunk.new_left == 0 {
                return Err(too_short(hunk));
            }
            if let Some(section) = section.as_deref_mut() {
                section.lines.push(hunk.next_new);
            }
            hunk.new_left -= 1;
            hunk.next_new = hunk.next_new.saturating_add(1);
            b'+'
        }
        // `\ No newline at end of file`: a note on the line before, not a line.
        Some(b'\\') => return Ok(()),
        Some(_) => return Err(too_short(hunk)),
    };
    if let Some(section) = section {
        if let Some(h) = section.hunk_lines.last_mut() {
            h.lines
                .push((marker, line.get(1..).unwrap_or_default().to_vec()));
        }
    }
    Ok(())
}

/// One line of git's extended header, between `diff --git` and the first hunk.
fn git_header_line(
    section: &mut Section,
    n: usize,
    line: &[u8],
    mode: &mut Mode,
) -> Result<(), ParseError> {
    let path = |rest: &[u8]| parse_path(n, rest);
    if let Some(rest) = line.strip_prefix(b"rename from ") {
        section.rename_from = Some(path(rest)?);
    } else if let Some(rest) = line.strip_prefix(b"rename to ") {
        section.rename_to = Some(path(rest)?);
    } else if let Some(rest) = line.strip_prefix(b"copy from ") {
        section.copy_from = Some(path(rest)?);
    } else if let Some(rest) = line.strip_prefix(b"copy to ") {
        section.copy_to = Some(path(rest)?);
    } else if line.starts_with(b"new file mode ") {
        section.new_file = true;
    } else if line.starts_with(b"deleted file mode ") {
        section.deleted = true;
    } else if line.starts_with(b"old mode ") || line.starts_with(b"new mode ") {
        section.mode_changed = true;
    } else if line == b"GIT binary patch" {
        section.binary = true;
        *mode = Mode::BinaryPatch;
    } else if !(line.starts_with(b"index ")
        || line.starts_with(b"similarity index ")
        || line.starts_with(b"dissimilarity index "))
    {
        return Err(ParseError::UnexpectedHeaderLine {
            line: n,
            header_line: section.line,
            found: shown(line),
        });
    }
    Ok(())
}

impl Section {
    fn into_file(self) -> Result<Option<ChangedFile>, ParseError> {
        if let (Some(plus_line), 0) = (self.new_name_line, self.hunks) {
            // `---`/`+++` are only written before hunks: the diff was cut here.
            return Err(ParseError::MissingHunk {
                line: plus_line + 1,
            });
        }
        let (old, new) = if self.git {
            self.git_names()
        } else {
            self.plain_names()
        };
        // A plain diff has no "new file" line; an empty side (`-0,0`, `+0,0`) is
        // how `diff -N` shows a file that is absent. Git says so explicitly, and
        // there an empty side is just an empty file.
        let plain_empty = |empty: bool| !self.git && empty;
        let deleted =
            self.deleted || (new.is_none() && old.is_some()) || plain_empty(self.new_empty);
        let added =
            self.new_file || (old.is_none() && new.is_some()) || plain_empty(self.old_empty);
        let path = if deleted { old.clone() } else { new.clone() };
        let Some(path) = path.or_else(|| new.clone()).or_else(|| old.clone()) else {
            if !self.git && self.old.is_none() && !self.binary {
                // A `diff …` line with no file content after it (e.g. identical files).
                return Ok(None);
            }
            return Err(ParseError::NoFileName { line: self.line });
        };
        let status = if deleted && !self.new_file {
            FileStatus::Deleted
        } else if added && !self.deleted {
            FileStatus::Added
        } else if let Some(from) = self.rename_from.clone() {
            FileStatus::Renamed { from }
        } else if let Some(from) = self.copy_from.clone() {
            FileStatus::Copied { from }
        } else if self.mode_changed && self.hunks == 0 && !self.binary {
            FileStatus::ModeOnly
        } else {
            FileStatus::Modified
        };
        Ok(Some(ChangedFile {
            path,
            status,
            binary: self.binary,
            ranges: self.lines.into_ranges(),
            hunks: self.hunk_lines,
        }))
    }

    /// The old and new repository paths of a git section (`None` for `/dev/null`).
    /// `rename`/`copy` lines never carry a prefix; `---`/`+++` and `diff --git`
    /// carry `a/` and `b/` unless the diff was made with `--no-prefix`.
    fn git_names(&self) -> (Option<String>, Option<String>) {
        let (raw_old, raw_new) = match (&self.old, &self.new) {
            (Some(o), Some(n)) => (Some(o.as_str()), Some(n.as_str())),
            _ => (self.header_old.as_deref(), self.header_new.as_deref()),
        };
        let prefixed = match (raw_old, raw_new) {
            (Some(DEV_NULL), Some(n)) => n.starts_with("b/"),
            (Some(o), Some(DEV_NULL)) => o.starts_with("a/"),
            (Some(o), Some(n)) => o.starts_with("a/") && n.starts_with("b/"),
            _ => false,
        };
        let old = self
            .rename_from
            .clone()
            .or_else(|| self.copy_from.clone())
            .or_else(|| strip_prefix_opt(raw_old, prefixed.then_some("a/")));
        let new = self
            .rename_to
            .clone()
            .or_else(|| self.copy_to.clone())
            .or_else(|| strip_prefix_opt(raw_new, prefixed.then_some("b/")));
        (old, new)
    }

    /// The old and new paths of a plain `diff -u` section. When both names have a
    /// first directory that differs and the rest is equal (`a/x` vs `b/x`, or
    /// `old/src/X.java` vs `new/src/X.java`), that first directory is the diff's
    /// prefix and is dropped, as `patch -p1` would.
    fn plain_names(&self) -> (Option<String>, Option<String>) {
        let old = self.old.as_deref().filter(|n| *n != DEV_NULL);
        let new = self.new.as_deref().filter(|n| *n != DEV_NULL);
        match (old, new) {
            (Some(o), Some(n)) => match (o.split_once('/'), n.split_once('/')) {
                (Some((op, orest)), Some((np, nrest))) if op != np && orest == nrest => {
                    (Some(clean(orest)), Some(clean(nrest)))
                }
                _ => (Some(clean(o)), Some(clean(n))),
            },
            (o, n) => (o.map(clean), n.map(clean)),
        }
    }
}

fn clean(name: &str) -> String {
    name.trim_start_matches("./").to_owned()
}

fn strip_prefix_opt(name: Option<&str>, prefix: Option<&str>) -> Option<String> {
    let name = name.filter(|n| *n != DEV_NULL)?;
    Some(match prefix {
        Some(p) => name.strip_prefix(p).unwrap_or(name).to_owned(),
        None => name.to_owned(),
    })
}

struct HunkHeader {
    old_start: u32,
    old_count: u32,
    new_start: u32,
    new_count: u32,
}

/// `@@ -a[,b] +c[,d] @@ optional section heading`; an omitted count is 1.
fn parse_hunk_header(line: &[u8]) -> Option<HunkHeader> {
    let rest = line.strip_prefix(b"@@ -")?;
    let (old_start, old_count, rest) = range_spec(rest)?;
    let rest = rest.strip_prefix(b" +")?;
    let (new_start, new_count, rest) = range_spec(rest)?;
    if !(rest == b" @@" || rest.starts_with(b" @@ ")) {
        return None;
    }
    Some(HunkHeader {
        old_start,
        old_count,
        new_start,
        new_count,
    })
}

fn range_spec(s: &[u8]) -> Option<(u32, u32, &[u8])> {
    let (start, rest) = number(s)?;
    match rest.strip_prefix(b",") {
        Some(rest) => {
            let (count, rest) = number(rest)?;
            Some((start, count, rest))
        }
        None => Some((start, 1, rest)),
    }
}

fn number(s: &[u8]) -> Option<(u32, &[u8])> {
    let digits = s.iter().take_while(|b| b.is_ascii_digit()).count();
    let text = std::str::from_utf8(&s[..digits]).ok()?;
    Some((text.parse().ok()?, &s[digits..]))
}

/// A `---`/`+++` name: quoted, or unquoted up to a tab (git puts a tab after a
/// name with a space; `diff -u` puts a tab before its timestamp).
fn header_name(n: usize, rest: &[u8]) -> Result<String, ParseError> {
    if rest.first() == Some(&b'"') {
        let (bytes, used) = unquote(rest).map_err(|reason| ParseError::BadQuotedPath {
            line: n,
            found: shown(rest),
            reason,
        })?;
        let trailer = &rest[used..];
        if !(trailer.is_empty()
            || trailer.starts_with(b"\t")
            || trailer.iter().all(u8::is_ascii_whitespace))
        {
            return Err(ParseError::BadQuotedPath {
                line: n,
                found: shown(rest),
                reason: "text follows the closing quote",
            });
        }
        return Ok(utf8(&bytes));
    }
    let end = rest.iter().position(|&b| b == b'\t').unwrap_or(rest.len());
    Ok(utf8(&rest[..end]))
}

/// A whole-line path: git's C-quoted form (`"caf\303\251.java"`) or the raw text.
fn parse_path(n: usize, rest: &[u8]) -> Result<String, ParseError> {
    if rest.first() != Some(&b'"') {
        return Ok(utf8(rest));
    }
    let (bytes, used) = unquote(rest).map_err(|reason| ParseError::BadQuotedPath {
        line: n,
        found: shown(rest),
        reason,
    })?;
    if rest[used..].iter().any(|b| !b.is_ascii_whitespace()) {
        return Err(ParseError::BadQuotedPath {
            line: n,
            found: shown(rest),
            reason: "text follows the closing quote",
        });
    }
    Ok(utf8(&bytes))
}

/// Decodes a C-quoted name starting at `s[0] == '"'`; returns the bytes and how
/// much of `s` the quoted name used.
fn unquote(s: &[u8]) -> Result<(Vec<u8>, usize), &'static str> {
    let mut out = Vec::with_capacity(s.len());
    let mut i = 1;
    while i < s.len() {
        match s[i] {
            b'"' => return Ok((out, i + 1)),
            b'\\' => {
                let escape = *s.get(i + 1).ok_or("unterminated escape")?;
                i += 2;
                let byte = match escape {
                    b'a' => 0x07,
                    b'b' => 0x08,
                    b't' => b'\t',
                    b'n' => b'\n',
                    b'v' => 0x0b,
                    b'f' => 0x0c,
                    b'r' => b'\r',
                    b'"' => b'"',
                    b'\\' => b'\\',
                    b'0'..=b'3' => {
                        let digits = s.get(i..i + 2).ok_or("short octal escape")?;
                        if !digits.iter().all(|d| (b'0'..=b'7').contains(d)) {
                            return Err("octal escape needs three digits 0-7");
                        }
                        i += 2;
                        ((escape - b'0') << 6) | ((digits[0] - b'0') << 3) | (digits[1] - b'0')
                    }
                    _ => return Err("unknown escape"),
                };
                out.push(byte);
            }
            b => {
                out.push(b);
                i += 1;
            }
        }
    }
    Err("missing closing quote")
}

/// The two names of `diff --git A B`. Either may be quoted; when neither is, a
/// name may contain spaces, so the split is the one where both sides name the
/// same path (git writes the same name twice unless it is a rename or copy, and
/// those name their paths again in `rename from`/`to` lines).
fn split_git_header(rest: &[u8]) -> Option<(String, String)> {
    if rest.first() == Some(&b'"') {
        let (old, used) = unquote(rest).ok()?;
        let tail = rest[used..].strip_prefix(b" ")?;
        let new = if tail.first() == Some(&b'"') {
            unquote(tail).ok()?.0
        } else {
            tail.to_vec()
        };
        return Some((utf8(&old), utf8(&new)));
    }
    if let Some(pos) = rest.windows(2).position(|w| w == b" \"") {
        let (new, _) = unquote(&rest[pos + 1..]).ok()?;
        return Some((utf8(&rest[..pos]), utf8(&new)));
    }
    split_same_name(rest, b" ").map(|(o, n)| (utf8(o), utf8(n)))
}

/// `Binary files A and B differ` (either side may be `/dev/null`).
fn split_binary_names(n: usize, names: &[u8]) -> Result<(String, String), ParseError> {
    let bad = || ParseError::BadQuotedPath {
        line: n,
        found: shown(names),
        reason: "cannot split `Binary files A and B differ` into two names",
    };
    if names.first() == Some(&b'"') {
        let (old, used) = unquote(names).map_err(|_| bad())?;
        let tail = names[used..].strip_prefix(b" and ").ok_or_else(bad)?;
        return Ok((utf8(&old), parse_path(n, tail)?));
    }
    if let Some(pos) = names.windows(6).position(|w| w == b" and \"") {
        return Ok((utf8(&names[..pos]), parse_path(n, &names[pos + 5..])?));
    }
    let sep = b" and ";
    if let Some((o, new)) = split_same_name(names, sep) {
        return Ok((utf8(o), utf8(new)));
    }
    // Added or deleted: one side is /dev/null, so the split is unambiguous.
    if let Some(new) = names.strip_prefix(b"/dev/null and ") {
        return Ok((DEV_NULL.to_owned(), utf8(new)));
    }
    if let Some(old) = names.strip_suffix(b" and /dev/null") {
        return Ok((utf8(old), DEV_NULL.to_owned()));
    }
    Err(bad())
}

/// Splits `A<sep>B` where `A` and `B` are the same path up to their first
/// directory (the `a/`, `b/` prefixes), trying every occurrence of `sep`.
fn split_same_name<'a>(s: &'a [u8], sep: &[u8]) -> Option<(&'a [u8], &'a [u8])> {
    let after_prefix = |name: &'a [u8]| -> &'a [u8] {
        match name.iter().position(|&b| b == b'/') {
            Some(i) => &name[i + 1..],
            None => name,
        }
    };
    let mut from = 0;
    while let Some(off) = s[from..].windows(sep.len()).position(|w| w == sep) {
        let at = from + off;
        let (old, new) = (&s[..at], &s[at + sep.len()..]);
        if old == new || after_prefix(old) == after_prefix(new) {
            return Some((old, new));
        }
        from = at + 1;
    }
    None
}

/// Paths are UTF-8 in every other stage; a name that is not (rare: a Latin-1
/// file name) keeps replacement characters so it still shows in reports.
fn utf8(bytes: &[u8]) -> String {
    match String::from_utf8_lossy(bytes) {
        Cow::Borrowed(s) => s.to_owned(),
        Cow::Owned(s) => s,
    }
}

/// A diff line as shown in an error: lossy UTF-8, at most 80 characters.
fn shown(line: &[u8]) -> String {
    let text = String::from_utf8_lossy(line);
    let mut out: String = text.chars().take(80).collect();
    if text.chars().count() > 80 {
        out.push('…');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diff::LineRange;

    /// `status` shorthand: `added`, `modified`, `deleted`, `mode-only`,
    /// `renamed:<from>`, `copied:<from>`; a `binary ` prefix sets the binary flag.
    type Expected<'a> = &'a [(&'a str, &'a str, &'a [(u32, u32)])];

    fn status(s: &str) -> (FileStatus, bool) {
        let (binary, s) = match s.strip_prefix("binary ") {
            Some(rest) => (true, rest),
            None => (false, s),
        };
        let status = match s.split_once(':') {
            Some(("renamed", from)) => FileStatus::Renamed { from: from.into() },
            Some(("copied", from)) => FileStatus::Copied { from: from.into() },
            _ => match s {
                "added" => FileStatus::Added,
                "modified" => FileStatus::Modified,
                "deleted" => FileStatus::Deleted,
                "mode-only" => FileStatus::ModeOnly,
                other => panic!("bad status shorthand {other}"),
            },
        };
        (status, binary)
    }

    fn expected(files: Expected) -> ChangedLines {
        files
            .iter()
            .map(|(path, st, ranges)| {
                let (status, binary) = status(st);
                ChangedFile {
                    path: (*path).into(),
                    status,
                    binary,
                    ranges: ranges
                        .iter()
                        .map(|&(start, end)| LineRange { start, end })
                        .collect(),
                    hunks: Vec::new(),
                }
            })
            .collect()
    }

    #[test]
    fn parses_every_kind_of_file_change() {
        let cases: &[(&str, &str, Expected)] = &[
            (
                "two hunks, omitted counts",
                "diff --git a/src/A.java b/src/A.java\n\
                 index 1111111..2222222 100644\n\
                 --- a/src/A.java\n\
                 +++ b/src/A.java\n\
                 @@ -3 +3 @@ class A {\n\
                 -old\n\
                 +new\n\
                 @@ -10,4 +10,5 @@\n \
                 ctx\n\
                 -gone\n\
                 +one\n\
                 +two\n \
                 ctx\n \
                 ctx\n",
                &[("src/A.java", "modified", &[(3, 3), (11, 12)])],
            ),
            (
                "zero-context hunks as git diff -U0 writes them",
                "diff --git a/A.java b/A.java\n\
                 --- a/A.java\n\
                 +++ b/A.java\n\
                 @@ -5,0 +6,2 @@ void f() {\n\
                 +x\n\
                 +y\n\
                 @@ -20,2 +22,0 @@\n\
                 -a\n\
                 -b\n\
                 @@ -30 +30,2 @@\n\
                 -c\n\
                 +c1\n\
                 +c2\n",
                &[("A.java", "modified", &[(6, 7), (30, 31)])],
            ),
            (
                "new file",
                "diff --git a/New.java b/New.java\n\
                 new file mode 100644\n\
                 index 0000000..3333333\n\
                 --- /dev/null\n\
                 +++ b/New.java\n\
                 @@ -0,0 +1,3 @@\n\
                 +a\n\
                 +b\n\
                 +c\n",
                &[("New.java", "added", &[(1, 3)])],
            ),
            (
                "deleted file",
                "diff --git a/Old.java b/Old.java\n\
                 deleted file mode 100644\n\
                 index 3333333..0000000\n\
                 --- a/Old.java\n\
                 +++ /dev/null\n\
                 @@ -1,2 +0,0 @@\n\
                 -a\n\
                 -b\n",
                &[("Old.java", "deleted", &[])],
            ),
            (
                "empty file added and deleted (no hunks, names from the git header)",
                "diff --git a/empty.txt b/empty.txt\n\
                 new file mode 100644\n\
                 index 0000000..e69de29\n\
                 diff --git a/gone.txt b/gone.txt\n\
                 deleted file mode 100644\n\
                 index e69de29..0000000\n",
                &[("empty.txt", "added", &[]), ("gone.txt", "deleted", &[])],
            ),
            (
                "a git file emptied is modified, not deleted",
                "diff --git a/A.java b/A.java\n\
                 --- a/A.java\n\
                 +++ b/A.java\n\
                 @@ -1 +0,0 @@\n\
                 -a\n",
                &[("A.java", "modified", &[])],
            ),
            (
                "pure rename",
                "diff --git a/src/Old.java b/src/New.java\n\
                 similarity index 100%\n\
                 rename from src/Old.java\n\
                 rename to src/New.java\n",
                &[("src/New.java", "renamed:src/Old.java", &[])],
            ),
            (
                "rename with edits: only + lines are new",
                "diff --git a/src/Old.java b/src/pkg/New.java\n\
                 similarity index 87%\n\
                 rename from src/Old.java\n\
                 rename to src/pkg/New.java\n\
                 index 1111111..2222222 100644\n\
                 --- a/src/Old.java\n\
                 +++ b/src/pkg/New.java\n\
                 @@ -1,3 +1,3 @@\n\
                 -package a;\n\
                 +package a.pkg;\n \
                 \n \
                 class X {}\n",
                &[("src/pkg/New.java", "renamed:src/Old.java", &[(1, 1)])],
            ),
            (
                "copy with edits",
                "diff --git a/A.java b/B.java\n\
                 similarity index 90%\n\
                 copy from A.java\n\
                 copy to B.java\n\
                 --- a/A.java\n\
                 +++ b/B.java\n\
                 @@ -2 +2 @@\n\
                 -x\n\
                 +y\n",
                &[("B.java", "copied:A.java", &[(2, 2)])],
            ),
            (
                "binary files without data",
                "diff --git a/img/logo.png b/img/logo.png\n\
                 index 1111111..2222222 100644\n\
                 Binary files a/img/logo.png and b/img/logo.png differ\n\
                 diff --git a/lib/x.jar b/lib/x.jar\n\
                 new file mode 100644\n\
                 index 0000000..2222222\n\
                 Binary files /dev/null and b/lib/x.jar differ\n",
                &[
                    ("img/logo.png", "binary modified", &[]),
                    ("lib/x.jar", "binary added", &[]),
                ],
            ),
            (
                "GIT binary patch data is skipped",
                "diff --git a/a.bin b/a.bin\n\
                 new file mode 100644\n\
                 index 0000000000000000000000000000000000000000..f76dd238ade08917e6712764a16a22005a50573d\n\
                 GIT binary patch\n\
                 literal 3\n\
                 KcmZQzWMT{e0Z;%A\n\
                 \n\
                 literal 0\n\
                 HcmV?d00001\n\
                 \n\
                 diff --git a/B.java b/B.java\n\
                 --- a/B.java\n\
                 +++ b/B.java\n\
                 @@ -1 +1 @@\n\
                 -a\n\
                 +b\n",
                &[
                    ("a.bin", "binary added", &[]),
                    ("B.java", "modified", &[(1, 1)]),
                ],
            ),
            (
                "mode-only change, and mode change with edits",
                "diff --git a/run.sh b/run.sh\n\
                 old mode 100644\n\
                 new mode 100755\n\
                 diff --git a/tool.sh b/tool.sh\n\
                 old mode 100644\n\
                 new mode 100755\n\
                 index 1111111..2222222\n\
                 --- a/tool.sh\n\
                 +++ b/tool.sh\n\
                 @@ -1 +1 @@\n\
                 -a\n\
                 +b\n",
                &[
                    ("run.sh", "mode-only", &[]),
                    ("tool.sh", "modified", &[(1, 1)]),
                ],
            ),
            (
                "names with spaces: git puts a tab after them",
                "diff --git a/my dir/My File.java b/my dir/My File.java\n\
                 index 1111111..2222222 100644\n\
                 --- a/my dir/My File.java\t\n\
                 +++ b/my dir/My File.java\t\n\
                 @@ -1 +1,2 @@\n \
                 a\n\
                 +b\n\
                 diff --git a/x y.sh b/x y.sh\n\
                 old mode 100644\n\
                 new mode 100755\n",
                &[
                    ("my dir/My File.java", "modified", &[(2, 2)]),
                    ("x y.sh", "mode-only", &[]),
                ],
            ),
            (
                "C-quoted non-ASCII names, including a rename",
                "diff --git \"a/caf\\303\\251.java\" \"b/caf\\303\\251.java\"\n\
                 index 1111111..2222222 100644\n\
                 --- \"a/caf\\303\\251.java\"\n\
                 +++ \"b/caf\\303\\251.java\"\n\
                 @@ -1 +1 @@\n\
                 -a\n\
                 +b\n\
                 diff --git \"a/d\\303\\251j\\303\\240 vu.txt\" b/plain.txt\n\
                 similarity index 100%\n\
                 rename from \"d\\303\\251j\\303\\240 vu.txt\"\n\
                 rename to plain.txt\n\
                 diff --git \"a/tab\\there\" \"b/tab\\there\"\n\
                 old mode 100644\n\
                 new mode 100755\n",
                &[
                    ("café.java", "modified", &[(1, 1)]),
                    ("plain.txt", "renamed:déjà vu.txt", &[]),
                    ("tab\there", "mode-only", &[]),
                ],
            ),
            (
                "CRLF line endings in the diff itself",
                "diff --git a/W.java b/W.java\r\n\
                 index 1111111..2222222 100644\r\n\
                 --- a/W.java\r\n\
                 +++ b/W.java\r\n\
                 @@ -1,2 +1,3 @@\r\n \
                 a\r\n\
                 +b\r\n \
                 c\r\n",
                &[("W.java", "modified", &[(2, 2)])],
            ),
            (
                "no newline at end of file, on both sides",
                "diff --git a/N.java b/N.java\n\
                 --- a/N.java\n\
                 +++ b/N.java\n\
                 @@ -1,2 +1,2 @@\n \
                 a\n\
                 -b\n\
                 \\ No newline at end of file\n\
                 +c\n\
                 \\ No newline at end of file\n",
                &[("N.java", "modified", &[(2, 2)])],
            ),
            (
                "removed and added lines that look like file headers",
                "diff --git a/H.txt b/H.txt\n\
                 --- a/H.txt\n\
                 +++ b/H.txt\n\
                 @@ -1,2 +1,2 @@\n\
                 --- x\n\
                 -@@ -1 +1 @@\n\
                 ++++ y\n\
                 +diff --git a b\n",
                &[("H.txt", "modified", &[(1, 2)])],
            ),
            (
                "an empty line inside a hunk is a context line stripped of its space",
                "diff --git a/E.java b/E.java\n\
                 --- a/E.java\n\
                 +++ b/E.java\n\
                 @@ -1,3 +1,4 @@\n \
                 a\n\
                 \n\
                 +b\n \
                 c\n",
                &[("E.java", "modified", &[(3, 3)])],
            ),
            (
                "git diff --no-prefix",
                "diff --git src/A.java src/A.java\n\
                 --- src/A.java\n\
                 +++ src/A.java\n\
                 @@ -1 +1 @@\n\
                 -a\n\
                 +b\n",
                &[("src/A.java", "modified", &[(1, 1)])],
            ),
            (
                "plain diff -u of two trees, with timestamps",
                "--- old/src/A.java\t2024-05-01 10:00:00.000000000 +0200\n\
                 +++ new/src/A.java\t2024-05-02 11:00:00.000000000 +0200\n\
                 @@ -1,2 +1,2 @@\n \
                 a\n\
                 -b\n\
                 +B\n",
                &[("src/A.java", "modified", &[(2, 2)])],
            ),
            (
                "plain diff -u of a file and its backup",
                "--- Foo.java.orig\t2024-05-01 10:00:00\n\
                 +++ Foo.java\t2024-05-01 10:00:01\n\
                 @@ -1 +1,2 @@\n \
                 a\n\
                 +b\n",
                &[("Foo.java", "modified", &[(2, 2)])],
            ),
            (
                "plain diff -ruN: diff lines, Only in, binary, absent sides",
                "Only in a: junk.log\n\
                 diff -ruN a/src/A.java b/src/A.java\n\
                 --- a/src/A.java\t2024-05-01 10:00:00\n\
                 +++ b/src/A.java\t2024-05-01 10:00:01\n\
                 @@ -1 +1 @@\n\
                 -x\n\
                 +y\n\
                 Only in b: other\n\
                 diff -ruN a/src/New.java b/src/New.java\n\
                 --- a/src/New.java\t1970-01-01 01:00:00\n\
                 +++ b/src/New.java\t2024-05-01 10:00:01\n\
                 @@ -0,0 +1,2 @@\n\
                 +n1\n\
                 +n2\n\
                 diff -ruN a/logo.png b/logo.png\n\
                 Binary files a/logo.png and b/logo.png differ\n\
                 --- /dev/null\n\
                 +++ b/Z.java\n\
                 @@ -0,0 +1 @@\n\
                 +z\n",
                &[
                    ("src/A.java", "modified", &[(1, 1)]),
                    ("src/New.java", "added", &[(1, 2)]),
                    ("logo.png", "binary modified", &[]),
                    ("b/Z.java", "added", &[(1, 1)]),
                ],
            ),
            (
                "git format-patch mail: preamble and signature are not diff",
                "From 1234567890abcdef1234567890abcdef12345678 Mon Sep 17 00:00:00 2001\n\
                 From: Dev <dev@example.com>\n\
                 Subject: [PATCH] Fix it\n\
                 \n\
                 Longer message.\n\
                 ---\n \
                 src/A.java | 2 +-\n \
                 1 file changed, 1 insertion(+), 1 deletion(-)\n\
                 \n\
                 diff --git a/src/A.java b/src/A.java\n\
                 index 1111111..2222222 100644\n\
                 --- a/src/A.java\n\
                 +++ b/src/A.java\n\
                 @@ -1 +1 @@\n\
                 -a\n\
                 +b\n\
                 -- \n\
                 2.43.0\n\
                 \n",
                &[("src/A.java", "modified", &[(1, 1)])],
            ),
            (
                "format-patch signature after a file without hunks",
                "diff --git a/run.sh b/run.sh\n\
                 old mode 100644\n\
                 new mode 100755\n\
                 -- \n\
                 2.43.0\n",
                &[("run.sh", "mode-only", &[])],
            ),
            ("empty diff", "", &[]),
            ("blank lines only", "\n\r\n\n", &[]),
        ];
        for (name, diff, want) in cases {
            let got = parse(diff.as_bytes()).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(got.without_hunks(), expected(want), "{name}");
        }
    }

    #[test]
    fn malformed_diffs_name_the_line_and_what_was_expected() {
        let cases: &[(&str, &str, &str)] = &[
            (
                "hunk shorter than its header says",
                "diff --git a/A b/A\n--- a/A\n+++ b/A\n@@ -1,3 +1,3 @@\n a\n-b\n+c\ndiff --git a/B b/B\n",
                "line 8: the hunk at line 4 still expects 1 old and 1 new line(s), but found `diff --git a/B b/B`",
            ),
            (
                "diff ends inside a hunk",
                "--- a/A\n+++ b/A\n@@ -1 +1,2 @@\n-a\n+b\n",
                "the diff ends inside the hunk at line 3, which still expects 0 old and 1 new line(s)",
            ),
            (
                "hunk longer than its header says",
                "--- a/A\n+++ b/A\n@@ -1 +1 @@\n-a\n+b\n+c\n",
                "line 6: `+c` follows the hunk at line 3 after all the lines its header counts",
            ),
            (
                "more added lines than counted, inside the hunk",
                "--- a/A\n+++ b/A\n@@ -1,2 +1 @@\n+b\n+c\n-a\n",
                "line 5: the hunk at line 3 still expects 2 old and 0 new line(s), but found `+c`",
            ),
            (
                "bad hunk header",
                "--- a/A\n+++ b/A\n@@ -x +1 @@\n",
                "line 3: bad hunk header `@@ -x +1 @@`; expected `@@ -start[,count] +start[,count] @@`",
            ),
            (
                "not a diff at all",
                "hello\nworld\n",
                "line 1: this is not a unified diff (it is text without a file header)",
            ),
            (
                "--- without +++",
                "--- a/A\n@@ -1 +1 @@\n",
                "line 2: expected `+++ <new file>` after the `---` line at line 1, found `@@ -1 +1 @@`",
            ),
            (
                "--- at the very end",
                "--- a/A",
                "line 2: expected `+++ <new file>` after the `---` line at line 1, found `end of input`",
            ),
            (
                "hunk before any file",
                "@@ -1 +1 @@\n-a\n+b\n",
                "line 1: hunk header `@@ -1 +1 @@` comes before any file header",
            ),
            (
                "garbage in a git header",
                "diff --git a/A b/A\nindex 1..2\nwhat is this\n",
                "line 3: unexpected `what is this` in the header of the file at line 1",
            ),
            (
                "garbage after a git hunk",
                "diff --git a/A b/A\n--- a/A\n+++ b/A\n@@ -1 +1 @@\n-a\n+b\nstray text\n",
                "line 7: unexpected `stray text`; expected `diff --git`, another hunk",
            ),
            (
                "garbage between a plain header and its hunk",
                "--- a/A\n+++ b/A\nstray\n",
                "line 3: unexpected `stray`; expected a hunk header",
            ),
            (
                "file header without a hunk at the end",
                "diff --git a/A b/A\nindex 1..2 100644\n--- a/A\n+++ b/A\n",
                "line 5: expected a hunk header `@@ -start[,count] +start[,count] @@` after the `---`/`+++` lines",
            ),
            (
                "file header without a hunk before the next file",
                "diff --git a/A b/A\n--- a/A\n+++ b/A\ndiff --git a/B b/B\n",
                "line 4: expected a hunk header",
            ),
            (
                "combined diff",
                "diff --cc file.txt\n",
                "line 1: combined diffs of merge commits",
            ),
            (
                "bad octal escape in a quoted name",
                "diff --git a/x b/x\n--- \"a/caf\\39.java\"\n",
                "line 2: bad quoted path `\"a/caf\\39.java\"`: octal escape needs three digits 0-7",
            ),
            (
                "unterminated quoted name",
                "diff --git a/x b/x\nrename from \"abc\n",
                "line 2: bad quoted path `\"abc`: missing closing quote",
            ),
        ];
        for (name, diff, want) in cases {
            match parse(diff.as_bytes()) {
                Ok(got) => panic!("{name}: parsed as {got:?}"),
                Err(e) => assert!(
                    e.to_string().starts_with(want),
                    "{name}:\n got: {e}\nwant: {want}…"
                ),
            }
        }
    }

    /// The fixture is a real `git diff main...feature`; the expected file was
    /// measured independently (diff-cover): per file the number of changed lines,
    /// and which of them JaCoCo reports as missed or partly covered.
    #[test]
    fn fixture_patch_gives_the_independently_measured_lines() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/java-sample/pr-change");
        let changed = read(&dir.join("feature.patch")).unwrap();
        let text = std::fs::read_to_string(dir.join("changed-lines.expected.json")).unwrap();
        let want: serde_json::Value = serde_json::from_str(&text).unwrap();

        assert_eq!(Some(changed.len() as u64), want["files_in_diff"].as_u64());
        assert_eq!(
            Some(changed.line_count()),
            want["changed_lines_total"].as_u64()
        );
        let files = want["files"].as_object().unwrap();
        assert!(!files.is_empty());
        for (path, expect) in files {
            let file = changed
                .file(path)
                .unwrap_or_else(|| panic!("{path} missing"));
            assert_eq!(file.status, FileStatus::Modified, "{path}");
            assert_eq!(
                Some(file.line_count()),
                expect["changed_lines"].as_u64(),
                "{path}"
            );
            for key in ["missed_lines", "partial_lines"] {
                for line in expect[key].as_array().unwrap() {
                    let line = u32::try_from(line.as_u64().unwrap()).unwrap();
                    assert!(changed.contains(path, line), "{path}:{line} ({key})");
                }
            }
        }
        // And the exact lines, read off the patch by hand.
        let ranges = |p: &str| changed.file(p).map(|f| f.ranges.clone()).unwrap();
        let r = |start, end| vec![LineRange { start, end }];
        assert_eq!(
            ranges("src/main/java/com/example/legacy/CsvExporter.java"),
            r(23, 23)
        );
        assert_eq!(
            ranges("src/main/java/com/example/shop/Cart.java"),
            r(59, 70)
        );
        assert_eq!(
            ranges("src/test/java/com/example/shop/CartTest.java"),
            r(35, 39)
        );
    }

    #[test]
    fn stdin_and_missing_files_are_named_in_errors() {
        let err = read(Path::new("/nonexistent/x.patch")).unwrap_err();
        assert!(err
            .to_string()
            .starts_with("cannot read the diff `/nonexistent/x.patch`"));
        let err = ReadError::Parse {
            path: PathBuf::from("-"),
            source: ParseError::NoFileName { line: 3 },
        };
        assert!(err
            .to_string()
            .starts_with("the diff on standard input is not"));
    }

    /// Run with `cargo test --release --lib diff::unified -- --ignored --nocapture`.
    #[test]
    #[ignore = "a measurement, not a check: prints how long a 10,000-file diff takes"]
    fn measure_parsing_ten_thousand_files() {
        let mut diff = String::new();
        for i in 0..10_000 {
            diff.push_str(&format!(
                "diff --git a/src/pkg{m}/File{i}.java b/src/pkg{m}/File{i}.java\n\
                 index 1111111..2222222 100644\n\
                 --- a/src/pkg{m}/File{i}.java\n\
                 +++ b/src/pkg{m}/File{i}.java\n",
                m = i % 97
            ));
            for h in 0..3 {
                let start = 10 + h * 40;
                diff.push_str(&format!("@@ -{start},7 +{start},8 @@ class File{i} {{\n"));
                diff.push_str("     int a = 1;\n     int b = 2;\n     int c = 3;\n");
                diff.push_str("-    return a;\n+    int d = a + b;\n+    return d;\n");
                diff.push_str("     }\n     // end\n     }\n");
            }
        }
        let start = std::time::Instant::now();
        let changed = parse(diff.as_bytes()).unwrap();
        let elapsed = start.elapsed();
        assert_eq!(changed.len(), 10_000);
        assert_eq!(changed.line_count(), 60_000);
        println!(
            "parsed {} files, {} lines, {:.1} MB of diff in {:?}",
            changed.len(),
            diff.lines().count(),
            diff.len() as f64 / 1e6,
            elapsed
        );
    }
}
