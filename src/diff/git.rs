//! Changed lines from `git` itself. The *new code* of a branch is what
//! `merge-base(base, HEAD)..HEAD` adds: comparing with the merge-base, not with the
//! base branch's tip, keeps commits that landed on the base meanwhile out of the PR.
//!
//! git runs as a subprocess with every setting that shapes its diff output pinned
//! on the command line, so a user's `diff.noprefix`, `color.ui=always`, external
//! diff driver or `core.quotePath` cannot change what [`unified::parse`] reads.

use super::unified::{self, ParseError};
use super::{ChangedFile, ChangedLines, FileStatus, LineRange};
use std::ffi::OsStr;
use std::io;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// Why git could not tell the changed lines.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    #[error("cannot run `git` ({source}); is git installed and on the PATH?")]
    Spawn { source: io::Error },
    #[error("`{}` is not inside a git repository: {stderr}", dir.display())]
    NotARepository { dir: PathBuf, stderr: String },
    #[error(
        "unknown git revision `{rev}` in `{}`{}",
        repo.display(),
        if *shallow { SHALLOW_UNKNOWN_HINT } else { "; check the spelling, or fetch it (e.g. `git fetch origin <branch>`)" }
    )]
    UnknownRevision {
        repo: PathBuf,
        rev: String,
        shallow: bool,
    },
    #[error(
        "`{base}` and `{head}` have no merge-base in the shallow clone `{}`: the history that joins them \
         was not fetched. Fetch more history: `fetch-depth: 0` in actions/checkout, or \
         `git fetch --unshallow` (or a larger `--depth`)",
        repo.display()
    )]
    ShallowHistory {
        repo: PathBuf,
        base: String,
        head: String,
    },
    #[error("`{base}` and `{head}` have no common ancestor in `{}` (unrelated histories)", repo.display())]
    NoMergeBase {
        repo: PathBuf,
        base: String,
        head: String,
    },
    #[error("`git {args}` failed in `{}` ({status}): {stderr}", repo.display())]
    Command {
        repo: PathBuf,
        args: String,
        status: String,
        stderr: String,
    },
    #[error("cannot read the output of `git diff` in `{}`: {source}", repo.display())]
    Parse { repo: PathBuf, source: ParseError },
    #[error("cannot read the untracked file `{}`: {source}", path.display())]
    Untracked { path: PathBuf, source: io::Error },
}

const SHALLOW_UNKNOWN_HINT: &str = "; this clone is shallow, so the revision may not have been fetched: \
     fetch the base branch (`git fetch origin <branch>`), or use `fetch-depth: 0` in actions/checkout";

/// Settings that change the text of `git diff`, pinned for every call.
const PINNED_CONFIG: &[&str] = &[
    "core.quotePath=true",
    "color.ui=never",
    "color.diff=never",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.relative=false",
    "diff.suppressBlankEmpty=false",
    "diff.renames=true",
];

/// The options of every diff: zero context (only changed lines matter), renames
/// detected, no colour, no external or text-conversion driver, fixed prefixes and
/// algorithm (so a local run and CI agree), submodule pointers left out (they are
/// not source lines of this repository).
const DIFF_ARGS: &[&str] = &[
    "diff",
    "--no-color",
    "--no-ext-diff",
    "--no-textconv",
    "--no-relative",
    "-U0",
    // Every file as text: a `.gitattributes` in the change (`*.java -diff`,
    // `binary`) must not hide its lines as "Binary files differ".
    "--text",
    "-M",
    "--diff-algorithm=myers",
    "--ignore-submodules=all",
    "--src-prefix=a/",
    "--dst-prefix=b/",
];

/// The commit where `head` branched from `base_ref`, as a full hash.
pub fn merge_base(repo: &Path, base_ref: &str, head: &str) -> Result<String, GitError> {
    let git = Git::open(repo)?;
    git.merge_base(base_ref, head)
}

/// What a branch changed, and the commit it is compared with.
#[derive(Debug)]
pub struct Changes {
    /// Paths relative to the top of the checkout.
    pub lines: ChangedLines,
    pub base: Revision,
}

/// A commit of a repository, to read files of as they were there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Revision {
    /// The checkout's top folder.
    pub top: PathBuf,
    /// Full hash.
    pub commit: String,
}

