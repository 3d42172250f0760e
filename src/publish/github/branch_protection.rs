//! `gate github protect`: the gate's check made required on a branch, by classic
//! branch protection (keeping the branch's other settings) or by a ruleset.

use super::{encode, ApiError, Client, Method};
use crate::ci::github::GithubConfig;
use serde_json::{json, Value};

/// `gate github protect`: makes the checks in `contexts` required on `branch`,
/// keeping the branch's other protection settings. Returns what it did.
pub fn protect(
    api_url: &str,
    token: &str,
    config: &GithubConfig,
    owner: &str,
    repo: &str,
    branch: &str,
    contexts: &[String],
) -> Result<String, ApiError> {
    blocking(api_url, token, config, async |client| {
        let path = format!(
            "/repos/{owner}/{repo}/branches/{}/protection",
            encode(branch, true)
        );
        let current = match client.send(Method::Get, &path, None).await {
            Ok(v) => Some(v),
            // 404: the branch is not protected yet (or cannot be seen; the PUT says which).
            Err(ApiError::Status { status: 404, .. }) => None,
            Err(e) => return Err(e),
        };
        let body = protection_body(current.as_ref(), contexts);
        let required: Vec<&str> = body["required_status_checks"]["contexts"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        let already = current.as_ref().is_some_and(|c| {
            contexts.iter().all(|want| {
                c.pointer("/required_status_checks/contexts")
                    .and_then(Value::as_array)
                    .is_some_and(|have| have.iter().any(|h| h.as_str() == Some(want)))
            })
        });
        if already {
            return Ok(format!(
                "{owner}/{repo}@{branch}: `{}` already required; nothing changed",
                contexts.join("`, `")
            ));
        }
        let summary = format!(
            "{owner}/{repo}@{branch}: required checks now `{}`",
            required.join("`, `")
        );
        client.send(Method::Put, &path, Some(&body)).await?;
        Ok(summary)
    })
}

/// `gate github protect --ruleset`: a repository ruleset named `gate` that
/// requires the checks in `contexts` on `branch`, created or updated in place
/// (rulesets stack with branch protection and other rulesets).
pub fn protect_with_ruleset(
    api_url: &str,
    token: &str,
    config: &GithubConfig,
    owner: &str,
    repo: &str,
    branch: &str,
    contexts: &[String],
) -> Result<String, ApiError> {
    blocking(api_url, token, config, async |client| {
        let list = client
            .send(
                Method::Get,
                &format!("/repos/{owner}/{repo}/rulesets?per_page=100"),
                None,
            )
            .await?;
        let existing = list
            .as_array()
            .into_iter()
            .flatten()
            .find(|r| r.get("name").and_then(Value::as_str) == Some(RULESET_NAME))
            .and_then(|r| r.get("id").and_then(Value::as_u64));
        let body = ruleset_body(branch, contexts);
        let verb = match existing {
            Some(id) => {
                client
                    .send(
                        Method::Put,
                        &format!("/repos/{owner}/{repo}/rulesets/{id}"),
                        Some(&body),
                    )
                    .await?;
                "updated"
            }
            None => {
                client
                    .send(
                        Method::Post,
                        &format!("/repos/{owner}/{repo}/rulesets"),
                        Some(&body),
                    )
                    .await?;
                "created"
            }
        };
        Ok(format!(
            "{owner}/{repo}@{branch}: ruleset `{RULESET_NAME}` {verb}; required checks `{}`",
            contexts.join("`, `")
        ))
    })
}

/// Runs `work` with a client on a one-thread runtime: the CLI itself is
/// synchronous, and a `gate github` command makes a few requests in a row.
fn blocking<T>(
    api_url: &str,
    token: &str,
    config: &GithubConfig,
    work: impl AsyncFnOnce(Client) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| ApiError::Setup(format!("cannot start the network runtime: {e}")))?;
    runtime.block_on(async {
        let client = Client::new(api_url, token, config)?;
        work(client).await
    })
}

const RULESET_NAME: &str = "gate";

