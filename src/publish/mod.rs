//! Publish: the last stage, and the only one that talks to the network. It tells
//! GitHub what the gate decided, where the merge is decided: a **check run**
//! (title = the verdict, summary = the Markdown report, annotations on the new
//! issues and uncovered new lines), one **sticky comment** on the pull request
//! (found again by a hidden marker and updated, never duplicated) and a **commit
//! status** for branch protections that require statuses.
//!
//! What must stay true:
//! - publishing never changes the verdict: a failed gate stays failed whatever
//!   GitHub answers, and a passed gate whose publishing failed still exits 0
//!   unless `--require-publish` asks otherwise;
//! - the token is never printed: every message leaving this module is redacted
//!   (by [`crate::console::Secrets`], which the console applies to every line
//!   gate prints as well);
//! - re-running on the same commit updates the same check run and comment.

pub mod github;

use crate::ci::{CiContext, CiKind, Event};
use crate::gate::Status;
use crate::pipeline::Outcome;

/// Where to publish, from `--publish`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum PublishTarget {
    /// A check run, a sticky pull-request comment and a commit status.
    Github,
    /// Nothing (GitHub Actions still gets the step summary and outputs).
    None,
}

/// What the command line adds to the CI context.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `--publish`; `None` means the default: GitHub inside Actions with a token.
    pub target: Option<PublishTarget>,
    /// `--github-repo OWNER/NAME`.
    pub repository: Option<String>,
    /// `--github-sha`: the commit to report on.
    pub sha: Option<String>,
    /// `--github-pr`: the pull request to comment on.
    pub pr: Option<u64>,
}

/// The commit and pull request gate reports on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub api_url: String,
    pub owner: String,
    pub repo: String,
    pub sha: String,
    pub pr: Option<u64>,
    /// Where the check run and the status link to: the CI run.
    pub details_url: Option<String>,
}

/// What publishing did, in sentences for standard error.
#[derive(Debug, Default)]
pub struct Published {
    /// Set when `only_labels` excludes this pull request: the gate does not apply.
    pub skipped: Option<String>,
    /// What was posted.
    pub done: Vec<String>,
    /// What could not be posted (token redacted).
    pub failures: Vec<String>,
    /// GitHub refused for lack of permission (fork pull requests): the step
    /// summary and workflow-command annotations stand in.
    pub degraded: bool,
    /// Whether API publishing was attempted.
    pub attempted: bool,
    /// Workflow-command annotations to print (GitHub Actions, when the API was not
    /// used or refused).
    pub fallback: Vec<String>,
}

impl Published {
    /// The exit code: the verdict's, except that a skipped gate passes and a
    /// passed gate whose publishing failed is an error when publishing is required.
    pub fn exit_code(&self, status: Status, require_publish: bool) -> u8 {
        if self.skipped.is_some() {
            return 0;
        }
        let code = status.exit_code();
        if code == 0 && require_publish && (!self.failures.is_empty() || !self.attempted) {
            return 2;
        }
        code
    }
}

/// The token, from `GATE_GITHUB_TOKEN` (gate's own, wins) or `GITHUB_TOKEN`.
pub fn token(env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    ["GATE_GITHUB_TOKEN", "GITHUB_TOKEN"]
        .into_iter()
        .find_map(|name| env(name).filter(|v| !v.trim().is_empty()))
        .map(|t| t.trim().to_string())
}

/// The REST API root: `GITHUB_API_URL` (Actions sets it; GitHub Enterprise
/// Server too), else derived from the server the CI names, else api.github.com.
pub fn api_url(ci: &CiContext, env: &dyn Fn(&str) -> Option<String>) -> String {
    if let Some(url) = env("GITHUB_API_URL").filter(|v| !v.is_empty()) {
        return url.trim_end_matches('/').to_string();
    }
    if let Some(url) = &ci.api_url {
        return url.trim_end_matches('/').to_string();
    }
    match ci.server_url.as_deref().map(|s| s.trim_end_matches('/')) {
        None | Some("https://github.com") => "https://api.github.com".to_string(),
        Some(server) => format!("{server}/api/v3"),
    }
}

/// The link from the check run and the status back to the CI run.
fn details_url(ci: &CiContext, env: &dyn Fn(&str) -> Option<String>) -> Option<String> {
    let var = |name: &str| env(name).filter(|v| !v.is_empty());
    match ci.kind {
        CiKind::GithubActions => {
            let server = var("GITHUB_SERVER_URL")?;
            let repo = var("GITHUB_REPOSITORY")?;
            let run = var("GITHUB_RUN_ID")?;
            Some(format!("{server}/{repo}/actions/runs/{run}"))
        }
        CiKind::Jenkins => var("BUILD_URL"),
        CiKind::Local => None,
    }
}

/// Splits `owner/name`, refusing anything that could leave the repository's
/// URL space.
pub fn split_repository(full: &str) -> Option<(String, String)> {
    let (owner, name) = full.trim().split_once('/')?;
    let ok = |s: &str| {
        !s.is_empty()
            && s != "."
            && s != ".."
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
    };
    (ok(owner) && ok(name)).then(|| (owner.to_string(), name.to_string()))
}

fn target(
    ci: &CiContext,
    options: &Options,
    env: &dyn Fn(&str) -> Option<String>,
) -> Result<Target, String> {
    let full = options
        .repository
        .clone()
        .or_else(|| ci.repository.clone())
        .ok_or("no repository known: run in GitHub Actions or a Jenkins multibranch job, or pass --github-repo OWNER/NAME")?;
    let (owner, repo) = split_repository(&full)
        .ok_or_else(|| format!("`{full}` is not a repository; expected OWNER/NAME"))?;
    let sha = options
        .sha
        .clone()
        .or_else(|| ci.head_sha.clone())
        .ok_or("no commit known to report on: pass --github-sha SHA")?;
    if sha.len() < 7 || !sha.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(format!("`{sha}` is not a commit SHA"));
    }
    Ok(Target {
        api_url: api_url(ci, env),
        owner,
        repo,
        sha,
        pr: options.pr.or(ci.pr_number),
        details_url: details_url(ci, env),
    })
}

