//! The reports against the checked-out sources, once they are merged: what no report
//! can tell about itself. Files the configuration excludes leave the figures. A file
//! whose report marks blank or comment lines as code, or lines past its end, was
//! measured on other sources (a stale or foreign report): a warning, and an error when
//! those lines are new, since the change's figures would be read off the wrong lines.
//! A changed file of a language the reports measure that no report lists has its new
//! code lines counted as uncovered, instead of silently not at all. This is the only
//! part of the coverage stage that reads source files.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use rayon::prelude::*;

use super::source_lines::{classify, LineKind, Syntax};
use super::{
    glob_set, Coverage, CoverageConfig, CoverageError, FileCoverage, LineCoverage, ReportFormat,
};
use crate::diff::ChangedLines;
use crate::model::{is_test_path, Diagnostic, DiagnosticLevel};
use crate::source::SourcesConfig;

/// The changed files no report lists, as the checkout tells them apart.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Unlisted {
    /// By path, each file's code lines, all missed: its new code lines count as
    /// uncovered new lines.
    pub files: BTreeMap<String, FileCoverage>,
    /// Taken out of the coverage figures by `[coverage] exclude` or `[sources] exclude`.
    pub excluded: BTreeSet<String>,
}

/// Blank or comment lines a report may mark as code in a file before it is suspect:
/// more than this many, and more than [`MISMATCH_PERCENT`] of the file's coverable
/// lines. JaCoCo never marks such a line (it marks lines that hold bytecode), so one
/// would do; the margin absorbs what a line scan may misjudge (a comment marker in an
/// unusual literal), while a report from other sources, whose lines are shifted by
/// every insertion, lands on blank and comment lines far more often.
const MISMATCH_LINES: usize = 2;
const MISMATCH_PERCENT: usize = 5;

/// Diagnostics of one kind shown before the rest are summed up in one line.
const SHOWN: usize = 10;

/// Takes the excluded files out of `coverage`, checks the reports against the files
/// under `root`, and returns the changed files no report lists. `changed` is the new
/// code; `None` when everything is new, where no file counts as changed. Warnings and
/// errors go to `diagnostics`.
pub fn vet(
    root: &Path,
    coverage: &mut Coverage,
    changed: Option<&ChangedLines>,
    config: &CoverageConfig,
    sources: &SourcesConfig,
    diagnostics: &mut Vec<Diagnostic>,
) -> Result<Unlisted, CoverageError> {
    // A report is a product of this run's build. One the change itself adds or
    // edits (committed where the build would write it, or named in gate.toml) says
    // whatever its author wants.
    let root_dir = std::fs::canonicalize(root).unwrap_or_else(|_| root.to_path_buf());
    for report in &coverage.reports {
        let at = std::fs::canonicalize(&report.path).unwrap_or_else(|_| report.path.clone());
        let rel = at
            .strip_prefix(&root_dir)
            .ok()
            .map(|r| r.to_string_lossy().replace('\\', "/"));
        if let Some(rel) = rel.filter(|r| changed.is_some_and(|c| c.file(r).is_some())) {
            diagnostics.push(Diagnostic {
                level: DiagnosticLevel::Error,
                path: Some(rel),
                message: "this coverage report is part of the change: a report must come from \
                          this run's build, not from the pull request (build it in CI, and keep \
                          reports out of the repository)"
                    .to_string(),
            });
        }
    }
    let measured = measured_extensions(coverage);
    let excluded = exclusions(config, sources)?;
    coverage.files.retain(|path, _| !excluded(path));

    let found: Vec<Result<Option<Mismatch>, Diagnostic>> = coverage
        .files
        .par_iter()
        .map(|(path, file)| {
            let bytes = std::fs::read(root.join(path)).map_err(|e| unreadable(path, &e))?;
            Ok(Mismatch::find(path, file, &String::from_utf8_lossy(&bytes)))
        })
        .collect();
    let mut mismatches = Vec::new();
    for result in found {
        match result {
            Ok(mismatch) => mismatches.extend(mismatch),
            Err(unreadable) => diagnostics.push(unreadable),
        }
    }
    // Errors first, all of them; warnings up to a limit.
    mismatches.sort_by_key(|m| m.new_lines(changed).is_empty());
    let mut warnings = 0;
    for m in &mismatches {
        let new = m.new_lines(changed);
        if new.is_empty() {
            warnings += 1;
            if warnings > SHOWN {
                continue;
            }
        }
        diagnostics.push(m.to_diagnostic(&new));
    }
    if warnings > SHOWN {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            path: None,
            message: format!(
                "… and {} more files whose report lines do not fit the file",
                warnings - SHOWN
            ),
        });
    }

    let mut unlisted = Unlisted::default();
    let Some(changed) = changed else {
        return Ok(unlisted);
    };
    unlisted.excluded = changed
        .files()
        .filter(|cf| excluded(&cf.path))
        .map(|cf| cf.path.clone())
        .collect();
    let candidates = changed.files().filter_map(|cf| {
        let counted = cf.line_count() > 0
            && !cf.binary
            && !coverage.files.contains_key(&cf.path)
            && extension(&cf.path).is_some_and(|e| measured.contains(e))
            && !is_test_path(&cf.path)
            && !excluded(&cf.path);
        Some((cf, Syntax::of(&cf.path).filter(|_| counted)?))
    });
    let mut reported = 0;
    for (cf, syntax) in candidates {
        let text = match std::fs::read(root.join(&cf.path)) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => {
                diagnostics.push(unreadable(&cf.path, &e));
                continue;
            }
        };
        let file = code_lines(&text, syntax);
        let new = file.tally(cf.lines()).missed;
        if new > 0 {
            reported += 1;
            if reported <= SHOWN {
                diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Warning,
                    path: Some(cf.path.clone()),
                    message: format!(
                        "changed, but no coverage report lists it: its {new} new code line(s) \
                         count as uncovered (list it in [coverage] exclude if its coverage is \
                         not measured on purpose)"
                    ),
                });
            }
        }
        unlisted.files.insert(cf.path.clone(), file);
    }
    if reported > SHOWN {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            path: None,
            message: format!(
                "… and {} more changed files no coverage report lists, whose new code lines count as uncovered",
                reported - SHOWN
            ),
        });
    }
    Ok(unlisted)
}

