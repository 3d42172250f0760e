//! Path mapping: from the name a report gives a file to the file's path in the
//! repository. JaCoCo knows only the package and the file name (`com/example/Foo.java`);
//! the directory above it (the source root: `src/main/java`, `app/src/main/kotlin`, a
//! custom one) must be found. It is found by suffix against the list of repository
//! files: the files ending in `/com/example/Foo.java`, then, because a Kotlin file's
//! directory need not follow its package, in `/example/Foo.java` and so on down to
//! `/Foo.java`, stopping at the first suffix any file has. LCOV and Cobertura give
//! paths, absolute or relative to a source directory, which are made relative to the
//! repository root. A name that fits no file, or several, is returned as the reason why
//! (the caller reports it); only names that fit exactly one repository file map. Names
//! are only ever compared with the given list, so no name can reach outside it.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use globset::GlobSet;

use super::{glob_set, CoverageError, UnmappedReason};

pub(crate) struct PathMapper<'a> {
    /// The repository root as an absolute, `/`-separated prefix ending in `/`; a second
    /// entry for its canonical form when symlinks make the two differ.
    root_prefixes: Vec<String>,
    files: HashSet<&'a str>,
    /// Repository files by file name, so a suffix search looks at a handful of paths.
    by_name: HashMap<&'a str, Vec<&'a str>>,
    /// `[coverage] source_roots`: when set, a JaCoCo name maps only under these.
    source_roots: Option<GlobSet>,
}

impl<'a> PathMapper<'a> {
    pub(crate) fn new(
        root: &Path,
        repo_files: &'a [String],
        source_roots: &[String],
    ) -> Result<PathMapper<'a>, CoverageError> {
        let absolute = std::path::absolute(root).unwrap_or_else(|_| root.to_path_buf());
        let mut root_prefixes = Vec::new();
        for dir in [Some(absolute), std::fs::canonicalize(root).ok()]
            .into_iter()
            .flatten()
        {
            if let Some(normal) = normalize(&to_slash(&dir.to_string_lossy())) {
                let prefix = if normal.ends_with('/') {
                    normal
                } else {
                    normal + "/"
                };
                if !root_prefixes.contains(&prefix) {
                    root_prefixes.push(prefix);
                }
            }
        }
        let mut by_name: HashMap<&str, Vec<&str>> = HashMap::new();
        for file in repo_files {
            by_name.entry(file_name(file)).or_default().push(file);
        }
        let source_roots = if source_roots.is_empty() {
            None
        } else {
            let trimmed: Vec<String> = source_roots
                .iter()
                .map(|r| r.trim_end_matches('/').to_string())
                .collect();
            Some(glob_set("[coverage] source_roots", &trimmed)?)
        };
        Ok(PathMapper {
            root_prefixes,
            files: repo_files.iter().map(String::as_str).collect(),
            by_name,
            source_roots,
        })
    }

    /// A JaCoCo source file: `package` (`com/example`, or empty) and a bare `file`.
    /// `module`, the enclosing `<group>`, breaks ties between modules.
    pub(crate) fn map_package(
        &self,
        package: &str,
        file: &str,
        module: Option<&str>,
    ) -> Result<String, UnmappedReason> {
        let segments: Vec<&str> = package.split('/').filter(|s| !s.is_empty()).collect();
        for skip in 0..=segments.len() {
            let mut suffix = segments[skip..].join("/");
            if !suffix.is_empty() {
                suffix.push('/');
            }
            suffix.push_str(file);
            let candidates = self.ending_with(&suffix, self.source_roots.as_ref());
            if !candidates.is_empty() {
                return choose(candidates, module);
            }
        }
        Err(UnmappedReason::NoFile)
    }

    /// An LCOV or Cobertura path: absolute, or relative to one of `source_dirs`
    /// (Cobertura's `<source>`) or to the repository root. A relative path found
    /// nowhere is matched as a suffix, for reports written from a module directory or
    /// on another machine.
    pub(crate) fn map_path(
        &self,
        path: &str,
        source_dirs: &[String],
    ) -> Result<String, UnmappedReason> {
        let path = to_slash(path);
        if is_absolute(&path) {
            let rel = normalize(&path)
                .and_then(|p| self.strip_root(&p))
                .ok_or(UnmappedReason::OutsideRoot)?;
            return self.existing(rel).ok_or(UnmappedReason::NoFile);
        }
        let relative = normalize(&path).ok_or(UnmappedReason::OutsideRoot)?;
        for dir in source_dirs {
            let joined = normalize(&format!("{}/{path}", to_slash(dir)));
            let rel = match joined {
                Some(p) if is_absolute(&p) => self.strip_root(&p),
                other => other,
            };
            if let Some(found) = rel.and_then(|r| self.existing(r)) {
                return Ok(found);
            }
        }
        if let Some(found) = self.existing(relative.clone()) {
            return Ok(found);
        }
        let candidates = self.ending_with(&relative, None);
        if candidates.is_empty() {
            Err(UnmappedReason::NoFile)
        } else {
            choose(candidates, None)
        }
    }

    fn existing(&self, rel: String) -> Option<String> {
        self.files.contains(rel.as_str()).then_some(rel)
    }

    fn strip_root(&self, absolute: &str) -> Option<String> {
        self.root_prefixes
            .iter()
            .find_map(|prefix| absolute.strip_prefix(prefix.as_str()))
            .map(str::to_string)
    }

    /// Repository files that are `suffix` or end in `/suffix`, whose directory above
    /// the suffix is one of `roots` when given.
    fn ending_with(&self, suffix: &str, roots: Option<&GlobSet>) -> Vec<&'a str> {
        let Some(same_name) = self.by_name.get(file_name(suffix)) else {
            return Vec::new();
        };
        same_name
            .iter()
            .copied()
            .filter(|path| {
                let Some(dir) = path.strip_suffix(suffix) else {
                    return false;
                };
                if !(dir.is_empty() || dir.ends_with('/')) {
                    return false;
                }
                roots.is_none_or(|roots| roots.is_match(dir.trim_end_matches('/')))
            })
            .collect()
    }
}

