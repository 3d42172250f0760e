//! `gate github protect`: make the gate's check required on a branch.

use super::load_config;
use crate::console;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct ProtectArgs {
    /// The branch pull requests merge into.
    #[arg(long, value_name = "BRANCH")]
    pub branch: String,
    /// The repository [default: GITHUB_REPOSITORY].
    #[arg(long, value_name = "OWNER/NAME")]
    pub repo: Option<String>,
    /// Check to require, repeatable [default: [github] check_name, "gate"].
    #[arg(long, value_name = "NAME")]
    pub check: Vec<String>,
    /// Configuration file [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Use a repository ruleset named `gate` instead of classic branch protection.
    #[arg(long)]
    pub ruleset: bool,
}

pub(super) fn protect(args: ProtectArgs) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let env = |name: &str| std::env::var(name).ok();
    let token = crate::publish::token(&env).context(
        "no token: set GATE_GITHUB_TOKEN (or GITHUB_TOKEN) to a token with admin rights on the repository",
    )?;
    let full = args
        .repo
        .or_else(|| env("GITHUB_REPOSITORY"))
        .context("no repository: pass --repo OWNER/NAME")?;
    let (owner, repo) = crate::publish::split_repository(&full)
        .with_context(|| format!("`{full}` is not a repository; expected OWNER/NAME"))?;
    let checks = if args.check.is_empty() {
        vec![config.config.github.check_name.clone()]
    } else {
        args.check
    };
    let ci = crate::ci::detect_from_env().unwrap_or_else(|_| crate::ci::CiContext::local());
    let api = crate::publish::api_url(&ci, &env);
    let protect = if args.ruleset {
        crate::publish::github::branch_protection::protect_with_ruleset
    } else {
        crate::publish::github::branch_protection::protect
    };
    match protect(
        &api,
        &token,
        &config.config.github,
        &owner,
        &repo,
        &args.branch,
        &checks,
    ) {
        Ok(done) => Ok(console::stdout().line(&done)?),
        Err(e) => anyhow::bail!(
            "cannot protect {owner}/{repo}@{}: {e} (the token needs admin rights on the repository)",
            args.branch
        ),
    }
}
