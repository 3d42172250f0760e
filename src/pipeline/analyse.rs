//! The analysis stage: the rules over the source files, in parallel, into the
//! [`Analysed`] that `decide` reads, whether from one run or merged from shards.

use super::Progress;
use crate::analysis::{Analysis, Analyzer};
use crate::model::{Diagnostic, Finding, Language, SourceFile};
use crate::source::Discovery;
use serde::{Deserialize, Serialize};
use std::sync::atomic::{AtomicUsize, Ordering};

/// What the analysis stage produced: the input of the pipeline's tail
/// ([`super::decide`]), and the body of a shard's partial result.
#[derive(Debug, Default, Clone, Serialize, Deserialize)]
pub struct Analysed {
    /// Files analysed (not those skipped with a diagnostic).
    #[serde(rename = "analysed_files")]
    pub files: usize,
    pub lines: u64,
    /// The languages of the analysed files: which rules ran.
    pub languages: Vec<Language>,
    /// Sorted by location; `new` is set by the tail.
    pub findings: Vec<Finding>,
    /// Problems analysing the files.
    pub diagnostics: Vec<Diagnostic>,
    /// Discovery's own diagnostics and skips: the same in every shard.
    pub discovery_diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    /// The findings of the changed files' base revisions, for issue tracking: found
    /// where the new code is known, so never part of a shard's result.
    #[serde(skip)]
    pub base_findings: Vec<Finding>,
}

impl Analysed {
    /// What discovery and the analysis of its files found.
    pub fn new(discovery: &Discovery, analysis: Analysis) -> Analysed {
        Analysed {
            files: analysis.files,
            lines: analysis.lines,
            languages: analysis.languages,
            findings: analysis.findings,
            diagnostics: analysis.diagnostics,
            discovery_diagnostics: discovery.diagnostics.clone(),
            default_excluded_dirs: discovery.default_excluded_dirs.clone(),
            excluded_by_config: discovery.excluded_by_config,
            base_findings: analysis.base_findings,
        }
    }

    /// Adds the next shard's analysis. Shards are contiguous runs of the sorted
    /// files, so in shard order the findings and diagnostics come out as one run
    /// orders them. Discovery is the same in every shard: `self`'s stays.
    pub fn append(&mut self, next: &Analysed) {
        self.files += next.files;
        self.lines += next.lines;
        for l in &next.languages {
            if !self.languages.contains(l) {
                self.languages.push(*l);
            }
        }
        self.findings.extend(next.findings.iter().cloned());
        self.diagnostics.extend(next.diagnostics.iter().cloned());
    }
}

/// Analyses `files`, and `base` (texts of the changed files' base revisions) in the
/// same parallel pass, calling `progress` as files finish.
pub fn analyse(
    analyzer: &Analyzer,
    files: &[SourceFile],
    base: &[(SourceFile, String)],
    progress: Progress,
) -> Analysis {
    let total = files.len();
    let done = AtomicUsize::new(0);
    analyzer.analyze(files, base, &|| {
        progress(done.fetch_add(1, Ordering::Relaxed) + 1, total);
    })
}
