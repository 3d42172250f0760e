//! The first stage: where gate runs, which lines are new, and the settings (read
//! from the base revision in a pull request, see [`super::setup`]). The new-code
//! reference is resolved first: it says where the configuration comes from, and a
//! wrong `--base` fails in milliseconds, not after a minute of analysis.

use super::setup::{self, Setup};
use super::{CheckOptions, Error};
use crate::analysis::Analyzer;
use crate::ci::CiContext;
use crate::gate::measures::NewCode;
use crate::{config, coverage, diff};

/// What every later stage reads.
pub struct Prepared {
    pub ci: CiContext,
    pub new_code: NewCode,
    pub setup: Setup,
    /// The enabled rules, compiled.
    pub analyzer: Analyzer,
}

/// Runs the first stage.
pub fn prepare(options: &CheckOptions) -> Result<Prepared, Error> {
    setup::check_root(&options.root)?;
    let ci = ci_context(options)?;
    let new_code = new_code(options, &ci)?;
    let setup = setup::setup(options, &new_code)?;
    let analyzer = Analyzer::new(setup.rules.clone(), options.parse_only)?
        .max_file_bytes(setup.config.config.sources.max_file_bytes);
    Ok(Prepared {
        ci,
        new_code,
        setup,
        analyzer,
    })
}

/// Where gate runs, from the environment when allowed.
fn ci_context(options: &CheckOptions) -> Result<CiContext, Error> {
    Ok(if options.use_ci_env {
        crate::ci::detect_from_env()?
    } else {
        CiContext::local()
    })
}

/// Which lines are new: an explicit diff, an explicit base, a pull request the CI
/// describes, or (without any reference) everything.
pub fn new_code(options: &CheckOptions, ci: &CiContext) -> Result<NewCode, Error> {
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
            (Some(base), pr) => {
                // Diffed against the exact commit, but named as people know it.
                let name = ci.base_ref.as_deref().unwrap_or(base);
                (
                    base.to_string(),
                    match pr {
                        Some(n) => format!("pull request #{n} (changes since {name})"),
                        None => format!("changes since {name}"),
                    },
                )
            }
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

/// The coverage settings with `--coverage` applied.
pub fn coverage_config(
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