/// The extensions of the files the reports measure: those of every file they name,
/// and `.java` and `.kt` with a JaCoCo report, which measures whatever a JVM build
/// compiles.
fn measured_extensions(coverage: &Coverage) -> BTreeSet<String> {
    let mut measured: BTreeSet<String> = coverage
        .files
        .keys()
        .map(String::as_str)
        .chain(coverage.unmapped.iter().map(|u| u.name.as_str()))
        .filter_map(extension)
        .map(str::to_string)
        .collect();
    if coverage
        .reports
        .iter()
        .any(|r| r.format == ReportFormat::Jacoco)
    {
        measured.extend(["java".to_string(), "kt".to_string()]);
    }
    measured
}

fn extension(path: &str) -> Option<&str> {
    let name = path.rsplit('/').next().unwrap_or(path);
    Some(name.rsplit_once('.')?.1)
}

/// Whether a repository path is out of the coverage figures: `[coverage] exclude`,
/// or `[sources] exclude` (which takes a file out of the analysis too).
fn exclusions(
    config: &CoverageConfig,
    sources: &SourcesConfig,
) -> Result<impl Fn(&str) -> bool, CoverageError> {
    let patterns: Vec<String> = config.exclude.iter().map(|g| g.get_ref().clone()).collect();
    let coverage = glob_set("[coverage] exclude", &patterns)?;
    let sources =
        crate::source::globset(&sources.exclude).map_err(|source| CoverageError::Glob {
            field: "[sources] exclude",
            pattern: sources
                .exclude
                .iter()
                .map(|g| g.get_ref().as_str())
                .collect::<Vec<_>>()
                .join(", "),
            source,
        })?;
    Ok(move |path: &str| {
        coverage.is_match(path) || sources.as_ref().is_some_and(|s| s.is_match(path))
    })
}

/// A file's code lines ([`LineKind::Code`]), all missed.
fn code_lines(text: &str, syntax: Syntax) -> FileCoverage {
    let lines = (1..)
        .zip(classify(text, syntax))
        .filter(|(_, kind)| *kind == LineKind::Code)
        .map(|(nr, _)| (nr, LineCoverage::default()));
    FileCoverage::new(lines, None)
}

