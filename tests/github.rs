//! Publishing to GitHub, end to end: the real `gate` binary, run as a GitHub
//! Actions `pull_request` job, against
//! - a scripted, stateful fake of GitHub's API (wiremock) that keeps check runs,
//!   annotations and comments, and can be told to fail, throttle or hang; the
//!   tests assert the exact requests of each flow;
//! - Prism serving GitHub's own OpenAPI description, which rejects any request
//!   that does not match it: every request the flows made is replayed to it, and
//!   one test points gate at it directly.

mod support;

use serde_json::{json, Value};
use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use support::{stderr, PullRequest, PR, REPO, TOKEN};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

#[derive(Default)]
struct State {
    next_id: u64,
    /// Check runs as GitHub keeps them; `annotations` accumulate over PATCHes.
    check_runs: Vec<Value>,
    annotations: Vec<Vec<Value>>,
    comments: Vec<Value>,
    statuses: Vec<Value>,
    labels: Vec<String>,
    /// Scripted answers, each used once by the first request it matches.
    faults: VecDeque<(String, String, ResponseTemplate)>,
    /// Answer every request after this delay (a hanging server).
    hang: Option<Duration>,
    /// Answer every request with this (a permission problem).
    always: Option<ResponseTemplate>,
    /// `GET /user`'s login: a personal token's user. `None`: the token is an
    /// installation token (GitHub Actions' own), which GitHub answers 403 there.
    user: Option<String>,
}

/// The account GitHub Actions' own token writes as.
const ACTIONS_BOT: &str = "github-actions[bot]";

/// A GitHub that remembers: the requests of one run see what the previous
/// ones created.
#[derive(Clone, Default)]
struct FakeGitHub(Arc<Mutex<State>>);

impl FakeGitHub {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.0.lock().unwrap()
    }

    /// The next request with `method` whose path contains `path` gets `answer`.
    fn fail_once(&self, method: &str, path: &str, answer: ResponseTemplate) {
        self.state()
            .faults
            .push_back((method.to_string(), path.to_string(), answer));
    }

    fn add_comment(&self, author: &str, body: &str) -> u64 {
        let mut s = self.state();
        s.next_id += 1;
        let id = s.next_id;
        s.comments
            .push(json!({"id": id, "body": body, "user": {"login": author}}));
        id
    }
}

impl State {
    /// Who the token writes as.
    fn account(&self) -> String {
        self.user.clone().unwrap_or_else(|| ACTIONS_BOT.to_string())
    }
}

fn body(request: &Request) -> Value {
    serde_json::from_slice(&request.body).unwrap_or(Value::Null)
}

fn query(request: &Request, key: &str) -> Option<String> {
    request
        .url
        .query_pairs()
        .find(|(k, _)| k == key)
        .map(|(_, v)| v.into_owned())
}

