//! The CI context: which CI system runs gate and what it says about the change
//! under test: the base to diff against, the head commit, the pull request. One
//! provider per file, each reading its environment (and GitHub's event payload)
//! once, here, for every later stage: GitHub Actions and Jenkins are recognised
//! from their environment variables; anything else is a local run, where the user
//! names the base.
//!
//! The environment is a parameter (a lookup function), never read here directly,
//! so tests pass a map and the process environment stays untouched.

pub mod github;
mod github_actions;
mod jenkins;
mod local;

pub use github_actions::Event;

use serde::Serialize;
use std::path::PathBuf;

/// Which CI system is running gate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CiKind {
    Local,
    GithubActions,
    Jenkins,
}

/// What the CI system says about this run. Every field but `kind` is optional:
/// a push build has no pull request, a local run has nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CiContext {
    pub kind: CiKind,
    /// GitHub's event name (`pull_request`, `push`, …).
    pub event: Option<String>,
    /// The base branch as a git revision, e.g. `origin/main`.
    pub base_ref: Option<String>,
    /// The base commit, when the CI names one (GitHub does; Jenkins does not).
    pub base_sha: Option<String>,
    /// The commit under review: the PR's head, where statuses and check runs go.
    /// On GitHub this differs from the commit checked out, which for a
    /// `pull_request` event is a merge of the head into the base.
    pub head_sha: Option<String>,
    /// The commit the CI checked out (`GITHUB_SHA`, `GIT_COMMIT`).
    pub checkout_sha: Option<String>,
    pub pr_number: Option<u64>,
    /// `owner/name`.
    pub repository: Option<String>,
    /// e.g. `https://github.com`, or a GitHub Enterprise server.
    pub server_url: Option<String>,
    /// e.g. `https://api.github.com`; only GitHub Actions says.
    pub api_url: Option<String>,
    /// What GitHub's event payload says about the pull request beyond the
    /// fields above (labels, fork), for publishing.
    #[serde(skip)]
    pub pr_event: Event,
    /// Where the CI publishes gate's HTML report (`GATE_REPORT_URL`, which the
    /// Action and the Jenkins step set): the PR comment and the check run link it.
    #[serde(skip)]
    pub report_url: Option<String>,
}

impl CiContext {
    /// A run outside CI: nothing known.
    pub fn local() -> CiContext {
        local::context()
    }

    fn new(kind: CiKind) -> CiContext {
        CiContext {
            kind,
            event: None,
            base_ref: None,
            base_sha: None,
            head_sha: None,
            checkout_sha: None,
            pr_number: None,
            repository: None,
            server_url: None,
            api_url: None,
            pr_event: Event::default(),
            report_url: None,
        }
    }

    /// The revision to diff against: the base commit when known (exact, and
    /// present after `actions/checkout` with `fetch-depth: 0`), else the branch.
    pub fn diff_base(&self) -> Option<&str> {
        self.base_sha.as_deref().or(self.base_ref.as_deref())
    }
}

