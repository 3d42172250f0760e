//! The last stage, shared by `check` and `merge`: coverage, the baseline, which
//! findings are new, the measures and the verdict, into the [`Outcome`] every report
//! and publisher renders from.

use super::analyse::Analysed;
use super::prepare::Prepared;
use super::setup::{ConfigSource, Setup};
use super::{CheckOptions, Error};
use crate::ci::CiContext;
use crate::coverage::{self, Coverage, CoverageError};
use crate::gate::measures::{Measures, NewCode};
use crate::model::{Diagnostic, DiagnosticLevel, Finding};
use crate::rules::EnabledRule;
use crate::source::Discovery;
use crate::{analysis, config, gate, model};
use std::path::Path;
use std::time::Instant;

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
    /// Findings on new code that the baseline accepted: not new, but reports say
    /// why (they are in the baseline, not on old code).
    pub baselined: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub default_excluded_dirs: Vec<String>,
    pub excluded_by_config: usize,
    pub measures: Measures,
    /// The coverage reports read, relative to the root where possible.
    pub coverage_reports: Vec<String>,
    /// Where gate runs: local, GitHub Actions or Jenkins, with the pull request.
    pub ci: CiContext,
    pub verdict: gate::Verdict,
    /// In a pull request: where the configuration came from and what the change
    /// does to it.
    pub config_source: Option<ConfigSource>,
    /// The effective `[github]` settings, for publishing.
    pub github: crate::ci::github::GithubConfig,
    pub duration_ms: u64,
    /// The merged coverage line by line, which the measures only total: what the
    /// HTML report's code viewer colours. `None` without a report.
    pub coverage: Option<Coverage>,
    /// The lines the change added or edited (without the hunks' text), which the
    /// HTML report marks as new; `None` when everything is new.
    pub changed_lines: Option<crate::diff::ChangedLines>,
}

/// How many of `rules` belong to `languages`: the rules that ran on those files.
fn rules_of(rules: &[EnabledRule], languages: &[model::Language]) -> usize {
    rules
        .iter()
        .filter(|r| languages.contains(&r.rule.language))
        .count()
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
pub enum NoCoverage {
    Missing(String),
    ByChoice(String),
}

const NO_COVERAGE_FLAG: &str = "--no-coverage";
const NOT_REQUIRED: &str = "[coverage] required = false";

const NO_COVERAGE: &str = "no part of the run read a coverage report; name it with --coverage or \
     [coverage] reports in the job that has it, or choose lint only (--no-coverage, or [coverage] required = false)";

/// The pipeline's tail, shared by `check` and `merge`: coverage warnings, the
/// baseline, which findings are new, the measures and the verdict. `coverage` is the
/// merged coverage, or why there is none.
pub fn decide(
    root: &Path,
    prepared: Prepared,
    analysed: Analysed,
    coverage: Result<Coverage, NoCoverage>,
    started: Instant,
) -> Result<Outcome, Error> {
    let Prepared {
        ci,
        new_code,
        setup:
            Setup {
                config,
                rules,
                baseline,
                source: config_source,
            },
        ..
    } = prepared;
    let new_code = &new_code;
    if analysed.files == 0 && !config.config.sources.allow_empty {
        return Err(Error::NothingToAnalyse(nothing_to_analyse(root, &analysed)));
    }
    // Discovery's first, then the analysis's, as they happened.
    let mut diagnostics = analysed.discovery_diagnostics;
    diagnostics.extend(analysed.diagnostics);
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
            unlisted = coverage::vet(
                root,
                &mut c,
                changed,
                &config.config.coverage,
                &config.config.sources,
                &mut diagnostics,
            )?;
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
    let mut baselined = 0;
    if let Some(b) = &baseline {
        for f in findings.iter_mut().filter(|f| f.new) {
            if b.contains(&f.fingerprint) {
                f.new = false;
                baselined += 1;
            }
        }
    }
    let mut measures = gate::measures::measure(&findings, coverage.as_ref(), new_code, &unlisted)?;
    if let NewCode::Changed { .. } = new_code {
        measures.fixed_issues = Some(fixed.len());
        measures.suppressed_in_change =
            Some(gate::measures::suppressed_in_change(&findings).count());
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
        baselined,
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
        coverage,
        changed_lines: new_code
            .changed()
            .cloned()
            .map(crate::diff::ChangedLines::without_hunks),
    })
}

/// The run's coverage, or why it has none: `--no-coverage`, or the reports that
/// `--coverage` or `[coverage]` name, mapped onto every file discovery saw.
pub fn coverage(
    options: &CheckOptions,
    config: &config::Loaded,
    discovery: &Discovery,
) -> Result<Result<Coverage, NoCoverage>, Error> {
    if options.no_coverage {
        return Ok(Err(NoCoverage::ByChoice(NO_COVERAGE_FLAG.to_string())));
    }
    read_coverage(
        &options.root,
        &super::prepare::coverage_config(options, config),
        &discovery.all_files,
    )
}

/// Why a merge whose parts read no report has no coverage, in one run's words.
pub fn none_read(options: &CheckOptions, config: &coverage::CoverageConfig) -> NoCoverage {
    if options.no_coverage {
        NoCoverage::ByChoice(NO_COVERAGE_FLAG.to_string())
    } else if !config.required {
        NoCoverage::ByChoice(NOT_REQUIRED.to_string())
    } else {
        NoCoverage::Missing(NO_COVERAGE.to_string())
    }
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
