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
pub mod publish;
pub mod report;
pub mod rules;
pub mod shard;
pub mod source;

use analysis::Analyzer;
use config::{ConfigError, EnabledRule, Loaded};
use coverage::{Coverage, CoverageError};
use gate::baseline::Baseline;
use gate::measures::{Measures, NewCode};
use model::{Diagnostic, DiagnosticLevel, Finding};
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
    #[error(transparent)]
    Coverage(#[from] CoverageError),
    #[error("new code: {0}")]
    Git(#[from] diff::git::GitError),
    #[error("new code: {0}")]
    Ci(#[from] diff::ci::CiError),
    #[error("new code: {0}")]
    Diff(#[from] diff::unified::ReadError),
    #[error(transparent)]
    Shard(#[from] shard::ShardError),
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
    /// New code is what changed since this ref's merge-base with HEAD.
    pub base: Option<String>,
    /// With `base`: compare the working tree, not HEAD.
    pub uncommitted: bool,
    /// New code is what this unified diff adds (`-` reads stdin).
    pub diff: Option<PathBuf>,
    /// Coverage reports to read instead of `[coverage] reports`.
    pub coverage: Vec<String>,
    /// Read the CI's environment for a pull request's base (off in tests).
    pub use_ci_env: bool,
}

impl CheckOptions {
    /// Options for analysing `root` with everything else at its default.
    pub fn new(root: PathBuf) -> CheckOptions {
        CheckOptions {
            root,
            config: None,
            jobs: 1,
            parse_only: false,
            base: None,
            uncommitted: false,
            diff: None,
            coverage: Vec::new(),
            use_ci_env: true,
        }
    }
}

/// Everything one run found and decided; every report renders from this.
#[derive(Debug)]
pub struct Outcome {
    /// The root as the user gave it.
    pub root: String,
    pub files: usize,
    pub lines: u64,
    pub rules: usize,
    /// The rules this run applied, with their effective severity: what SARIF's
    /// rule metadata and the per-rule JUnit cases describe.
    pub enabled_rules: Vec<EnabledRule>,
    pub findings: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    pub measures: Measures,
    /// The coverage reports read, relative to the root where possible.
    pub coverage_reports: Vec<String>,
    /// Where gate runs: local, GitHub Actions or Jenkins, with the pull request.
    pub ci: diff::ci::CiContext,
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

/// How many of `rules` belong to `languages`: the rules that ran on those files.
pub fn rules_of(rules: &[EnabledRule], languages: &[model::Language]) -> usize {
    rules
        .iter()
        .filter(|r| languages.contains(&r.rule.language))
        .count()
}

/// What the analysis stage produced, from one run or merged from shards: the input of
/// the pipeline's tail ([`decide`]).
#[derive(Debug, Default)]
pub struct Analysed {
    pub files: usize,
    pub lines: u64,
    /// The languages of the analysed files: which rules ran.
    pub languages: Vec<model::Language>,
    /// Sorted by location; `new` is set by the tail.
    pub findings: Vec<Finding>,
    /// Discovery's, then the analysis's.
    pub diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
}

/// The settings every stage reads: configuration, enabled rules, where gate runs.
pub(crate) struct Setup {
    pub(crate) config: Loaded,
    pub(crate) rules: Vec<EnabledRule>,
}

/// Checks the root and loads the configuration and the rules.
pub(crate) fn setup(options: &CheckOptions) -> Result<Setup, Error> {
    let root = &options.root;
    if !root.is_dir() {
        return Err(Error::Path {
            path: root.clone(),
            message: "not a directory; give the repository's root folder".to_string(),
        });
    }
    let config = Loaded::load(root, options.config.as_deref())?;
    let rules = enabled_rules(&config)?;
    Ok(Setup { config, rules })
}

/// Where gate runs, from the environment when allowed.
pub(crate) fn ci_context(options: &CheckOptions) -> Result<diff::ci::CiContext, Error> {
    Ok(if options.use_ci_env {
        diff::ci::detect_from_env()?
    } else {
        diff::ci::CiContext::local()
    })
}

/// Source discovery with the configuration's include and exclude globs.
pub(crate) fn discover(
    root: &Path,
    config: &Loaded,
    jobs: usize,
) -> Result<source::Discovery, Error> {
    source::discover(root, &config.config.sources, jobs).map_err(|e| Error::Path {
        path: config
            .path
            .clone()
            .unwrap_or_else(|| Path::new(config::FILE_NAME).to_path_buf()),
        message: format!("bad glob: {e}"),
    })
}

/// The coverage settings with `--coverage` applied.
pub(crate) fn coverage_config(options: &CheckOptions, config: &Loaded) -> coverage::CoverageConfig {
    let mut coverage_config = config.config.coverage.clone();
    if !options.coverage.is_empty() {
        coverage_config.reports = options.coverage.clone();
    }
    coverage_config
}

/// Runs the pipeline. `progress(done, total)` is called as files finish.
pub fn check(
    options: &CheckOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let root = &options.root;
    let setup = setup(options)?;
    let analyzer = Analyzer::new(setup.rules.clone(), options.parse_only)?;
    // The new-code reference is resolved before the analysis, so that a wrong
    // `--base` fails in milliseconds, not after a minute of analysis.
    let ci = ci_context(options)?;
    let new_code = new_code(options, &ci)?;
    let discovery = discover(root, &setup.config, options.jobs)?;
    let total = discovery.files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let analysis = analyzer.analyze(&discovery.files, &|| {
        let n = done.fetch_add(1, std::sync::atomic::Ordering::Relaxed) + 1;
        progress(n, total);
    });
    let mut diagnostics = discovery.diagnostics;
    diagnostics.extend(analysis.diagnostics);
    let analysed = Analysed {
        files: analysis.files,
        lines: analysis.lines,
        languages: analysis.languages,
        findings: analysis.findings,
        diagnostics,
        default_excluded_dirs: discovery.default_excluded_dirs,
        excluded_by_config: discovery.excluded_by_config,
    };
    let coverage = read_coverage(
        root,
        &coverage_config(options, &setup.config),
        &discovery.all_files,
    )?;
    decide(
        root,
        setup,
        ci,
        &new_code,
        analysed,
        coverage.ok_or(NO_COVERAGE),
        started,
    )
}

pub(crate) const NO_COVERAGE: &str =
    "no coverage report found; name it with --coverage or [coverage] reports";

/// The pipeline's tail, shared by `check` and `merge`: coverage warnings, the
/// baseline, which findings are new, the measures and the verdict. `coverage` is the
/// merged coverage, or why there is none.
pub(crate) fn decide(
    root: &Path,
    setup: Setup,
    ci: diff::ci::CiContext,
    new_code: &NewCode,
    analysed: Analysed,
    coverage: Result<Coverage, &str>,
    started: Instant,
) -> Result<Outcome, Error> {
    let Setup { config, rules } = setup;
    let mut diagnostics = analysed.diagnostics;
    let mut unlisted = coverage::Unlisted::default();
    let (coverage, no_coverage) = match coverage {
        Ok(mut c) => {
            coverage_diagnostics(&c, &config.config.coverage, &mut diagnostics);
            let changed = new_code.changed();
            unlisted = coverage::vet(root, &mut c, changed, &config.config, &mut diagnostics)?;
            (Some(c), None)
        }
        Err(why) => (None, Some(why.to_string())),
    };
    let baseline_path = root.join(&config.config.gate.baseline);
    let baseline = Baseline::load(&baseline_path).map_err(|message| Error::Path {
        path: baseline_path.clone(),
        message,
    })?;
    let mut findings = analysed.findings;
    for f in &mut findings {
        f.new = f.suppressed.is_none()
            && new_code.contains(&f.location.path, f.location.start_line)
            && !baseline
                .as_ref()
                .is_some_and(|b| b.contains(&f.fingerprint));
    }
    let mut measures = gate::measures::measure(&findings, coverage.as_ref(), new_code, &unlisted)?;
    if let Some(b) = &baseline {
        measures.new_code.push_str(&format!(
            ", minus {} finding(s) in {}",
            b.len(),
            config.config.gate.baseline
        ));
    }
    let verdict = gate::decide(&gate::Inputs {
        config: &config.config.gate,
        measures: &measures,
        coverage: coverage.as_ref(),
        no_coverage: no_coverage.as_deref(),
        diagnostics: &diagnostics,
    });
    let coverage_reports = coverage
        .as_ref()
        .map(|c| {
            c.reports
                .iter()
                .map(|r| {
                    r.path
                        .strip_prefix(root)
                        .unwrap_or(&r.path)
                        .display()
                        .to_string()
                })
                .collect()
        })
        .unwrap_or_default();
    Ok(Outcome {
        root: root.display().to_string(),
        files: analysed.files,
        lines: analysed.lines,
        rules: rules_of(&rules, &analysed.languages),
        enabled_rules: rules,
        findings,
        diagnostics,
        default_excluded_dirs: analysed.default_excluded_dirs,
        excluded_by_config: analysed.excluded_by_config,
        measures,
        coverage_reports,
        ci,
        verdict,
        duration_ms: started.elapsed().as_millis() as u64,
    })
}

/// Which lines are new: an explicit diff, an explicit base, a pull request the CI
/// describes, or (without any reference) everything.
pub fn new_code(options: &CheckOptions, ci: &diff::ci::CiContext) -> Result<NewCode, Error> {
    let root = &options.root;
    if let Some(path) = &options.diff {
        let lines = diff::unified::read(path)?;
        let reference = if path.as_os_str() == "-" {
            "the diff on standard input".to_string()
        } else {
            format!("the diff in {}", path.display())
        };
        return Ok(NewCode::Changed { reference, lines });
    }
    let (base, reference) = match &options.base {
        Some(base) => (base.clone(), format!("changes since {base}")),
        None => match (ci.diff_base(), ci.pr_number) {
            (Some(base), pr) => (
                base.to_string(),
                match pr {
                    Some(n) => format!("pull request #{n} (changes since {base})"),
                    None => format!("changes since {base}"),
                },
            ),
            (None, _) => return Ok(NewCode::Everything),
        },
    };
    let lines = diff::git::changed_lines(root, &base, options.uncommitted)?;
    let prefix = diff::git::prefix(root)?;
    let reference = if options.uncommitted {
        format!("{reference}, with uncommitted changes")
    } else {
        reference
    };
    Ok(NewCode::Changed {
        reference,
        lines: lines.under(&prefix),
    })
}

/// Reads the coverage reports. No report at all is not an error here (`None`: the gate
/// decides whether a condition needed one); a report that cannot be read is.
fn read_coverage(
    root: &Path,
    config: &coverage::CoverageConfig,
    files: &[String],
) -> Result<Option<Coverage>, Error> {
    match coverage::load(root, config, files) {
        Ok(c) => Ok(Some(c)),
        Err(CoverageError::NoReportFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Warns of report files that map to no repository file, and makes it an error when
/// most of them do.
fn coverage_diagnostics(
    coverage: &Coverage,
    config: &coverage::CoverageConfig,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let mapped = coverage.files.len();
    let unmapped = coverage.unmapped.len();
    for u in coverage.unmapped.iter().take(10) {
        diagnostics.push(u.to_diagnostic());
    }
    if unmapped > 10 {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Warning,
            path: None,
            message: format!(
                "… and {} more report files that match no repository file",
                unmapped - 10
            ),
        });
    }
    let share = if mapped + unmapped == 0 {
        0.0
    } else {
        unmapped as f64 * 100.0 / (mapped + unmapped) as f64
    };
    if share > config.max_unmapped_percent {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            path: None,
            message: format!(
                "{unmapped} of {} files in the coverage report(s) match no repository file ({share:.0} %, more than max_unmapped_percent = {}); \
                 the coverage figures cannot be trusted. Check [coverage] source_roots, or that the report belongs to this code",
                mapped + unmapped,
                config.max_unmapped_percent
            ),
        });
    }
}
