//! `gate init`: write a commented gate.toml.

use crate::config;
use crate::console;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct InitArgs {
    /// Folder to write gate.toml into.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Overwrite an existing gate.toml.
    #[arg(long)]
    pub force: bool,
}

pub(super) fn run(args: InitArgs) -> anyhow::Result<()> {
    let path = args.path.join(config::FILE_NAME);
    if path.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; use --force to overwrite it",
            path.display()
        );
    }
    std::fs::write(&path, config::INIT_TEMPLATE)
        .with_context(|| format!("cannot write {}", path.display()))?;
    console::stdout().line(&format!(
        "wrote {}: every key is commented with its default",
        path.display()
    ))?;
    Ok(())
}
