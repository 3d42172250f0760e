//! The settings of a run: the configuration, the rules it enables (built-in and from
//! its `extra` folders) and the baseline. In a pull request they are read from the
//! base revision, not from the working tree: a change must not weaken the gate that
//! judges it (lower a threshold, turn a rule off, add its own findings to the
//! baseline). SonarQube keeps the gate on its server for this reason; gate keeps it in
//! the base branch, which the pull request cannot change before it merges. When the
//! change touches any of these files, [`ConfigSource`] says so, and every report
//! shows it. Opting out is explicit: `--config-from head`, or
//! `[gate] config_from = "head"` in the base's own configuration.

use super::{CheckOptions, Error};
use crate::config::{self, Loaded};
use crate::diff::base::BaseTree;
use crate::gate::baseline::Baseline;
use crate::gate::conditions::Condition;
use crate::gate::measures::NewCode;
use crate::gate::ConfigFrom;
use crate::guard::{self, NamedBy};
use crate::rules::EnabledRule;
use crate::rules::{self, Rule, RuleFileError};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// Where the run's configuration came from, and what the change does to it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConfigSource {
    pub from: ConfigFrom,
    /// Why the head's configuration was used, in the user's words.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// gate's own files the change touches: the configuration, rule folders, baseline.
    pub changed: Vec<String>,
    /// The conditions that differ between the base's and the head's configuration,
    /// as `coverage.line (new): ≥ 80 % → ≥ 50 %`.
    pub differences: Vec<String>,
    /// Why the head's configuration does not load, when it does not: after the
    /// merge, every later run would fail.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub head_error: Option<String>,
}

/// The settings every stage reads.
pub struct Setup {
    pub config: Loaded,
    pub rules: Vec<EnabledRule>,
    pub baseline: Option<Baseline>,
    /// `None` outside a pull request (no base to read from).
    pub source: Option<ConfigSource>,
}

/// Where gate reads its own files.
pub enum OwnFiles<'a> {
    WorkTree(&'a Path),
    Base(BaseTree<'a>),
}

impl OwnFiles<'_> {
    fn root(&self) -> &Path {
        match self {
            OwnFiles::WorkTree(root) => root,
            OwnFiles::Base(tree) => tree.root,
        }
    }

    /// How errors name the file `rel`: its path, or `<commit>:path` in the base.
    fn label(&self, rel: &str) -> PathBuf {
        match self {
            OwnFiles::WorkTree(root) => root.join(rel),
            OwnFiles::Base(tree) => PathBuf::from(match tree.base {
                crate::diff::Base::Git { revision, .. } => {
                    format!(
                        "{}:{rel}",
                        &revision.commit[..revision.commit.len().min(12)]
                    )
                }
                crate::diff::Base::Patch => format!("{rel} (before the diff)"),
            }),
        }
    }

    /// The file `rel`, if there, of at most `limit` bytes: a repository's own file,
    /// so it must lie inside it (see [`crate::guard`]).
    fn read(&self, rel: &str, limit: u64) -> Result<Option<Vec<u8>>, Error> {
        let too_big = |size: usize| Error::Path {
            path: self.label(rel),
            message: format!("is {size} bytes, more than the {limit} gate reads of such a file"),
        };
        match self {
            OwnFiles::WorkTree(root) => {
                guard::read(root, &root.join(rel), NamedBy::Repository, limit).map_err(|message| {
                    Error::Path {
                        path: root.join(rel),
                        message,
                    }
                })
            }
            OwnFiles::Base(tree) => match tree.read(rel)? {
                Some(bytes) if bytes.len() as u64 > limit => Err(too_big(bytes.len())),
                other => Ok(other),
            },
        }
    }

    /// The `*.toml` files under `dir`, sorted; `None` when there is no such folder.
    fn rule_files(&self, dir: &str) -> Result<Option<Vec<String>>, Error> {
        let files = match self {
            OwnFiles::WorkTree(root) => {
                let path = root.join(dir);
                if !path.is_dir() {
                    return Ok(None);
                }
                let mut files = Vec::new();
                for entry in ignore::WalkBuilder::new(&path)
                    .standard_filters(false)
                    .build()
                {
                    let entry = entry.map_err(|e| RuleFileError::io(&path, e.to_string()))?;
                    if entry.file_type().is_some_and(|t| t.is_file()) {
                        if let Ok(rel) = entry.path().strip_prefix(root) {
                            files.push(rel.to_string_lossy().replace('\\', "/"));
                        }
                    }
                }
                files
            }
            OwnFiles::Base(tree) => {
                let files = tree.list(dir)?;
                if files.is_empty() {
                    return Ok(None);
                }
                files
            }
        };
        let mut files: Vec<String> = files.into_iter().filter(|f| f.ends_with(".toml")).collect();
        files.sort();
        Ok(Some(files))
    }

    /// The configuration at `rel`; `None` when the file is not there.
    fn config(&self, rel: &str) -> Result<Option<Loaded>, Error> {
        let Some(bytes) = self.read(rel, guard::CONFIG_BYTES)? else {
            return Ok(None);
        };
        let label = self.label(rel);
        let text = String::from_utf8(bytes).map_err(|e| config::ConfigError {
            path: label.display().to_string(),
            line: 0,
            column: 0,
            message: format!("not UTF-8 (at byte {})", e.utf8_error().valid_up_to()),
        })?;
        Ok(Some(Loaded::parse(text, label)?))
    }
}

