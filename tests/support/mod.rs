//! Helpers shared by the end-to-end tests: git, copying fixtures, the sample's
//! real pull request in a throwaway repository; for the GitHub tests a generated
//! pull request, the `gate` binary run as GitHub Actions would run it, and Prism
//! (a validating stand-in for GitHub's REST API, from `tools/github-mock/`) on
//! 127.0.0.1.

// Each test binary uses a different part of this module.
#![allow(dead_code)]

use std::fs;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

pub const TOKEN: &str = "ghs_T0pS3cretT0kenForTests9876543210";
pub const REPO: &str = "acme/shop";
pub const PR: u64 = 7;

pub fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn git(dir: &Path, args: &[&str]) -> String {
    let out = Command::new("git")
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}

/// `fixtures/java-sample`: a small Maven project with its real JaCoCo report.
pub fn sample() -> PathBuf {
    manifest_dir().join("fixtures/java-sample")
}

pub fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A repository with the sample on `main` and its real pull request
/// (`pr-change/feature.patch`) committed on `feature`, checked out, with the
/// JaCoCo report JaCoCo made for the patched tree where Maven writes it (so zero
/// config finds it). `extra` may add to the change before it is committed.
pub fn sample_pull_request(extra: impl FnOnce(&Path)) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    copy_dir(&sample().join("src"), &root.join("src"));
    git(root, &["init", "-q", "-b", "main"]);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "base"]);
    git(root, &["checkout", "-q", "-b", "feature"]);
    git(
        root,
        &[
            "apply",
            sample().join("pr-change/feature.patch").to_str().unwrap(),
        ],
    );
    extra(root);
    git(root, &["add", "-A"]);
    git(root, &["commit", "-q", "-m", "feature"]);
    let report_dir = root.join("target/site/jacoco");
    fs::create_dir_all(&report_dir).unwrap();
    fs::copy(
        sample().join("pr-change/jacoco.xml"),
        report_dir.join("jacoco.xml"),
    )
    .unwrap();
    tmp
}

/// Sets the base branch's gate.toml in a repository made by [`sample_pull_request`]
/// (the configuration that judges the pull request), and rebases `feature` onto it.
pub fn configure_base(root: &Path, text: &str) {
    git(root, &["checkout", "-q", "main"]);
    fs::write(root.join("gate.toml"), text).unwrap();
    git(root, &["add", "gate.toml"]);
    git(root, &["commit", "-q", "-m", "configure"]);
    git(root, &["checkout", "-q", "feature"]);
    git(root, &["rebase", "-q", "main"]);
}

