//! GitHub's REST API through octocrab: the check run, the sticky comment, the
//! commit status, and branch protection for `gate github protect`.
//!
//! Requests go through octocrab's raw `_get`/`_post`/`_patch`/`_put`/`_delete`
//! with JSON bodies, not its typed builders: those lack what gate needs (the
//! `check_name` filter, `external_id`, PATCH for comments, lenient
//! branch-protection models), and the raw calls let one loop see every status and
//! header. That loop ([`Client::send`]) owns the robustness rules: a timeout on
//! every request; retries with backoff on 5xx, on 429 and on rate limits,
//! honouring `Retry-After` and `x-ratelimit-reset`; no retry of a POST that may
//! have been received (a timeout), so a comment is never posted twice.
//!
//! A server's answers are not trusted either: a redirect is never followed (a
//! 302 to a POST would become a GET elsewhere, whose 2xx would pass for
//! success) and is an error naming its `Location`; an answer is read up to
//! [`MAX_ANSWER_BYTES`]; the token only travels over https, or plain http to
//! this machine (a stand-in in tests).
//!
//! Idempotence on re-runs: the check run is found by name and `external_id` on
//! the commit and updated; the comment is found by its hidden marker and updated.
//! Anyone can write the marker, so the sticky comment is only ever one that
//! gate's own account wrote (see [`Client::login`]); another's is left alone.
//!
//! GitHub's size limits are checked before sending: a comment or a check run's
//! summary over its limit is an error naming it, never sent.

pub mod branch_protection;
pub mod step;

use super::{Published, Target};
use crate::ci::github::GithubConfig;
use crate::ci::Event;
use crate::gate::Status;
use crate::pipeline::Outcome;
use crate::report::annotations::{self, Annotation};
use crate::report::Level;
use http_body_util::BodyExt;
use octocrab::Octocrab;
use serde_json::{json, Value};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// GitHub accepts at most this many annotations per request.
pub const ANNOTATIONS_PER_REQUEST: usize = 50;
/// The check run summary's limit (characters).
const SUMMARY_LIMIT: usize = 65_535;
/// A comment's limit (characters).
const COMMENT_LIMIT: usize = 65_536;
/// Comments holding the marker that others wrote, named in a message.
const MAX_NAMED: usize = 5;
/// The account of GitHub Actions' own token (`GITHUB_TOKEN`).
const ACTIONS_BOT: &str = "github-actions[bot]";
/// A commit status description's limit (characters).
const STATUS_DESCRIPTION_LIMIT: usize = 140;
/// Pages of 100 comments searched for the marker.
const MAX_COMMENT_PAGES: u32 = 30;
/// The largest answer read: a page of 100 comments of GitHub's longest
/// (65,536 characters of up to 4 bytes, JSON-escaped) is about 26 MB.
pub const MAX_ANSWER_BYTES: usize = 32 << 20;
/// The first wait before a retry without `Retry-After`; doubled each time.
const BACKOFF: Duration = Duration::from_secs(1);

/// The hidden line that identifies gate's comment for this check name.
pub fn marker(check_name: &str) -> String {
    format!(
        "<!-- gate:sticky-comment check={} -->",
        check_name.replace("--", "- -")
    )
}

fn external_id(check_name: &str) -> String {
    format!("gate:{check_name}")
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Patch,
    Put,
    Delete,
}

impl Method {
    fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Patch => "PATCH",
            Method::Put => "PUT",
            Method::Delete => "DELETE",
        }
    }

    /// Whether sending it twice does no harm, so a timeout may be retried.
    /// (PATCH is not: a check run PATCH appends its annotations.)
    fn is_idempotent(self) -> bool {
        matches!(self, Method::Get | Method::Put | Method::Delete)
    }
}