/// Why the CI context could not be read. A CI run that says it is a pull
/// request but whose details cannot be read must not pass as if nothing changed.
#[derive(Debug, thiserror::Error)]
pub enum CiError {
    #[error("`{name}` is not set, but GitHub Actions sets it for a `{event}` event; cannot find the pull request's base")]
    MissingVariable { name: &'static str, event: String },
    #[error("cannot read the GitHub event file `{}` (from GITHUB_EVENT_PATH): {source}", path.display())]
    EventFile {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the GitHub event file `{}` is not valid JSON: {source}", path.display())]
    EventJson {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("the GitHub event file `{}` has no `{field}`, which a `{event}` event must have", path.display())]
    MissingField {
        path: PathBuf,
        field: &'static str,
        event: String,
    },
    #[error("`{name}` is `{value}`, expected a pull request number")]
    BadNumber { name: &'static str, value: String },
    #[error("`GATE_REPORT_URL` is not an http(s) URL of at most 2,000 characters without spaces, quotes, brackets or parentheses")]
    BadReportUrl,
}

/// Reads the CI context from the process environment.
pub fn detect_from_env() -> Result<CiContext, CiError> {
    detect(&|name| std::env::var(name).ok())
}

/// Reads the CI context from `env`, a lookup of environment variables. An empty
/// variable counts as unset (Jenkins and shells often export empty values).
pub fn detect(env: &dyn Fn(&str) -> Option<String>) -> Result<CiContext, CiError> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    let mut context = if var("GITHUB_ACTIONS").as_deref() == Some("true") {
        github_actions::context(&var)?
    } else if var("JENKINS_URL").is_some() {
        jenkins::context(&var)?
    } else {
        local::context()
    };
    context.report_url = var("GATE_REPORT_URL").map(report_url).transpose()?;
    Ok(context)
}

/// `url` if it is a plain http(s) URL that Markdown cannot be broken out of: it
/// is put in a link of the PR comment.
fn report_url(url: String) -> Result<String, CiError> {
    let scheme = url.starts_with("https://") || url.starts_with("http://");
    let plain = !url.chars().any(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(
                c,
                '"' | '\'' | '<' | '>' | '(' | ')' | '[' | ']' | '`' | '\\'
            )
    });
    if scheme && plain && url.len() <= 2000 {
        Ok(url)
    } else {
        Err(CiError::BadReportUrl)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn detect_with(vars: &[(&str, &str)]) -> Result<CiContext, CiError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        detect(&|name| map.get(name).cloned())
    }

    fn github_env<'a>(event: &'a str, path: &'a str) -> Vec<(&'a str, &'a str)> {
        vec![
            ("GITHUB_ACTIONS", "true"),
            ("GITHUB_EVENT_NAME", event),
            ("GITHUB_EVENT_PATH", path),
            ("GITHUB_REPOSITORY", "acme/shop"),
            ("GITHUB_SHA", "merge000"),
            ("GITHUB_SERVER_URL", "https://github.com"),
            ("GITHUB_API_URL", "https://api.github.com"),
        ]
    }

    fn event_file(json: &str) -> tempfile::NamedTempFile {
        let file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(file.path(), json).unwrap();
        file
    }