/// An active branch ruleset that requires `contexts` on `branch`.
pub fn ruleset_body(branch: &str, contexts: &[String]) -> Value {
    let checks: Vec<Value> = contexts.iter().map(|c| json!({ "context": c })).collect();
    json!({
        "name": RULESET_NAME,
        "target": "branch",
        "enforcement": "active",
        "conditions": { "ref_name": { "include": [format!("refs/heads/{branch}")], "exclude": [] } },
        "rules": [{
            "type": "required_status_checks",
            "parameters": {
                "strict_required_status_checks_policy": false,
                "required_status_checks": checks,
            }
        }]
    })
}

/// The PUT body that keeps `current`'s settings (GET and PUT shape them
/// differently) and adds `contexts` to the required checks.
pub fn protection_body(current: Option<&Value>, contexts: &[String]) -> Value {
    let enabled = |key: &str| {
        current
            .and_then(|c| c.get(key))
            .and_then(|v| v.get("enabled"))
            .and_then(Value::as_bool)
    };
    let mut required: Vec<String> = current
        .and_then(|c| c.pointer("/required_status_checks/contexts"))
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(|v| v.as_str().map(str::to_owned))
        .collect();
    for c in contexts {
        if !required.contains(c) {
            required.push(c.clone());
        }
    }
    let strict = current
        .and_then(|c| c.pointer("/required_status_checks/strict"))
        .and_then(Value::as_bool)
        .unwrap_or(false);
    let reviews = current
        .and_then(|c| c.get("required_pull_request_reviews"))
        .filter(|v| v.is_object())
        .map(|r| {
            let mut out = serde_json::Map::new();
            for key in [
                "dismiss_stale_reviews",
                "require_code_owner_reviews",
                "required_approving_review_count",
                "require_last_push_approval",
            ] {
                if let Some(v) = r.get(key) {
                    out.insert(key.to_string(), v.clone());
                }
            }
            Value::Object(out)
        })
        .unwrap_or(Value::Null);
    let restrictions = current
        .and_then(|c| c.get("restrictions"))
        .filter(|v| v.is_object())
        .map(|r| {
            let names = |key: &str, field: &str| -> Value {
                r.get(key)
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter_map(|v| v.get(field).cloned())
                    .collect()
            };
            json!({
                "users": names("users", "login"),
                "teams": names("teams", "slug"),
                "apps": names("apps", "slug"),
            })
        })
        .unwrap_or(Value::Null);
    let mut body = json!({
        "required_status_checks": { "strict": strict, "contexts": required },
        "enforce_admins": enabled("enforce_admins"),
        "required_pull_request_reviews": reviews,
        "restrictions": restrictions,
    });
    for key in [
        "required_linear_history",
        "allow_force_pushes",
        "allow_deletions",
        "block_creations",
        "required_conversation_resolution",
        "lock_branch",
        "allow_fork_syncing",
    ] {
        if let Some(v) = enabled(key) {
            body[key] = json!(v);
        }
    }
    body
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn protection_keeps_existing_settings_and_adds_the_check() {
        let current = json!({
            "required_status_checks": {"strict": true, "contexts": ["ci/build"]},
            "enforce_admins": {"enabled": true, "url": "x"},
            "required_pull_request_reviews": {"required_approving_review_count": 2, "url": "x"},
            "restrictions": {"users": [{"login": "ann"}], "teams": [], "apps": [{"slug": "bot"}]},
            "required_linear_history": {"enabled": true}
        });
        assert_eq!(
            protection_body(Some(&current), &["gate".into()]),
            json!({
                "required_status_checks": {"strict": true, "contexts": ["ci/build", "gate"]},
                "enforce_admins": true,
                "required_pull_request_reviews": {"required_approving_review_count": 2},
                "restrictions": {"users": ["ann"], "teams": [], "apps": ["bot"]},
                "required_linear_history": true
            })
        );
        assert_eq!(
            protection_body(None, &["gate".into()]),
            json!({
                "required_status_checks": {"strict": false, "contexts": ["gate"]},
                "enforce_admins": null,
                "required_pull_request_reviews": null,
                "restrictions": null
            })
        );
    }
}
