//! The end of `check` and `merge`: diagnostics, reports, publishing and the step
//! summary, from the decided outcome.

use super::{PublishArgs, ReportArgs};
use crate::console;
use crate::model::DiagnosticLevel;
use crate::pipeline::Outcome;
use crate::report::{self, Format, View};
use anyhow::Context as _;
use std::io::{self, Write};
use std::path::Path;

pub(super) fn print_diagnostics<'a>(
    diagnostics: impl IntoIterator<Item = &'a crate::model::Diagnostic>,
) -> io::Result<()> {
    let mut err = console::stderr();
    for d in diagnostics {
        let level = match d.level {
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        };
        match &d.path {
            Some(path) => err.line(&format!("gate: {level}: {path}: {}", d.message))?,
            None => err.line(&format!("gate: {level}: {}", d.message))?,
        }
    }
    Ok(())
}

/// The end of `check` and `merge`: diagnostics, reports, publishing and the step
/// summary, once, from the decided outcome. Returns the exit code.
pub(super) fn deliver(
    outcome: &Outcome,
    report: &ReportArgs,
    publish_args: &PublishArgs,
    color: bool,
) -> anyhow::Result<u8> {
    let mut err = console::stderr();
    print_diagnostics(&outcome.diagnostics)?;
    let mut formats = report.format.clone();
    let mut seen = std::collections::HashSet::new();
    formats.retain(|f| seen.insert(*f));
    if formats.len() > 1 && report.output_dir.is_none() {
        anyhow::bail!(
            "--format names {} formats; give --output-dir DIR to write each to its file there",
            formats.len()
        );
    }
    if let Some(dir) = &report.output_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let mut written = Vec::new();
        for format in formats.iter().filter(|f| !f.stdout_only()) {
            let path = dir.join(format.file_name());
            write_report(*format, outcome, &path, report.max_findings)?;
            written.push(format.file_name());
        }
        if formats.iter().any(|f| f.stdout_only()) {
            print_report(Format::Github, outcome, View::default())?;
        }
        if !written.is_empty() {
            err.line(&format!(
                "{} (reports written to {}: {})",
                one_line(outcome),
                dir.display(),
                written.join(", ")
            ))?;
        }
    } else if let Some(path) = &report.output {
        write_report(formats[0], outcome, path, report.max_findings)?;
        err.line(&format!(
            "{} (report written to {})",
            one_line(outcome),
            path.display()
        ))?;
    } else {
        print_report(
            formats[0],
            outcome,
            View {
                color: color && formats[0] == Format::Text,
                max_findings: report.max_findings,
            },
        )?;
    }
    let printed_commands = formats.contains(&Format::Github);
    let (code, skipped) = publish(publish_args, outcome, printed_commands)?;
    // In a GitHub Actions step: the step summary and the step's outputs.
    if let Err(e) =
        crate::publish::github::step::publish_to_step(outcome, skipped.as_deref(), &|name| {
            std::env::var(name).ok()
        })
    {
        err.line(&format!(
            "gate: warning: cannot write the GitHub step summary or outputs: {e}"
        ))?;
    }
    Ok(code)
}

/// Publishes as `--publish` and `[github]` say, prints what happened, and returns
/// the exit code and, when publishing skipped this pull request, why.
fn publish(
    args: &PublishArgs,
    outcome: &Outcome,
    printed_commands: bool,
) -> anyhow::Result<(u8, Option<String>)> {
    let options = crate::publish::Options {
        target: args.publish,
        repository: args.github_repo.clone(),
        sha: args.github_sha.clone(),
        pr: args.github_pr,
    };
    let env = |name: &str| std::env::var(name).ok();
    let published = crate::publish::run(outcome, &options, &env);
    // Without the API, workflow commands annotate the lines (unless `--format
    // github` already printed them).
    if !printed_commands {
        let mut annotations = console::stderr().commands(true);
        for line in &published.fallback {
            annotations.line(line)?;
        }
    }
    let mut err = console::stderr();
    if let Some(why) = &published.skipped {
        err.line(&format!("gate: skipped: {why}"))?;
    }
    for done in &published.done {
        err.line(&format!("gate: published: {done}"))?;
    }
    for failure in &published.failures {
        err.line(&format!("gate: warning: {failure}"))?;
    }
    Ok((
        published.exit_code(outcome.verdict.status, args.require_publish),
        published.skipped.clone(),
    ))
}

fn write_report(
    format: Format,
    outcome: &Outcome,
    path: &Path,
    max_findings: Option<usize>,
) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = io::BufWriter::new(file);
    let view = View {
        color: false,
        max_findings,
    };
    report::render(format, outcome, &mut w, view)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print_report(format: Format, outcome: &Outcome, view: View) -> anyhow::Result<()> {
    let mut w = console::stdout()
        .color(view.color)
        .commands(format == Format::Github);
    report::render(format, outcome, &mut w, view)?;
    w.flush()?;
    Ok(())
}

fn one_line(outcome: &Outcome) -> String {
    let active = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    format!(
        "gate: {:?}: {active} finding(s) in {} file(s)",
        outcome.verdict.status, outcome.files
    )
    .to_lowercase()
}
