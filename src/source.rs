//! Sources: the files to analyse under the repository root. The walk respects
//! `.gitignore` (also outside a git checkout), `.ignore` and `.gateignore` files,
//! skips hidden files, never follows symlinks (so no loops), and runs in parallel.
//! Build output and vendored trees are skipped by default, and every skip is
//! counted and reported so that nothing disappears silently.

use crate::config::SourcesConfig;
use crate::model::{Diagnostic, DiagnosticLevel, Language, SourceFile};
use globset::{Glob, GlobSet, GlobSetBuilder};
use ignore::{WalkBuilder, WalkState};
use std::path::Path;
use std::sync::Mutex;

/// Folder names skipped by default: build output and vendored code.
pub const DEFAULT_EXCLUDED_DIRS: &[&str] = &["target", "build", "node_modules", "generated"];

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

/// Whether discovery would pick the file `rel` (a path that is not on disk, such as
/// a deleted file): by its language, hidden and default-excluded folders, and the
/// include and exclude globs. Ignore files are not consulted.
pub fn selects(config: &SourcesConfig, rel: &str) -> bool {
    let mut segments: Vec<&str> = rel.split('/').collect();
    segments.pop();
    let hidden_or_excluded = segments
        .iter()
        .any(|s| s.starts_with('.') || (config.default_excludes && is_default_excluded(s)));
    let (Ok(include), Ok(exclude)) = (globset(&config.include), globset(&config.exclude)) else {
        return false;
    };
    Language::from_path(rel).is_some()
        && !hidden_or_excluded
        && !rel.rsplit('/').next().unwrap_or(rel).starts_with('.')
        && !exclude.is_some_and(|g| g.is_match(rel))
        && include.is_none_or(|g| g.is_match(rel))
}

/// Finds the source files under `root`. Globs were validated with the config.
pub fn discover(
    root: &Path,
    config: &SourcesConfig,
    threads: usize,
) -> Result<Discovery, globset::Error> {
    let include = globset(&config.include)?;
    let exclude = globset(&config.exclude)?;
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
        let include = &include;
        let exclude = &exclude;
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
            let excluded = exclude.as_ref().is_some_and(|g| g.is_match(&rel))
                || include.as_ref().is_some_and(|g| !g.is_match(&rel));
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
