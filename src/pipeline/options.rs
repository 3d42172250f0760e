//! What a run is asked to do, from the command line or a test.

use super::Error;
use std::path::{Path, PathBuf};

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
    pub config_from: Option<crate::gate::ConfigFrom>,
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
