//! Sources: the files to analyse under the repository root. The walk respects
//! `.gitignore` (also outside a git checkout), `.ignore` and `.gateignore` files,
//! skips hidden files, never follows symlinks (so no loops), and runs in parallel.
//! Build output and vendored trees are skipped by default, and every skip is
//! counted and reported so that nothing disappears silently. None of these
//! heuristics applies to a file the change touches ([`add_changed`]).

use crate::model::{Diagnostic, DiagnosticLevel, Language, SourceFile};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use serde::Deserialize;
use std::path::Path;
use std::sync::Mutex;
use toml::Spanned;

/// Folder names skipped by default: build output and vendored code.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &["target", "build", "node_modules", "generated"];

/// `[sources]` in gate.toml: which files discovery finds.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourcesConfig {
    /// Globs (relative to the root) a file must match to be analysed; empty = all.
    pub include: Vec<Spanned<String>>,
    /// Globs of files and folders never analysed.
    pub exclude: Vec<Spanned<String>>,
    /// Skip build output and vendored trees (`target/`, `build/`, `node_modules/`,
    /// `generated` folders).
    pub default_excludes: bool,
    /// A run without any source file to analyse may pass (a repository with no
    /// Java or Rust yet); otherwise it is an error, since a wrong path or an
    /// include that matches nothing would pass every change.
    pub allow_empty: bool,
    /// Files larger than this many bytes are reported and not analysed (a
    /// changed one makes the run unevaluable): a generated or hostile file of
    /// hundreds of megabytes would hold the run for minutes and gigabytes.
    pub max_file_bytes: u64,
}

impl Default for SourcesConfig {
    fn default() -> Self {
        SourcesConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            default_excludes: true,
            allow_empty: false,
            max_file_bytes: 10_000_000,
        }
    }
}

/// What discovery found, and what it left out and why.
#[derive(Debug, Default)]
pub struct Discovery {
    /// Sorted by relative path.
    pub files: Vec<SourceFile>,
    /// Every file the walk saw, any language, sorted: coverage reports name files
    /// (Kotlin, generated code) that are not analysed but must still be found.
    pub all_files: Vec<String>,
    /// Folders skipped as build output or vendored code (relative paths, sorted).
    pub default_excluded_dirs: Vec<String>,
    /// Source files matched by `[sources] exclude` or not matched by `include`.
    pub excluded_by_config: usize,
    /// Problems met while walking (unreadable folders): errors.
    pub diagnostics: Vec<Diagnostic>,
}

fn is_default_excluded(name: &str) -> bool {
    DEFAULT_EXCLUDED_DIRS.contains(&name)
        || name.starts_with("generated-")
        || name.starts_with("generated_")
}

/// One set of `[sources]` globs (`None` when empty); coverage reuses `exclude`.
pub(crate) fn globset(globs: &[toml::Spanned<String>]) -> Result<Option<GlobSet>, globset::Error> {
    if globs.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for g in globs {
        // A glob naming a folder (`legacy/`) or a folder's contents both match.
        let pattern = g.get_ref().trim_end_matches('/');
        builder.add(Glob::new(pattern)?);
        builder.add(Glob::new(&format!("{pattern}/**"))?);
    }
    builder.build().map(Some)
}

/// `[sources] include` and `exclude`, compiled once per run.
pub struct Globs {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl Globs {
    pub fn new(config: &SourcesConfig) -> Result<Globs, globset::Error> {
        Ok(Globs {
            include: globset(&config.include)?,
            exclude: globset(&config.exclude)?,
        })
    }

    /// Whether the configuration leaves `rel` in: `include` matches it (or is
    /// empty) and `exclude` does not.
    pub fn keep(&self, rel: &str) -> bool {
        !self.exclude.as_ref().is_some_and(|g| g.is_match(rel))
            && self.include.as_ref().is_none_or(|g| g.is_match(rel))
    }

    /// Whether a file the change touches is analysed: by its language and the
    /// configuration's own globs only. Ignore files, hidden folders and the
    /// build-output folder names are heuristics for files nobody wrote; a pull
    /// request can add a `.gitignore` line or a `generated/` folder, so none of
    /// them may take the change's own files out of the gate.
    pub fn selects_changed(&self, rel: &str) -> bool {
        Language::from_path(rel).is_some() && self.keep(rel)
    }
}

/// Adds to `found` every file of `changed` (repository-relative paths of files the
/// change touches) that [`Globs::selects_changed`] takes and the walk skipped, with a
/// warning naming it: what the change touches is analysed whatever ignore files
/// say. A symbolic link is analysed as the file it links to inside `root` (a
/// compiler follows it); one that leads elsewhere is an error, which makes the
/// run unevaluable.
pub fn add_changed<'a>(
    found: &mut Discovery,
    root: &Path,
    config: &SourcesConfig,
    changed: impl IntoIterator<Item = &'a str>,
) {
    // Discovery compiled the same globs without error.
    let Ok(globs) = Globs::new(config) else {
        return;
    };
    let mut added = Vec::new();
    for rel in changed {
        let inside = Path::new(rel)
            .components()
            .all(|c| matches!(c, std::path::Component::Normal(_)));
        if !inside
            || !globs.selects_changed(rel)
            || found
                .files
                .binary_search_by(|f| f.rel.as_str().cmp(rel))
                .is_ok()
        {
            continue;
        }
        let abs = root.join(rel);
        let Ok(meta) = std::fs::symlink_metadata(&abs) else {
            continue;
        };
        let Some(language) = Language::from_path(rel) else {
            continue;
        };
        let (level, message) = if meta.file_type().is_symlink() {
            // A compiler follows the link: what it reads is the change's code.
            let inside = match (std::fs::canonicalize(&abs), std::fs::canonicalize(root)) {
                (Ok(t), Ok(r)) if t.is_file() => t.strip_prefix(r).ok().map(Path::to_path_buf),
                _ => None,
            };
            if let Some(to) = inside {
                (
                    DiagnosticLevel::Warning,
                    format!(
                        "a symbolic link the change touches: analysed as the file it links to (`{}`)",
                        to.display()
                    ),
                )
            } else {
                found.diagnostics.push(Diagnostic {
                    level: DiagnosticLevel::Error,
                    path: Some(rel.to_string()),
                    message: "a symbolic link the change touches leads outside the repository \
                              or to no regular file: a compiler would read what gate cannot \
                              check; replace it with the file"
                        .to_string(),
                });
                continue;
            }
        } else if meta.file_type().is_file() {
            (
                DiagnosticLevel::Warning,
                "analysed although an ignore file, a hidden folder or a build-output folder \
                 name would skip it: the change touches it (if it is generated, name it in \
                 [sources] exclude)"
                    .to_string(),
            )
        } else {
            continue;
        };
        found.diagnostics.push(Diagnostic {
            level,
            path: Some(rel.to_string()),
            message,
        });
        if let Err(at) = found.all_files.binary_search_by(|f| f.as_str().cmp(rel)) {
            found.all_files.insert(at, rel.to_string());
        }
        added.push(SourceFile {
            abs,
            rel: rel.to_string(),
            language,
        });
    }
    if !added.is_empty() {
        found.files.extend(added);
        found.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    }
}

