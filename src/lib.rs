//! gate: a quality gate for pull requests. The pipeline reads top to bottom:
//! configuration → sources → analysis (rayon, one parse per file) → verdict →
//! reports. Everything here is offline and free of global state, so the binary
//! and the tests drive the same code.

pub mod analysis;
pub mod config;
pub mod coverage;
pub mod diff;
pub mod gate;
pub mod model;
pub mod report;
pub mod rules;
pub mod source;

use analysis::Analyzer;
use config::{ConfigError, EnabledRule, Loaded};
use model::{Diagnostic, Finding};
use rules::{Rule, RuleFileError};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// Why a run could not be evaluated at all (exit code 2).
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error(transparent)]
    Config(#[from] ConfigError),
    #[error(transparent)]
    Rule(#[from] RuleFileError),
    #[error("{path}: {message}")]
    Path { path: PathBuf, message: String },
}

/// What `gate check` was asked to do.
#[derive(Debug, Clone)]
pub struct CheckOptions {
    pub root: PathBuf,
    pub config: Option<PathBuf>,
    /// Worker threads for discovery and analysis.
    pub jobs: usize,
    /// Parse every file but run no rule: the baseline benchmarks compare with.
    pub parse_only: bool,
}

/// Everything one run found and decided; every report renders from this.
#[derive(Debug)]
pub struct Outcome {
    /// The root as the user gave it.
    pub root: String,
    pub files: usize,
    pub lines: u64,
    pub rules: usize,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    pub verdict: gate::Verdict,
    pub duration_ms: u64,
}

/// The built-in rules plus the configuration's `extra` folders, before `[rules]`
/// settings are applied.
pub fn all_rules(config: &Loaded) -> Result<Vec<Rule>, Error> {
    let mut rules = rules::builtin()?;
    for dir in config.extra_rule_dirs()? {
        rules = rules::merge(rules, rules::load_dir(&dir)?)?;
    }
    Ok(rules)
}

/// The rules this configuration enables, with their effective settings.
pub fn enabled_rules(config: &Loaded) -> Result<Vec<EnabledRule>, Error> {
    Ok(config.enabled_rules(all_rules(config)?)?)
}

/// Runs the pipeline. `progress(done, total)` is called as files finish.
pub fn check(
    options: &CheckOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Path {
            path: root.clone(),
            message: "not a directory; give the repository's root folder".to_string(),
        });
    }
    let config = Loaded::load(root, options.config.as_deref())?;
    let rules = enabled_rules(&config)?;
    let analyzer = Analyzer::new(rules, options.parse_only)?;
    let discovery =
        source::discover(root, &config.config.sources, options.jobs).map_err(|e| Error::Path {
            path: config
                .path
                .clone()
                .unwrap_or_else(|| Path::new(config::FILE_NAME).to_path_buf()),
            message: format!("bad glob: {e}"),
        })?;
    let total = discovery.files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let analysis = analyzer.analyze(&discovery.files, &|| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    });
    let mut diagnostics = discovery.diagnostics;
    diagnostics.extend(analysis.diagnostics);
    let verdict = gate::decide(&analysis.findings, &diagnostics);
    Ok(Outcome {
        root: root.display().to_string(),
        files: analysis.files,
        lines: analysis.lines,
        rules: analysis.rules,
        findings: analysis.findings,
        diagnostics,
        default_excluded_dirs: discovery.default_excluded_dirs,
        excluded_by_config: discovery.excluded_by_config,
        verdict,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}