/// A request GitHub did not complete. The message never holds the token: it is
/// built from the method, the path, the status and GitHub's own `message`.
#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("{method} {path}: HTTP {status}: {message}")]
    Status {
        method: &'static str,
        path: String,
        status: u16,
        message: String,
    },
    #[error("{method} {path}: no answer within {seconds} s ({attempts} attempt(s))")]
    Timeout {
        method: &'static str,
        path: String,
        seconds: u64,
        attempts: u32,
    },
    #[error("{method} {path}: rate limited, and GitHub asks to wait {wait} s (more than [github] max_wait_seconds = {max})")]
    RateLimited {
        method: &'static str,
        path: String,
        wait: u64,
        max: u64,
    },
    #[error("{method} {path}: HTTP {status} redirects to {location}, which gate does not follow: set GITHUB_API_URL to the API's final address")]
    Redirect {
        method: &'static str,
        path: String,
        status: u16,
        location: String,
    },
    #[error("{what} is {chars} characters, more than GitHub's limit of {limit}: not sent")]
    TooLong {
        what: &'static str,
        chars: usize,
        limit: usize,
    },
    #[error("cannot tell whose comments are gate's own: {0}; a GitHub App token's account is known from the check run it posts ([github] check_run = true)")]
    UnknownAccount(Box<ApiError>),
    #[error("{method} {path}: {message}")]
    Transport {
        method: &'static str,
        path: String,
        message: String,
    },
    #[error("{0}")]
    Setup(String),
}

impl ApiError {
    /// A refusal for lack of permission (or of visibility, which GitHub reports
    /// as 404): what a read-only token on a fork pull request gets.
    pub fn is_forbidden(&self) -> bool {
        matches!(
            self,
            ApiError::Status {
                status: 401 | 403 | 404,
                ..
            }
        )
    }
}

/// What a response says about rate limits.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RateHeaders {
    pub retry_after: Option<u64>,
    pub remaining: Option<u64>,
    /// Epoch seconds when the primary limit resets.
    pub reset: Option<u64>,
    /// The body names GitHub's secondary rate limit.
    pub secondary: bool,
}

/// How long to wait before retrying a response with `status`, or `None` when
/// it is final. `attempt` counts from 0.
pub fn retry_delay(status: u16, rate: &RateHeaders, attempt: u32, now: u64) -> Option<Duration> {
    let backoff = BACKOFF * 2u32.saturating_pow(attempt.min(6));
    let by_headers = || {
        rate.retry_after.map(Duration::from_secs).or_else(|| {
            (rate.remaining == Some(0))
                .then_some(rate.reset?)
                .map(|reset| Duration::from_secs(reset.saturating_sub(now).max(1)))
        })
    };
    match status {
        429 => Some(by_headers().unwrap_or(backoff)),
        403 if rate.secondary || rate.retry_after.is_some() || rate.remaining == Some(0) => {
            Some(by_headers().unwrap_or(backoff))
        }
        500 | 502 | 503 | 504 => Some(rate.retry_after.map_or(backoff, Duration::from_secs)),
        _ => None,
    }
}

struct Raw {
    status: u16,
    rate: RateHeaders,
    /// `Location`, clipped (a server's text).
    location: Option<String>,
    text: String,
}

/// Why gate will not send its token to `api_url`: it must be https, or plain
/// http to this machine (127.0.0.0/8, ::1, localhost), where nothing crosses a
/// network.
pub fn refuse_api_url(api_url: &str) -> Option<String> {
    let uri: http::Uri = match api_url.parse() {
        Ok(uri) => uri,
        Err(e) => {
            return Some(format!(
                "the GitHub API address `{api_url}` is not a URL: {e}"
            ))
        }
    };
    let host = uri.host().unwrap_or_default();
    let loopback = host.eq_ignore_ascii_case("localhost")
        || host
            .trim_start_matches('[')
            .trim_end_matches(']')
            .parse::<std::net::IpAddr>()
            .is_ok_and(|ip| ip.is_loopback());
    match uri.scheme_str() {
        Some("https") if !host.is_empty() => None,
        Some("http") if loopback => None,
        Some("http") => Some(format!(
            "the GitHub API address `{api_url}` is plain http to another machine: the token would cross the network in clear; use https (GITHUB_API_URL)"
        )),
        _ => Some(format!(
            "the GitHub API address `{api_url}` is not an https URL (GITHUB_API_URL)"
        )),
    }
}

/// Why one attempt has no answer to look at.
enum Failed {
    /// The request did not get through: worth another try when idempotent.
    Transport(octocrab::Error),
    /// The answer came and is unusable (too large, not UTF-8): final.
    Answer(String),
}

impl From<octocrab::Error> for Failed {
    fn from(e: octocrab::Error) -> Failed {
        Failed::Transport(e)
    }
}

/// octocrab with gate's timeout and retry rules.
pub struct Client {
    gh: Octocrab,
    timeout: Duration,
    retries: u32,
    max_wait: u64,
}