/// Finds the source files under `root`. Globs were validated with the config.
pub fn discover(
    root: &Path,
    config: &SourcesConfig,
    threads: usize,
) -> Result<Discovery, globset::Error> {
    let globs = Globs::new(config)?;
    let found = Mutex::new(Discovery::default());
    let default_excludes = config.default_excludes;
    let mut builder = WalkBuilder::new(root);
    builder
        .threads(threads)
        .require_git(false)
        .follow_links(false)
        .add_custom_ignore_filename(".gateignore");
    builder.build_parallel().run(|| {
        let found = &found;
        let globs = &globs;
        Box::new(move |entry| {
            let entry = match entry {
                Ok(e) => e,
                Err(err) => {
                    let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
                    found.diagnostics.push(Diagnostic {
                        level: DiagnosticLevel::Error,
                        path: None,
                        message: format!("cannot read: {err}; fix the permissions or exclude it in [sources] exclude"),
                    });
                    return WalkState::Continue;
                }
            };
            let Ok(rel_path) = entry.path().strip_prefix(root) else {
                return WalkState::Continue;
            };
            let rel = rel_path.to_string_lossy().replace('\\', "/");
            let is_dir = entry.file_type().is_some_and(|t| t.is_dir());
            if is_dir {
                if entry.depth() > 0
                    && default_excludes
                    && is_default_excluded(&entry.file_name().to_string_lossy())
                {
                    let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
                    found.default_excluded_dirs.push(format!("{rel}/"));
                    return WalkState::Skip;
                }
                return WalkState::Continue;
            }
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                return WalkState::Continue;
            }
            let Some(language) = rel_path
                .extension()
                .and_then(|e| e.to_str())
                .and_then(Language::from_extension)
            else {
                let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
                found.all_files.push(rel);
                return WalkState::Continue;
            };
            let excluded = !globs.keep(&rel);
            let mut found = found.lock().unwrap_or_else(|p| p.into_inner());
            found.all_files.push(rel.clone());
            if excluded {
                found.excluded_by_config += 1;
            } else {
                found.files.push(SourceFile {
                    abs: entry.path().to_path_buf(),
                    rel,
                    language,
                });
            }
            WalkState::Continue
        })
    });
    let mut found = found.into_inner().unwrap_or_else(|p| p.into_inner());
    found.files.sort_by(|a, b| a.rel.cmp(&b.rel));
    found.all_files.sort();
    found.default_excluded_dirs.sort();
    found.diagnostics.sort_by(|a, b| a.message.cmp(&b.message));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn write(root: &Path, rel: &str) {
        let path = root.join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, "class A {}").unwrap();
    }

    fn spanned(globs: &[&str]) -> Vec<toml::Spanned<String>> {
        #[derive(serde::Deserialize)]
        struct List {
            g: Vec<toml::Spanned<String>>,
        }
        toml::from_str::<List>(&format!("g = {globs:?}")).unwrap().g
    }

    #[test]
    fn finds_sources_and_reports_what_it_skipped() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        for f in [
            "src/main/java/A.java",
            "src/lib.rs",
            "target/classes/B.java",
            "module/build/gen/C.java",
            "src/generated-sources/D.java",
            "ignored/E.java",
            ".hidden/F.java",
            "legacy/G.java",
            "README.md",
        ] {
            write(root, f);
        }
        fs::write(root.join(".gitignore"), "ignored/\n").unwrap();
        let config = SourcesConfig {
            exclude: spanned(&["legacy/"]),
            ..SourcesConfig::default()
        };
        let found = discover(root, &config, 2).unwrap();
        let rels: Vec<_> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["src/lib.rs", "src/main/java/A.java"]);
        assert_eq!(found.files[0].language, Language::Rust);
        assert_eq!(
            found.default_excluded_dirs,
            ["module/build/", "src/generated-sources/", "target/"]
        );
        assert_eq!(found.excluded_by_config, 1);

        let config = SourcesConfig {
            include: spanned(&["src/main/**"]),
            default_excludes: false,
            ..SourcesConfig::default()
        };
        let found = discover(root, &config, 1).unwrap();
        let rels: Vec<_> = found.files.iter().map(|f| f.rel.as_str()).collect();
        assert_eq!(rels, ["src/main/java/A.java"]);
        assert_eq!(found.excluded_by_config, 5);
    }
}