/// The built-in rules plus the configuration's `extra` folders (relative to the
/// root), before `[rules]` settings are applied.
pub fn all_rules(config: &Loaded, files: &OwnFiles) -> Result<Vec<Rule>, Error> {
    let mut rules = rules::builtin()?;
    for (dir, span) in config.extra_rule_dirs()? {
        let Some(paths) = files.rule_files(&dir)? else {
            return Err(config
                .error(
                    span,
                    format!(
                        "[rules] extra: `{dir}` is not a folder (looked at {})",
                        files.label(&dir).display()
                    ),
                )
                .into());
        };
        let label = files.label(&dir);
        if paths.is_empty() {
            return Err(RuleFileError::io(
                &label,
                "no rule files (*.toml) found in this folder".to_string(),
            )
            .into());
        }
        let mut texts = Vec::with_capacity(paths.len());
        for path in &paths {
            let bytes = files.read(path, guard::CONFIG_BYTES)?.unwrap_or_default();
            let text = String::from_utf8(bytes)
                .map_err(|_| RuleFileError::io(&files.label(path), "not UTF-8".to_string()))?;
            texts.push((files.label(path), text));
        }
        rules = rules::merge(rules, rules::parse_files(texts)?)?;
    }
    Ok(rules)
}

/// The configuration file as `rel` to the root when it lies inside it (so a pull
/// request's base has it too), or `None` for a file elsewhere, which is read as is.
fn config_in_root(root: &Path, explicit: Option<&Path>) -> Option<String> {
    let Some(path) = explicit else {
        return Some(config::FILE_NAME.to_string());
    };
    let root = root.canonicalize().ok()?;
    let path = path.canonicalize().ok()?;
    let rel = path.strip_prefix(&root).ok()?;
    Some(rel.to_string_lossy().replace('\\', "/"))
}

/// Loads the settings from one revision.
fn load(options: &CheckOptions, files: &OwnFiles) -> Result<Setup, Error> {
    let root = files.root();
    let config = match config_in_root(root, options.config.as_deref()) {
        Some(rel) => match files.config(&rel)? {
            Some(config) => config,
            None if options.config.is_some() => {
                // Named on the command line: it must exist (in this revision).
                return Err(config::ConfigError {
                    path: files.label(&rel).display().to_string(),
                    line: 0,
                    column: 0,
                    message: "cannot read the configuration: no such file".to_string(),
                }
                .into());
            }
            None => Loaded::default(),
        },
        None => Loaded::load(root, options.config.as_deref())?,
    };
    let rules = config.enabled_rules(all_rules(&config, files)?)?;
    let baseline_rel = config.config.gate.baseline.clone();
    let baseline = match files.read(&baseline_rel, guard::BASELINE_BYTES)? {
        None => None,
        Some(bytes) => Some(Baseline::parse(&String::from_utf8_lossy(&bytes)).map_err(
            |message| Error::Path {
                path: files.label(&baseline_rel),
                message,
            },
        )?),
    };
    Ok(Setup {
        config,
        rules,
        baseline,
        source: None,
    })
}

/// A root that is missing or a file, said before git or the configuration is
/// asked about it.
pub fn check_root(root: &Path) -> Result<(), Error> {
    if root.is_dir() {
        return Ok(());
    }
    let what = if root.exists() {
        "not a directory"
    } else {
        "does not exist"
    };
    Err(Error::Path {
        path: root.to_path_buf(),
        message: format!("{what}; give the repository's root folder"),
    })
}

