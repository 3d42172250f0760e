//! `gate baseline`: accept today's findings.

use crate::config::Loaded;
use crate::console;
use crate::pipeline::CheckOptions;
use anyhow::Context as _;
use clap::Args;
use std::path::PathBuf;

#[derive(Args)]
pub struct BaselineArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub(super) fn run(args: BaselineArgs) -> anyhow::Result<()> {
    let config = Loaded::load(&args.path, args.config.as_deref())?;
    let options = CheckOptions {
        config: args.config,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        use_ci_env: false,
        ..CheckOptions::new(args.path.clone())
    };
    let outcome = crate::pipeline::check(&options, &|_, _| {})?;
    let path = args.path.join(&config.config.gate.baseline);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(
        &path,
        crate::gate::baseline::Baseline::render(&outcome.findings),
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    let count = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    console::stdout().line(&format!(
        "wrote {}: {count} finding(s) accepted; `gate check` now counts only findings not in it as new",
        path.display()
    ))?;
    Ok(())
}
