//! Analysis: every source file is read and parsed once, and all rules of its
//! language run over that one tree (see `java` and `rust`). Files are spread over rayon's
//! threads; a file that cannot be read or decoded becomes a diagnostic, never an
//! abort. Results are sorted so that output is byte-for-byte deterministic.

pub mod java;
pub mod rust;
pub mod suppress;
pub mod template;

use crate::model::{Diagnostic, DiagnosticLevel, Finding, Language, Location, SourceFile};
use crate::rules::EnabledRule;
use crate::rules::RuleFileError;
use rayon::prelude::*;
use std::collections::HashMap;
use std::io::Read;
use suppress::Suppressions;

/// The stack each analysis thread needs. syn's parser and visitor recurse once or
/// more per level of nesting; the Rust engine refuses bracket nesting past a
/// bound, but chains (`a.b().c()…`, `else if …`, `!!!x`) nest the tree without
/// brackets, and 10,000 links of any of them fit in this much stack (a debug
/// build uses the most). Only touched pages are committed, so the cost is
/// address space. `main` builds the worker pool with it.
pub const STACK_BYTES: usize = 256 << 20;

/// How the diagnostic of a file the parser could not read at all begins: a warning
/// for a file the change does not touch, an error for one it does (its issues
/// would be unknown).
pub const NOT_ANALYSED: &str = "not analysed: ";

/// Why a file that nests deeper than an engine's bound is not analysed.
pub fn too_deep(depth: u32, max: u32) -> String {
    format!("it nests {depth} levels deep, more than the {max} gate analyses")
}

/// A position in a file as the parser gives it: 0-based line, 0-based byte column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Pos {
    pub line: u32,
    pub byte_column: u32,
}

/// What one rule found, before it becomes a [`Finding`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit {
    /// Index of the rule in the analyzer's rule list.
    pub rule: usize,
    pub start: Pos,
    pub end: Pos,
    pub message: String,
}

/// What a language engine reports for one file after its single walk.
#[derive(Debug, Default)]
pub struct FileReport {
    pub hits: Vec<Hit>,
    pub suppressions: Suppressions,
    /// 1-based lines where the parser had to recover from a syntax error.
    pub syntax_errors: Vec<u32>,
    /// Set when the file could not be analysed at all (a parser without error
    /// recovery gave up): where and why. Hits are then empty.
    pub unparsed: Option<Unparsed>,
}

/// Why and where a file was left unanalysed, in the parser's words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unparsed {
    /// 1-based line and character column.
    pub line: u32,
    pub column: u32,
    pub message: String,
}

/// A language's compiled rules: parse a file's text and run them all.
pub trait Engine: Send + Sync {
    /// Parses `text`; unless `parse_only`, runs every rule in one walk. `path` is
    /// the file's path relative to the root, with `/`: some rules depend on where
    /// code lives (test folders, binaries).
    fn analyze(&self, text: &str, path: &str, parse_only: bool) -> FileReport;
}

/// The rules of this run, compiled per language.
pub struct Analyzer {
    rules: Vec<EnabledRule>,
    engines: Vec<(Language, Box<dyn Engine>)>,
    parse_only: bool,
    /// `[sources] max_file_bytes`.
    max_file_bytes: u64,
}

/// Everything analysis found, sorted.
#[derive(Debug, Default)]
pub struct Analysis {
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub files: usize,
    pub lines: u64,
    /// The languages of the files analysed, in the order first met.
    pub languages: Vec<Language>,
    /// The findings of the `base` texts, in their order.
    pub base_findings: Vec<Finding>,
}

impl Analyzer {
    /// Compiles the enabled rules. A rule whose match does not compile is an error
    /// naming its file and position.
    pub fn new(rules: Vec<EnabledRule>, parse_only: bool) -> Result<Analyzer, RuleFileError> {
        // Each engine gets its language's rules with their index in `rules`.
        let of = |language| -> Vec<(usize, &EnabledRule)> {
            rules
                .iter()
                .enumerate()
                .filter(|(_, r)| r.rule.language == language)
                .collect()
        };
        let java: Box<dyn Engine> = Box::new(java::JavaEngine::new(&of(Language::Java))?);
        let rust: Box<dyn Engine> = Box::new(rust::RustEngine::new(&of(Language::Rust))?);
        let engines = vec![(Language::Java, java), (Language::Rust, rust)];
        Ok(Analyzer {
            rules,
            engines,
            parse_only,
            max_file_bytes: crate::source::SourcesConfig::default().max_file_bytes,
        })
    }

    /// Files larger than `bytes` are reported, not analysed.
    pub fn max_file_bytes(mut self, bytes: u64) -> Analyzer {
        self.max_file_bytes = bytes;
        self
    }

