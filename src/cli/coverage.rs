//! `gate coverage`: the coverage the reports describe, and of the new code.

use super::{cwd, ListFormat, NewCodeArgs};
use crate::config::Loaded;
use crate::console;
use crate::pipeline::CheckOptions;
use crate::report;
use clap::Args;
use std::io::Write;
use std::path::PathBuf;

#[derive(Args)]
pub struct CoverageArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    pub path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Coverage report to read instead of [coverage] reports (repeatable).
    #[arg(long, value_name = "FILE")]
    pub coverage: Vec<String>,
    /// Also measure the new code's coverage.
    #[command(flatten)]
    pub new_code: NewCodeArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
}

pub(super) fn run(args: CoverageArgs) -> anyhow::Result<u8> {
    let config = Loaded::load(&args.path, args.config.as_deref())?;
    let options = args.new_code.apply(CheckOptions {
        config: args.config.clone(),
        coverage: crate::pipeline::options::command_line_reports(
            &args.path,
            &cwd()?,
            &args.coverage,
        )?,
        use_ci_env: false,
        ..CheckOptions::new(args.path.clone())
    });
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Only the list of every file is needed, to map the reports' names onto.
    let all_files = crate::source::discover(&args.path, &config.config.sources, threads)?.all_files;
    let coverage = crate::coverage::load(
        &args.path,
        &crate::pipeline::prepare::coverage_config(&options, &config),
        &all_files,
    )?;
    drop(all_files);
    let mut err = console::stderr();
    for u in &coverage.unmapped {
        err.line(&format!("gate: warning: {u}"))?;
    }
    let new_code = if options.base.is_some() || options.diff.is_some() {
        let new_code =
            crate::pipeline::prepare::new_code(&options, &crate::ci::CiContext::local())?;
        Some(crate::gate::measures::measure(
            &[],
            Some(&coverage),
            &new_code,
            &crate::coverage::Unlisted::default(),
        )?)
    } else {
        None
    };
    let mut out = console::stdout();
    match args.format {
        ListFormat::Text => {
            report::coverage::text(&coverage, new_code.as_ref(), &args.path, &mut out)?
        }
        ListFormat::Json => {
            report::coverage::json(&coverage, new_code.as_ref(), &args.path, &mut out)?
        }
    }
    out.flush()?;
    Ok(0)
}
