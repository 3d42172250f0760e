//! GitHub Actions: the `GITHUB_*` variables and the event payload
//! (`GITHUB_EVENT_PATH`), read once: the pull request's base and head for new
//! code, its number, labels and fork status for publishing.

use super::{CiContext, CiError, CiKind};
use std::path::{Path, PathBuf};

/// The context from the Actions variables (`var` treats empty as unset) and the
/// event payload they point to.
pub(super) fn context(var: &dyn Fn(&str) -> Option<String>) -> Result<CiContext, CiError> {
    let mut ctx = CiContext::new(CiKind::GithubActions);
    ctx.repository = var("GITHUB_REPOSITORY");
    ctx.server_url = var("GITHUB_SERVER_URL");
    ctx.api_url = var("GITHUB_API_URL");
    ctx.checkout_sha = var("GITHUB_SHA");
    ctx.head_sha = ctx.checkout_sha.clone();
    ctx.event = var("GITHUB_EVENT_NAME");
    let event = ctx.event.clone().unwrap_or_default();
    let is_pull_request = matches!(event.as_str(), "pull_request" | "pull_request_target");
    let is_push = event == "push";
    if !is_pull_request && !is_push {
        // Other events may still carry a pull request (labels, fork); their
        // payload is read for that alone, and one that cannot be read says nothing.
        if let Some(payload) = var("GITHUB_EVENT_PATH").and_then(|p| read(Path::new(&p)).ok()) {
            ctx.pr_event = Event::from_payload(&payload);
        }
        return Ok(ctx);
    }
    let Some(path) = var("GITHUB_EVENT_PATH").map(PathBuf::from) else {
        if is_pull_request {
            return Err(CiError::MissingVariable {
                name: "GITHUB_EVENT_PATH",
                event,
            });
        }
        return Ok(ctx);
    };
    let payload = read(&path)?;
    ctx.pr_event = Event::from_payload(&payload);
    let text_at = |pointer: &str| payload.pointer(pointer).and_then(|v| v.as_str());
    if is_push {
        // The commit the branch pointed at before the push; all zeros for a new branch.
        ctx.base_sha = text_at("/before")
            .filter(|sha| !sha.bytes().all(|b| b == b'0'))
            .map(str::to_owned);
        return Ok(ctx);
    }
    let required = |pointer: &str, field: &'static str| {
        text_at(pointer)
            .map(str::to_owned)
            .ok_or_else(|| CiError::MissingField {
                path: path.clone(),
                field,
                event: event.clone(),
            })
    };
    ctx.base_sha = Some(required("/pull_request/base/sha", "pull_request.base.sha")?);
    ctx.head_sha = Some(required("/pull_request/head/sha", "pull_request.head.sha")?);
    ctx.base_ref = text_at("/pull_request/base/ref").map(|branch| format!("origin/{branch}"));
    ctx.pr_number = Some(
        payload
            .pointer("/pull_request/number")
            .and_then(serde_json::Value::as_u64)
            .ok_or_else(|| CiError::MissingField {
                path: path.clone(),
                field: "pull_request.number",
                event: event.clone(),
            })?,
    );
    Ok(ctx)
}

/// The event payload at `path`, parsed.
fn read(path: &Path) -> Result<serde_json::Value, CiError> {
    let text = std::fs::read_to_string(path).map_err(|source| CiError::EventFile {
        path: path.to_path_buf(),
        source,
    })?;
    serde_json::from_str(&text).map_err(|source| CiError::EventJson {
        path: path.to_path_buf(),
        source,
    })
}

/// What the event payload (`GITHUB_EVENT_PATH`) says about the pull request
/// beyond what the CI context keeps.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Event {
    /// The pull request's labels; `None` when there is no pull request payload.
    pub labels: Option<Vec<String>>,
    /// The head repository differs from the base one (or was deleted).
    pub fork: bool,
}

impl Event {
    /// What `payload` says about its pull request; the default without one.
    pub fn from_payload(payload: &serde_json::Value) -> Event {
        let Some(pr) = payload.get("pull_request") else {
            return Event::default();
        };
        let labels = pr.get("labels").and_then(|l| l.as_array()).map(|labels| {
            labels
                .iter()
                .filter_map(|l| l.get("name").and_then(|n| n.as_str()).map(str::to_owned))
                .collect()
        });
        let head = pr.pointer("/head/repo/full_name").and_then(|v| v.as_str());
        let base = pr
            .pointer("/base/repo/full_name")
            .or_else(|| payload.pointer("/repository/full_name"))
            .and_then(|v| v.as_str());
        let fork = match (head, base) {
            (Some(h), Some(b)) => !h.eq_ignore_ascii_case(b),
            // A deleted fork leaves `head.repo` null.
            (None, Some(_)) => pr.pointer("/head/repo").is_some_and(|r| r.is_null()),
            _ => false,
        };
        Event { labels, fork }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn event_labels_and_forks() {
        let same = json!({"pull_request": {"labels": [{"name": "Backend"}],
            "head": {"repo": {"full_name": "acme/shop"}}, "base": {"repo": {"full_name": "acme/shop"}}}});
        assert_eq!(
            Event::from_payload(&same),
            Event {
                labels: Some(vec!["Backend".into()]),
                fork: false
            }
        );
        let fork = json!({"pull_request": {"head": {"repo": {"full_name": "eve/shop"}},
            "base": {"repo": {"full_name": "acme/shop"}}}});
        assert!(Event::from_payload(&fork).fork);
        let deleted = json!({"pull_request": {"head": {"repo": null}},
            "repository": {"full_name": "acme/shop"}});
        assert!(Event::from_payload(&deleted).fork);
        assert_eq!(
            Event::from_payload(&json!({"before": "x"})),
            Event::default()
        );
    }
}
