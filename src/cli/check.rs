//! `gate check`: analyse, decide, report and publish; or, with `--partial-out`, one
//! job's part of a sharded run.

use super::deliver::{deliver, print_diagnostics};
use super::{cwd, NewCodeArgs, Progress, PublishArgs, ReportArgs};
use crate::console;
use crate::pipeline::CheckOptions;
use clap::Args;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct CheckArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub report: ReportArgs,
    /// Worker threads [default: all cores].
    #[arg(long, short, value_name = "N")]
    pub jobs: Option<usize>,
    #[command(flatten)]
    pub new_code: NewCodeArgs,
    /// Coverage report to read (JaCoCo XML, LCOV or Cobertura XML; repeatable;
    /// globs allowed), instead of [coverage] reports.
    #[arg(long, value_name = "FILE")]
    pub coverage: Vec<String>,
    /// Lint only: read no coverage report; coverage conditions are "not measured
    /// by choice" (without it, a missing report makes them an error).
    #[arg(long, conflicts_with = "coverage")]
    pub no_coverage: bool,
    /// Parse every file but run no rule: the baseline for benchmarks.
    #[arg(long, hide = true)]
    pub parse_only: bool,
    /// Analyse only the I-th of N parts of the source files (by path, balanced by
    /// size; the same on every machine) and write a partial result to
    /// --partial-out, for `gate merge` to combine. No verdict, no publishing.
    #[arg(long, value_name = "I/N", requires = "partial_out")]
    pub shard: Option<crate::pipeline::shard::ShardSpec>,
    /// Analyse nothing; only read this job's coverage reports into the partial
    /// result (a test job's part, which joins any merge).
    #[arg(long, requires = "partial_out", conflicts_with = "shard")]
    pub coverage_only: bool,
    /// Write a partial result to FILE instead of deciding (with --shard, or
    /// --coverage-only; alone it is shard 1/1). Exit 0 when written.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["output", "output_dir", "publish", "base", "diff"]
    )]
    pub partial_out: Option<PathBuf>,
    #[command(flatten)]
    pub publish: PublishArgs,
}

pub(super) fn run(args: CheckArgs, color: bool, jobs: usize) -> anyhow::Result<u8> {
    let options = args.new_code.apply(CheckOptions {
        config: args.config.clone(),
        jobs,
        parse_only: args.parse_only,
        coverage: crate::pipeline::options::command_line_reports(
            &args.path,
            &cwd()?,
            &args.coverage,
        )?,
        no_coverage: args.no_coverage,
        ..CheckOptions::new(args.path.clone())
    });
    if let Some(out) = &args.partial_out {
        return partial(&args, &options, out);
    }
    let progress = Progress::new();
    let outcome = crate::pipeline::check(&options, &|done, total| progress.update(done, total))?;
    progress.finish();
    deliver(&outcome, &args.report, &args.publish, color)
}

/// One job's part of a sharded run: analyse, write the partial result, exit 0.
fn partial(args: &CheckArgs, options: &CheckOptions, out: &Path) -> anyhow::Result<u8> {
    let part = match (args.shard, args.coverage_only) {
        (_, true) => crate::pipeline::shard::Part::CoverageOnly,
        (Some(spec), false) => crate::pipeline::shard::Part::Shard(spec),
        (None, false) => crate::pipeline::shard::Part::Shard(crate::pipeline::shard::ShardSpec {
            index: 1,
            count: 1,
        }),
    };
    let progress = Progress::new();
    let partial = crate::pipeline::shard::check_partial(options, part, &|done, total| {
        progress.update(done, total)
    })?;
    progress.finish();
    print_diagnostics(
        partial
            .analysed
            .discovery_diagnostics
            .iter()
            .chain(&partial.analysed.diagnostics),
    )?;
    crate::pipeline::shard::write(&partial, out)?;
    let what = match partial.shard {
        Some(spec) => format!(
            "shard {spec}: {} of {} source file(s), {} finding(s)",
            partial.files.len(),
            partial.discovered,
            partial.analysed.findings.len()
        ),
        None => "coverage only".to_string(),
    };
    console::stderr().line(&format!(
        "gate: partial result written to {}: {what}, {} coverage report(s); `gate merge` decides",
        out.display(),
        partial.coverage.len()
    ))?;
    Ok(0)
}
