//! What the event payload (`GITHUB_EVENT_PATH`) says about a pull request
//! beyond the CI context: its labels (for `[github] only_labels`) and whether it
//! comes from a fork (whose token is read-only). The step summary, outputs and
//! workflow-command annotations are `report::github`'s.

use std::path::PathBuf;

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
    /// Reads the payload; anything unreadable yields the default (the CI context
    /// has already refused a pull request whose payload is broken).
    pub fn read(env: &dyn Fn(&str) -> Option<String>) -> Event {
        let Some(path) = env("GITHUB_EVENT_PATH").filter(|p| !p.is_empty()) else {
            return Event::default();
        };
        let Ok(text) = std::fs::read_to_string(PathBuf::from(path)) else {
            return Event::default();
        };
        let Ok(payload) = serde_json::from_str::<serde_json::Value>(&text) else {
            return Event::default();
        };
        Event::from_payload(&payload)
    }

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
