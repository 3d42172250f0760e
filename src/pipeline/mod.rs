//! The pipeline: prepare → discover → analyse → decide, each stage a module. Three
//! compositions of the stages: [`check`] runs them all; a shard
//! ([`shard::check_partial`]) prepares, discovers and analyses its part of the files
//! into a partial result; [`shard::merge`] prepares, combines the parts' [`Analysed`]
//! and decides, as `check` would have. Everything here is offline and free of
//! global state, so the binary and the tests drive the same code.

pub mod analyse;
pub mod decide;
pub mod discover;
pub mod options;
pub mod prepare;
pub mod setup;
pub mod shard;

pub use analyse::Analysed;
pub use decide::Outcome;
pub use options::CheckOptions;

use std::collections::HashSet;
use std::path::PathBuf;
use std::time::Instant;

/// Told `(done, total)` as files finish analysis: the command line's progress bar.
pub type Progress<'a> = &'a (dyn Fn(usize, usize) + Sync);

/// Why a run could not be evaluated at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] crate::config::ConfigError),
    #[error(transparent)]
    Rule(#[from] crate::rules::RuleFileError),
    #[error("{path}: {message}")]
    Path { path: PathBuf, message: String },
    #[error(transparent)]
    Coverage(#[from] crate::coverage::CoverageError),
    #[error("new code: {0}")]
    Git(#[from] crate::diff::git::GitError),
    #[error("new code: {0}")]
    Ci(#[from] crate::ci::CiError),
    #[error("new code: {0}")]
    Diff(#[from] crate::diff::unified::ReadError),
    #[error("new code: {0}")]
    Base(#[from] crate::diff::base::BaseError),
    #[error("new code: {0}")]
    EmptyDiff(String),
    #[error("{0}")]
    NothingToAnalyse(String),
    #[error(transparent)]
    Shard(#[from] shard::ShardError),
}

/// Runs every stage on the whole repository.
pub fn check(options: &CheckOptions, progress: Progress) -> Result<Outcome, Error> {
    let started = Instant::now();
    let root = &options.root;
    let prepared = prepare::prepare(options)?;
    let config = &prepared.setup.config;
    let discovery = discover::discover(root, config, options.jobs, &prepared.new_code)?;
    let analysed_paths: HashSet<&str> = discovery.files.iter().map(|f| f.rel.as_str()).collect();
    let base = discover::base_sources(
        root,
        &prepared.new_code,
        &|path| analysed_paths.contains(path),
        &config.config.sources,
    )?;
    let analysis = analyse::analyse(&prepared.analyzer, &discovery.files, &base, progress);
    let analysed = Analysed::new(&discovery, analysis);
    let coverage = decide::coverage(options, config, &discovery)?;
    decide::decide(root, prepared, analysed, coverage, started)
}
