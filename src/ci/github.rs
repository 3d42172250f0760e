//! GitHub: the `[github]` section of gate.toml, the settings for talking to GitHub's
//! API (publishing, `gate github protect`).

use serde::Deserialize;

/// `[github]` in gate.toml.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct GithubConfig {
    /// Name of the check run; the name branch protection requires.
    pub check_name: String,
    /// Context of the commit status.
    pub status_context: String,
    /// Post a check run (needs a GitHub App token, e.g. Actions' GITHUB_TOKEN).
    pub check_run: bool,
    /// Keep one comment on the pull request up to date.
    pub comment: bool,
    /// Post a commit status.
    pub status: bool,
    /// Delete the comment once the pull request passes with nothing to annotate.
    pub delete_comment_when_clean: bool,
    /// At most this many annotations on the check run; the rest are counted in
    /// its summary.
    pub max_annotations: usize,
    /// Gate only pull requests with one of these labels (case-insensitive); others
    /// get a neutral check run and exit 0. Empty: every pull request.
    pub only_labels: Vec<String>,
    /// Seconds one request may take.
    pub timeout_seconds: u64,
    /// Retries after a 5xx, a 429, a rate limit or a timeout of a safe request.
    pub retries: u32,
    /// Longest wait a rate limit may ask for before gate gives up instead.
    pub max_wait_seconds: u64,
}

impl Default for GithubConfig {
    fn default() -> Self {
        GithubConfig {
            check_name: "gate".to_string(),
            status_context: "gate".to_string(),
            check_run: true,
            comment: true,
            status: true,
            delete_comment_when_clean: false,
            max_annotations: 500,
            only_labels: Vec::new(),
            timeout_seconds: 30,
            retries: 3,
            max_wait_seconds: 60,
        }
    }
}