/// One candidate wins; several are narrowed first to the report's module (a Maven
/// aggregate's group is the module's artifactId, usually its directory), then to
/// production sources (`src/main/`), since reports measure those.
fn choose(candidates: Vec<&str>, module: Option<&str>) -> Result<String, UnmappedReason> {
    let mut set = candidates;
    let in_module = |p: &&str| {
        module.is_some_and(|m| p.starts_with(&format!("{m}/")) || p.contains(&format!("/{m}/")))
    };
    let in_main = |p: &&str| p.starts_with("src/main/") || p.contains("/src/main/");
    let filters: [&dyn Fn(&&str) -> bool; 2] = [&in_module, &in_main];
    for filter in filters {
        if set.len() == 1 {
            break;
        }
        let narrowed: Vec<&str> = set.iter().copied().filter(|p| filter(p)).collect();
        if !narrowed.is_empty() {
            set = narrowed;
        }
    }
    match set.as_slice() {
        [one] => Ok(one.to_string()),
        _ => {
            let mut all: Vec<String> = set.iter().map(|p| p.to_string()).collect();
            all.sort();
            Err(UnmappedReason::Ambiguous(all))
        }
    }
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Reports written on Windows use `\`.
pub(crate) fn to_slash(path: &str) -> String {
    path.replace('\\', "/")
}

fn is_absolute(path: &str) -> bool {
    path.starts_with('/') || has_drive(path)
}

fn has_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() >= 3 && b[0].is_ascii_alphabetic() && b[1] == b':' && b[2] == b'/'
}

/// Resolves `.` and `..` lexically; `None` when `..` climbs above the start.
fn normalize(path: &str) -> Option<String> {
    let (prefix, rest) = if let Some(rest) = path.strip_prefix('/') {
        ("/", rest)
    } else if has_drive(path) {
        path.split_at(3)
    } else {
        ("", path)
    };
    let mut parts: Vec<&str> = Vec::new();
    for segment in rest.split('/') {
        match segment {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(format!("{prefix}{}", parts.join("/")))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(list: &[&str]) -> Vec<String> {
        list.iter().map(|s| s.to_string()).collect()
    }

    fn mapper<'a>(files: &'a [String], roots: &[&str]) -> PathMapper<'a> {
        let roots: Vec<String> = roots.iter().map(|s| s.to_string()).collect();
        PathMapper::new(Path::new("/repo"), files, &roots).unwrap()
    }

    #[test]
    fn maps_a_package_path_under_any_source_root() {
        let repo = files(&[
            "src/main/java/com/example/shop/Cart.java",
            "README.md",
            "backend/src/main/java/com/example/api/Api.java",
        ]);
        let m = mapper(&repo, &[]);
        assert_eq!(
            m.map_package("com/example/shop", "Cart.java", None)
                .unwrap(),
            "src/main/java/com/example/shop/Cart.java"
        );
        assert_eq!(
            m.map_package("com/example/api", "Api.java", None).unwrap(),
            "backend/src/main/java/com/example/api/Api.java"
        );
        assert_eq!(
            m.map_package("com/example/shop", "Gone.java", None),
            Err(UnmappedReason::NoFile)
        );
    }

    #[test]
    fn kotlin_files_need_not_follow_their_package() {
        let repo = files(&[
            "src/main/kotlin/billing/Invoice.kt",
            "src/main/kotlin/Untested.kt",
        ]);
        let m = mapper(&repo, &[]);
        assert_eq!(
            m.map_package("com/example/kt/billing", "Invoice.kt", None)
                .unwrap(),
            "src/main/kotlin/billing/Invoice.kt"
        );
        assert_eq!(
            m.map_package("com/example/kt", "Untested.kt", None)
                .unwrap(),
            "src/main/kotlin/Untested.kt"
        );
        // Inlined library code names a file that exists nowhere.
        assert_eq!(
            m.map_package("com/example/kt", "LazyDsl.kt", None),
            Err(UnmappedReason::NoFile)
        );
    }

    #[test]
    fn ties_break_on_module_then_main_sources_else_ambiguous() {
        let repo = files(&[
            "api/src/main/java/com/x/Util.java",
            "core/src/main/java/com/x/Util.java",
            "core/src/test/java/com/x/Util.java",
        ]);
        let m = mapper(&repo, &[]);
        assert_eq!(
            m.map_package("com/x", "Util.java", Some("core")).unwrap(),
            "core/src/main/java/com/x/Util.java"
        );
        assert_eq!(
            m.map_package("com/x", "Util.java", Some("api")).unwrap(),
            "api/src/main/java/com/x/Util.java"
        );
        assert_eq!(
            m.map_package("com/x", "Util.java", None),
            Err(UnmappedReason::Ambiguous(vec![
                "api/src/main/java/com/x/Util.java".to_string(),
                "core/src/main/java/com/x/Util.java".to_string(),
            ]))
        );
    }

    #[test]
    fn configured_source_roots_restrict_the_match() {
        let repo = files(&[
            "api/src/main/java/com/x/Util.java",
            "core/src/main/java/com/x/Util.java",
            "gen/com/x/Model.java",
        ]);
        let m = mapper(&repo, &["core/src/main/java/", "gen"]);
        assert_eq!(
            m.map_package("com/x", "Util.java", None).unwrap(),
            "core/src/main/java/com/x/Util.java"
        );
        assert_eq!(
            m.map_package("com/x", "Model.java", None).unwrap(),
            "gen/com/x/Model.java"
        );
        let globbed = mapper(&repo, &["*/src/main/java"]);
        assert!(matches!(
            globbed.map_package("com/x", "Util.java", None),
            Err(UnmappedReason::Ambiguous(_))
        ));
    }

    #[test]
    fn maps_absolute_and_relative_paths() {
        let repo = files(&["app/util.py", "src/pkg/mod.py"]);
        let m = mapper(&repo, &[]);
        assert_eq!(m.map_path("/repo/app/util.py", &[]).unwrap(), "app/util.py");
        assert_eq!(
            m.map_path("/repo/app/../app/./util.py", &[]).unwrap(),
            "app/util.py"
        );
        assert_eq!(m.map_path("app/util.py", &[]).unwrap(), "app/util.py");
        assert_eq!(m.map_path("app\\util.py", &[]).unwrap(), "app/util.py");
        // Cobertura: relative to a <source>, which may be absolute or on another machine.
        assert_eq!(
            m.map_path("pkg/mod.py", &["/repo/src".to_string()])
                .unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            m.map_path("pkg/mod.py", &["/ci/build/src".to_string()])
                .unwrap(),
            "src/pkg/mod.py"
        );
        assert_eq!(
            m.map_path("/usr/lib/python3/json/__init__.py", &[]),
            Err(UnmappedReason::OutsideRoot)
        );
        assert_eq!(
            m.map_path("/repo/../etc/passwd", &[]),
            Err(UnmappedReason::OutsideRoot)
        );
        assert_eq!(
            m.map_path("../../etc/passwd", &[]),
            Err(UnmappedReason::OutsideRoot)
        );
        assert_eq!(
            m.map_path("/repo/app/gone.py", &[]),
            Err(UnmappedReason::NoFile)
        );
        assert_eq!(
            m.map_path("/repository/app/util.py", &[]),
            Err(UnmappedReason::OutsideRoot)
        );
    }
}