/// `gate coverage ROOT --coverage REPORT --format json`, which must succeed.
pub fn coverage_json(root: &Path, report: &str) -> serde_json::Value {
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .current_dir(root)
        .args([
            "coverage",
            root.to_str().unwrap(),
            "--coverage",
            report,
            "--format",
            "json",
        ])
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

const RULES: &str = "[rules]\nonly = [\"system-out-print\", \"empty-catch-block\"]\n\n# The generated pull request has no tests: lint only.\n[coverage]\nrequired = false\n\n";

/// A pull request: `main` has a clean class; the head adds `Noisy.java` with
/// `prints` `System.out.println` calls (minor issues, which the default gate
/// allows) and `empty_catches` empty catch blocks (major: the gate fails).
pub struct PullRequest {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub head: String,
    /// The GitHub event payload file.
    pub event: PathBuf,
}

impl PullRequest {
    pub fn new(prints: usize, empty_catches: usize) -> PullRequest {
        PullRequest::with_event(prints, empty_catches, |_| {})
    }

    /// `edit` may change the event payload (labels, a fork's head repository).
    pub fn with_event(
        prints: usize,
        empty_catches: usize,
        edit: impl FnOnce(&mut serde_json::Value),
    ) -> PullRequest {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("repo");
        let src = root.join("src/main/java/com/acme");
        fs::create_dir_all(&src).unwrap();
        fs::write(
            src.join("App.java"),
            "package com.acme;\n\npublic class App {\n    int answer() {\n        return 42;\n    }\n}\n",
        )
        .unwrap();
        // The team's configuration is on the base branch: it is what judges the PR.
        fs::write(root.join("gate.toml"), RULES).unwrap();
        git(&root, &["init", "-q", "-b", "main"]);
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "base"]);
        let base = git(&root, &["rev-parse", "HEAD"]);
        git(&root, &["checkout", "-q", "-b", "feature"]);
        let mut java = String::from("package com.acme;\n\npublic class Noisy {\n");
        for i in 0..prints {
            java.push_str(&format!(
                "    void print{i}() {{\n        System.out.println(\"{i}\");\n    }}\n"
            ));
        }
        for i in 0..empty_catches {
            java.push_str(&format!(
                "    void swallow{i}(Runnable r) {{\n        try {{\n            r.run();\n        }} catch (IllegalStateException e) {{\n        }}\n    }}\n"
            ));
        }
        java.push_str("}\n");
        fs::write(src.join("Noisy.java"), java).unwrap();
        git(&root, &["add", "-A"]);
        git(&root, &["commit", "-q", "-m", "feature"]);
        let head = git(&root, &["rev-parse", "HEAD"]);
        let mut payload = serde_json::json!({
            "number": PR,
            "repository": {"full_name": REPO},
            "pull_request": {
                "number": PR,
                "labels": [],
                "base": {"ref": "main", "sha": base, "repo": {"full_name": REPO}},
                "head": {"ref": "feature", "sha": head, "repo": {"full_name": REPO}}
            }
        });
        edit(&mut payload);
        let event = dir.path().join("event.json");
        fs::write(&event, serde_json::to_vec_pretty(&payload).unwrap()).unwrap();
        PullRequest {
            dir,
            base,
            head,
            event,
        }
    }

    pub fn root(&self) -> PathBuf {
        self.dir.path().join("repo")
    }

    /// Sets the base branch's gate.toml (which judges the pull request): `text`
    /// after a `[rules]` section that keeps only the two rules the generated code
    /// is about, so the catalog's other rules (a class with 120 methods has too
    /// many) do not change the counts the tests assert. The pull request is rebased
    /// onto it, and the event payload names the new commits.
    pub fn write_config(&mut self, text: &str) {
        let root = self.root();
        git(&root, &["checkout", "-q", "main"]);
        fs::write(root.join("gate.toml"), format!("{RULES}{text}")).unwrap();
        git(&root, &["commit", "-q", "-am", "configure"]);
        git(&root, &["checkout", "-q", "feature"]);
        git(&root, &["rebase", "-q", "main"]);
        self.base = git(&root, &["rev-parse", "main"]);
        self.head = git(&root, &["rev-parse", "HEAD"]);
        let mut payload: serde_json::Value =
            serde_json::from_slice(&fs::read(&self.event).unwrap()).unwrap();
        payload["pull_request"]["base"]["sha"] = self.base.clone().into();
        payload["pull_request"]["head"]["sha"] = self.head.clone().into();
        fs::write(&self.event, serde_json::to_vec_pretty(&payload).unwrap()).unwrap();
    }

    pub fn step_summary(&self) -> PathBuf {
        self.dir.path().join("step-summary.md")
    }

    pub fn outputs(&self) -> PathBuf {
        self.dir.path().join("outputs.txt")
    }

    /// `gate check` as a `pull_request` job of GitHub Actions runs it, with the
    /// API at `api`. The environment is cleared first, so nothing of the machine
    /// running the tests leaks in.
    pub fn gate(&self, api: &str, args: &[&str]) -> Output {
        self.command(api, args).output().unwrap()
    }

    pub fn command(&self, api: &str, args: &[&str]) -> Command {
        let mut cmd = Command::new(env!("CARGO_BIN_EXE_gate"));
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.dir.path())
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_EVENT_NAME", "pull_request")
            .env("GITHUB_EVENT_PATH", &self.event)
            .env("GITHUB_REPOSITORY", REPO)
            .env("GITHUB_SHA", "0000000000000000000000000000000000000001")
            .env("GITHUB_SERVER_URL", "https://github.com")
            .env("GITHUB_RUN_ID", "99")
            .env("GITHUB_API_URL", api)
            .env("GITHUB_TOKEN", TOKEN)
            .env("GITHUB_STEP_SUMMARY", self.step_summary())
            .env("GITHUB_OUTPUT", self.outputs())
            .arg("check")
            .arg(self.root())
            .args(args);
        cmd
    }
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// The `tools/github-mock` folder, whose node_modules `.ci/run` installs.
pub fn node_bin(name: &str) -> PathBuf {
    let bin = manifest_dir()
        .join("tools/github-mock/node_modules/.bin")
        .join(name);
    assert!(
        bin.exists(),
        "{} is missing: run `npm ci --prefix tools/github-mock` (.ci/run does)",
        bin.display()
    );
    bin
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Prism serving `tests/github-api/checks-subset.json` on 127.0.0.1, one per
/// test binary. A watchdog shell stops it when the test process is gone (test
/// binaries never drop statics).
pub struct Prism {
    pub url: String,
    pub log: PathBuf,
    _child: Child,
}

static PRISM: OnceLock<Prism> = OnceLock::new();

pub fn prism() -> &'static Prism {
    PRISM.get_or_init(Prism::start)
}

