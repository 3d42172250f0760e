//! `gate explain ID`: a rule's documentation.

use super::load_config;
use crate::console;
use clap::Args;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct ExplainArgs {
    /// The rule's id, as `gate rules` lists it (e.g. empty-catch-block).
    pub rule: String,
    /// Configuration file whose extra rule folders are searched too
    /// [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub(super) fn run(args: ExplainArgs) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let all = crate::pipeline::setup::all_rules(
        &config,
        &crate::pipeline::setup::OwnFiles::WorkTree(Path::new(".")),
    )?;
    let Some(rule) = all.iter().find(|r| r.id == args.rule) else {
        let hint = crate::rules::did_you_mean(&args.rule, all.iter().map(|r| r.id.as_str()))
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        anyhow::bail!(
            "no rule `{}`.{hint} `gate rules` lists them all.",
            args.rule
        );
    };
    let mut out = console::stdout();
    out.write_all(rule.to_markdown().as_bytes())?;
    out.flush()?;
    Ok(())
}