/// The lines `HEAD` changed since it branched from `base_ref`; with `uncommitted`,
/// the working tree (staged, unstaged and untracked files not ignored) is compared
/// with that merge-base instead of `HEAD`, for a local run before committing.
pub fn changed_lines(repo: &Path, base_ref: &str, uncommitted: bool) -> Result<Changes, GitError> {
    let git = Git::open(repo)?;
    let base = git.merge_base(base_ref, "HEAD")?;
    let mut args: Vec<&str> = DIFF_ARGS.to_vec();
    args.push(&base);
    if !uncommitted {
        args.push("HEAD");
    }
    args.push("--");
    let output = git.run(&args)?;
    let mut changed = unified::parse(&output.stdout).map_err(|source| GitError::Parse {
        repo: git.root.clone(),
        source,
    })?;
    if uncommitted {
        git.add_untracked(&mut changed)?;
    }
    Ok(Changes {
        lines: changed,
        base: Revision {
            top: git.root,
            commit: base,
        },
    })
}

impl Revision {
    /// The files at `paths` (relative to the top) as this commit has them, `None`
    /// for a path it does not have as a file; one `git cat-file --batch` for all.
    pub fn read(&self, paths: &[String]) -> Result<Vec<Option<Vec<u8>>>, GitError> {
        use std::io::{BufRead, BufReader, Read, Write};
        let args = ["cat-file", "--batch"];
        let mut child = command(&self.top, &args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .map_err(|source| GitError::Spawn { source })?;
        let mut stdin = child.stdin.take().expect("piped");
        let requests: String = paths
            .iter()
            .map(|p| format!("{}:{p}\n", self.commit))
            .collect();
        // Written from another thread: git answers while it reads, and a full
        // pipe each way would block both.
        let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
        let mut out = BufReader::new(child.stdout.take().expect("piped"));
        let mut blobs = Vec::with_capacity(paths.len());
        let bad = |what: String| GitError::Command {
            repo: self.top.clone(),
            args: args.join(" "),
            status: "unexpected output".to_string(),
            stderr: what,
        };
        let mut header = Vec::new();
        for _ in paths {
            header.clear();
            out.read_until(b'\n', &mut header)
                .map_err(|e| bad(e.to_string()))?;
            let text = String::from_utf8_lossy(&header);
            let fields: Vec<&str> = text.split_whitespace().collect();
            match fields.as_slice() {
                [_, "blob", size] => {
                    let size: usize = size.parse().map_err(|_| bad(text.to_string()))?;
                    let mut blob = vec![0; size + 1];
                    out.read_exact(&mut blob).map_err(|e| bad(e.to_string()))?;
                    blob.pop();
                    blobs.push(Some(blob));
                }
                // `missing`, or a tree or submodule where the path was a file.
                [.., "missing"] => blobs.push(None),
                [_, _, size] => {
                    let size: u64 = size.parse().map_err(|_| bad(text.to_string()))?;
                    std::io::copy(&mut (&mut out).take(size + 1), &mut std::io::sink())
                        .map_err(|e| bad(e.to_string()))?;
                    blobs.push(None);
                }
                _ => return Err(bad(text.to_string())),
            }
        }
        drop(out);
        let _ = writer.join();
        let _ = child.wait();
        Ok(blobs)
    }

    /// Every file under `dir` (relative to the top) in this commit.
    pub fn list(&self, dir: &str) -> Result<Vec<String>, GitError> {
        let git = Git {
            root: self.top.clone(),
            shallow: false,
        };
        let output = git.run(&[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            &self.commit,
            "--",
            dir,
        ])?;
        Ok(output
            .stdout
            .split(|&b| b == 0)
            .filter(|n| !n.is_empty())
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect())
    }
}

/// The commit checked out at `dir` (`git rev-parse HEAD`), or `None` outside a git
/// checkout or before the first commit.
pub fn head_commit(dir: &Path) -> Option<String> {
    rev_parse(dir, "HEAD")
}

/// The tree of the commit checked out at `dir`: the same for two commits of the same
/// content (Jenkins merges a pull request into its target on every agent, each
/// merge commit with its own hash).
pub fn head_tree(dir: &Path) -> Option<String> {
    rev_parse(dir, "HEAD^{tree}")
}

fn rev_parse(dir: &Path, rev: &str) -> Option<String> {
    let output = command(dir, &["rev-parse", "--verify", "-q", rev])
        .output()
        .ok()?;
    let sha = String::from_utf8_lossy(&output.stdout).trim().to_owned();
    (output.status.success() && !sha.is_empty()).then_some(sha)
}

/// Where `dir` sits inside its checkout (`sub/dir/`, or empty at the top), so paths
/// git prints relative to the top can be made relative to `dir`.
pub fn prefix(dir: &Path) -> Result<String, GitError> {
    let output = command(dir, &["rev-parse", "--show-prefix"])
        .output()
        .map_err(|source| GitError::Spawn { source })?;
    if !output.status.success() {
        return Err(GitError::NotARepository {
            dir: dir.to_owned(),
            stderr: stderr(&output),
        });
    }
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
}

/// A repository, addressed by its top-level directory so that every path git
/// prints is relative to the same root.
struct Git {
    root: PathBuf,
    shallow: bool,
}

impl Git {
    fn open(dir: &Path) -> Result<Git, GitError> {
        let output = command(
            dir,
            &["rev-parse", "--show-toplevel", "--is-shallow-repository"],
        )
        .output()
        .map_err(|source| GitError::Spawn { source })?;
        if !output.status.success() {
            return Err(GitError::NotARepository {
                dir: dir.to_owned(),
                stderr: stderr(&output),
            });
        }
        let text = String::from_utf8_lossy(&output.stdout);
        let mut lines = text.lines();
        match (lines.next(), lines.next()) {
            (Some(root), Some(shallow)) => Ok(Git {
                root: PathBuf::from(root),
                shallow: shallow == "true",
            }),
            _ => Err(GitError::NotARepository {
                dir: dir.to_owned(),
                stderr: format!("unexpected `git rev-parse` output `{}`", text.trim()),
            }),
        }
    }