impl Respond for FakeGitHub {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        let mut s = self.state();
        let method = request.method.as_str().to_string();
        let path = request.url.path().to_string();
        if let Some(delay) = s.hang {
            return ResponseTemplate::new(200).set_delay(delay);
        }
        if let Some(answer) = &s.always {
            return answer.clone();
        }
        if let Some(i) = s
            .faults
            .iter()
            .position(|(m, p, _)| *m == method && path.contains(p.as_str()))
        {
            return s.faults.remove(i).unwrap().2;
        }
        if (method.as_str(), path.as_str()) == ("GET", "/user") {
            return match &s.user {
                Some(login) => ResponseTemplate::new(200).set_body_json(json!({"login": login})),
                None => ResponseTemplate::new(403).set_body_json(json!({
                    "message": "Resource not accessible by integration"
                })),
            };
        }
        let repo = format!("/repos/{REPO}");
        let Some(rest) = path.strip_prefix(&repo) else {
            return ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"}));
        };
        let parts: Vec<&str> = rest.trim_start_matches('/').split('/').collect();
        let b = body(request);
        let too_many = |b: &Value| {
            b.pointer("/output/annotations")
                .and_then(Value::as_array)
                .is_some_and(|a| a.len() > 50)
        };
        match (method.as_str(), parts.as_slice()) {
            ("GET", ["commits", sha, "check-runs"]) => {
                let name = query(request, "check_name");
                let runs: Vec<Value> = s
                    .check_runs
                    .iter()
                    .zip(&s.annotations)
                    .filter(|(r, _)| r["head_sha"] == *sha)
                    .filter(|(r, _)| name.as_deref().is_none_or(|n| r["name"] == n))
                    .map(|(r, a)| {
                        let mut r = r.clone();
                        r["output"]["annotations_count"] = json!(a.len());
                        r
                    })
                    .collect();
                ResponseTemplate::new(200)
                    .set_body_json(json!({"total_count": runs.len(), "check_runs": runs}))
            }
            ("POST", ["check-runs"]) => {
                if too_many(&b) {
                    return ResponseTemplate::new(422);
                }
                s.next_id += 1;
                let mut run = b.clone();
                run["id"] = json!(s.next_id);
                if s.user.is_none() {
                    run["app"] = json!({"slug": "github-actions"});
                }
                let annotations = b
                    .pointer("/output/annotations")
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default();
                s.check_runs.push(run.clone());
                s.annotations.push(annotations);
                ResponseTemplate::new(201).set_body_json(run)
            }
            ("PATCH", ["check-runs", id]) => {
                if too_many(&b) {
                    return ResponseTemplate::new(422);
                }
                let Some(i) = s
                    .check_runs
                    .iter()
                    .position(|r| r["id"].as_u64() == id.parse().ok())
                else {
                    return ResponseTemplate::new(404);
                };
                if let Some(a) = b.pointer("/output/annotations").and_then(Value::as_array) {
                    s.annotations[i].extend(a.iter().cloned());
                }
                for (k, v) in b.as_object().unwrap() {
                    s.check_runs[i][k] = v.clone();
                }
                ResponseTemplate::new(200).set_body_json(s.check_runs[i].clone())
            }
            ("GET", ["issues", _, "comments"]) => {
                let per_page: usize = query(request, "per_page").map_or(30, |p| p.parse().unwrap());
                let page: usize = query(request, "page").map_or(1, |p| p.parse().unwrap());
                let list: Vec<Value> = s
                    .comments
                    .iter()
                    .skip((page - 1) * per_page)
                    .take(per_page)
                    .cloned()
                    .collect();
                ResponseTemplate::new(200).set_body_json(list)
            }
            ("POST", ["issues", _, "comments"]) => {
                s.next_id += 1;
                let comment =
                    json!({"id": s.next_id, "body": b["body"], "user": {"login": s.account()}});
                s.comments.push(comment.clone());
                ResponseTemplate::new(201).set_body_json(comment)
            }
            ("PATCH", ["issues", "comments", id]) => {
                match s
                    .comments
                    .iter_mut()
                    .find(|c| c["id"].as_u64() == id.parse().ok())
                {
                    Some(c) => {
                        c["body"] = b["body"].clone();
                        ResponseTemplate::new(200).set_body_json(c.clone())
                    }
                    None => ResponseTemplate::new(404),
                }
            }
            ("DELETE", ["issues", "comments", id]) => {
                s.comments.retain(|c| c["id"].as_u64() != id.parse().ok());
                ResponseTemplate::new(204)
            }
            ("POST", ["statuses", _sha]) => {
                s.statuses.push(b.clone());
                ResponseTemplate::new(201).set_body_json(b)
            }
            ("GET", ["pulls", _]) => {
                let labels: Vec<Value> = s.labels.iter().map(|l| json!({"name": l})).collect();
                ResponseTemplate::new(200).set_body_json(json!({"number": PR, "labels": labels}))
            }
            _ => ResponseTemplate::new(404).set_body_json(json!({"message": "Not Found"})),
        }
    }
}

/// The fake on 127.0.0.1, with the runtime that serves it.
struct Server {
    runtime: tokio::runtime::Runtime,
    server: MockServer,
    fake: FakeGitHub,
}

impl Server {
    fn start() -> Server {
        let runtime = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        let fake = FakeGitHub::default();
        let server = runtime.block_on(async {
            let server = MockServer::start().await;
            Mock::given(wiremock::matchers::any())
                .respond_with(fake.clone())
                .mount(&server)
                .await;
            server
        });
        Server {
            runtime,
            server,
            fake,
        }
    }

    fn url(&self) -> String {
        self.server.uri()
    }

    /// Every request so far, as `METHOD /path?query`, with its JSON body.
    fn requests(&self) -> Vec<(String, Value)> {
        self.raw_requests()
            .iter()
            .map(|r| {
                let mut line = format!("{} {}", r.method, r.url.path());
                if let Some(q) = r.url.query() {
                    line.push('?');
                    line.push_str(q);
                }
                (line, body(r))
            })
            .collect()
    }

    fn raw_requests(&self) -> Vec<Request> {
        self.runtime
            .block_on(self.server.received_requests())
            .unwrap_or_default()
    }

    fn lines(&self) -> Vec<String> {
        self.requests().into_iter().map(|(l, _)| l).collect()
    }

    /// Replays every request gate made to Prism, which must accept each one.
    fn assert_github_accepts_every_request(&self) {
        let prism = support::prism();
        for r in self.raw_requests() {
            let mut path = r.url.path().to_string();
            if let Some(q) = r.url.query() {
                path = format!("{path}?{q}");
            }
            let body = (!r.body.is_empty()).then_some(r.body.as_slice());
            let (status, answer) = prism.replay(r.method.as_str(), &path, body);
            assert!(
                (200..300).contains(&status),
                "GitHub's description rejects {} {path} ({status}):\n{answer}\nbody: {}",
                r.method,
                String::from_utf8_lossy(&r.body)
            );
        }
    }
}

