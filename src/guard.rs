//! Reading the files a repository names. gate.toml, its rule folders, its baseline
//! and its coverage reports come with the pull request, so a path in them may point
//! anywhere: `/proc/self/environ` (the token), `../../secrets`, a symlink to
//! `/dev/zero` (read until memory runs out) or a FIFO (a read that never ends). A
//! path a repository names must resolve, symlinks followed, inside the repository,
//! to a regular file, and a file gate reads whole has a size cap. Paths given on the
//! command line are the user's own and may point anywhere, but still not at a
//! device.

use std::path::Path;
use std::sync::OnceLock;

/// What kind of file `body` looks like, when it is plainly not the text a parser
/// expected; never a byte of it: a file named by mistake may be anything (an
/// environment dump holds secrets). `None`: ordinary text; the caller says what
/// it expected.
pub fn describe(body: &[u8]) -> Option<&'static str> {
    let line = body.split(|&b| b == b'\n').next().unwrap_or_default();
    match body.first() {
        Some(b'{' | b'[') => Some("it looks like JSON"),
        Some(0xFE | 0xFF) | Some(0) => Some("it is UTF-16 or binary; it must be UTF-8 text"),
        _ if body.contains(&0) => {
            Some("it holds NUL bytes, as binary files and environment dumps do")
        }
        _ if std::str::from_utf8(line).is_err() => Some("it is not UTF-8 text"),
        _ if line.contains(&b'=') => Some("it looks like text of KEY=VALUE lines"),
        _ => None,
    }
}

/// A parser's message without the string values it quotes: serde says `invalid
/// type: string "ghp_…", expected …`, and a file may hold secrets. Keys and
/// variants (in backticks) stay, since they say what to fix.
pub fn unquoted(message: &str) -> String {
    static STRING: OnceLock<regex::Regex> = OnceLock::new();
    let string = STRING
        .get_or_init(|| regex::Regex::new(r#"string "(?:[^"\\]|\\.)*""#).expect("a valid pattern"));
    string.replace_all(message, "a string").into_owned()
}

/// The largest gate.toml or rule file read.
pub const CONFIG_BYTES: u64 = 1 << 20;
/// The largest baseline read (about a million findings).
pub const BASELINE_BYTES: u64 = 256 << 20;

/// Who named a path: the user on the command line, or a file of the repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NamedBy {
    CommandLine,
    Repository,
}

/// Why a named file may not be read.
pub fn check(root: &Path, path: &Path, by: NamedBy) -> Result<(), String> {
    let meta = std::fs::metadata(path).map_err(|e| format!("cannot read: {e}"))?;
    if !meta.is_file() {
        return Err(format!(
            "not a regular file ({}); name a file",
            if meta.is_dir() {
                "a folder"
            } else {
                "a device, FIFO or socket"
            }
        ));
    }
    if by == NamedBy::Repository {
        let real = path
            .canonicalize()
            .map_err(|e| format!("cannot resolve: {e}"))?;
        let root = root
            .canonicalize()
            .map_err(|e| format!("cannot resolve the root: {e}"))?;
        if !real.starts_with(&root) {
            return Err(format!(
                "resolves to {}, outside the repository: a file the repository names must be inside it \
                 (name files elsewhere on the command line)",
                real.display()
            ));
        }
    }
    Ok(())
}

/// Reads a file a repository names, whole, if it is at most `limit` bytes; `None`
/// when there is no such file.
pub fn read(root: &Path, path: &Path, by: NamedBy, limit: u64) -> Result<Option<Vec<u8>>, String> {
    match std::fs::symlink_metadata(path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(format!("cannot read: {e}")),
        Ok(_) => {}
    }
    check(root, path, by)?;
    let size = std::fs::metadata(path).map_or(0, |m| m.len());
    if size > limit {
        return Err(format!(
            "is {size} bytes, more than the {limit} gate reads of such a file"
        ));
    }
    use std::io::Read;
    let mut bytes = Vec::with_capacity(size as usize);
    std::fs::File::open(path)
        .and_then(|f| f.take(limit + 1).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "grew past the {limit} bytes gate reads of such a file"
        ));
    }
    Ok(Some(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_keep_no_string_value() {
        assert_eq!(
            unquoted(r#"invalid type: string "ghp_a\"b", expected u32 at line 1 column 9"#),
            "invalid type: a string, expected u32 at line 1 column 9"
        );
        assert_eq!(unquoted("unknown field `x`"), "unknown field `x`");
        assert_eq!(
            describe(b"TOKEN=ghp_x\n"),
            Some("it looks like text of KEY=VALUE lines")
        );
        assert_eq!(describe(b"hello\n"), None);
    }

    #[test]
    fn a_repository_cannot_name_a_file_outside_it_a_device_or_a_huge_file() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        std::fs::create_dir(&root).unwrap();
        std::fs::write(root.join("gate.toml"), "x = 1\n").unwrap();
        std::fs::write(dir.path().join("secret"), "s3cret").unwrap();
        std::os::unix::fs::symlink(dir.path().join("secret"), root.join("link")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", root.join("zero")).unwrap();

        let r = |p: &Path, by| read(&root, p, by, 100);
        assert_eq!(
            r(&root.join("gate.toml"), NamedBy::Repository)
                .unwrap()
                .unwrap(),
            b"x = 1\n"
        );
        assert_eq!(r(&root.join("missing"), NamedBy::Repository).unwrap(), None);
        let err = r(&root.join("link"), NamedBy::Repository).unwrap_err();
        assert!(err.contains("outside the repository"), "{err}");
        let err = r(&root.join("../secret"), NamedBy::Repository).unwrap_err();
        assert!(err.contains("outside the repository"), "{err}");
        assert_eq!(
            r(&root.join("link"), NamedBy::CommandLine)
                .unwrap()
                .unwrap(),
            b"s3cret"
        );
        let err = r(&root.join("zero"), NamedBy::CommandLine).unwrap_err();
        assert_eq!(
            err,
            "not a regular file (a device, FIFO or socket); name a file"
        );
        let err = read(&root, &root.join("gate.toml"), NamedBy::Repository, 3).unwrap_err();
        assert_eq!(err, "is 6 bytes, more than the 3 gate reads of such a file");
        let err = check(&root, Path::new("/proc/self/environ"), NamedBy::Repository).unwrap_err();
        assert!(err.contains("outside the repository"), "{err}");
    }
}