impl Prism {
    /// A Prism of one's own, whose log holds only one's own requests.
    pub fn start() -> Prism {
        let bin = node_bin("prism");
        let spec = manifest_dir().join("tests/github-api/checks-subset.json");
        let port = free_port();
        let log =
            std::env::temp_dir().join(format!("gate-prism-{}-{port}.log", std::process::id()));
        let script = r#"
            "$PRISM" mock -h 127.0.0.1 -p "$PORT" "$SPEC" >"$LOG" 2>&1 </dev/null &
            p=$!
            echo "$p" > "$PIDFILE"
            while kill -0 "$OWNER" 2>/dev/null && kill -0 "$p" 2>/dev/null; do sleep 0.5; done
            kill "$p" 2>/dev/null
        "#;
        let child = Command::new("sh")
            .arg("-c")
            .arg(script)
            .env("PRISM", &bin)
            .env("PORT", port.to_string())
            .env("SPEC", &spec)
            .env("LOG", &log)
            .env("PIDFILE", log.with_extension("pid"))
            .env("OWNER", std::process::id().to_string())
            .stdin(Stdio::null())
            .spawn()
            .unwrap();
        let url = format!("http://127.0.0.1:{port}");
        let started = Instant::now();
        loop {
            if http(&url, "GET", "/", None).is_ok() {
                break;
            }
            assert!(
                started.elapsed() < Duration::from_secs(120),
                "Prism did not start on {url}: {}",
                fs::read_to_string(&log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(200));
        }
        Prism {
            url,
            log,
            _child: child,
        }
    }

    /// Sends a request as gate sent it; Prism's status (422 when the request
    /// breaks GitHub's description) and its violations header.
    pub fn replay(&self, method: &str, path: &str, body: Option<&[u8]>) -> (u16, String) {
        http(&self.url, method, path, body).unwrap()
    }
}

impl Drop for Prism {
    /// Stops this Prism (the watchdog shell then ends too). The shared instance
    /// is never dropped: its watchdog stops it when the test process ends.
    fn drop(&mut self) {
        if let Ok(pid) = fs::read_to_string(self.log.with_extension("pid")) {
            let _ = Command::new("kill").arg(pid.trim()).status();
        }
        let _ = self._child.wait();
    }
}

/// A minimal HTTP/1.1 client: enough for Prism, without another dependency.
pub fn http(
    base: &str,
    method: &str,
    path: &str,
    body: Option<&[u8]>,
) -> std::io::Result<(u16, String)> {
    let addr = base.trim_start_matches("http://");
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let body = body.unwrap_or_default();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {addr}\r\nAccept: application/vnd.github+json\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(head.as_bytes())?;
    stream.write_all(body)?;
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer)?;
    let text = String::from_utf8_lossy(&answer).into_owned();
    let status = text
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| std::io::Error::other(format!("not HTTP: {text}")))?;
    let violations = text
        .lines()
        .find(|l| l.to_ascii_lowercase().starts_with("sl-violations:"))
        .unwrap_or_default()
        .to_string();
    Ok((
        status,
        format!(
            "{violations}\n{}",
            text.chars().take(2000).collect::<String>()
        ),
    ))
}