fn check_runs_path(sha: &str) -> String {
    format!("GET /repos/{REPO}/commits/{sha}/check-runs?check_name=gate&filter=latest&per_page=100")
}

#[test]
fn two_runs_on_one_commit_leave_one_check_run_and_one_comment() {
    let server = Server::start();
    let pr = PullRequest::new(3, 1);
    let first = pr.gate(&server.url(), &[]);
    assert_eq!(first.status.code(), Some(1), "{}", stderr(&first));
    let second = pr.gate(&server.url(), &[]);
    assert_eq!(second.status.code(), Some(1), "{}", stderr(&second));
    let head = &pr.head;
    assert_eq!(
        server.lines(),
        [
            check_runs_path(head),
            format!("POST /repos/{REPO}/check-runs"),
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("POST /repos/{REPO}/issues/{PR}/comments"),
            format!("POST /repos/{REPO}/statuses/{head}"),
            check_runs_path(head),
            format!("PATCH /repos/{REPO}/check-runs/1"),
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("PATCH /repos/{REPO}/issues/comments/2"),
            format!("POST /repos/{REPO}/statuses/{head}"),
        ]
    );
    let requests = server.requests();
    let create = &requests[1].1;
    assert_eq!(create["name"], "gate");
    assert_eq!(create["head_sha"], *head);
    assert_eq!(create["status"], "completed");
    assert_eq!(create["conclusion"], "failure");
    assert_eq!(create["external_id"], "gate:gate");
    assert_eq!(
        create["details_url"],
        format!("https://github.com/{REPO}/actions/runs/99")
    );
    assert!(create["output"]["title"]
        .as_str()
        .unwrap()
        .starts_with("Failed: "));
    assert_eq!(
        create["output"]["annotations"].as_array().unwrap().len(),
        4,
        "3 prints and 1 empty catch block"
    );
    assert_eq!(
        create["output"]["annotations"][0]["annotation_level"],
        "failure"
    );
    // The re-run keeps the annotations GitHub already has (it would append).
    let update = &requests[6].1;
    assert_eq!(update["conclusion"], "failure");
    assert!(update["output"].get("annotations").is_none());
    let comment = requests[3].1["body"].as_str().unwrap();
    assert!(comment.starts_with("<!-- gate:sticky-comment check=gate -->\n"));
    assert_eq!(requests[8].1["body"], requests[3].1["body"]);
    assert_eq!(
        requests[4].1,
        json!({"state": "failure", "context": "gate",
               "description": requests[4].1["description"],
               "target_url": format!("https://github.com/{REPO}/actions/runs/99")})
    );
    let state = server.fake.state();
    assert_eq!(state.check_runs.len(), 1);
    assert_eq!(state.annotations[0].len(), 4);
    assert_eq!(state.comments.len(), 1);
    assert_eq!(state.statuses.len(), 2);
    drop(state);
    let err = stderr(&second);
    assert!(
        err.contains("gate: published: check run `gate` updated"),
        "{err}"
    );
    assert!(
        err.contains("gate: published: comment on #7 updated"),
        "{err}"
    );
    server.assert_github_accepts_every_request();
}

#[test]
fn an_earlier_comment_is_found_by_its_marker_on_a_later_page_and_updated() {
    let server = Server::start();
    for i in 0..100 {
        server.fake.add_comment("ann", &format!("LGTM {i}"));
    }
    let ours = server.fake.add_comment(
        ACTIONS_BOT,
        "<!-- gate:sticky-comment check=gate -->\nold report",
    );
    let mut pr = PullRequest::new(1, 0);
    pr.write_config("[github]\ncheck_run = false\nstatus = false\n");
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=2"),
            "GET /user".to_string(),
            format!("PATCH /repos/{REPO}/issues/comments/{ours}"),
        ]
    );
    let state = server.fake.state();
    assert_eq!(state.comments.len(), 101);
    let body = state.comments[100]["body"].as_str().unwrap();
    assert!(
        body.contains("passed") && !body.contains("old report"),
        "{body}"
    );
    drop(state);
    server.assert_github_accepts_every_request();
}

#[test]
fn a_clean_pull_request_deletes_the_comment_when_asked() {
    let server = Server::start();
    let ours = server.fake.add_comment(
        ACTIONS_BOT,
        "<!-- gate:sticky-comment check=gate -->\nold report",
    );
    let mut pr = PullRequest::new(0, 0);
    pr.write_config(
        "[github]\ncheck_run = false\nstatus = false\ndelete_comment_when_clean = true\n",
    );
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        server.lines(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            "GET /user".to_string(),
            format!("DELETE /repos/{REPO}/issues/comments/{ours}"),
        ]
    );
    assert!(server.fake.state().comments.is_empty());
    server.assert_github_accepts_every_request();
}