    /// Analyses `files` in parallel; `progress` is called once per file. `base` are
    /// texts that are not on disk (the changed files' base revisions, for issue
    /// tracking): analysed in the same parallel pass, so that they fill the cores
    /// the files leave idle, and their findings go to `base_findings`.
    pub fn analyze(
        &self,
        files: &[SourceFile],
        base: &[(SourceFile, String)],
        progress: &(dyn Fn() + Sync),
    ) -> Analysis {
        let mut base_findings: Vec<Vec<Finding>> = Vec::new();
        let results: Vec<FileResult> = rayon::join(
            || {
                files
                    .par_iter()
                    .map(|file| {
                        let result = self.analyze_file(file);
                        progress();
                        result
                    })
                    .collect()
            },
            || {
                base_findings = base
                    .par_iter()
                    .map(|(file, text)| self.analyze_text(file, text))
                    .collect();
            },
        )
        .0;
        let mut analysis = Analysis::default();
        let mut unsupported: Vec<&SourceFile> = Vec::new();
        let mut analysed: Vec<Language> = Vec::new();
        for (file, result) in files.iter().zip(results) {
            match result {
                FileResult::Done {
                    findings,
                    diagnostics,
                    lines,
                } => {
                    analysis.files += 1;
                    if !analysed.contains(&file.language) {
                        analysed.push(file.language);
                    }
                    analysis.lines += lines;
                    analysis.findings.extend(findings);
                    analysis.diagnostics.extend(diagnostics);
                }
                FileResult::Skipped(d) => analysis.diagnostics.push(d),
                FileResult::Unsupported => unsupported.push(file),
            }
        }
        analysis.languages = analysed;
        if let Some(first) = unsupported.first() {
            analysis.diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                path: None,
                message: format!(
                    "{} {} file(s) found (first: {}) but this version has no {} rules; they were not analysed",
                    unsupported.len(),
                    first.language,
                    first.rel,
                    first.language
                ),
            });
        }
        analysis
            .findings
            .sort_by(|a, b| (&a.location, &a.rule).cmp(&(&b.location, &b.rule)));
        analysis.base_findings = base_findings.into_iter().flatten().collect();
        analysis
    }

    fn analyze_file(&self, file: &SourceFile) -> FileResult {
        let Some((_, engine)) = self.engines.iter().find(|(l, _)| *l == file.language) else {
            return FileResult::Unsupported;
        };
        let skipped = |level, message: String| {
            FileResult::Skipped(Diagnostic {
                level,
                path: Some(file.rel.clone()),
                message,
            })
        };
        // Read no more than the bound and one byte, whatever the file's size.
        let mut bytes = Vec::new();
        let read = std::fs::File::open(&file.abs).and_then(|f| {
            f.take(self.max_file_bytes.saturating_add(1))
                .read_to_end(&mut bytes)
        });
        if let Err(e) = read {
            return skipped(DiagnosticLevel::Error, format!("cannot read: {e}"));
        }
        if bytes.len() as u64 > self.max_file_bytes {
            // A warning like any file left unanalysed, an error when the change
            // touches it (see `NOT_ANALYSED`).
            return skipped(
                DiagnosticLevel::Warning,
                format!(
                    "{NOT_ANALYSED}it is larger than {} bytes ([sources] max_file_bytes); split it, exclude it in [sources] exclude, or raise the bound",
                    self.max_file_bytes
                ),
            );
        }
        // A NUL byte is no reason to skip: javac and rustc read it in a comment,
        // and a file skipped as "binary" would hide what it holds.
        let text = match std::str::from_utf8(&bytes) {
            Ok(t) => t.strip_prefix('\u{feff}').unwrap_or(t),
            Err(e) => {
                return skipped(
                    DiagnosticLevel::Error,
                    format!(
                        "not valid UTF-8 (at byte {}); convert it to UTF-8 or exclude it in [sources] exclude",
                        e.valid_up_to()
                    ),
                )
            }
        };
        let report = engine.analyze(text, &file.rel, self.parse_only);
        let mut diagnostics = Vec::new();
        if let Some(u) = &report.unparsed {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                path: Some(file.rel.clone()),
                message: format!(
                    "{NOT_ANALYSED}{} (line {}, column {})",
                    u.message, u.line, u.column
                ),
            });
        }
        if let Some(first) = report.syntax_errors.first() {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Warning,
                path: Some(file.rel.clone()),
                message: format!(
                    "partly unparsed: {} syntax error(s), first at line {first}; the rest of the file was analysed",
                    report.syntax_errors.len()
                ),
            });
        }
        FileResult::Done {
            findings: self.findings(file, text, report),
            diagnostics,
            lines: line_count(text),
        }
    }

    /// The findings of one file's text that is not on disk: a base revision, which
    /// issue tracking compares the head's findings with. Diagnostics are left out:
    /// the base is not what the gate judges.
    fn analyze_text(&self, file: &SourceFile, text: &str) -> Vec<Finding> {
        let Some((_, engine)) = self.engines.iter().find(|(l, _)| *l == file.language) else {
            return Vec::new();
        };
        if text.len() as u64 > self.max_file_bytes {
            return Vec::new();
        }
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        let report = engine.analyze(text, &file.rel, self.parse_only);
        self.findings(file, text, report)
    }

    /// Turns hits into findings: character columns, suppressions, fingerprints.
    /// Linear in the text and the hits, however many share one long line: each
    /// line is measured and hashed once (`Lines`).
    fn findings(&self, file: &SourceFile, text: &str, report: FileReport) -> Vec<Finding> {
        let mut hits = report.hits;
        if hits.is_empty() {
            return Vec::new();
        }
        hits.sort_by_key(|h| (h.start, h.end, h.rule));
        hits.dedup_by_key(|h| (h.start, h.end, h.rule));
        let mut lines = Lines::new(text);
        // Per rule and line text: the fingerprint's hash up to the occurrence
        // index, and how often the rule met that text so far.
        let mut seen: HashMap<(usize, usize), (Fnv, usize)> = HashMap::new();
        hits.into_iter()
            .map(|hit| {
                let enabled = &self.rules[hit.rule];
                let (line_text, text_id) = lines.text(hit.start.line);
                let (prefix, occurrence) = seen.entry((hit.rule, text_id)).or_insert_with(|| {
                    let normalised = &lines.texts[text_id];
                    (
                        Fnv::new()
                            .part(&enabled.rule.id)
                            .part(&file.rel)
                            .part(normalised),
                        0,
                    )
                });
                let fingerprint = prefix.part(&occurrence.to_string()).hex();
                *occurrence += 1;
                let start_line = hit.start.line + 1;
                // A long (minified, generated) line is not quoted: quoting it for
                // each of its findings would grow the report with its square.
                let snippet = if line_text.len() > SNIPPET_MAX {
                    String::new()
                } else {
                    line_text.trim_end().to_string()
                };
                Finding {
                    rule: enabled.rule.id.clone(),
                    severity: enabled.severity,
                    rule_type: enabled.rule.rule_type,
                    location: Location {
                        path: file.rel.clone(),
                        start_line,
                        start_column: lines.column(hit.start),
                        end_line: hit.end.line + 1,
                        end_column: lines.column(hit.end),
                    },
                    message: hit.message,
                    snippet,
                    fingerprint,
                    new: false,
                    suppressed: report.suppressions.find(
                        &enabled.rule.id,
                        enabled.rule.equivalent.sonar.as_deref(),
                        start_line,
                    ),
                }
            })
            .collect()
    }
}