impl Client {
    /// Must be called inside a tokio runtime.
    pub fn new(api_url: &str, token: &str, config: &GithubConfig) -> Result<Client, ApiError> {
        if let Some(why) = refuse_api_url(api_url) {
            return Err(ApiError::Setup(why));
        }
        let timeout = Duration::from_secs(config.timeout_seconds.max(1));
        let setup = |e: octocrab::Error| {
            ApiError::Setup(format!(
                "cannot set up the GitHub client for {api_url}: {e}"
            ))
        };
        let gh = Octocrab::builder()
            .base_uri(api_url)
            .map_err(setup)?
            .personal_token(token.to_string())
            .set_connect_timeout(Some(timeout))
            .set_read_timeout(Some(timeout))
            .set_write_timeout(Some(timeout))
            .add_header(
                http::header::ACCEPT,
                "application/vnd.github+json".to_string(),
            )
            .build()
            .map_err(setup)?;
        Ok(Client {
            gh,
            timeout,
            retries: config.retries,
            max_wait: config.max_wait_seconds,
        })
    }

    async fn once(&self, method: Method, path: &str, body: Option<&Value>) -> Result<Raw, Failed> {
        let response = match method {
            Method::Get => self.gh._get(path).await?,
            Method::Post => self.gh._post(path, body).await?,
            Method::Patch => self.gh._patch(path, body).await?,
            Method::Put => self.gh._put(path, body).await?,
            Method::Delete => self.gh._delete(path, body).await?,
        };
        let status = response.status().as_u16();
        let header = |name: &str| {
            response
                .headers()
                .get(name)
                .and_then(|v| v.to_str().ok())
                .and_then(|v| v.trim().parse::<u64>().ok())
        };
        let mut rate = RateHeaders {
            retry_after: header("retry-after"),
            remaining: header("x-ratelimit-remaining"),
            reset: header("x-ratelimit-reset"),
            secondary: false,
        };
        let location = response
            .headers()
            .get(http::header::LOCATION)
            .map(|v| clip_chars(v.to_str().unwrap_or("(a location that is not text)"), 300));
        // At most MAX_ANSWER_BYTES: a larger answer fails without being kept.
        let body = http_body_util::Limited::new(response.into_body(), MAX_ANSWER_BYTES)
            .collect()
            .await
            .map_err(|e| match e.downcast::<octocrab::Error>() {
                Ok(e) => Failed::Transport(*e),
                Err(_) => Failed::Answer(format!(
                    "the answer is larger than {MAX_ANSWER_BYTES} bytes, more than gate reads"
                )),
            })?;
        let text = String::from_utf8(body.to_bytes().into())
            .map_err(|_| Failed::Answer("the answer is not UTF-8".to_string()))?;
        rate.secondary = text.to_ascii_lowercase().contains("secondary rate limit");
        Ok(Raw {
            status,
            rate,
            location,
            text,
        })
    }

    /// Sends one request, retrying as the module says; the JSON answer (`null`
    /// for an empty body) or why there is none.
    pub async fn send(
        &self,
        method: Method,
        path: &str,
        body: Option<&Value>,
    ) -> Result<Value, ApiError> {
        let name = method.as_str();
        let mut attempt = 0;
        loop {
            let result = tokio::time::timeout(self.timeout, self.once(method, path, body)).await;
            let raw = match result {
                Ok(Ok(raw)) => raw,
                Ok(Err(Failed::Answer(message))) => {
                    return Err(ApiError::Transport {
                        method: name,
                        path: path.to_string(),
                        message,
                    })
                }
                Ok(Err(Failed::Transport(e))) => {
                    if method.is_idempotent() && attempt < self.retries {
                        tokio::time::sleep(BACKOFF * 2u32.pow(attempt.min(6))).await;
                        attempt += 1;
                        continue;
                    }
                    return Err(ApiError::Transport {
                        method: name,
                        path: path.to_string(),
                        message: transport_message(&e),
                    });
                }
                Err(_elapsed) => {
                    if method.is_idempotent() && attempt < self.retries {
                        attempt += 1;
                        continue;
                    }
                    return Err(ApiError::Timeout {
                        method: name,
                        path: path.to_string(),
                        seconds: self.timeout.as_secs(),
                        attempts: attempt + 1,
                    });
                }
            };
            if (300..400).contains(&raw.status) {
                return Err(ApiError::Redirect {
                    method: name,
                    path: path.to_string(),
                    status: raw.status,
                    location: raw
                        .location
                        .unwrap_or_else(|| "(no Location header)".to_string()),
                });
            }
            if (200..300).contains(&raw.status) {
                return Ok(if raw.text.trim().is_empty() {
                    Value::Null
                } else {
                    serde_json::from_str(&raw.text).map_err(|e| ApiError::Transport {
                        method: name,
                        path: path.to_string(),
                        message: format!("the answer is not JSON: {e}"),
                    })?
                });
            }
            let now = SystemTime::now()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_secs());
            if let Some(wait) = retry_delay(raw.status, &raw.rate, attempt, now) {
                if wait.as_secs() > self.max_wait {
                    return Err(ApiError::RateLimited {
                        method: name,
                        path: path.to_string(),
                        wait: wait.as_secs(),
                        max: self.max_wait,
                    });
                }
                if attempt < self.retries {
                    tokio::time::sleep(wait).await;
                    attempt += 1;
                    continue;
                }
            }
            return Err(ApiError::Status {
                method: name,
                path: path.to_string(),
                status: raw.status,
                message: github_message(&raw.text),
            });
        }
    }
}