#[test]
fn annotations_go_in_batches_of_50_up_to_the_cap() {
    let server = Server::start();
    let mut pr = PullRequest::new(120, 0);
    pr.write_config("[github]\ncomment = false\nstatus = false\nmax_annotations = 110\n");
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let requests = server.requests();
    let lines: Vec<&str> = requests.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        lines,
        [
            check_runs_path(&pr.head).as_str(),
            &format!("POST /repos/{REPO}/check-runs"),
            &format!("PATCH /repos/{REPO}/check-runs/1"),
            &format!("PATCH /repos/{REPO}/check-runs/1"),
        ]
    );
    let sizes: Vec<usize> = requests[1..]
        .iter()
        .map(|(_, b)| b["output"]["annotations"].as_array().unwrap().len())
        .collect();
    assert_eq!(sizes, [50, 50, 10]);
    for (_, b) in &requests[1..] {
        let summary = b["output"]["summary"].as_str().unwrap();
        assert!(
            summary.contains("10 more annotation(s) not attached ([github] max_annotations = 110)"),
            "{summary}"
        );
    }
    let first = &requests[1].1["output"]["annotations"][0];
    assert_eq!(first["path"], "src/main/java/com/acme/Noisy.java");
    assert_eq!(first["annotation_level"], "warning");
    assert_eq!(first["start_line"], first["end_line"]);
    assert!(first["start_column"].is_u64());
    assert_eq!(server.fake.state().annotations[0].len(), 110);
    server.assert_github_accepts_every_request();
}

#[test]
fn a_server_error_is_retried_and_then_succeeds() {
    let server = Server::start();
    server.fake.fail_once(
        "POST",
        "/check-runs",
        ResponseTemplate::new(500).set_body_json(json!({"message": "Server Error"})),
    );
    let mut pr = PullRequest::new(1, 0);
    pr.write_config("[github]\ncomment = false\nstatus = false\n");
    let started = Instant::now();
    let out = pr.gate(&server.url(), &["--require-publish"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "backs off first"
    );
    assert_eq!(
        server.lines(),
        [
            check_runs_path(&pr.head),
            format!("POST /repos/{REPO}/check-runs"),
            format!("POST /repos/{REPO}/check-runs"),
        ]
    );
    let requests = server.requests();
    assert_eq!(requests[1].1, requests[2].1, "the same request again");
    assert_eq!(server.fake.state().check_runs.len(), 1);
    server.assert_github_accepts_every_request();
}

#[test]
fn a_429_waits_as_long_as_retry_after_says() {
    let server = Server::start();
    server.fake.fail_once(
        "GET",
        "/check-runs",
        ResponseTemplate::new(429)
            .insert_header("retry-after", "2")
            .set_body_json(json!({"message": "You have exceeded a secondary rate limit"})),
    );
    // A primary rate limit on the status: wait until x-ratelimit-reset.
    let reset = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
        + 1;
    server.fake.fail_once(
        "POST",
        "/statuses/",
        ResponseTemplate::new(403)
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string().as_str())
            .set_body_json(json!({"message": "API rate limit exceeded"})),
    );
    let mut pr = PullRequest::new(1, 0);
    pr.write_config("[github]\ncomment = false\n");
    let started = Instant::now();
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        started.elapsed() >= Duration::from_secs(3),
        "{:?}",
        started.elapsed()
    );
    let lines = server.lines();
    assert_eq!(lines.len(), 5, "{lines:#?}");
    assert_eq!(lines[0], lines[1]);
    assert_eq!(lines[3], lines[4]);
    assert!(!stderr(&out).contains("warning"), "{}", stderr(&out));
}

#[test]
fn a_rate_limit_longer_than_max_wait_gives_up_at_once() {
    let server = Server::start();
    server.fake.fail_once(
        "GET",
        "/check-runs",
        ResponseTemplate::new(429).insert_header("retry-after", "3600"),
    );
    let mut pr = PullRequest::new(1, 0);
    pr.write_config("[github]\ncomment = false\nstatus = false\n");
    let started = Instant::now();
    let out = pr.gate(&server.url(), &[]);
    assert!(started.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(0), "a passed gate stays passed");
    let err = stderr(&out);
    assert!(
        err.contains("rate limited, and GitHub asks to wait 3600 s (more than [github] max_wait_seconds = 60)"),
        "{err}"
    );
}