/// The longest line a finding quotes, in bytes.
const SNIPPET_MAX: usize = 1000;

/// A file's lines for its findings, each measured once: its text without
/// whitespace (interned: the fingerprint's and occurrence count's key) and, for
/// a line with non-ASCII text, the character count at each byte.
struct Lines<'t> {
    lines: Vec<&'t str>,
    /// Distinct line texts without whitespace; `by_text` indexes them.
    texts: Vec<String>,
    by_text: HashMap<String, usize>,
    /// The last line asked for: its index, text id, and character columns.
    current: Option<(u32, usize, Option<Vec<u32>>)>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        Lines {
            lines: text.lines().collect(),
            texts: Vec::new(),
            by_text: HashMap::new(),
            current: None,
        }
    }

    fn line(&self, line: u32) -> &'t str {
        self.lines.get(line as usize).copied().unwrap_or("")
    }

    /// Makes `line` the current one.
    fn enter(&mut self, line: u32) -> &(u32, usize, Option<Vec<u32>>) {
        if self.current.as_ref().is_none_or(|c| c.0 != line) {
            let text = self.line(line);
            let normalised: String = text.split_whitespace().collect();
            let next = self.texts.len();
            let id = *self.by_text.entry(normalised.clone()).or_insert(next);
            if id == next {
                self.texts.push(normalised);
            }
            let chars = (!text.is_ascii()).then(|| {
                let mut at = vec![0u32; text.len() + 1];
                for (count, (byte, c)) in text.char_indices().enumerate() {
                    at[byte..byte + c.len_utf8()].fill(count as u32);
                    at[byte + c.len_utf8()] = count as u32 + 1;
                }
                at
            });
            self.current = Some((line, id, chars));
        }
        self.current.as_ref().expect("set just above")
    }

    /// The text of 0-based `line` and the id of its text without whitespace.
    fn text(&mut self, line: u32) -> (&'t str, usize) {
        let id = self.enter(line).1;
        (self.line(line), id)
    }

    /// The 1-based character column of a position.
    fn column(&mut self, pos: Pos) -> u32 {
        let len = self.line(pos.line).len();
        let byte = (pos.byte_column as usize).min(len);
        match &self.enter(pos.line).2 {
            Some(chars) => chars[byte] + 1,
            None => byte as u32 + 1,
        }
    }
}