/// Publishes `outcome` as `options`, its `[github]` settings and its CI context
/// say; `env` looks variables up (the process environment, or a map in tests).
/// When the API could not be used in GitHub Actions, `fallback` holds
/// workflow-command annotations to print; the step summary and outputs are
/// [`github::step`]'s.
pub fn run(
    outcome: &Outcome,
    options: &Options,
    env: &dyn Fn(&str) -> Option<String>,
) -> Published {
    let token = token(env);
    let in_actions = outcome.ci.kind == CiKind::GithubActions;
    let event = &outcome.ci.pr_event;
    let wanted = options.target.unwrap_or(if in_actions && token.is_some() {
        PublishTarget::Github
    } else {
        PublishTarget::None
    });
    let mut published = Published::default();
    if wanted == PublishTarget::Github {
        published.attempted = true;
        match (target(&outcome.ci, options, env), &token) {
            (Err(e), _) => published
                .failures
                .push(format!("cannot publish to GitHub: {e}")),
            (Ok(_), None) => published.failures.push(
                "cannot publish to GitHub: no token; set GITHUB_TOKEN or GATE_GITHUB_TOKEN"
                    .to_string(),
            ),
            (Ok(t), Some(token)) => {
                github::publish(outcome, &outcome.github, &t, token, event, &mut published);
            }
        }
        if published.degraded {
            published.failures.push(permission_hint(event, in_actions));
        }
    }
    let secrets = crate::console::Secrets::from_env(env);
    for message in published.done.iter_mut().chain(&mut published.failures) {
        *message = secrets.redact(message).into_owned();
    }
    if in_actions
        && published.skipped.is_none()
        && (!published.attempted || !published.failures.is_empty())
    {
        published.fallback =
            crate::report::github::commands(outcome, crate::report::github::MAX_PER_LEVEL);
    }
    published
}

fn permission_hint(event: &Event, in_actions: bool) -> String {
    if event.fork {
        "this pull request comes from a fork, and GitHub gives fork pull requests a read-only token: \
         the verdict is in the step summary, the annotations and the exit code instead. To post checks \
         and comments for forks, run the gate on `pull_request` and publish from a second workflow on \
         `workflow_run` (see the README, \"Pull requests from forks\")"
            .to_string()
    } else if in_actions {
        "the token may not write checks, comments or statuses: give the job \
         `permissions: { checks: write, pull-requests: write, statuses: write }` \
         (the verdict is in the step summary, the annotations and the exit code instead)"
            .to_string()
    } else {
        "the token may not write checks, comments or statuses: a personal token cannot create \
         check runs (set `[github] check_run = false` and require the `gate` status instead, or \
         use a GitHub App installation token), and it needs the `repo` scope"
            .to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn env(vars: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect();
        move |name| map.get(name).cloned()
    }

    #[test]
    fn gate_token_wins_and_blank_tokens_do_not_count() {
        assert_eq!(token(&env(&[("GITHUB_TOKEN", "a")])), Some("a".into()));
        assert_eq!(
            token(&env(&[("GITHUB_TOKEN", "a"), ("GATE_GITHUB_TOKEN", "b")])),
            Some("b".into())
        );
        assert_eq!(
            token(&env(&[("GITHUB_TOKEN", "a"), ("GATE_GITHUB_TOKEN", " ")])),
            Some("a".into())
        );
        assert_eq!(token(&env(&[])), None);
    }

    #[test]
    fn api_url_from_env_ci_or_server() {
        let mut ci = CiContext::local();
        assert_eq!(api_url(&ci, &env(&[])), "https://api.github.com");
        ci.server_url = Some("https://ghe.example.com/".into());
        assert_eq!(api_url(&ci, &env(&[])), "https://ghe.example.com/api/v3");
        assert_eq!(
            api_url(&ci, &env(&[("GITHUB_API_URL", "http://127.0.0.1:9/")])),
            "http://127.0.0.1:9"
        );
    }

    #[test]
    fn repositories_are_owner_slash_name() {
        assert_eq!(
            split_repository("acme/shop.api"),
            Some(("acme".into(), "shop.api".into()))
        );
        for bad in ["acme", "acme/", "a/b/c", "../x", "a/..", "a b/c", "a/b?x"] {
            assert_eq!(split_repository(bad), None, "{bad}");
        }
    }

    #[test]
    fn publishing_never_turns_a_failure_into_a_pass() {
        let failed = Published {
            failures: vec!["x".into()],
            attempted: true,
            ..Published::default()
        };
        assert_eq!(failed.exit_code(Status::Failed, false), 1);
        assert_eq!(failed.exit_code(Status::Failed, true), 1);
        assert_eq!(failed.exit_code(Status::Passed, false), 0);
        assert_eq!(failed.exit_code(Status::Passed, true), 2);
        assert_eq!(failed.exit_code(Status::Error, false), 2);
        let ok = Published {
            attempted: true,
            ..Published::default()
        };
        assert_eq!(ok.exit_code(Status::Passed, true), 0);
        let nothing = Published::default();
        assert_eq!(nothing.exit_code(Status::Passed, true), 2);
        let skipped = Published {
            skipped: Some("labels".into()),
            ..Published::default()
        };
        assert_eq!(skipped.exit_code(Status::Failed, false), 0);
    }
}