#[test]
fn a_fork_pull_request_falls_back_to_the_step_summary_and_annotations() {
    let server = Server::start();
    server.fake.state().always = Some(
        ResponseTemplate::new(403)
            .set_body_json(json!({"message": "Resource not accessible by integration",
               "documentation_url": "https://docs.github.com/rest"})),
    );
    let pr = PullRequest::with_event(2, 1, |e| {
        e["pull_request"]["head"]["repo"]["full_name"] = json!("eve/shop");
    });
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(1), "the failed gate stays failed");
    let err = stderr(&out);
    assert!(
        err.contains("could not post the check run on GitHub: GET /repos/acme/shop/commits/"),
        "{err}"
    );
    assert!(
        err.contains("HTTP 403: Resource not accessible by integration"),
        "{err}"
    );
    assert!(err.contains("this pull request comes from a fork"), "{err}");
    assert!(err.contains("workflow_run"), "{err}");
    assert!(
        err.contains("::error file=src/main/java/com/acme/Noisy.java,line="),
        "{err}"
    );
    assert!(
        err.contains("::warning file=src/main/java/com/acme/Noisy.java"),
        "{err}"
    );
    let summary = std::fs::read_to_string(pr.step_summary()).unwrap();
    assert!(summary.contains("failed"), "{summary}");
    let outputs = std::fs::read_to_string(pr.outputs()).unwrap();
    assert!(outputs.contains("verdict=failed\n"), "{outputs}");
    assert!(outputs.contains("new-issues=3\n"), "{outputs}");
    // 403 without rate-limit headers is final: one try per request.
    assert_eq!(server.lines().len(), 3, "{:#?}", server.lines());

    // A passing gate on a fork passes, unless publishing is required.
    let clean = PullRequest::with_event(1, 0, |e| {
        e["pull_request"]["head"]["repo"]["full_name"] = json!("eve/shop");
    });
    assert_eq!(clean.gate(&server.url(), &[]).status.code(), Some(0));
    assert_eq!(
        clean
            .gate(&server.url(), &["--require-publish"])
            .status
            .code(),
        Some(2)
    );
}

#[test]
fn a_hanging_server_times_out_and_the_verdict_stands() {
    let server = Server::start();
    server.fake.state().hang = Some(Duration::from_secs(60));
    let mut pr = PullRequest::new(0, 1);
    pr.write_config("[github]\ntimeout_seconds = 1\nretries = 1\n");
    let started = Instant::now();
    let out = pr.gate(&server.url(), &[]);
    let took = started.elapsed();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(took < Duration::from_secs(20), "{took:?}");
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "GET /repos/{REPO}/commits/{}/check-runs?check_name=gate&filter=latest&per_page=100: no answer within 1 s (2 attempt(s))",
            pr.head
        )),
        "{err}"
    );
    // A POST that may have arrived is not sent again.
    assert!(
        err.contains(&format!(
            "POST /repos/{REPO}/statuses/{}: no answer within 1 s (1 attempt(s))",
            pr.head
        )),
        "{err}"
    );
}

#[test]
fn only_labelled_pull_requests_are_gated() {
    let server = Server::start();
    let mut pr = PullRequest::with_event(0, 1, |e| {
        e["pull_request"]["labels"] = json!([{"name": "docs"}]);
    });
    pr.write_config("[github]\nonly_labels = [\"backend\"]\n");
    let out = pr.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("gate: skipped: pull request #7 has none of the labels backend"),
        "{err}"
    );
    let requests = server.requests();
    let lines: Vec<&str> = requests.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        lines,
        [
            check_runs_path(&pr.head).as_str(),
            &format!("POST /repos/{REPO}/check-runs"),
            &format!("POST /repos/{REPO}/statuses/{}", pr.head),
        ]
    );
    assert_eq!(requests[1].1["conclusion"], "neutral");
    assert_eq!(requests[2].1["state"], "success");
    let outputs = std::fs::read_to_string(pr.outputs()).unwrap();
    assert!(outputs.contains("verdict=skipped\n"), "{outputs}");

    // Labels read from the API when the event has none (Jenkins, workflow_run).
    let mut labelled = PullRequest::with_event(0, 1, |e| {
        e["pull_request"].as_object_mut().unwrap().remove("labels");
    });
    labelled
        .write_config("[github]\nonly_labels = [\"backend\"]\ncomment = false\nstatus = false\n");
    server.fake.state().labels = vec!["Backend".into()];
    let out = labelled.gate(&server.url(), &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let lines = server.lines();
    assert_eq!(lines[3], format!("GET /repos/{REPO}/pulls/{PR}"));
    server.assert_github_accepts_every_request();
}

