//! Jenkins: a multibranch pipeline's `CHANGE_*` variables describe a pull request;
//! `GIT_COMMIT` and `GIT_URL` the checkout.

use super::{CiContext, CiError, CiKind};

/// The context from Jenkins' variables (`var` treats empty as unset).
pub(super) fn context(var: &dyn Fn(&str) -> Option<String>) -> Result<CiContext, CiError> {
    let mut ctx = CiContext::new(CiKind::Jenkins);
    ctx.checkout_sha = var("GIT_COMMIT");
    ctx.head_sha = ctx.checkout_sha.clone();
    // CHANGE_* are set by multibranch pipelines for pull requests only.
    if let Some(id) = var("CHANGE_ID") {
        ctx.pr_number = Some(id.parse().map_err(|_| CiError::BadNumber {
            name: "CHANGE_ID",
            value: id.clone(),
        })?);
    }
    ctx.base_ref = var("CHANGE_TARGET").map(|branch| format!("origin/{branch}"));
    let (server, repository) = var("CHANGE_URL")
        .as_deref()
        .and_then(github_pull_url)
        .or_else(|| var("GIT_URL").as_deref().and_then(https_repo_url))
        .unzip();
    ctx.server_url = server;
    ctx.repository = repository;
    Ok(ctx)
}

/// `https://host/owner/name/pull/12` → (`https://host`, `owner/name`).
fn github_pull_url(url: &str) -> Option<(String, String)> {
    let (repo_url, _) = url.split_once("/pull/")?;
    https_repo_url(repo_url)
}

/// `https://host/owner/name(.git)` → (`https://host`, `owner/name`).
fn https_repo_url(url: &str) -> Option<(String, String)> {
    let rest = url.strip_prefix("https://")?;
    let (host, path) = rest.split_once('/')?;
    let path = path.trim_end_matches('/');
    let path = path.strip_suffix(".git").unwrap_or(path);
    let (owner, name) = path.split_once('/')?;
    if owner.is_empty() || name.is_empty() || name.contains('/') {
        return None;
    }
    Some((format!("https://{host}"), format!("{owner}/{name}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_urls() {
        let cases = [
            (
                "https://github.com/a/b",
                Some(("https://github.com", "a/b")),
            ),
            (
                "https://github.com/a/b.git",
                Some(("https://github.com", "a/b")),
            ),
            ("https://ghe.local/a/b/", Some(("https://ghe.local", "a/b"))),
            ("https://ghe.local/a", None),
            ("https://ghe.local/a/b/c", None),
            ("git@github.com:a/b.git", None),
        ];
        for (url, want) in cases {
            let want = want.map(|(s, r)| (s.to_owned(), r.to_owned()));
            assert_eq!(https_repo_url(url), want, "{url}");
        }
    }
}