/// GitHub's `message` field, or the start of the body.
fn github_message(text: &str) -> String {
    let parsed: Option<Value> = serde_json::from_str(text).ok();
    let message = parsed
        .as_ref()
        .and_then(|v| v.get("message").or_else(|| v.get("detail")))
        .and_then(Value::as_str)
        .map(str::to_owned)
        .unwrap_or_else(|| text.chars().take(300).collect());
    if message.trim().is_empty() {
        "(no message)".to_string()
    } else {
        message
    }
}

/// octocrab's error with its sources, on one line.
fn transport_message(e: &octocrab::Error) -> String {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let text = s.to_string();
        if !message.contains(&text) {
            message.push_str(": ");
            message.push_str(&text);
        }
        source = s.source();
    }
    message
}

/// Percent-encodes a query value or a path segment (keeping `/` when asked).
fn encode(value: &str, keep_slash: bool) -> String {
    let mut out = String::new();
    for b in value.bytes() {
        if b.is_ascii_alphanumeric()
            || matches!(b, b'-' | b'_' | b'.' | b'~')
            || (keep_slash && b == b'/')
        {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Whether `text` is within GitHub's `limit` of characters for `what`.
fn within(what: &'static str, text: &str, limit: usize) -> Result<(), ApiError> {
    let chars = text.chars().count();
    if chars > limit {
        return Err(ApiError::TooLong { what, chars, limit });
    }
    Ok(())
}

/// A login from an answer, for messages: only the characters GitHub allows in
/// one (and `[bot]`), at most 50.
fn login_of(comment: &Value) -> String {
    comment
        .pointer("/user/login")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '[' | ']'))
        .take(50)
        .collect()
}

fn clip_chars(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The verdict in one line: the check run's title and the status description,
/// with no bare URL GitHub would link.
pub fn title(outcome: &Outcome) -> String {
    crate::report::unlink(&verdict_line(outcome)).into_owned()
}

fn verdict_line(outcome: &Outcome) -> String {
    let v = &outcome.verdict;
    let m = &outcome.measures;
    match v.status {
        Status::Passed => {
            let mut s = format!("Passed: {} new issue(s)", m.new.issues.total);
            if let Some(fixed) = m.fixed_issues {
                s.push_str(&format!(", {fixed} fixed"));
            }
            if let Some(n) = m.suppressed_in_change.filter(|n| *n > 0) {
                s.push_str(&format!(", {n} suppressed in this change"));
            }
            if let Some(p) = m.new.lines.and_then(|f| f.percent) {
                s.push_str(&format!(", new-code coverage {p:.1} %"));
            }
            s
        }
        Status::Failed => format!("Failed: {}", v.reasons.join("; ")),
        Status::Error => format!("Error: {}", v.reasons.join("; ")),
    }
}

/// GitHub's limits on an annotation's title and message, in bytes.
const MAX_TITLE: usize = 255;
const MAX_MESSAGE: usize = 64 * 1024 - 1;

/// An annotation as the Checks API takes it.
fn annotation_json(a: &Annotation) -> Value {
    let level = match a.level {
        Level::Error => "failure",
        Level::Warning => "warning",
        Level::Note => "notice",
    };
    let mut v = json!({
        "path": a.path,
        "start_line": a.lines.start(),
        "end_line": a.lines.end(),
        "annotation_level": level,
        "title": clip(&a.title, MAX_TITLE),
        "message": clip(&a.message, MAX_MESSAGE),
    });
    if let Some((start, end)) = a.columns {
        v["start_column"] = json!(start);
        v["end_column"] = json!(end);
    }
    v
}

/// What the check run says.
struct CheckRun<'a> {
    conclusion: &'static str,
    title: String,
    summary: String,
    annotations: &'a [Annotation],
}

/// Who gate writes as, to tell its own comment from others'.
enum Account {
    /// The check run's answer named it.
    Known(String),
    /// Asked only if a comment holds the marker ([`Client::login`]).
    Ask { in_actions: bool },
}

/// The account a check run's answer says wrote it: only GitHub Apps write
/// check runs, as `<slug>[bot]`.
fn check_run_account(answer: &Value) -> Option<String> {
    let slug = answer.pointer("/app/slug").and_then(Value::as_str)?;
    (!slug.is_empty()).then(|| format!("{slug}[bot]"))
}

impl Client {
    /// Posts or updates the check run: what was done, and the account that
    /// wrote it (gate's own, for [`Client::comment`]).
    async fn check_run(
        &self,
        t: &Target,
        config: &GithubConfig,
        run: &CheckRun<'_>,
    ) -> Result<(String, Option<String>), ApiError> {
        within("the check run's summary", &run.summary, SUMMARY_LIMIT)?;
        let (o, r) = (&t.owner, &t.repo);
        let name = &config.check_name;
        let external_id = external_id(name);
        let list = self
            .send(
                Method::Get,
                &format!(
                    "/repos/{o}/{r}/commits/{}/check-runs?check_name={}&filter=latest&per_page=100",
                    t.sha,
                    encode(name, false)
                ),
                None,
            )
            .await?;
        let existing = list
            .get("check_runs")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .find(|c| {
                c.get("name").and_then(Value::as_str) == Some(name.as_str())
                    && c.get("external_id").and_then(Value::as_str) == Some(external_id.as_str())
            })
            .and_then(|c| {
                let id = c.get("id")?.as_u64()?;
                let count = c
                    .pointer("/output/annotations_count")
                    .and_then(Value::as_u64)
                    .unwrap_or(0);
                Some((id, count as usize))
            });
        let output = |annotations: Option<&[Annotation]>| {
            let mut o = json!({ "title": run.title, "summary": run.summary });
            if let Some(a) = annotations {
                o["annotations"] = a.iter().map(annotation_json).collect();
            }
            o
        };
        let mut chunks = run.annotations.chunks(ANNOTATIONS_PER_REQUEST);
        let mut fields = json!({
            "name": name,
            "status": "completed",
            "conclusion": run.conclusion,
            "external_id": external_id,
        });
        if let Some(url) = &t.details_url {
            fields["details_url"] = json!(url);
        }
        let (id, verb, answer) = match existing {
            // The same commit, so normally the same annotations: they are kept
            // (GitHub appends, it never replaces), and only the rest is updated.
            Some((id, count)) if count == 0 || count == run.annotations.len() => {
                let first = if count == 0 {
                    chunks.next()
                } else {
                    chunks = run.annotations[..0].chunks(ANNOTATIONS_PER_REQUEST);
                    None
                };
                fields["output"] = output(first);
                let answer = self
                    .send(
                        Method::Patch,
                        &format!("/repos/{o}/{r}/check-runs/{id}"),
                        Some(&fields),
                    )
                    .await?;
                (id, "updated", answer)
            }
            // Different annotations on the same commit (the configuration
            // changed): old ones cannot be removed, so a new run replaces it.
            _ => {
                fields["head_sha"] = json!(t.sha);
                fields["output"] = output(chunks.next());
                let created = self
                    .send(
                        Method::Post,
                        &format!("/repos/{o}/{r}/check-runs"),
                        Some(&fields),
                    )
                    .await?;
                let id = created.get("id").and_then(Value::as_u64).ok_or_else(|| {
                    ApiError::Transport {
                        method: "POST",
                        path: format!("/repos/{o}/{r}/check-runs"),
                        message: "the answer has no check run id".to_string(),
                    }
                })?;
                (id, "created", created)
            }
        };
        for chunk in chunks {
            self.send(
                Method::Patch,
                &format!("/repos/{o}/{r}/check-runs/{id}"),
                Some(&json!({ "output": output(Some(chunk)) })),
            )
            .await?;
        }
        Ok((
            format!(
                "check run `{name}` {verb} on {} ({}, {} annotation(s))",
                short(&t.sha),
                run.conclusion,
                run.annotations.len()
            ),
            check_run_account(&answer),
        ))
    }

    /// The account the token writes as: `GET /user`'s login. An installation
    /// token may not call it (GitHub's description: `enabledForGitHubApps:
    /// false`; the answer is 403); in GitHub Actions that token is the job's
    /// own, which writes as `github-actions[bot]`.
    async fn login(&self, in_actions: bool) -> Result<String, ApiError> {
        match self.send(Method::Get, "/user", None).await {
            Ok(user) => match user.get("login").and_then(Value::as_str) {
                Some(login) if !login.is_empty() => Ok(login.to_string()),
                _ => Err(ApiError::Transport {
                    method: "GET",
                    path: "/user".to_string(),
                    message: "the answer has no login".to_string(),
                }),
            },
            Err(ApiError::Status { status: 403, .. }) if in_actions => Ok(ACTIONS_BOT.to_string()),
            Err(e) => Err(ApiError::UnknownAccount(Box::new(e))),
        }
    }

    /// Keeps the sticky comment: the first one holding the marker that gate's
    /// own `account` wrote is updated or deleted; one by anyone else is left
    /// alone and named.
    async fn comment(
        &self,
        t: &Target,
        pr: u64,
        config: &GithubConfig,
        body: &str,
        clean: bool,
        account: Account,
    ) -> Result<String, ApiError> {
        let (mut account, in_actions) = match account {
            Account::Known(me) => (Some(me), false),
            Account::Ask { in_actions } => (None, in_actions),
        };
        let (o, r) = (&t.owner, &t.repo);
        let marker = marker(&config.check_name);
        let mut found = None;
        let mut others = Vec::new();
        'pages: for page in 1..=MAX_COMMENT_PAGES {
            let list = self
                .send(
                    Method::Get,
                    &format!("/repos/{o}/{r}/issues/{pr}/comments?per_page=100&page={page}"),
                    None,
                )
                .await?;
            let comments = list.as_array().cloned().unwrap_or_default();
            for c in &comments {
                let marked = c
                    .get("body")
                    .and_then(Value::as_str)
                    .is_some_and(|b| b.contains(&marker));
                let Some(id) = c.get("id").and_then(Value::as_u64).filter(|_| marked) else {
                    continue;
                };
                let me = match &account {
                    Some(me) => me,
                    None => account.insert(self.login(in_actions).await?),
                };
                let author = c.pointer("/user/login").and_then(Value::as_str);
                if author.is_some_and(|a| a.eq_ignore_ascii_case(me)) {
                    found = Some(id);
                    break 'pages;
                }
                others.push(format!("{id} by {}", login_of(c)));
            }
            if comments.len() < 100 {
                break;
            }
        }
        // Named up to a few: anyone can post the marker many times.
        let more = match others.len().saturating_sub(MAX_NAMED) {
            0 => String::new(),
            n => format!(" and {n} more"),
        };
        let ignored = match (others.is_empty(), &account) {
            (false, Some(me)) => format!(
                "; comment(s) {}{more} hold gate's marker but were not written by {me}: left alone",
                others[..others.len().min(MAX_NAMED)].join(", ")
            ),
            _ => String::new(),
        };
        let delete = clean && config.delete_comment_when_clean;
        let done = match (found, delete) {
            (Some(id), true) => {
                self.send(
                    Method::Delete,
                    &format!("/repos/{o}/{r}/issues/comments/{id}"),
                    None,
                )
                .await?;
                format!("comment on #{pr} deleted (the pull request is clean)")
            }
            (None, true) => format!("no comment on #{pr} (the pull request is clean)"),
            (Some(id), false) => {
                within("the comment", body, COMMENT_LIMIT)?;
                self.send(
                    Method::Patch,
                    &format!("/repos/{o}/{r}/issues/comments/{id}"),
                    Some(&json!({ "body": body })),
                )
                .await?;
                format!("comment on #{pr} updated")
            }
            (None, false) => {
                within("the comment", body, COMMENT_LIMIT)?;
                self.send(
                    Method::Post,
                    &format!("/repos/{o}/{r}/issues/{pr}/comments"),
                    Some(&json!({ "body": body })),
                )
                .await?;
                format!("comment on #{pr} posted")
            }
        };
        Ok(format!("{done}{ignored}"))
    }

    async fn status(
        &self,
        t: &Target,
        config: &GithubConfig,
        state: &str,
        description: &str,
    ) -> Result<String, ApiError> {
        let mut body = json!({
            "state": state,
            "context": config.status_context,
            "description": clip_chars(description, STATUS_DESCRIPTION_LIMIT),
        });
        if let Some(url) = &t.details_url {
            body["target_url"] = json!(url);
        }
        self.send(
            Method::Post,
            &format!("/repos/{}/{}/statuses/{}", t.owner, t.repo, t.sha),
            Some(&body),
        )
        .await?;
        Ok(format!(
            "status `{}` set to {state} on {}",
            config.status_context,
            short(&t.sha)
        ))
    }

    async fn labels(&self, t: &Target, pr: u64) -> Result<Vec<String>, ApiError> {
        let pull = self
            .send(
                Method::Get,
                &format!("/repos/{}/{}/pulls/{pr}", t.owner, t.repo),
                None,
            )
            .await?;
        Ok(pull
            .get("labels")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|l| l.get("name").and_then(Value::as_str).map(str::to_owned))
            .collect())
    }
}