    fn merge_base(&self, base_ref: &str, head: &str) -> Result<String, GitError> {
        let base = self.resolve(base_ref)?;
        let head_sha = self.resolve(head)?;
        let output = command(&self.root, &["merge-base", &base, &head_sha])
            .output()
            .map_err(|source| GitError::Spawn { source })?;
        // Exit 1 with no output is git's "no merge-base"; anything else is a failure.
        match output.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned()),
            Some(1) if output.stdout.is_empty() && self.shallow => Err(GitError::ShallowHistory {
                repo: self.root.clone(),
                base: base_ref.to_owned(),
                head: head.to_owned(),
            }),
            Some(1) if output.stdout.is_empty() => Err(GitError::NoMergeBase {
                repo: self.root.clone(),
                base: base_ref.to_owned(),
                head: head.to_owned(),
            }),
            _ => Err(self.failed(&["merge-base", &base, &head_sha], &output)),
        }
    }

    /// The commit hash `rev` names, or [`GitError::UnknownRevision`].
    fn resolve(&self, rev: &str) -> Result<String, GitError> {
        let spec = format!("{rev}^{{commit}}");
        let args = [
            "rev-parse",
            "--verify",
            "--quiet",
            "--end-of-options",
            &spec,
        ];
        let output = command(&self.root, &args)
            .output()
            .map_err(|source| GitError::Spawn { source })?;
        match output.status.code() {
            Some(0) => Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned()),
            Some(1) => Err(GitError::UnknownRevision {
                repo: self.root.clone(),
                rev: rev.to_owned(),
                shallow: self.shallow,
            }),
            _ => Err(self.failed(&args, &output)),
        }
    }

    fn run(&self, args: &[&str]) -> Result<Output, GitError> {
        let output = command(&self.root, args)
            .output()
            .map_err(|source| GitError::Spawn { source })?;
        if output.status.success() {
            Ok(output)
        } else {
            Err(self.failed(args, &output))
        }
    }

    fn failed(&self, args: &[&str], output: &Output) -> GitError {
        GitError::Command {
            repo: self.root.clone(),
            args: args.join(" "),
            status: output.status.to_string(),
            stderr: stderr(output),
        }
    }

    /// `git diff` against a commit ignores files git does not track yet; a file
    /// written but not yet `git add`ed is new code all the same, every line of it.
    fn add_untracked(&self, changed: &mut ChangedLines) -> Result<(), GitError> {
        let output = self.run(&[
            "ls-files",
            "-z",
            "--others",
            "--exclude-standard",
            "--full-name",
        ])?;
        for name in output.stdout.split(|&b| b == 0) {
            // A trailing `/` is a nested repository, not a file.
            if name.is_empty() || name.ends_with(b"/") {
                continue;
            }
            let rel = String::from_utf8_lossy(name).into_owned();
            let path = self.root.join(&rel);
            if std::fs::symlink_metadata(&path).is_ok_and(|m| m.file_type().is_symlink()) {
                continue;
            }
            let bytes = std::fs::read(&path).map_err(|source| GitError::Untracked {
                path: path.clone(),
                source,
            })?;
            // Every line is new, whatever bytes it holds (as with `--text`).
            let lines = count_lines(&bytes);
            changed.insert(ChangedFile {
                path: rel,
                status: FileStatus::Added,
                binary: false,
                ranges: if lines == 0 {
                    Vec::new()
                } else {
                    vec![LineRange {
                        start: 1,
                        end: lines,
                    }]
                },
                hunks: Vec::new(),
            });
        }
        Ok(())
    }
}