enum FileResult {
    Done {
        findings: Vec<Finding>,
        diagnostics: Vec<Diagnostic>,
        lines: u64,
    },
    Skipped(Diagnostic),
    Unsupported,
}

/// A finding's identity across commits: rule, path, the line's text without
/// whitespace, and which occurrence of that text it is. Line numbers are left out
/// on purpose, so edits above the finding do not change it. FNV-1a, 64 bits: stable
/// across Rust versions, unlike `std`'s hasher.
pub fn fingerprint(rule: &str, path: &str, normalised_line: &str, occurrence: usize) -> String {
    Fnv::new()
        .part(rule)
        .part(path)
        .part(normalised_line)
        .part(&occurrence.to_string())
        .hex()
}

/// FNV-1a over parts, each followed by a 0 byte: hashed part by part, so that a
/// line's parts are hashed once for all its findings.
#[derive(Clone, Copy)]
struct Fnv(u64);

impl Fnv {
    fn new() -> Self {
        Fnv(0xcbf2_9ce4_8422_2325)
    }
    fn part(self, part: &str) -> Self {
        let mut hash = self.0;
        for byte in part.bytes().chain([0]) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
        Fnv(hash)
    }
    fn hex(self) -> String {
        format!("{:016x}", self.0)
    }
}

/// What `str::lines().count()` says, from a byte count that the compiler
/// vectorises: the char-by-char `lines` iterator was 1-2 % of a parse-only run.
fn line_count(text: &str) -> u64 {
    let newlines = text.bytes().filter(|&b| b == b'\n').count() as u64;
    newlines + u64::from(!text.is_empty() && !text.ends_with('\n'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_count_is_what_lines_counts() {
        for text in ["", "a", "a\n", "a\nb", "a\r\nb\r\n", "\n\n", "x\n\ny"] {
            assert_eq!(line_count(text), text.lines().count() as u64, "{text:?}");
        }
    }

    fn analyzer(ids: &[&str]) -> Analyzer {
        let rules = crate::rules::builtin()
            .unwrap()
            .into_iter()
            .filter(|r| ids.contains(&r.id.as_str()))
            .map(|rule| EnabledRule {
                severity: rule.severity,
                params: rule.params.clone(),
                rule,
            })
            .collect();
        Analyzer::new(rules, false).unwrap()
    }

    fn java(rel: &str) -> SourceFile {
        SourceFile {
            abs: rel.into(),
            rel: rel.into(),
            language: Language::Java,
        }
    }

    #[test]
    fn findings_on_one_long_line_have_character_columns_and_counted_fingerprints() {
        let sevens = "7, ".repeat(400);
        let text = format!("class A {{ String s = \"é\"; int[] a = {{ {sevens}}}; }}\n");
        let findings = analyzer(&["magic-number"]).analyze_text(&java("A.java"), &text);
        assert_eq!(findings.len(), 400);
        let normalised: String = text.split_whitespace().collect();
        for (i, f) in findings.iter().enumerate() {
            // `é` is two bytes and one character.
            let column = 39 + 3 * i as u32;
            assert_eq!(
                (f.location.start_column, f.location.end_column),
                (column, column + 1)
            );
            assert_eq!(
                f.fingerprint,
                fingerprint("magic-number", "A.java", &normalised, i)
            );
            // Longer than SNIPPET_MAX: not quoted.
            assert_eq!(f.snippet, "");
        }
        let short = "class A { int[] a = { 7, 7 }; }\n";
        let findings = analyzer(&["magic-number"]).analyze_text(&java("A.java"), short);
        let snippets: Vec<&str> = findings.iter().map(|f| f.snippet.as_str()).collect();
        assert_eq!(snippets, [short.trim_end(), short.trim_end()]);
    }

    #[test]
    fn fingerprint_ignores_position_but_not_content() {
        let a = fingerprint("r", "A.java", "x==y", 0);
        assert_eq!(a, fingerprint("r", "A.java", "x==y", 0));
        assert_ne!(a, fingerprint("r", "A.java", "x==y", 1));
        assert_ne!(a, fingerprint("r", "B.java", "x==y", 0));
        assert_ne!(a, fingerprint("s", "A.java", "x==y", 0));
        assert_eq!(a.len(), 16);
    }
}