#[test]
fn the_token_appears_in_no_byte_gate_prints_or_writes() {
    let server = Server::start();
    let pr = PullRequest::new(2, 1);
    // GitHub echoing the credentials in an error (it does not, but a proxy might).
    server.fake.fail_once(
        "POST",
        "/check-runs",
        ResponseTemplate::new(422)
            .set_body_json(json!({"message": format!("bad credentials Bearer {TOKEN}")})),
    );
    let report = pr.dir.path().join("report.json");
    let mut everything: Vec<u8> = Vec::new();
    for args in [
        vec!["--format", "json", "-o", report.to_str().unwrap()],
        vec!["--format", "json"],
        vec!["--publish", "github", "--require-publish"],
    ] {
        let out = pr.gate(&server.url(), &args);
        everything.extend(&out.stdout);
        everything.extend(&out.stderr);
    }
    server.fake.state().always =
        Some(ResponseTemplate::new(401).set_body_json(json!({"message": TOKEN})));
    let out = pr.gate(&server.url(), &[]);
    everything.extend(&out.stdout);
    everything.extend(&out.stderr);
    let protect = std::process::Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["github", "protect", "--branch", "main", "--repo", REPO])
        .env_clear()
        .env("GATE_GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", server.url())
        .current_dir(pr.dir.path())
        .output()
        .unwrap();
    assert_eq!(protect.status.code(), Some(2));
    everything.extend(&protect.stdout);
    everything.extend(&protect.stderr);
    for file in walk(pr.dir.path()) {
        everything.extend(std::fs::read(file).unwrap());
    }
    let text = String::from_utf8_lossy(&everything);
    assert!(text.contains("***"), "the echoed token was redacted");
    assert!(text.contains("gate: published"), "publishing happened");
    assert!(
        !everything
            .windows(TOKEN.len())
            .any(|w| w == TOKEN.as_bytes()),
        "the token leaked:\n{text}"
    );
    // And on the wire it only ever travels in the Authorization header.
    for r in server.raw_requests() {
        assert_eq!(
            r.headers.get("authorization").unwrap().to_str().unwrap(),
            format!("Bearer {TOKEN}")
        );
        assert!(!String::from_utf8_lossy(&r.body).contains(TOKEN));
    }
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

