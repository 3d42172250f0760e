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