    const PULL_REQUEST: &str = r#"{"number": 42, "pull_request": {"number": 42,
        "base": {"ref": "main", "sha": "base111"}, "head": {"ref": "feature", "sha": "head222"}}}"#;

    #[test]
    fn local_when_no_ci_is_recognised() {
        let ctx = detect_with(&[("GITHUB_ACTIONS", ""), ("CI", "true")]).unwrap();
        assert_eq!(ctx, CiContext::new(CiKind::Local));
        assert_eq!(ctx.diff_base(), None);
    }

    #[test]
    fn github_pull_request_events_read_the_event_file() {
        let file = event_file(PULL_REQUEST);
        let path = file.path().to_str().unwrap();
        for event in ["pull_request", "pull_request_target"] {
            let ctx = detect_with(&github_env(event, path)).unwrap();
            assert_eq!(
                ctx,
                CiContext {
                    kind: CiKind::GithubActions,
                    event: Some(event.into()),
                    base_ref: Some("origin/main".into()),
                    base_sha: Some("base111".into()),
                    head_sha: Some("head222".into()),
                    checkout_sha: Some("merge000".into()),
                    pr_number: Some(42),
                    repository: Some("acme/shop".into()),
                    server_url: Some("https://github.com".into()),
                    api_url: Some("https://api.github.com".into()),
                    report_url: None,
                    pr_event: Event::default(),
                }
            );
            assert_eq!(ctx.diff_base(), Some("base111"));
        }
    }

    #[test]
    fn github_push_diffs_against_the_previous_tip() {
        let file = event_file(r#"{"before": "old333", "after": "merge000"}"#);
        let ctx = detect_with(&github_env("push", file.path().to_str().unwrap())).unwrap();
        assert_eq!(ctx.base_sha.as_deref(), Some("old333"));
        assert_eq!(ctx.head_sha.as_deref(), Some("merge000"));
        assert_eq!(ctx.pr_number, None);

        let new_branch = event_file(&format!(r#"{{"before": "{}"}}"#, "0".repeat(40)));
        let ctx = detect_with(&github_env("push", new_branch.path().to_str().unwrap())).unwrap();
        assert_eq!(ctx.diff_base(), None);

        let ctx = detect_with(&github_env("workflow_dispatch", "/nonexistent")).unwrap();
        assert_eq!(ctx.event.as_deref(), Some("workflow_dispatch"));
        assert_eq!(ctx.diff_base(), None);
    }

    #[test]
    fn github_pull_request_without_readable_details_is_an_error() {
        let broken = event_file("{ not json");
        let incomplete = event_file(r#"{"pull_request": {"number": 1, "head": {"sha": "h"}}}"#);
        let cases = [
            (
                github_env("pull_request", "/nonexistent/event.json"),
                "cannot read the GitHub event file `/nonexistent/event.json`",
            ),
            (
                github_env("pull_request", broken.path().to_str().unwrap()),
                "is not valid JSON",
            ),
            (
                github_env("pull_request", incomplete.path().to_str().unwrap()),
                "has no `pull_request.base.sha`, which a `pull_request` event must have",
            ),
            (
                vec![
                    ("GITHUB_ACTIONS", "true"),
                    ("GITHUB_EVENT_NAME", "pull_request"),
                ],
                "`GITHUB_EVENT_PATH` is not set",
            ),
        ];
        for (env, want) in cases {
            let err = detect_with(&env).unwrap_err().to_string();
            assert!(err.contains(want), "got: {err}\nwant: {want}");
        }
    }

    #[test]
    fn jenkins_pull_requests_and_branch_builds() {
        let ctx = detect_with(&[
            ("JENKINS_URL", "https://ci.example.com/"),
            ("CHANGE_ID", "17"),
            ("CHANGE_TARGET", "develop"),
            ("CHANGE_URL", "https://github.example.com/acme/shop/pull/17"),
            ("GIT_COMMIT", "abc123"),
        ])
        .unwrap();
        assert_eq!(
            ctx,
            CiContext {
                kind: CiKind::Jenkins,
                event: None,
                base_ref: Some("origin/develop".into()),
                base_sha: None,
                head_sha: Some("abc123".into()),
                checkout_sha: Some("abc123".into()),
                pr_number: Some(17),
                repository: Some("acme/shop".into()),
                server_url: Some("https://github.example.com".into()),
                api_url: None,
                pr_event: Event::default(),
                report_url: None,
            }
        );
        assert_eq!(ctx.diff_base(), Some("origin/develop"));

        let branch = detect_with(&[
            ("JENKINS_URL", "https://ci.example.com/"),
            ("GIT_COMMIT", "abc123"),
            ("GIT_URL", "https://github.com/acme/shop.git"),
        ])
        .unwrap();
        assert_eq!(branch.pr_number, None);
        assert_eq!(branch.diff_base(), None);
        assert_eq!(branch.repository.as_deref(), Some("acme/shop"));
        assert_eq!(branch.server_url.as_deref(), Some("https://github.com"));

        let err = detect_with(&[("JENKINS_URL", "x"), ("CHANGE_ID", "PR-3")]).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`CHANGE_ID` is `PR-3`, expected a pull request number"
        );
    }

    #[test]
    fn the_report_url_is_a_plain_http_url_or_an_error() {
        let url = "https://ci.example.com/job/shop/42/gate/";
        let ctx = detect_with(&[
            ("JENKINS_URL", "https://ci.example.com/"),
            ("GATE_REPORT_URL", url),
        ])
        .unwrap();
        assert_eq!(ctx.report_url.as_deref(), Some(url));
        assert_eq!(detect_with(&[]).unwrap().report_url, None);
        for bad in [
            "javascript:alert(1)",
            "https://x.example/a) [click](https://evil.example",
            "https://x.example/ a",
            "https://x.example/\n::error::x",
            "ftp://x.example/",
        ] {
            let err = detect_with(&[("GATE_REPORT_URL", bad)]).unwrap_err();
            assert!(matches!(err, CiError::BadReportUrl), "{bad}: {err}");
        }
    }
}