fn fail(published: &mut Published, what: &str, e: ApiError) {
    if e.is_forbidden() {
        published.degraded = true;
    }
    published
        .failures
        .push(format!("could not {what} on GitHub: {e}"));
}

fn short(sha: &str) -> &str {
    &sha[..sha.len().min(12)]
}

/// Posts the check run, the comment and the status as `config` asks, recording
/// what happened in `published`.
pub fn publish(
    outcome: &Outcome,
    config: &GithubConfig,
    target: &Target,
    token: &str,
    event: &Event,
    published: &mut Published,
) {
    let runtime = match tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
    {
        Ok(r) => r,
        Err(e) => {
            published
                .failures
                .push(format!("cannot start the network runtime: {e}"));
            return;
        }
    };
    runtime.block_on(publish_async(
        outcome, config, target, token, event, published,
    ));
}

async fn publish_async(
    outcome: &Outcome,
    config: &GithubConfig,
    t: &Target,
    token: &str,
    event: &Event,
    published: &mut Published,
) {
    let client = match Client::new(&t.api_url, token, config) {
        Ok(c) => c,
        Err(e) => {
            published.failures.push(e.to_string());
            return;
        }
    };

    if let (false, Some(pr)) = (config.only_labels.is_empty(), t.pr) {
        let labels = match &event.labels {
            Some(l) => Ok(l.clone()),
            None => client.labels(t, pr).await,
        };
        match labels {
            Ok(labels) => {
                let wanted =
                    |l: &String| config.only_labels.iter().any(|w| w.eq_ignore_ascii_case(l));
                if !labels.iter().any(wanted) {
                    published.skipped = Some(format!(
                        "pull request #{pr} has none of the labels {} ([github] only_labels): the gate does not apply",
                        config.only_labels.join(", ")
                    ));
                }
            }
            Err(e) => fail(
                published,
                "read the pull request's labels (the gate applies)",
                e,
            ),
        }
    }

    let all = match &published.skipped {
        Some(_) => Vec::new(),
        None => annotations::of(outcome),
    };
    let kept = &all[..all.len().min(config.max_annotations)];
    let clean = outcome.verdict.status == Status::Passed && all.is_empty();
    let (conclusion, state, title) = match (&published.skipped, outcome.verdict.status) {
        (Some(why), _) => ("neutral", "success", format!("Skipped: {why}")),
        (None, Status::Passed) => ("success", "success", title(outcome)),
        (None, Status::Failed) => ("failure", "failure", title(outcome)),
        (None, Status::Error) => ("failure", "error", title(outcome)),
    };
    let title = clip_chars(&title, 255);

    // The account gate writes as, when the check run's answer names it.
    let mut account = None;
    if config.check_run {
        let note = if all.len() > kept.len() {
            format!(
                "\n\n{} more annotation(s) not attached ([github] max_annotations = {}).\n",
                all.len() - kept.len(),
                config.max_annotations
            )
        } else {
            String::new()
        };
        let summary = match &published.skipped {
            Some(why) => format!("The gate was skipped: {why}.\n"),
            None => {
                let md = crate::report::markdown::render(
                    outcome,
                    SUMMARY_LIMIT.saturating_sub(note.chars().count()),
                    None,
                );
                format!("{md}{note}")
            }
        };
        let run = CheckRun {
            conclusion,
            title: title.clone(),
            summary,
            annotations: kept,
        };
        match client.check_run(t, config, &run).await {
            Ok((done, writer)) => {
                published.done.push(done);
                account = writer;
            }
            Err(e) => fail(published, "post the check run", e),
        }
    }
    if let (true, Some(pr), None) = (config.comment, t.pr, &published.skipped) {
        let marker = marker(&config.check_name);
        // What the marker leaves; a marker longer than the limit leaves nothing,
        // and the comment is then refused before sending.
        let room = COMMENT_LIMIT.saturating_sub(marker.chars().count() + 1);
        let md = crate::report::markdown::render(outcome, room, None);
        let body = format!("{marker}\n{md}");
        let account = match account {
            Some(me) => Account::Known(me),
            None => Account::Ask {
                in_actions: outcome.ci.kind == crate::ci::CiKind::GithubActions,
            },
        };
        match client.comment(t, pr, config, &body, clean, account).await {
            Ok(done) => published.done.push(done),
            Err(e) => fail(published, "update the pull-request comment", e),
        }
    }
    if config.status {
        match client.status(t, config, state, &title).await {
            Ok(done) => published.done.push(done),
            Err(e) => fail(published, "set the commit status", e),
        }
    }
}