/// gate pointed at Prism itself: every request of a publish with annotations in
/// batches, a label lookup and `gate github protect` must match GitHub's
/// description (Prism logs each request and whether it passed validation).
#[test]
fn prism_with_githubs_description_accepts_every_request_gate_makes() {
    let prism = support::Prism::start();
    let mut pr = PullRequest::with_event(60, 1, |e| {
        e["pull_request"].as_object_mut().unwrap().remove("labels");
    });
    pr.write_config("[github]\nonly_labels = [\"bug\"]\n");
    let out = pr.gate(&prism.url, &["--require-publish"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    for want in [
        "gate: published: check run `gate` created",
        "(failure, 61 annotation(s))",
        "gate: published: comment on #7 posted",
        "gate: published: status `gate` set to failure",
    ] {
        assert!(err.contains(want), "{want}\n{err}");
    }
    assert!(!err.contains("warning: could not"), "{err}");
    let protect = std::process::Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["github", "protect", "--branch", "main", "--repo", REPO])
        .env_clear()
        .env("GATE_GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", &prism.url)
        .current_dir(pr.dir.path())
        .output()
        .unwrap();
    assert_eq!(protect.status.code(), Some(0), "{}", stderr(&protect));
    assert!(support::stdout(&protect).contains("acme/shop@main: required checks now"));
    let ruleset = std::process::Command::new(env!("CARGO_BIN_EXE_gate"))
        .args([
            "github",
            "protect",
            "--branch",
            "main",
            "--repo",
            REPO,
            "--ruleset",
        ])
        .env_clear()
        .env("GATE_GITHUB_TOKEN", TOKEN)
        .env("GITHUB_API_URL", &prism.url)
        .current_dir(pr.dir.path())
        .output()
        .unwrap();
    assert_eq!(ruleset.status.code(), Some(0), "{}", stderr(&ruleset));
    assert!(
        support::stdout(&ruleset).contains("acme/shop@main: ruleset `gate` created"),
        "{}",
        support::stdout(&ruleset)
    );

    let log = std::fs::read_to_string(&prism.log).unwrap();
    let received: Vec<&str> = log
        .lines()
        .filter(|l| l.contains("[HTTP SERVER]") && l.contains("Request received"))
        .collect();
    let accepted = log
        .lines()
        .filter(|l| l.contains("The request passed the validation rules"))
        .count();
    // The readiness probe, then labels, check runs (GET, POST, PATCH), comments
    // (GET, POST), status, protection (GET, PUT), rulesets (GET, POST).
    assert_eq!(received.len(), 12, "{received:#?}");
    assert_eq!(received.len(), accepted, "a request was rejected:\n{log}");
    // GitHub's own examples break its response schemas in places (branch
    // protection); only a request may not break the description.
    let request_errors: Vec<&str> = log
        .lines()
        .filter(|l| l.contains('✖') && !l.contains("Violation: response."))
        .collect();
    assert!(request_errors.is_empty(), "{request_errors:#?}");
    for expected in [
        "get /repos/acme/shop/pulls/7 ",
        "post /repos/acme/shop/check-runs ",
        "patch /repos/acme/shop/check-runs/4 ",
        "post /repos/acme/shop/issues/7/comments ",
        "post /repos/acme/shop/statuses/",
        "put /repos/acme/shop/branches/main/protection ",
        "post /repos/acme/shop/rulesets ",
    ] {
        assert!(log.contains(expected), "{expected}\n{log}");
    }
}

/// A Jenkins multibranch build of the same pull request publishes with the same
/// code: the repository from CHANGE_URL, the PR from CHANGE_ID, the link to
/// BUILD_URL, and no GitHub Actions step files.
#[test]
fn a_jenkins_pull_request_build_publishes_the_same_way() {
    let server = Server::start();
    let mut pr = PullRequest::new(1, 1);
    pr.write_config("[github]\ncheck_run = false\n");
    let out = jenkins(&pr, &server, &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let requests = server.requests();
    let lines: Vec<&str> = requests.iter().map(|(l, _)| l.as_str()).collect();
    assert_eq!(
        lines,
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1").as_str(),
            &format!("POST /repos/{REPO}/issues/{PR}/comments"),
            &format!("POST /repos/{REPO}/statuses/{}", pr.head),
        ]
    );
    assert_eq!(
        requests[2].1["target_url"],
        "https://ci.example.com/job/shop/PR-7/3/"
    );
    assert_eq!(requests[2].1["state"], "failure");
    assert!(
        requests[2].1["description"]
            .as_str()
            .unwrap()
            .starts_with("Failed: "),
        "{}",
        requests[2].1
    );
    assert!(!pr.step_summary().exists());
    server.assert_github_accepts_every_request();
}

// Hostile answers and settings: a server that redirects, answers without end or
// is reached in clear, a marker anyone can copy, limits a setting can break.

/// Posting the comment as the stand-in with `config`, with `--require-publish`.
fn publish_comment(server: &Server, config: &str) -> (Option<i32>, String) {
    let mut pr = PullRequest::new(1, 0);
    pr.write_config(config);
    let out = pr.gate(&server.url(), &["--require-publish"]);
    (out.status.code(), stderr(&out))
}

const COMMENT_ONLY: &str = "[github]\ncheck_run = false\nstatus = false\n";

#[test]
fn a_redirect_is_not_followed_and_fails_naming_its_location() {
    let server = Server::start();
    // Where the redirect points: it would take anything and say 200.
    let elsewhere = Server::start();
    elsewhere.fake.state().always =
        Some(ResponseTemplate::new(200).set_body_json(json!({"id": 1})));
    let location = format!("{}/collect", elsewhere.url());
    server.fake.fail_once(
        "POST",
        &format!("/issues/{PR}/comments"),
        ResponseTemplate::new(302).insert_header("location", location.as_str()),
    );
    let (code, err) = publish_comment(&server, COMMENT_ONLY);
    assert_eq!(code, Some(2), "publishing failed and is required: {err}");
    assert!(
        err.contains(&format!(
            "could not update the pull-request comment on GitHub: POST /repos/{REPO}/issues/{PR}/comments: \
             HTTP 302 redirects to {location}, which gate does not follow"
        )),
        "{err}"
    );
    assert!(!err.contains("comment on #7 posted"), "{err}");
    assert!(
        elsewhere.raw_requests().is_empty(),
        "nothing went to {location}"
    );
    assert_eq!(
        server.lines(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            format!("POST /repos/{REPO}/issues/{PR}/comments"),
        ],
        "a redirect is final, not retried"
    );
}

#[test]
fn an_answer_larger_than_gate_reads_fails_without_being_kept() {
    let server = Server::start();
    // A valid JSON list of 40 MB: read whole, it would pass for "no comment".
    let mut huge = vec![b' '; 40 << 20];
    huge[0] = b'[';
    *huge.last_mut().unwrap() = b']';
    server.fake.fail_once(
        "GET",
        &format!("/issues/{PR}/comments"),
        ResponseTemplate::new(200).set_body_raw(huge, "application/json"),
    );
    let (code, err) = publish_comment(&server, COMMENT_ONLY);
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1: \
             the answer is larger than 33554432 bytes, more than gate reads"
        )),
        "{err}"
    );
    assert_eq!(server.lines().len(), 1, "not retried, nothing posted");
}

