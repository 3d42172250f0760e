//! `gate merge`: one verdict from the partial results of a sharded run.

use super::deliver::deliver;
use super::{NewCodeArgs, PublishArgs, ReportArgs};
use crate::pipeline::CheckOptions;
use clap::Args;
use rayon::prelude::*;
use std::path::PathBuf;

#[derive(Args)]
pub struct MergeArgs {
    /// The partial results of `gate check --partial-out`: every shard of one run
    /// once, plus any coverage-only parts.
    #[arg(required = true, value_name = "PARTIAL")]
    pub partials: Vec<PathBuf>,
    /// The repository's root folder: the checkout the parts were made of, for the
    /// configuration, the baseline and the new-code diff.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub root: PathBuf,
    /// Configuration file [default: ROOT/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Lint only: coverage conditions are "not measured by choice", whatever the
    /// parts read.
    #[arg(long)]
    pub no_coverage: bool,
    #[command(flatten)]
    pub report: ReportArgs,
    #[command(flatten)]
    pub new_code: NewCodeArgs,
    #[command(flatten)]
    pub publish: PublishArgs,
}

pub(super) fn run(args: MergeArgs, color: bool, jobs: usize) -> anyhow::Result<u8> {
    let options = args.new_code.apply(CheckOptions {
        config: args.config.clone(),
        jobs,
        no_coverage: args.no_coverage,
        ..CheckOptions::new(args.root.clone())
    });
    let parts = args
        .partials
        .par_iter()
        .map(|path| crate::pipeline::shard::read(path).map(|p| (path.clone(), p)))
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = crate::pipeline::shard::merge(&options, parts)?;
    deliver(&outcome, &args.report, &args.publish, color)
}