/// Loads the settings: from the base revision when `new_code` has one (a pull
/// request), unless the head's are asked for.
pub fn setup(options: &CheckOptions, new_code: &NewCode) -> Result<Setup, Error> {
    let root = &options.root;
    let head = OwnFiles::WorkTree(root);
    let NewCode::Changed { lines, base, .. } = new_code else {
        return load(options, &head);
    };
    let tree = BaseTree {
        root,
        changed: lines,
        base,
    };
    let own_rel = config_in_root(root, options.config.as_deref());
    let base_setup = load(options, &OwnFiles::Base(tree))?;
    let head_setup = load(options, &head);
    // What of gate's own differs between the base and the working tree (a commit
    // of the change or an edit not yet committed), in either revision's terms.
    let mut own: Vec<(String, bool)> = own_rel.into_iter().map(|p| (p, false)).collect();
    for setup in std::iter::once(&base_setup).chain(head_setup.as_ref().ok()) {
        own.push((setup.config.config.gate.baseline.clone(), false));
        if let Ok(dirs) = setup.config.extra_rule_dirs() {
            own.extend(dirs.into_iter().map(|(d, _)| (d, true)));
        }
    }
    own.sort();
    own.dedup();
    let base_files = OwnFiles::Base(tree);
    let mut changed = Vec::new();
    for (path, dir) in own {
        if differs(&base_files, &head, &path, dir)? {
            changed.push(path);
        }
    }
    let (from, reason) = match (
        options.config_from,
        base_setup.config.config.gate.config_from,
    ) {
        (Some(from), _) => (from, Some(format!("--config-from {}", from.as_str()))),
        (None, Some(from)) => (
            from,
            Some(format!(
                "[gate] config_from = \"{}\" in the base",
                from.as_str()
            )),
        ),
        (None, None) => (ConfigFrom::Base, None),
    };
    let differences = match &head_setup {
        Ok(head) => differences(
            &base_setup.config.config.gate.conditions(),
            &head.config.config.gate.conditions(),
        ),
        Err(_) => Vec::new(),
    };
    let mut source = ConfigSource {
        from,
        reason: reason.filter(|_| from == ConfigFrom::Head),
        changed,
        differences,
        head_error: None,
    };
    match from {
        ConfigFrom::Head => {
            let mut setup = head_setup?;
            setup.source = Some(source);
            Ok(setup)
        }
        ConfigFrom::Base => {
            if source.changed.is_empty() {
                // The same files either way: nothing to say.
                source.differences.clear();
            }
            source.head_error = head_setup.err().map(|e| e.to_string());
            let mut setup = base_setup;
            setup.source = Some(source);
            Ok(setup)
        }
    }
}

/// Whether the file (or every file under the folder) `path` differs between two
/// revisions.
fn differs(a: &OwnFiles, b: &OwnFiles, path: &str, dir: bool) -> Result<bool, Error> {
    let limit = guard::BASELINE_BYTES;
    if !dir {
        return Ok(a.read(path, limit)? != b.read(path, limit)?);
    }
    let (la, lb) = (a.rule_files(path)?, b.rule_files(path)?);
    if la != lb {
        return Ok(true);
    }
    for file in la.unwrap_or_default() {
        if a.read(&file, limit)? != b.read(&file, limit)? {
            return Ok(true);
        }
    }
    Ok(false)
}

/// The conditions that differ, by metric and scope: changed, added or removed.
fn differences(base: &[Condition], head: &[Condition]) -> Vec<String> {
    let name = |c: &Condition| format!("{} ({})", c.metric.name(), c.scope);
    let mut out = Vec::new();
    for b in base {
        match head
            .iter()
            .find(|h| h.metric == b.metric && h.scope == b.scope)
        {
            Some(h) if h.threshold_text() != b.threshold_text() => out.push(format!(
                "{}: {} → {}",
                name(b),
                b.threshold_text(),
                h.threshold_text()
            )),
            Some(_) => {}
            None => out.push(format!("{}: {} → removed", name(b), b.threshold_text())),
        }
    }
    for h in head {
        if !base
            .iter()
            .any(|b| b.metric == h.metric && b.scope == h.scope)
        {
            out.push(format!("{}: added, {}", name(h), h.threshold_text()));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::gate::conditions::{Metric, Scope};

    fn condition(metric: Metric, min: Option<f64>, max: Option<f64>) -> Condition {
        Condition {
            metric,
            scope: Scope::New,
            min: min.map(|v| toml::Spanned::new(0..0, v)),
            max: max.map(|v| toml::Spanned::new(0..0, v)),
        }
    }

    #[test]
    fn differences_name_each_changed_added_and_removed_condition() {
        let base = [
            condition(Metric::CoverageLine, Some(80.0), None),
            condition(Metric::IssuesMajor, None, Some(0.0)),
        ];
        let head = [
            condition(Metric::CoverageLine, Some(50.0), None),
            condition(Metric::Issues, None, Some(10.0)),
        ];
        assert_eq!(
            differences(&base, &head),
            [
                "coverage.line (new): ≥ 80 % → ≥ 50 %",
                "issues.major (new): ≤ 0 → removed",
                "issues (new): added, ≤ 10",
            ]
        );
        assert!(differences(&base, &base).is_empty());
    }
}