fn count_lines(bytes: &[u8]) -> u32 {
    let newlines = bytes.iter().filter(|&&b| b == b'\n').count();
    let unterminated = usize::from(bytes.last().is_some_and(|&b| b != b'\n'));
    u32::try_from(newlines + unterminated).unwrap_or(u32::MAX)
}

/// `git -C dir -c … args`, in the C locale so messages are the same everywhere,
/// and without the environment variables that would swap in another diff program
/// or change the context lines.
fn command(dir: &Path, args: &[&str]) -> Command {
    let mut cmd = Command::new("git");
    cmd.arg("-C").arg(dir);
    for setting in PINNED_CONFIG {
        cmd.arg("-c").arg(setting);
    }
    cmd.args(args.iter().map(OsStr::new))
        .env("LC_ALL", "C")
        .env_remove("GIT_EXTERNAL_DIFF")
        .env_remove("GIT_DIFF_OPTS")
        .env_remove("GIT_PAGER");
    cmd
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).trim().to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;
    use tempfile::TempDir;

    /// A throwaway repository; git runs with no user or system config, so the
    /// tests see the same git everywhere.
    struct Repo {
        dir: TempDir,
    }

    fn git_in(dir: &Path, args: &[&str]) -> String {
        let output = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(args)
            .env("GIT_CONFIG_GLOBAL", "/dev/null")
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com")
            .stdin(Stdio::null())
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "git {args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    }

    impl Repo {
        fn new() -> Repo {
            let repo = Repo {
                dir: tempfile::tempdir().unwrap(),
            };
            repo.git(&["init", "-q", "-b", "main"]);
            repo
        }

        fn path(&self) -> &Path {
            self.dir.path()
        }

        fn git(&self, args: &[&str]) -> String {
            git_in(self.path(), args)
        }

        fn write(&self, rel: &str, content: impl AsRef<[u8]>) {
            let path = self.path().join(rel);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, content).unwrap();
        }

        fn commit(&self, message: &str) {
            self.git(&["add", "-A"]);
            self.git(&["commit", "-q", "-m", message]);
        }
    }

    fn numbered(n: u32) -> String {
        (1..=n).map(|i| format!("line {i}\n")).collect()
    }

    fn ranges(changed: &ChangedLines, path: &str) -> Vec<(u32, u32)> {
        let file = changed
            .file(path)
            .unwrap_or_else(|| panic!("{path} not in {changed:#?}"));
        file.ranges.iter().map(|r| (r.start, r.end)).collect()
    }

    fn status(changed: &ChangedLines, path: &str) -> (FileStatus, bool) {
        let file = changed
            .file(path)
            .unwrap_or_else(|| panic!("{path} not in {changed:#?}"));
        (file.status.clone(), file.binary)
    }

    /// main: base files, then a commit after the branch point that the PR must not
    /// see. feature: one commit with every kind of change.
    fn repo_with_feature_branch() -> Repo {
        let repo = Repo::new();
        repo.write("A.java", numbered(6));
        repo.write("Old.java", numbered(20));
        repo.write("Gone.java", "to be deleted\n");
        repo.write("run.sh", "echo hi\n");
        repo.write("crlf.txt", "a\r\nb\r\nc\r\n");
        repo.write("Main.java", numbered(3));
        repo.commit("base");
        repo.git(&["branch", "feature"]);
        repo.write("Main.java", numbered(4));
        repo.commit("main moves on");

        repo.git(&["checkout", "-q", "feature"]);
        repo.write(
            "A.java",
            numbered(6).replace("line 2\n", "changed\n") + "line 7\n",
        );
        std::fs::remove_file(repo.path().join("Old.java")).unwrap();
        repo.write(
            "pkg/Renamed.java",
            numbered(20).replace("line 10\n", "ten\n"),
        );
        std::fs::remove_file(repo.path().join("Gone.java")).unwrap();
        repo.write("my file.java", numbered(3));
        repo.write("café.java", numbered(2));
        repo.write("data.bin", b"\x89PNG\x00\x01\x02\x00");
        repo.write("crlf.txt", "a\r\nB\r\nc\r\n");
        repo.git(&["add", "-A"]);
        repo.git(&["update-index", "--chmod=+x", "run.sh"]);
        repo.git(&["commit", "-q", "-m", "feature"]);
        repo
    }

    fn assert_feature_changes(changed: &ChangedLines) {
        let modified = (FileStatus::Modified, false);
        let added = (FileStatus::Added, false);
        assert_eq!(status(changed, "A.java"), modified);
        assert_eq!(ranges(changed, "A.java"), [(2, 2), (7, 7)]);
        assert_eq!(
            status(changed, "pkg/Renamed.java"),
            (
                FileStatus::Renamed {
                    from: "Old.java".into()
                },
                false
            )
        );
        assert_eq!(ranges(changed, "pkg/Renamed.java"), [(10, 10)]);
        assert_eq!(status(changed, "Gone.java"), (FileStatus::Deleted, false));
        assert_eq!(status(changed, "my file.java"), added);
        assert_eq!(ranges(changed, "my file.java"), [(1, 3)]);
        assert_eq!(status(changed, "café.java"), added);
        assert_eq!(ranges(changed, "café.java"), [(1, 2)]);
        // `--text`: a NUL byte does not hide a file's lines.
        assert_eq!(status(changed, "data.bin"), (FileStatus::Added, false));
        assert_eq!(ranges(changed, "data.bin"), [(1, 1)]);
        assert_eq!(status(changed, "run.sh"), (FileStatus::ModeOnly, false));
        assert_eq!(status(changed, "crlf.txt"), modified);
        assert_eq!(ranges(changed, "crlf.txt"), [(2, 2)]);
        // Main.java changed on main after the branch point: not the PR's change.
        assert_eq!(changed.file("Main.java"), None);
        assert_eq!(changed.len(), 8);
    }

    #[test]
    fn committed_changes_since_the_merge_base() {
        let repo = repo_with_feature_branch();
        let changed = changed_lines(repo.path(), "main", false).unwrap().lines;
        assert_feature_changes(&changed);

        let main_first = repo.git(&["rev-parse", "main~1"]);
        assert_eq!(
            merge_base(repo.path(), "main", "HEAD").unwrap(),
            main_first.trim()
        );
    }

    #[test]
    fn user_config_does_not_change_the_result() {
        let repo = repo_with_feature_branch();
        for setting in [
            "diff.noprefix=true",
            "diff.mnemonicPrefix=true",
            "color.ui=always",
            "color.diff=always",
            "core.quotePath=false",
            "diff.renames=false",
            "diff.suppressBlankEmpty=true",
            "diff.relative=true",
            "diff.external=false",
            "diff.algorithm=histogram",
        ] {
            let (key, value) = setting.split_once('=').unwrap();
            repo.git(&["config", key, value]);
        }
        let changed = changed_lines(repo.path(), "main", false).unwrap().lines;
        assert_feature_changes(&changed);
    }

    #[test]
    fn paths_stay_relative_to_the_root_when_run_from_a_subdirectory() {
        let repo = repo_with_feature_branch();
        let changed = changed_lines(&repo.path().join("pkg"), "main", false)
            .unwrap()
            .lines;
        assert_feature_changes(&changed);
    }

    #[test]
    fn uncommitted_work_includes_staged_unstaged_and_untracked_files() {
        let repo = repo_with_feature_branch();
        repo.write(".gitignore", "*.log\n");
        repo.write("build.log", "ignored\n");
        repo.write(
            "A.java",
            format!(
                "{}{}",
                numbered(6).replace("line 2\n", "changed\n"),
                "line 7\nline 8\n"
            ),
        );
        repo.write("Staged.java", numbered(2));
        repo.git(&["add", "Staged.java"]);
        repo.write("src/Untracked.java", "x\ny");
        repo.write("blob.bin", b"\x00\x00");

        let changed = changed_lines(repo.path(), "main", true).unwrap().lines;
        assert_eq!(ranges(&changed, "A.java"), [(2, 2), (7, 8)]);
        assert_eq!(ranges(&changed, "Staged.java"), [(1, 2)]);
        assert_eq!(ranges(&changed, "src/Untracked.java"), [(1, 2)]);
        assert_eq!(ranges(&changed, ".gitignore"), [(1, 1)]);
        assert_eq!(status(&changed, "blob.bin"), (FileStatus::Added, false));
        assert_eq!(ranges(&changed, "blob.bin"), [(1, 1)]);
        assert_eq!(changed.file("build.log"), None);
        assert_eq!(ranges(&changed, "pkg/Renamed.java"), [(10, 10)]);
    }

    #[test]
    fn unknown_revisions_and_non_repositories_are_clear_errors() {
        let repo = repo_with_feature_branch();
        let err = changed_lines(repo.path(), "origin/nope", false).unwrap_err();
        assert!(matches!(
            err,
            GitError::UnknownRevision { shallow: false, .. }
        ));
        assert!(
            err.to_string()
                .starts_with("unknown git revision `origin/nope` in"),
            "{err}"
        );

        let empty = tempfile::tempdir().unwrap();
        let err = changed_lines(empty.path(), "main", false).unwrap_err();
        assert!(matches!(err, GitError::NotARepository { .. }), "{err}");
    }

    #[test]
    fn unrelated_histories_have_no_merge_base() {
        let repo = Repo::new();
        repo.write("a", "a\n");
        repo.commit("one");
        repo.git(&["checkout", "-q", "--orphan", "other"]);
        repo.write("b", "b\n");
        repo.commit("two");
        let err = merge_base(repo.path(), "main", "HEAD").unwrap_err();
        assert!(matches!(err, GitError::NoMergeBase { .. }), "{err}");
    }

    #[test]
    fn a_shallow_clone_asks_for_more_history() {
        let origin = Repo::new();
        origin.write("A.java", numbered(3));
        origin.commit("base");
        origin.git(&["branch", "feature"]);
        origin.write("A.java", numbered(4));
        origin.commit("main moves on");
        origin.git(&["checkout", "-q", "feature"]);
        origin.write("B.java", numbered(2));
        origin.commit("feature");

        let clones = tempfile::tempdir().unwrap();
        let url = format!("file://{}", origin.path().display());
        git_in(
            clones.path(),
            &[
                "clone",
                "-q",
                "--depth",
                "1",
                "--no-single-branch",
                &url,
                "shallow",
            ],
        );
        let shallow = clones.path().join("shallow");
        git_in(&shallow, &["checkout", "-q", "feature"]);

        let err = changed_lines(&shallow, "origin/main", false).unwrap_err();
        assert!(matches!(err, GitError::ShallowHistory { .. }), "{err}");
        let message = err.to_string();
        assert!(message.contains("fetch-depth: 0"), "{message}");
        assert!(message.contains("git fetch --unshallow"), "{message}");

        // A base branch that a single-branch shallow clone never fetched.
        let err = changed_lines(&shallow, "origin/release", false).unwrap_err();
        assert!(matches!(
            err,
            GitError::UnknownRevision { shallow: true, .. }
        ));
        assert!(err.to_string().contains("fetch-depth: 0"), "{err}");
    }
}