#[test]
fn the_token_never_goes_in_clear_to_another_machine() {
    let server = Server::start();
    let mut pr = PullRequest::new(1, 0);
    pr.write_config(COMMENT_ONLY);
    // 0.0.0.0 reaches this machine's stand-in, yet is no loopback address: it
    // stands for a remote host without anything leaving the machine.
    let port = server.url().rsplit(':').next().unwrap().to_string();
    let api = format!("http://0.0.0.0:{port}");
    let out = pr.gate(&api, &["--require-publish"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(&format!(
            "the GitHub API address `{api}` is plain http to another machine: \
             the token would cross the network in clear; use https (GITHUB_API_URL)"
        )),
        "{err}"
    );
    assert!(server.raw_requests().is_empty(), "no request was sent");
    // Loopback stays allowed (every other test here) and so does `localhost`.
    let out = pr.gate(&format!("http://localhost:{port}"), &["--require-publish"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn a_check_name_too_long_for_the_comment_fails_before_sending() {
    let server = Server::start();
    let name = "n".repeat(70_000);
    let (code, err) = publish_comment(
        &server,
        &format!("[github]\ncheck_run = false\nstatus = false\ncheck_name = \"{name}\"\n"),
    );
    assert_eq!(code, Some(2), "{err}");
    assert!(
        err.contains(
            "could not update the pull-request comment on GitHub: the comment is 70036 characters, \
             more than GitHub's limit of 65536: not sent"
        ),
        "{err}"
    );
    assert_eq!(server.lines().len(), 1, "only the comments were read");
}

#[test]
fn a_comment_holding_the_marker_is_gates_only_if_gate_wrote_it() {
    let server = Server::start();
    let marker = "<!-- gate:sticky-comment check=gate -->";
    // Eve copies the marker into six comments (ids 1 to 6); five are named.
    for _ in 0..6 {
        server
            .fake
            .add_comment("eve", &format!("{marker}\nAll clear, merge away!"));
    }
    let mut pr = PullRequest::new(1, 0);
    pr.write_config("[github]\nstatus = false\n");
    for run in ["posted", "updated"] {
        let out = pr.gate(&server.url(), &["--require-publish"]);
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{err}");
        assert!(
            err.contains(&format!(
                "gate: published: comment on #7 {run}; comment(s) 1 by eve, 2 by eve, 3 by eve, \
                 4 by eve, 5 by eve and 1 more hold gate's marker but were not written by \
                 github-actions[bot]: left alone"
            )),
            "{err}"
        );
    }
    let state = server.fake.state();
    assert_eq!(state.comments.len(), 7);
    for eves in &state.comments[..6] {
        assert_eq!(eves["body"], format!("{marker}\nAll clear, merge away!"));
    }
    assert_eq!(state.comments[6]["user"]["login"], ACTIONS_BOT);
    drop(state);
    // The check run's answer named gate's account: `GET /user` was not needed.
    assert!(!server.lines().contains(&"GET /user".to_string()));
    server.assert_github_accepts_every_request();
}

#[test]
fn a_personal_tokens_comment_is_known_by_get_user() {
    let server = Server::start();
    server.fake.state().user = Some("ci-bot".into());
    let marker = "<!-- gate:sticky-comment check=gate -->";
    server
        .fake
        .add_comment(ACTIONS_BOT, &format!("{marker}\nsomeone else's"));
    let ours = server
        .fake
        .add_comment("CI-Bot", &format!("{marker}\nold report"));
    let (code, err) = publish_comment(&server, COMMENT_ONLY);
    assert_eq!(code, Some(0), "{err}");
    assert!(
        err.contains(
            "gate: published: comment on #7 updated; comment(s) 1 by github-actions[bot] hold \
             gate's marker but were not written by ci-bot: left alone"
        ),
        "{err}"
    );
    assert_eq!(
        server.lines(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            "GET /user".to_string(),
            format!("PATCH /repos/{REPO}/issues/comments/{ours}"),
        ]
    );
    server.assert_github_accepts_every_request();
}

/// `gate check --publish github ARGS` as a Jenkins multibranch build of `pr`.
fn jenkins(pr: &PullRequest, server: &Server, args: &[&str]) -> std::process::Output {
    let root = pr.root();
    support::git(&root, &["remote", "add", "origin", root.to_str().unwrap()]);
    support::git(&root, &["fetch", "-q", "origin"]);
    std::process::Command::new(env!("CARGO_BIN_EXE_gate"))
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", pr.dir.path())
        .env("JENKINS_URL", "https://ci.example.com/")
        .env("BUILD_URL", "https://ci.example.com/job/shop/PR-7/3/")
        .env("CHANGE_ID", PR.to_string())
        .env("CHANGE_TARGET", "main")
        .env("CHANGE_URL", format!("https://github.com/{REPO}/pull/{PR}"))
        .env("GIT_COMMIT", &pr.head)
        .env("GITHUB_API_URL", server.url())
        .env("GATE_GITHUB_TOKEN", TOKEN)
        .args(["check", root.to_str().unwrap(), "--publish", "github"])
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn outside_actions_an_app_token_without_a_check_run_edits_no_marked_comment() {
    // A GitHub App's installation token (GET /user: 403) in Jenkins, with no
    // check run to name its app: no marked comment can be told to be gate's.
    let server = Server::start();
    server.fake.add_comment(
        "eve",
        "<!-- gate:sticky-comment check=gate -->\nAll clear, merge away!",
    );
    let mut pr = PullRequest::new(1, 0);
    pr.write_config(COMMENT_ONLY);
    let out = jenkins(&pr, &server, &["--require-publish"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains(
            "could not update the pull-request comment on GitHub: cannot tell whose comments are \
             gate's own: GET /user: HTTP 403: Resource not accessible by integration; a GitHub App \
             token's account is known from the check run it posts ([github] check_run = true)"
        ),
        "{err}"
    );
    assert_eq!(
        server.lines(),
        [
            format!("GET /repos/{REPO}/issues/{PR}/comments?per_page=100&page=1"),
            "GET /user".to_string(),
        ]
    );
}