fn unreadable(path: &str, error: &std::io::Error) -> Diagnostic {
    Diagnostic {
        level: DiagnosticLevel::Warning,
        path: Some(path.to_string()),
        message: format!("cannot read it to check the coverage report against it: {error}"),
    }
}

/// Lines a report marks as code that cannot be code in the file as checked out.
struct Mismatch {
    path: String,
    /// Blank or comment lines; only for Java and Kotlin, see [`Mismatch::find`].
    not_code: Vec<u32>,
    /// Past the end of the file, which has `length` lines.
    past_end: Vec<u32>,
    length: u32,
}

impl Mismatch {
    /// `None` when the report fits the file. Blank and comment lines are held against
    /// a report only in Java and Kotlin files: JVM tools (JaCoCo, Cobertura, Kover)
    /// mark the lines bytecode comes from, never a blank or comment line, while
    /// llvm-based ones (cargo-llvm-cov, grcov) mark every line of a code region, blank
    /// and comment lines inside a function included. No tool marks a line past the end.
    fn find(path: &str, file: &FileCoverage, text: &str) -> Option<Mismatch> {
        let kinds = match Syntax::of(path) {
            Some(s @ (Syntax::Java | Syntax::Kotlin)) => classify(text, s),
            _ => Vec::new(),
        };
        let length = u32::try_from(text.lines().count()).unwrap_or(u32::MAX);
        let mut m = Mismatch {
            path: path.to_string(),
            not_code: Vec::new(),
            past_end: Vec::new(),
            length,
        };
        for nr in file.line_numbers() {
            match (nr as usize).checked_sub(1).and_then(|i| kinds.get(i)) {
                _ if nr > length => m.past_end.push(nr),
                Some(LineKind::Blank | LineKind::Comment) => m.not_code.push(nr),
                _ => {}
            }
        }
        let suspect = m.not_code.len() > MISMATCH_LINES
            && m.not_code.len() * 100 > MISMATCH_PERCENT * file.line_numbers().len();
        (suspect || !m.past_end.is_empty()).then_some(m)
    }

    /// The blank or comment lines that are new code: they make the run an error.
    fn new_lines(&self, changed: Option<&ChangedLines>) -> Vec<u32> {
        let mut new = self.not_code.clone();
        if let Some(changed) = changed {
            new.retain(|&nr| changed.contains(&self.path, nr));
        }
        new
    }

    fn to_diagnostic(&self, new: &[u32]) -> Diagnostic {
        let mut marks = Vec::new();
        if !self.not_code.is_empty() {
            let they = if self.not_code.len() == 1 {
                "it is"
            } else {
                "they are"
            };
            marks.push(format!(
                "{} as code, but {they} blank or comments here",
                lines(&self.not_code)
            ));
        }
        if !self.past_end.is_empty() {
            marks.push(format!(
                "{} as code, but the file has {} lines",
                lines(&self.past_end),
                self.length
            ));
        }
        let marks = format!("the report marks {}", marks.join("; it marks "));
        let (level, message) = if new.is_empty() {
            (
                DiagnosticLevel::Warning,
                format!("{marks}: the report may be from other sources"),
            )
        } else {
            (
                DiagnosticLevel::Error,
                format!(
                    "{marks} (new in this change: {}): the report was built from other \
                     sources than these; rebuild it on this commit",
                    listed(new)
                ),
            )
        };
        Diagnostic {
            level,
            path: Some(self.path.clone()),
            message,
        }
    }
}

/// `line 12`, `lines 12, 14, 30`.
fn lines(numbers: &[u32]) -> String {
    let word = if numbers.len() == 1 { "line" } else { "lines" };
    format!("{word} {}", listed(numbers))
}

/// `12, 14, 30`, or `12, 14, 30, 31, 40 and 7 more`.
fn listed(numbers: &[u32]) -> String {
    const LISTED: usize = 5;
    let shown: Vec<String> = numbers.iter().take(LISTED).map(u32::to_string).collect();
    let mut text = shown.join(", ");
    if numbers.len() > LISTED {
        text.push_str(&format!(" and {} more", numbers.len() - LISTED));
    }
    text
}