fn clip(text: &str, max_bytes: usize) -> String {
    if text.len() <= max_bytes {
        return text.to_string();
    }
    let mut end = max_bytes.saturating_sub(3);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}...", &text[..end])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clipping_keeps_char_boundaries() {
        assert_eq!(clip("abcdef", 10), "abcdef");
        assert_eq!(clip("ééééé", 7), "éé...");
    }

    fn rate(retry_after: Option<u64>, remaining: Option<u64>, reset: Option<u64>) -> RateHeaders {
        RateHeaders {
            retry_after,
            remaining,
            reset,
            secondary: false,
        }
    }

    #[test]
    fn retries_follow_github_rate_limit_headers() {
        let none = rate(None, None, None);
        assert_eq!(retry_delay(200, &none, 0, 0), None);
        assert_eq!(retry_delay(404, &none, 0, 0), None);
        assert_eq!(retry_delay(403, &none, 0, 0), None);
        assert_eq!(retry_delay(500, &none, 0, 0), Some(BACKOFF));
        assert_eq!(retry_delay(503, &none, 2, 0), Some(BACKOFF * 4));
        assert_eq!(
            retry_delay(429, &rate(Some(7), None, None), 0, 0),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            retry_delay(403, &rate(None, Some(0), Some(1_000_030)), 0, 1_000_000),
            Some(Duration::from_secs(30))
        );
        let secondary = RateHeaders {
            secondary: true,
            ..none.clone()
        };
        assert_eq!(retry_delay(403, &secondary, 1, 0), Some(BACKOFF * 2));
        assert_eq!(retry_delay(429, &none, 0, 0), Some(BACKOFF));
    }

    #[test]
    fn encoding_keeps_paths_and_queries_in_bounds() {
        assert_eq!(encode("gate / java", false), "gate%20%2F%20java");
        assert_eq!(encode("release/1.0", true), "release/1.0");
        assert_eq!(encode("a&b=c", true), "a%26b%3Dc");
    }

    #[test]
    fn the_token_goes_over_https_or_to_this_machine_only() {
        for ok in [
            "https://api.github.com",
            "https://ghe.example.com/api/v3",
            "http://127.0.0.1:8080",
            "http://127.8.9.10",
            "http://[::1]:9",
            "http://LOCALHOST:3000",
        ] {
            assert_eq!(refuse_api_url(ok), None, "{ok}");
        }
        for (bad, why) in [
            (
                "http://ghe.example.com/api/v3",
                "is plain http to another machine",
            ),
            ("http://10.0.0.1", "is plain http to another machine"),
            ("http://0.0.0.0:80", "is plain http to another machine"),
            (
                "http://127.0.0.1.example.com",
                "is plain http to another machine",
            ),
            ("ftp://ghe.example.com", "is not an https URL"),
            ("api.github.com", "is not an https URL"),
            ("https:///x", "is not a URL"),
        ] {
            let refused = refuse_api_url(bad).unwrap_or_default();
            assert!(refused.contains(why), "{bad}: {refused}");
        }
    }

    #[test]
    fn limits_count_characters_not_bytes() {
        assert!(within("x", &"é".repeat(10), 10).is_ok());
        assert_eq!(
            within("the comment", &"é".repeat(11), 10)
                .unwrap_err()
                .to_string(),
            "the comment is 11 characters, more than GitHub's limit of 10: not sent"
        );
    }

    #[test]
    fn the_marker_cannot_close_the_html_comment_early() {
        assert_eq!(marker("a-->b"), "<!-- gate:sticky-comment check=a- ->b -->");
    }
}
