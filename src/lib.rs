//! gate: a quality gate for pull requests. The pipeline reads top to bottom:
//! configuration → sources → analysis (rayon, one parse per file) → verdict →
//! reports. Everything here is offline and free of global state, so the binary
//! and the tests drive the same code.

pub mod analysis;
pub mod config;
pub mod coverage;
pub mod diff;
pub mod gate;
pub mod guard;
pub mod model;
pub mod publish;
pub mod report;
pub mod rules;
pub mod setup;
pub mod shard;
pub mod source;

use analysis::Analyzer;
use config::{ConfigError, EnabledRule};
use coverage::{Coverage, CoverageError};
use gate::measures::{Measures, NewCode};
use model::{Diagnostic, DiagnosticLevel, Finding};
use rules::RuleFileError;
pub use setup::{all_rules, OwnFiles, Setup};
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
    #[error("new code: {0}")]
    Base(#[from] diff::base::BaseError),
    #[error("new code: {0}")]
    EmptyDiff(String),
    #[error("{0}")]
    NothingToAnalyse(String),
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
    /// An empty diff is a change without lines, not a failed `git diff`.
    pub allow_empty_diff: bool,
    /// Coverage reports to read instead of `[coverage] reports`.
    pub coverage: Vec<String>,
    /// Lint only: read no coverage report; coverage conditions are not measured.
    pub no_coverage: bool,
    /// Read the CI's environment for a pull request's base (off in tests).
    pub use_ci_env: bool,
    /// In a pull request, which revision's configuration applies (`None`: as the
    /// base's configuration says, by default the base).
    pub config_from: Option<config::ConfigFrom>,
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
            allow_empty_diff: false,
            coverage: Vec::new(),
            no_coverage: false,
            use_ci_env: true,
            config_from: None,
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
    /// Findings of the base revision that the change removed, at their base location.
    pub fixed: Vec<Finding>,
    pub diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    pub measures: Measures,
    /// The coverage reports read, relative to the root where possible.
    pub coverage_reports: Vec<String>,
    /// Where gate runs: local, GitHub Actions or Jenkins, with the pull request.
    pub ci: diff::ci::CiContext,
    pub verdict: gate::Verdict,
    /// In a pull request: where the configuration came from and what the change
    /// does to it.
    pub config_source: Option<setup::ConfigSource>,
    /// The effective `[github]` settings, for publishing.
    pub github: publish::GithubConfig,
    pub duration_ms: u64,
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
    /// The findings of the changed files' base revisions, for issue tracking.
    pub base_findings: Vec<Finding>,
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
    config: &config::Loaded,
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
pub(crate) fn coverage_config(
    options: &CheckOptions,
    config: &config::Loaded,
) -> coverage::CoverageConfig {
    let mut coverage_config = config.config.coverage.clone();
    if !options.coverage.is_empty() {
        coverage_config.reports = options.coverage.clone();
        coverage_config.reports_on_command_line = true;
    }
    coverage_config
}

/// `--coverage` values as the coverage stage reads them (files absolute, globs
/// relative to `root`), from what the user wrote relative to `cwd`, as every path on
/// the command line is. A named file must exist; a glob must lie inside the root,
/// which is what globs search.
pub fn command_line_reports(
    root: &Path,
    cwd: &Path,
    given: &[String],
) -> Result<Vec<String>, Error> {
    let is_glob = |p: &str| p.contains(['*', '?', '[', '{']);
    let root_abs = root.canonicalize().unwrap_or_else(|_| cwd.join(root));
    given
        .iter()
        .map(|p| {
            let path = cwd.join(p);
            let bad = |message: String| Error::Path {
                path: PathBuf::from(format!("--coverage {p}")),
                message,
            };
            if !is_glob(p) {
                return if path.is_file() {
                    Ok(path.display().to_string())
                } else {
                    Err(bad(format!(
                        "no such file (paths on the command line are relative to the current folder: {})",
                        path.display()
                    )))
                };
            }
            // The glob's folder part, resolved, must be inside the root.
            let cwd = cwd.canonicalize().unwrap_or_else(|_| cwd.to_path_buf());
            let (dir, pattern) = split_glob(&cwd.join(p));
            let rel = dir.strip_prefix(&root_abs).map_err(|_| {
                bad(format!(
                    "a glob is searched under the repository root {}, and this one is not inside it",
                    root_abs.display()
                ))
            })?;
            let rel = rel.to_string_lossy().replace('\\', "/");
            Ok(if rel.is_empty() {
                pattern
            } else {
                format!("{rel}/{pattern}")
            })
        })
        .collect()
}

/// A glob path split into the folder before its first glob character (with `.` and
/// `..` resolved as written: the folder need not exist) and the rest.
fn split_glob(path: &Path) -> (PathBuf, String) {
    use std::path::Component;
    let mut dir = PathBuf::new();
    let mut rest = Vec::new();
    for part in path.components() {
        let text = part.as_os_str().to_string_lossy();
        if rest.is_empty() && !text.contains(['*', '?', '[', '{']) {
            match part {
                Component::CurDir => {}
                Component::ParentDir => {
                    dir.pop();
                }
                _ => dir.push(part),
            }
        } else {
            rest.push(text.into_owned());
        }
    }
    (dir, rest.join("/"))
}

/// Runs the pipeline. `progress(done, total)` is called as files finish.
pub fn check(
    options: &CheckOptions,
    progress: &(dyn Fn(usize, usize) + Sync),
) -> Result<Outcome, Error> {
    let started = Instant::now();
    let root = &options.root;
    // The new-code reference is resolved first: it says where the configuration
    // comes from, and a wrong `--base` fails in milliseconds, not after a minute
    // of analysis.
    let ci = ci_context(options)?;
    let new_code = new_code(options, &ci)?;
    let setup = setup::setup(options, &new_code)?;
    let analyzer = Analyzer::new(setup.rules.clone(), options.parse_only)?
        .max_file_bytes(setup.config.config.sources.max_file_bytes);
    let discovery = discover(root, &setup.config, options.jobs)?;
    let analysed_paths: std::collections::HashSet<&str> =
        discovery.files.iter().map(|f| f.rel.as_str()).collect();
    let base = base_sources(
        root,
        &new_code,
        &|path| analysed_paths.contains(path),
        &setup.config.config.sources,
    )?;
    let total = discovery.files.len();
    let done = std::sync::atomic::AtomicUsize::new(0);
    let analysis = analyzer.analyze(&discovery.files, &base, &|| {
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
        base_findings: analysis.base_findings,
    };
    let coverage = if options.no_coverage {
        Err(NoCoverage::ByChoice(NO_COVERAGE_FLAG.to_string()))
    } else {
        read_coverage(
            root,
            &coverage_config(options, &setup.config),
            &discovery.all_files,
        )?
    };
    decide(root, setup, ci, &new_code, analysed, coverage, started)
}

/// Why a run with no file to analyse is refused, with what discovery saw.
fn nothing_to_analyse(root: &Path, analysed: &Analysed) -> String {
    let mut seen = Vec::new();
    if analysed.excluded_by_config > 0 {
        seen.push(format!(
            "{} source file(s) left out by [sources] include/exclude",
            analysed.excluded_by_config
        ));
    }
    if !analysed.default_excluded_dirs.is_empty() {
        seen.push(format!(
            "build-output folders skipped: {}",
            analysed.default_excluded_dirs.join(", ")
        ));
    }
    let seen = if seen.is_empty() {
        "no .java or .rs file at all".to_string()
    } else {
        seen.join("; ")
    };
    format!(
        "{}: no source file to analyse ({seen}). Check the path and [sources] include, \
         or, for a repository without Java or Rust sources yet, set [sources] allow_empty = true",
        root.display()
    )
}

/// Why a run has no coverage, owned: see [`gate::NoCoverage`].
#[derive(Debug, Clone)]
pub(crate) enum NoCoverage {
    Missing(String),
    ByChoice(String),
}

pub(crate) const NO_COVERAGE_FLAG: &str = "--no-coverage";
const NOT_REQUIRED: &str = "[coverage] required = false";

/// The base revision of every changed file gate analyses (or, for a deleted file,
/// would have analysed), to be analysed beside the head: what tracking tells new
/// and fixed findings by. Only the changed files, so the cost grows with the change.
pub(crate) fn base_sources(
    root: &Path,
    new_code: &NewCode,
    analysed: &dyn Fn(&str) -> bool,
    sources: &config::SourcesConfig,
) -> Result<Vec<(model::SourceFile, String)>, Error> {
    let NewCode::Changed { lines, base, .. } = new_code else {
        return Ok(Vec::new());
    };
    let wanted = |file: &diff::ChangedFile, base_path: &str| {
        model::Language::from_path(base_path).is_some()
            && if file.status == diff::FileStatus::Deleted {
                source::selects(sources, base_path)
            } else {
                analysed(&file.path)
            }
    };
    Ok(diff::base::read(root, lines, base, &wanted)?
        .into_iter()
        .filter_map(|f| {
            let language = model::Language::from_path(&f.path)?;
            let file = model::SourceFile {
                abs: root.join(&f.path),
                rel: f.path,
                language,
            };
            Some((file, f.text))
        })
        .collect())
}

pub(crate) const NO_COVERAGE: &str = "no part of the run read a coverage report; name it with --coverage or \
     [coverage] reports in the job that has it, or choose lint only (--no-coverage, or [coverage] required = false)";

/// The pipeline's tail, shared by `check` and `merge`: coverage warnings, the
/// baseline, which findings are new, the measures and the verdict. `coverage` is the
/// merged coverage, or why there is none.
pub(crate) fn decide(
    root: &Path,
    setup: Setup,
    ci: diff::ci::CiContext,
    new_code: &NewCode,
    analysed: Analysed,
    coverage: Result<Coverage, NoCoverage>,
    started: Instant,
) -> Result<Outcome, Error> {
    let Setup {
        config,
        rules,
        baseline,
        source: config_source,
    } = setup;
    if analysed.files == 0 && !config.config.sources.allow_empty {
        return Err(Error::NothingToAnalyse(nothing_to_analyse(root, &analysed)));
    }
    let mut diagnostics = analysed.diagnostics;
    if let NewCode::Changed { lines, .. } = new_code {
        // A file the change touches but the parser could not read hides its issues.
        for d in &mut diagnostics {
            let changed = d.path.as_deref().is_some_and(|p| lines.file(p).is_some());
            if changed && d.message.starts_with(analysis::NOT_ANALYSED) {
                d.level = DiagnosticLevel::Error;
                d.message
                    .push_str("; the change touches this file, so its issues cannot be known");
            }
        }
    }
    if let Some(why) = config_source.as_ref().and_then(|s| s.head_error.as_ref()) {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            path: None,
            message: format!(
                "this change's own configuration does not load, so every run after it merges would fail: {why}"
            ),
        });
    }
    let mut unlisted = coverage::Unlisted::default();
    let (coverage, no_coverage) = match coverage {
        Ok(mut c) => {
            coverage_diagnostics(&c, &config.config.coverage, &mut diagnostics);
            let changed = new_code.changed();
            unlisted = coverage::vet(root, &mut c, changed, &config.config, &mut diagnostics)?;
            (Some(c), None)
        }
        Err(why) => (None, Some(why)),
    };
    let mut findings = analysed.findings;
    let fixed = match new_code {
        NewCode::Changed { lines, .. } => {
            gate::track::track(&mut findings, &analysed.base_findings, lines)
        }
        NewCode::Everything => {
            for f in &mut findings {
                f.new = f.suppressed.is_none();
            }
            Vec::new()
        }
    };
    if let Some(b) = &baseline {
        for f in &mut findings {
            f.new &= !b.contains(&f.fingerprint);
        }
    }
    let mut measures = gate::measures::measure(&findings, coverage.as_ref(), new_code, &unlisted)?;
    if let NewCode::Changed { .. } = new_code {
        measures.fixed_issues = Some(fixed.len());
    }
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
        no_coverage: no_coverage.as_ref().map(|n| match n {
            NoCoverage::Missing(why) => gate::NoCoverage::Missing(why),
            NoCoverage::ByChoice(how) => gate::NoCoverage::ByChoice(how),
        }),
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
        fixed,
        diagnostics,
        default_excluded_dirs: analysed.default_excluded_dirs,
        excluded_by_config: analysed.excluded_by_config,
        measures,
        coverage_reports,
        ci,
        verdict,
        config_source,
        github: config.config.github.clone(),
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
        if lines.is_empty() && !options.allow_empty_diff {
            return Err(Error::EmptyDiff(format!(
                "{reference} is empty: no file changed. A failed `git diff > file` writes an empty file; \
                 if the change really has no lines, say so with --allow-empty-diff"
            )));
        }
        diff::base::check_checkout(root, &lines)?;
        return Ok(NewCode::Changed {
            reference,
            lines,
            base: diff::Base::Patch,
        });
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
    let changes = diff::git::changed_lines(root, &base, options.uncommitted)?;
    let prefix = diff::git::prefix(root)?;
    let reference = if options.uncommitted {
        format!("{reference}, with uncommitted changes")
    } else {
        reference
    };
    Ok(NewCode::Changed {
        reference,
        lines: changes.lines.under(&prefix),
        base: diff::Base::Git {
            revision: changes.base,
            prefix,
        },
    })
}

/// Reads the coverage reports. No report at all is not an error here (the verdict
/// says which conditions needed one; with `[coverage] required = false` none did); a
/// report that cannot be read is.
fn read_coverage(
    root: &Path,
    config: &coverage::CoverageConfig,
    files: &[String],
) -> Result<Result<Coverage, NoCoverage>, Error> {
    match coverage::load(root, config, files) {
        Ok(c) => Ok(Ok(c)),
        Err(e @ CoverageError::NoReportFound { .. }) => Ok(Err(if config.required {
            NoCoverage::Missing(e.to_string())
        } else {
            NoCoverage::ByChoice(NOT_REQUIRED.to_string())
        })),
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
    if share > *config.max_unmapped_percent.get_ref() {
        diagnostics.push(Diagnostic {
            level: DiagnosticLevel::Error,
            path: None,
            message: format!(
                "{unmapped} of {} files in the coverage report(s) match no repository file ({share:.0} %, more than max_unmapped_percent = {}); \
                 the coverage figures cannot be trusted. Check [coverage] source_roots, or that the report belongs to this code",
                mapped + unmapped,
                config.max_unmapped_percent.get_ref()
            ),
        });
    }
}
