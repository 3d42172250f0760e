//! The base revision of each file a change touches: what issue tracking compares the
//! head's findings with. From git's object store (one `git cat-file --batch` for
//! every file), or, with a diff and no git, rebuilt from the checked-out file by
//! applying the diff's hunks in reverse. Files the change does not touch need no base:
//! none of their findings can be new.

use super::git::GitError;
use super::{Base, ChangedFile, ChangedLines, FileStatus};
use std::path::Path;

/// A changed file as it was before the change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaseFile {
    /// Its path in the base revision (the old path of a renamed file).
    pub path: String,
    pub text: String,
}

#[derive(Debug, thiserror::Error)]
pub enum BaseError {
    #[error(transparent)]
    Git(#[from] GitError),
    #[error(
        "`{path}` is not in this checkout, but the diff changes it: this diff does not belong to this checkout"
    )]
    Missing { path: String },
    #[error(
        "`{path}` line {line} is not what the diff says it is: this diff does not belong to this checkout \
         (or the file changed after the diff was made)"
    )]
    Mismatch { path: String, line: u32 },
    #[error("`{path}` is still in this checkout, but the diff deletes it: this diff does not belong to this checkout")]
    NotDeleted { path: String },
    #[error(
        "the diff shows `{path}` as a binary file, so its changes cannot be told; make the diff with `git diff --text`"
    )]
    Binary { path: String },
    #[error("cannot read `{path}`: {source}")]
    Read {
        path: String,
        source: std::io::Error,
    },
}

/// The path a changed file had in the base revision, or `None` when it had none
/// (added) or its content did not change (only its mode).
pub fn base_path(file: &ChangedFile) -> Option<&str> {
    match &file.status {
        FileStatus::Added | FileStatus::ModeOnly => None,
        FileStatus::Renamed { from } | FileStatus::Copied { from } => Some(from),
        FileStatus::Modified | FileStatus::Deleted => Some(&file.path),
    }
}

/// Checks that a diff given by hand describes this checkout: every file it keeps is
/// here and every file it deletes is gone.
pub fn check_checkout(root: &Path, changed: &ChangedLines) -> Result<(), BaseError> {
    for file in changed.files() {
        let here = std::fs::symlink_metadata(root.join(&file.path)).is_ok();
        match (&file.status, here) {
            (FileStatus::Deleted, true) => {
                return Err(BaseError::NotDeleted {
                    path: file.path.clone(),
                })
            }
            (FileStatus::Deleted, false) | (_, true) => {}
            (_, false) => {
                return Err(BaseError::Missing {
                    path: file.path.clone(),
                })
            }
        }
    }
    Ok(())
}

/// The base revisions of the changed files that `wanted` (given the file and its
/// base path) selects: the files gate analyses.
pub fn read(
    root: &Path,
    changed: &ChangedLines,
    base: &Base,
    wanted: &dyn Fn(&ChangedFile, &str) -> bool,
) -> Result<Vec<BaseFile>, BaseError> {
    let files: Vec<(&ChangedFile, &str)> = changed
        .files()
        .filter_map(|f| Some((f, base_path(f)?)))
        .filter(|(f, path)| wanted(f, path))
        .collect();
    match base {
        Base::Git { revision, prefix } => {
            let paths: Vec<String> = files.iter().map(|(_, p)| format!("{prefix}{p}")).collect();
            let blobs = revision.read(&paths)?;
            Ok(files
                .iter()
                .zip(blobs)
                .filter_map(|((_, path), blob)| {
                    Some(BaseFile {
                        path: path.to_string(),
                        text: String::from_utf8_lossy(&blob?).into_owned(),
                    })
                })
                .collect())
        }
        Base::Patch => files
            .iter()
            .map(|(file, path)| {
                if file.binary {
                    return Err(BaseError::Binary {
                        path: file.path.clone(),
                    });
                }
                let head = if file.status == FileStatus::Deleted {
                    String::new()
                } else {
                    let bytes =
                        std::fs::read(root.join(&file.path)).map_err(|source| BaseError::Read {
                            path: file.path.clone(),
                            source,
                        })?;
                    String::from_utf8_lossy(&bytes).into_owned()
                };
                let text = file.reverse_apply(&head).map_err(|m| BaseError::Mismatch {
                    path: file.path.clone(),
                    line: m.line,
                })?;
                Ok(BaseFile {
                    path: path.to_string(),
                    text,
                })
            })
            .collect(),
    }
}

/// The analysed root as the base revision has it, for the few files gate reads of
/// its own (the configuration, rule folders, the baseline): in a pull request they
/// come from the base, so that a change cannot weaken the gate that judges it.
#[derive(Clone, Copy)]
pub struct BaseTree<'a> {
    pub root: &'a Path,
    pub changed: &'a ChangedLines,
    pub base: &'a Base,
}

impl BaseTree<'_> {
    /// The file at `rel` (relative to the root) in the base; `None` when the base
    /// has no such file.
    pub fn read(&self, rel: &str) -> Result<Option<Vec<u8>>, BaseError> {
        match self.base {
            Base::Git { revision, prefix } => {
                Ok(revision.read(&[format!("{prefix}{rel}")])?.pop().flatten())
            }
            Base::Patch => {
                if let Some(file) = self.changed.files().find(|f| base_path(f) == Some(rel)) {
                    let files = read(
                        self.root,
                        &ChangedLines::from_iter([file.clone()]),
                        self.base,
                        &|_, _| true,
                    )?;
                    return Ok(files.into_iter().next().map(|f| f.text.into_bytes()));
                }
                if self.changed.file(rel).is_some() {
                    // Added here, or renamed from elsewhere: the base had no such file.
                    return Ok(None);
                }
                match std::fs::read(self.root.join(rel)) {
                    Ok(bytes) => Ok(Some(bytes)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                    Err(source) => Err(BaseError::Read {
                        path: rel.to_string(),
                        source,
                    }),
                }
            }
        }
    }

    /// The files under the folder `dir` (relative to the root) in the base, sorted.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, BaseError> {
        let dir = dir.trim_end_matches('/');
        let under = |p: &str| p.strip_prefix(dir).is_some_and(|r| r.starts_with('/'));
        let mut files: Vec<String> = match self.base {
            Base::Git { revision, prefix } => revision
                .list(&format!("{prefix}{dir}/"))?
                .into_iter()
                .filter_map(|p| p.strip_prefix(prefix.as_str()).map(str::to_string))
                .collect(),
            Base::Patch => {
                let mut files: Vec<String> = ignore::WalkBuilder::new(self.root.join(dir))
                    .standard_filters(false)
                    .build()
                    .filter_map(Result::ok)
                    .filter(|e| e.file_type().is_some_and(|t| t.is_file()))
                    .filter_map(|e| {
                        let rel = e.path().strip_prefix(self.root).ok()?;
                        Some(rel.to_string_lossy().replace('\\', "/"))
                    })
                    // What the change brought to this path was not in the base.
                    .filter(|p| self.changed.file(p).is_none_or(|f| base_path(f) == Some(p)))
                    .collect();
                files.extend(
                    self.changed
                        .files()
                        .filter_map(base_path)
                        .filter(|p| under(p))
                        .map(str::to_string),
                );
                files
            }
        };
        files.retain(|p| under(p));
        files.sort();
        files.dedup();
        Ok(files)
    }
}
