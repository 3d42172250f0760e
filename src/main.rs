//! The `gate` command line: parses arguments, runs the library's pipeline, prints,
//! and maps the outcome to the exit code contract (0 passed, 1 failed, 2 could not
//! evaluate).

use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use gate::config::{self, Loaded};
use gate::model::{DiagnosticLevel, Language};
use gate::report::{self, Format};
use gate::rules::{Matcher, NameKind, Rule};
use gate::{CheckOptions, Outcome};
use rayon::prelude::*;
use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "gate",
    version,
    about = "A quality gate for pull requests: lint rules, coverage and a verdict, in one command.",
    long_about = "A quality gate for pull requests.\n\n\
        gate analyses the Java and Rust sources of a repository with lint rules and \
        decides whether the change may merge.\n\n\
        Exit codes: 0 the gate passed, 1 the gate failed, 2 the gate could not be \
        evaluated (bad configuration, unreadable input)."
)]
struct Cli {
    /// When to colour output: auto (only on a terminal, and never when NO_COLOR is
    /// set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    color: ColorWhen,
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
enum Command {
    /// Analyse a repository and decide whether it passes the gate.
    ///
    /// Finds the Java (.java) and Rust (.rs) files under PATH (respecting
    /// .gitignore, skipping target/, build/, node_modules/ and generated folders),
    /// runs every enabled rule, prints the findings and exits 0 (passed), 1 (failed:
    /// a finding of severity major or above) or 2 (could not evaluate).
    Check(CheckArgs),
    /// Combine the partial results of sharded `gate check --shard I/N` jobs (and
    /// coverage-only parts) into one verdict, reports and publication.
    ///
    /// Checks that the parts belong together (one commit, one configuration, every
    /// shard once, no file twice) and exits 2 naming what is missing or mismatched;
    /// otherwise decides as one unsharded `gate check` would: exit 0 or 1.
    Merge(MergeArgs),
    /// List every rule: id, language, severity, type and title.
    ///
    /// Includes the built-in rules and those of `[rules] extra` folders, with the
    /// severity and on/off state the configuration gives them.
    Rules(RulesArgs),
    /// Explain a rule: what it finds, why it matters, how to fix it, with examples.
    Explain(ExplainArgs),
    /// Write a commented gate.toml with every key and its default.
    Init(InitArgs),
    /// Accept today's findings: write their fingerprints to .gate/baseline.json.
    ///
    /// `gate check` then counts only findings that are not in the baseline as new,
    /// so a legacy code base can adopt the gate on day one. The file is sorted, one
    /// finding per line, so it diffs well in review; commit it.
    Baseline(BaselineArgs),
    /// Print the coverage the reports describe: totals per counter, per report and
    /// per file, with missed line ranges.
    Coverage(CoverageArgs),
    /// GitHub set-up: `gate github protect --branch main` makes the gate's check
    /// required, so that a failing gate blocks the merge.
    #[command(subcommand)]
    Github(GithubCommand),
}

#[derive(Subcommand)]
enum GithubCommand {
    /// Require the gate's check on a branch (branch protection), keeping the
    /// branch's other protection settings. Needs a token with admin rights on the
    /// repository in GATE_GITHUB_TOKEN or GITHUB_TOKEN; GITHUB_API_URL for
    /// GitHub Enterprise Server.
    Protect(ProtectArgs),
}

#[derive(Args)]
struct ProtectArgs {
    /// The branch pull requests merge into.
    #[arg(long, value_name = "BRANCH")]
    branch: String,
    /// The repository [default: GITHUB_REPOSITORY].
    #[arg(long, value_name = "OWNER/NAME")]
    repo: Option<String>,
    /// Check to require, repeatable [default: [github] check_name, "gate"].
    #[arg(long, value_name = "NAME")]
    check: Vec<String>,
    /// Configuration file [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Use a repository ruleset named `gate` instead of classic branch protection.
    #[arg(long)]
    ruleset: bool,
}

#[derive(Args)]
struct CheckArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
    /// Worker threads [default: all cores].
    #[arg(long, short, value_name = "N")]
    jobs: Option<usize>,
    #[command(flatten)]
    new_code: NewCodeArgs,
    /// Coverage report to read (JaCoCo XML, LCOV or Cobertura XML; repeatable;
    /// globs allowed), instead of [coverage] reports.
    #[arg(long, value_name = "FILE")]
    coverage: Vec<String>,
    /// Lint only: read no coverage report; coverage conditions are "not measured
    /// by choice" (without it, a missing report makes them an error).
    #[arg(long, conflicts_with = "coverage")]
    no_coverage: bool,
    /// Parse every file but run no rule: the baseline for benchmarks.
    #[arg(long, hide = true)]
    parse_only: bool,
    /// Analyse only the I-th of N parts of the source files (by path, balanced by
    /// size; the same on every machine) and write a partial result to
    /// --partial-out, for `gate merge` to combine. No verdict, no publishing.
    #[arg(long, value_name = "I/N", requires = "partial_out")]
    shard: Option<gate::shard::ShardSpec>,
    /// Analyse nothing; only read this job's coverage reports into the partial
    /// result (a test job's part, which joins any merge).
    #[arg(long, requires = "partial_out", conflicts_with = "shard")]
    coverage_only: bool,
    /// Write a partial result to FILE instead of deciding (with --shard, or
    /// --coverage-only; alone it is shard 1/1). Exit 0 when written.
    #[arg(
        long,
        value_name = "FILE",
        conflicts_with_all = ["output", "output_dir", "publish", "base", "diff"]
    )]
    partial_out: Option<PathBuf>,
    #[command(flatten)]
    publish: PublishArgs,
}

#[derive(Args)]
struct MergeArgs {
    /// The partial results of `gate check --partial-out`: every shard of one run
    /// once, plus any coverage-only parts.
    #[arg(required = true, value_name = "PARTIAL")]
    partials: Vec<PathBuf>,
    /// The repository's root folder: the checkout the parts were made of, for the
    /// configuration, the baseline and the new-code diff.
    #[arg(long, value_name = "DIR", default_value = ".")]
    root: PathBuf,
    /// Configuration file [default: ROOT/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Lint only: coverage conditions are "not measured by choice", whatever the
    /// parts read.
    #[arg(long)]
    no_coverage: bool,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    new_code: NewCodeArgs,
    #[command(flatten)]
    publish: PublishArgs,
}

/// Where the reports go: shared by `check` and `merge`.
#[derive(Args)]
struct ReportArgs {
    /// Report format(s), comma-separated: text, json, sarif, markdown, junit,
    /// checkstyle, github. Several need --output-dir.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "text")]
    format: Vec<Format>,
    /// Write the report to FILE instead of standard output (a one-line summary
    /// still goes to standard error).
    #[arg(long, short, value_name = "FILE", conflicts_with = "output_dir")]
    output: Option<PathBuf>,
    /// Write each format to its file in DIR: gate.txt, gate.json, gate.sarif,
    /// gate.md, gate-junit.xml, gate-checkstyle.xml (github's workflow commands
    /// still go to standard output, where the runner reads them).
    #[arg(long, value_name = "DIR")]
    output_dir: Option<PathBuf>,
}

/// What counts as new code: shared by `check` and `merge`.
#[derive(Args)]
struct NewCodeArgs {
    /// New code is what changed since REF (the diff of merge-base(REF, HEAD)..HEAD),
    /// e.g. origin/main. Default: the pull request's base when run in GitHub
    /// Actions or a Jenkins multibranch job; otherwise all code is new.
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// With --base: compare the working tree (including uncommitted and untracked
    /// files) instead of HEAD.
    #[arg(long, requires = "base")]
    uncommitted: bool,
    /// New code is what this unified diff adds (`git diff` output; `-` reads
    /// standard input). Paths are relative to PATH.
    #[arg(long, value_name = "FILE", conflicts_with = "base")]
    diff: Option<PathBuf>,
    /// With new code against a base: read gate.toml, the [rules] extra folders and
    /// the baseline from the base revision (the default: a pull request cannot
    /// weaken its own gate) or from the head (for repositories that protect them
    /// by review).
    #[arg(long, value_name = "base|head")]
    config_from: Option<gate::config::ConfigFrom>,
    /// Accept an empty diff (a pull request without changes) instead of refusing
    /// it as a failed `git diff > file`.
    #[arg(long)]
    allow_empty_diff: bool,
}

/// Where the verdict is posted: shared by `check` and `merge`.
#[derive(Args)]
struct PublishArgs {
    /// Post the verdict: `github` posts a check run, a sticky pull-request comment
    /// and a commit status ([github] in gate.toml), with the token from
    /// GATE_GITHUB_TOKEN or GITHUB_TOKEN and the API at GITHUB_API_URL.
    /// Default: github inside GitHub Actions when a token is set, else none.
    #[arg(long, value_enum, value_name = "WHERE")]
    publish: Option<gate::publish::PublishTarget>,
    /// Exit 2 when the gate passed but publishing failed (a failed gate exits 1
    /// whatever publishing does).
    #[arg(long)]
    require_publish: bool,
    /// Repository to publish to [default: from the CI].
    #[arg(long, value_name = "OWNER/NAME")]
    github_repo: Option<String>,
    /// Commit to publish on [default: the pull request's head, from the CI].
    #[arg(long, value_name = "SHA")]
    github_sha: Option<String>,
    /// Pull request to comment on [default: from the CI].
    #[arg(long, value_name = "NUMBER")]
    github_pr: Option<u64>,
}

#[derive(Args)]
struct BaselineArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct CoverageArgs {
    /// The repository's root folder.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Configuration file [default: PATH/gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
    /// Coverage report to read instead of [coverage] reports (repeatable).
    #[arg(long, value_name = "FILE")]
    coverage: Vec<String>,
    /// Also measure the lines changed since REF (as `gate check --base`).
    #[arg(long, value_name = "REF")]
    base: Option<String>,
    /// With --base: compare the working tree instead of HEAD.
    #[arg(long, requires = "base")]
    uncommitted: bool,
    /// Also measure the lines this unified diff adds (`-` for stdin).
    #[arg(long, value_name = "FILE", conflicts_with = "base")]
    diff: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
}

#[derive(Args)]
struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    format: ListFormat,
    /// Show only the rules of this language.
    #[arg(long, value_enum)]
    language: Option<LanguageArg>,
    /// Configuration file whose [rules] settings and extra folders apply
    /// [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum ListFormat {
    Text,
    Json,
}

#[derive(Clone, Copy, ValueEnum)]
enum LanguageArg {
    Java,
    Rust,
}

#[derive(Args)]
struct ExplainArgs {
    /// The rule's id, as `gate rules` lists it (e.g. empty-catch-block).
    rule: String,
    /// Configuration file whose extra rule folders are searched too
    /// [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct InitArgs {
    /// Folder to write gate.toml into.
    #[arg(default_value = ".")]
    path: PathBuf,
    /// Overwrite an existing gate.toml.
    #[arg(long)]
    force: bool,
}

fn main() -> ExitCode {
    // tree-sitter allocates and frees millions of small nodes per run; with
    // mimalloc instead of glibc's malloc parsing takes about 10 % less CPU, for
    // ~3 MB more memory. Rust's own allocations stay on the system allocator.
    // SAFETY: called first, before any tree-sitter object exists, on one thread;
    // the four functions are one allocator family, aligned like malloc.
    unsafe {
        tree_sitter::set_allocator(Some(tree_sitter::Allocator {
            malloc: libmimalloc_sys::mi_malloc,
            calloc: libmimalloc_sys::mi_calloc,
            realloc: libmimalloc_sys::mi_realloc,
            free: libmimalloc_sys::mi_free,
        }));
    }
    let cli = Cli::parse();
    let color = match cli.color {
        ColorWhen::Always => true,
        ColorWhen::Never => false,
        ColorWhen::Auto => {
            anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
        }
    };
    let result = match cli.command {
        Command::Check(args) => check(args, color),
        Command::Merge(args) => merge(args, color),
        Command::Rules(args) => list_rules(args, color).map(|()| 0),
        Command::Explain(args) => explain(args).map(|()| 0),
        Command::Init(args) => init(args).map(|()| 0),
        Command::Baseline(args) => baseline(args).map(|()| 0),
        Command::Coverage(args) => coverage(args),
        Command::Github(GithubCommand::Protect(args)) => protect(args).map(|()| 0),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let mut err = anstream::stderr();
            let _ = writeln!(err, "gate: error: {}", error_chain(&e));
            ExitCode::from(2)
        }
    }
}

/// An error and its causes in one line, each said once: our error types already
/// quote their source, `.context()` wrappers do not.
fn error_chain(e: &anyhow::Error) -> String {
    let mut message = String::new();
    for cause in e.chain() {
        let text = cause.to_string();
        if !message.contains(&text) {
            if !message.is_empty() {
                message.push_str(": ");
            }
            message.push_str(&text);
        }
    }
    message
}

/// Output cut short by the reader (`gate rules | head`) is not an error.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| {
        c.downcast_ref::<io::Error>()
            .is_some_and(|io| io.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Most worker threads per core: more only cost memory and start-up (each
/// thread reserves a `STACK_BYTES` stack; `--jobs 5000` took a minute to start).
const JOBS_PER_CORE: usize = 4;

/// Starts the worker threads: `jobs`, or all cores; at most `JOBS_PER_CORE`
/// per core, said on stderr.
fn start_threads(jobs: Option<usize>) -> anyhow::Result<usize> {
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    let mut jobs = jobs.unwrap_or(cores).max(1);
    if jobs > cores * JOBS_PER_CORE {
        let cap = cores * JOBS_PER_CORE;
        eprintln!("gate: --jobs {jobs} is more than {JOBS_PER_CORE} per core ({cores} cores); using {cap}");
        jobs = cap;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(gate::analysis::STACK_BYTES)
        .build_global()
        .context("cannot start the worker threads")?;
    Ok(jobs)
}

fn check(args: CheckArgs, color: bool) -> anyhow::Result<u8> {
    let jobs = start_threads(args.jobs)?;
    let options = CheckOptions {
        config: args.config.clone(),
        jobs,
        parse_only: args.parse_only,
        base: args.new_code.base.clone(),
        uncommitted: args.new_code.uncommitted,
        diff: args.new_code.diff.clone(),
        config_from: args.new_code.config_from,
        allow_empty_diff: args.new_code.allow_empty_diff,
        coverage: gate::command_line_reports(&args.path, &cwd()?, &args.coverage)?,
        no_coverage: args.no_coverage,
        ..CheckOptions::new(args.path.clone())
    };
    if let Some(out) = &args.partial_out {
        return check_partial(&args, &options, out);
    }
    let progress = Progress::new();
    let outcome = gate::check(&options, &|done, total| progress.update(done, total))?;
    progress.finish();
    deliver(&outcome, &args.report, &args.publish, color)
}

/// One job's part of a sharded run: analyse, write the partial result, exit 0.
fn check_partial(args: &CheckArgs, options: &CheckOptions, out: &Path) -> anyhow::Result<u8> {
    let part = match (args.shard, args.coverage_only) {
        (_, true) => gate::shard::Part::CoverageOnly,
        (Some(spec), false) => gate::shard::Part::Shard(spec),
        (None, false) => gate::shard::Part::Shard(gate::shard::ShardSpec { index: 1, count: 1 }),
    };
    let progress = Progress::new();
    let partial =
        gate::shard::check_partial(options, part, &|done, total| progress.update(done, total))?;
    progress.finish();
    let mut err = anstream::stderr();
    print_diagnostics(
        partial
            .discovery_diagnostics
            .iter()
            .chain(&partial.diagnostics),
    )?;
    gate::shard::write(&partial, out)?;
    let what = match partial.shard {
        Some(spec) => format!(
            "shard {spec}: {} of {} source file(s), {} finding(s)",
            partial.files.len(),
            partial.discovered,
            partial.findings.len()
        ),
        None => "coverage only".to_string(),
    };
    writeln!(
        err,
        "gate: partial result written to {}: {what}, {} coverage report(s); `gate merge` decides",
        out.display(),
        partial.coverage.len()
    )?;
    Ok(0)
}

fn merge(args: MergeArgs, color: bool) -> anyhow::Result<u8> {
    let jobs = start_threads(None)?;
    let options = CheckOptions {
        config: args.config.clone(),
        jobs,
        base: args.new_code.base.clone(),
        uncommitted: args.new_code.uncommitted,
        diff: args.new_code.diff.clone(),
        config_from: args.new_code.config_from,
        allow_empty_diff: args.new_code.allow_empty_diff,
        no_coverage: args.no_coverage,
        ..CheckOptions::new(args.root.clone())
    };
    let parts = args
        .partials
        .par_iter()
        .map(|path| gate::shard::read(path).map(|p| (path.clone(), p)))
        .collect::<Result<Vec<_>, _>>()?;
    let outcome = gate::shard::merge(&options, parts)?;
    deliver(&outcome, &args.report, &args.publish, color)
}

fn print_diagnostics<'a>(
    diagnostics: impl IntoIterator<Item = &'a gate::model::Diagnostic>,
) -> io::Result<()> {
    let mut err = anstream::stderr();
    for d in diagnostics {
        let level = match d.level {
            DiagnosticLevel::Warning => "warning",
            DiagnosticLevel::Error => "error",
        };
        match &d.path {
            Some(path) => writeln!(err, "gate: {level}: {path}: {}", d.message)?,
            None => writeln!(err, "gate: {level}: {}", d.message)?,
        }
    }
    Ok(())
}

/// The end of `check` and `merge`: diagnostics, reports, publishing and the step
/// summary, once, from the decided outcome. Returns the exit code.
fn deliver(
    outcome: &Outcome,
    report: &ReportArgs,
    publish_args: &PublishArgs,
    color: bool,
) -> anyhow::Result<u8> {
    let mut err = anstream::stderr();
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
            write_report(*format, outcome, &path)?;
            written.push(format.file_name());
        }
        if formats.iter().any(|f| f.stdout_only()) {
            print_report(Format::Github, outcome, false)?;
        }
        if !written.is_empty() {
            writeln!(
                err,
                "{} (reports written to {}: {})",
                one_line(outcome),
                dir.display(),
                written.join(", ")
            )?;
        }
    } else if let Some(path) = &report.output {
        write_report(formats[0], outcome, path)?;
        writeln!(
            err,
            "{} (report written to {})",
            one_line(outcome),
            path.display()
        )?;
    } else {
        print_report(formats[0], outcome, color && formats[0] == Format::Text)?;
    }
    let printed_commands = formats.contains(&Format::Github);
    let (code, skipped) = publish(publish_args, outcome, printed_commands)?;
    // In a GitHub Actions step: the step summary and the step's outputs.
    if let Err(e) = report::github::publish_to_step(outcome, skipped.as_deref(), &|name| {
        std::env::var(name).ok()
    }) {
        writeln!(
            err,
            "gate: warning: cannot write the GitHub step summary or outputs: {e}"
        )?;
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
    let options = gate::publish::Options {
        target: args.publish,
        repository: args.github_repo.clone(),
        sha: args.github_sha.clone(),
        pr: args.github_pr,
    };
    let env = |name: &str| std::env::var(name).ok();
    let published = gate::publish::run(outcome, &outcome.github, &options, &env);
    let mut err = anstream::stderr();
    // Without the API, workflow commands annotate the lines (unless `--format
    // github` already printed them).
    if !printed_commands {
        for line in &published.fallback {
            writeln!(err, "{line}")?;
        }
    }
    if let Some(why) = &published.skipped {
        writeln!(err, "gate: skipped: {why}")?;
    }
    for done in &published.done {
        writeln!(err, "gate: published: {done}")?;
    }
    for failure in &published.failures {
        writeln!(err, "gate: warning: {failure}")?;
    }
    Ok((
        published.exit_code(outcome.verdict.status, args.require_publish),
        published.skipped.clone(),
    ))
}

fn protect(args: ProtectArgs) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let env = |name: &str| std::env::var(name).ok();
    let token = gate::publish::token(&env).context(
        "no token: set GATE_GITHUB_TOKEN (or GITHUB_TOKEN) to a token with admin rights on the repository",
    )?;
    let full = args
        .repo
        .or_else(|| env("GITHUB_REPOSITORY"))
        .context("no repository: pass --repo OWNER/NAME")?;
    let (owner, repo) = gate::publish::split_repository(&full)
        .with_context(|| format!("`{full}` is not a repository; expected OWNER/NAME"))?;
    let checks = if args.check.is_empty() {
        vec![config.config.github.check_name.clone()]
    } else {
        args.check
    };
    let ci =
        gate::diff::ci::detect_from_env().unwrap_or_else(|_| gate::diff::ci::CiContext::local());
    let api = gate::publish::api_url(&ci, &env);
    let protect = if args.ruleset {
        gate::publish::github::protect_with_ruleset
    } else {
        gate::publish::github::protect
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
        Ok(done) => {
            println!("{done}");
            Ok(())
        }
        Err(e) => anyhow::bail!(
            "{}",
            gate::publish::redact(
                &format!("cannot protect {owner}/{repo}@{}: {e} (the token needs admin rights on the repository)", args.branch),
                Some(&token)
            )
        ),
    }
}

fn write_report(format: Format, outcome: &Outcome, path: &Path) -> anyhow::Result<()> {
    let file =
        std::fs::File::create(path).with_context(|| format!("cannot write {}", path.display()))?;
    let mut w = io::BufWriter::new(file);
    report::render(format, outcome, &mut w, false)
        .and_then(|()| w.flush())
        .with_context(|| format!("cannot write {}", path.display()))
}

fn print_report(format: Format, outcome: &Outcome, color: bool) -> anyhow::Result<()> {
    let stdout = io::stdout();
    let mut w = io::BufWriter::new(stdout.lock());
    report::render(format, outcome, &mut w, color)?;
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

/// A progress line on standard error, only for people watching a terminal: never
/// in CI logs or when the output is piped, and only once a run passes a second.
struct Progress {
    bar: Option<indicatif::ProgressBar>,
    started: std::time::Instant,
}

impl Progress {
    fn new() -> Progress {
        let interactive = io::stderr().is_terminal()
            && io::stdout().is_terminal()
            && std::env::var_os("CI").is_none();
        let bar = interactive.then(|| {
            let bar = indicatif::ProgressBar::hidden();
            bar.set_style(
                indicatif::ProgressStyle::with_template(
                    "{spinner} analysing {pos}/{len} files {wide_bar} {eta}",
                )
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
            );
            bar
        });
        Progress {
            bar,
            started: std::time::Instant::now(),
        }
    }

    fn update(&self, done: usize, total: usize) {
        if let Some(bar) = &self.bar {
            if bar.is_hidden() && self.started.elapsed().as_secs_f32() > 1.0 {
                bar.set_draw_target(indicatif::ProgressDrawTarget::stderr());
            }
            bar.set_length(total as u64);
            bar.set_position(done as u64);
        }
    }

    fn finish(&self) {
        if let Some(bar) = &self.bar {
            bar.finish_and_clear();
        }
    }
}

/// The folder paths on the command line are relative to.
fn cwd() -> anyhow::Result<PathBuf> {
    std::env::current_dir().context("cannot read the current folder")
}

fn load_config(explicit: Option<&Path>) -> anyhow::Result<Loaded> {
    Ok(Loaded::load(Path::new("."), explicit)?)
}

#[derive(serde::Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    language: Language,
    severity: gate::model::Severity,
    default_severity: gate::model::Severity,
    enabled: bool,
    #[serde(rename = "type")]
    rule_type: gate::model::RuleType,
    title: &'a str,
    tags: &'a [String],
    equivalent: &'a gate::rules::Equivalents,
    origin: String,
}

fn list_rules(args: RulesArgs, color: bool) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let all = gate::all_rules(&config, &gate::OwnFiles::WorkTree(Path::new(".")))?;
    let enabled = config.enabled_rules(all.clone())?;
    let wanted = |r: &Rule| match args.language {
        None => true,
        Some(LanguageArg::Java) => r.language == Language::Java,
        Some(LanguageArg::Rust) => r.language == Language::Rust,
    };
    let rows: Vec<RuleRow> = all
        .iter()
        .filter(|r| wanted(r))
        .map(|r| {
            let on = enabled.iter().find(|e| e.rule.id == r.id);
            RuleRow {
                id: &r.id,
                language: r.language,
                severity: on.map_or(r.severity, |e| e.severity),
                default_severity: r.severity,
                enabled: on.is_some(),
                rule_type: r.rule_type,
                title: &r.title,
                tags: &r.tags,
                equivalent: &r.equivalent,
                origin: r.origin.to_string(),
            }
        })
        .collect();
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    match args.format {
        ListFormat::Json => {
            serde_json::to_writer_pretty(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(2);
            let bold = anstyle::Style::new().effects(anstyle::Effects::BOLD);
            let header = format!(
                "{:<width$}  {:<8}  {:<8}  {:<16}  TITLE",
                "ID", "LANGUAGE", "SEVERITY", "TYPE"
            );
            if color {
                writeln!(out, "{}{header}{}", bold.render(), bold.render_reset())?;
            } else {
                writeln!(out, "{header}")?;
            }
            for r in &rows {
                let severity = if r.enabled {
                    r.severity.as_str()
                } else {
                    "off"
                };
                // Rust users know the lints by clippy's names: show them.
                let clippy = r
                    .equivalent
                    .clippy
                    .as_ref()
                    .map(|c| format!("  (clippy: {c})"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {:<8}  {:<16}  {}{clippy}",
                    r.id,
                    r.language.as_str(),
                    severity,
                    r.rule_type.as_str(),
                    r.title
                )?;
            }
            let on = rows.iter().filter(|r| r.enabled).count();
            writeln!(
                out,
                "\n{} rules, {on} enabled. `gate explain ID` tells more about one.",
                rows.len()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}

fn explain(args: ExplainArgs) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let all = gate::all_rules(&config, &gate::OwnFiles::WorkTree(Path::new(".")))?;
    let Some(rule) = all.iter().find(|r| r.id == args.rule) else {
        let hint = gate::rules::did_you_mean(&args.rule, all.iter().map(|r| r.id.as_str()))
            .map(|s| format!(" Did you mean `{s}`?"))
            .unwrap_or_default();
        anyhow::bail!(
            "no rule `{}`.{hint} `gate rules` lists them all.",
            args.rule
        );
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
    out.write_all(explanation(rule).as_bytes())?;
    out.flush()?;
    Ok(())
}

/// A rule's documentation as Markdown, from its rule file alone.
fn explanation(rule: &Rule) -> String {
    let mut s = format!("# {}: {}\n\n", rule.id, rule.title);
    s.push_str(&format!(
        "Language: {} · Severity: {} · Type: {}",
        rule.language, rule.severity, rule.rule_type
    ));
    if !rule.tags.is_empty() {
        s.push_str(&format!(" · Tags: {}", rule.tags.join(", ")));
    }
    s.push('\n');
    let eq = &rule.equivalent;
    let same: Vec<String> = [
        ("SonarQube", &eq.sonar),
        ("PMD", &eq.pmd),
        ("Checkstyle", &eq.checkstyle),
        ("Clippy", &eq.clippy),
    ]
    .iter()
    .filter_map(|(tool, key)| key.as_ref().map(|k| format!("{tool} `{k}`")))
    .collect();
    if !same.is_empty() {
        s.push_str(&format!("Equivalent to: {}\n", same.join(" · ")));
    }
    if !rule.params.is_empty() {
        let params: Vec<String> = rule
            .params
            .iter()
            .map(|(k, v)| format!("`{k} = {v}`"))
            .collect();
        s.push_str(&format!("Parameters (defaults): {}\n", params.join(", ")));
    }
    s.push_str(&format!("Defined in: {}\n\n", rule.origin));
    s.push_str(rule.description.trim());
    s.push_str("\n\n");
    let fence = rule.language.as_str();
    for (heading, noncompliant) in [("Noncompliant", true), ("Compliant", false)] {
        let examples: Vec<_> = rule
            .examples
            .iter()
            .filter(|e| e.noncompliant == noncompliant)
            .collect();
        if examples.is_empty() {
            continue;
        }
        s.push_str(&format!("## {heading}\n\n"));
        for e in examples {
            let marked: Vec<String> = e
                .code
                .trim_end()
                .lines()
                .enumerate()
                .map(|(i, line)| {
                    if e.flagged.contains(&(i as u32 + 1)) {
                        format!("{line}  // ← flagged")
                    } else {
                        line.to_string()
                    }
                })
                .collect();
            s.push_str(&format!("```{fence}\n{}\n```\n\n", marked.join("\n")));
        }
    }
    s.push_str("## How it matches\n\n");
    match &rule.matcher {
        Matcher::Query(q) => s.push_str(&format!(
            "tree-sitter query:\n\n```scheme\n{}\n```\n",
            q.text.trim_end()
        )),
        Matcher::Builtin(name) => s.push_str(&format!("Built-in check `{name}`.\n")),
        Matcher::Names(names) => {
            let listed: Vec<String> = names.names.iter().map(|n| format!("`{n}`")).collect();
            let kind = match names.kind {
                NameKind::Macro => "Invocations of the macros",
                NameKind::Method => "Calls of the methods",
                NameKind::Path => "Calls of the functions",
                NameKind::Comment => "Comments containing the words",
            };
            let args = if names.without_arguments {
                ", without arguments"
            } else {
                ""
            };
            s.push_str(&format!("{kind} {}{args}.\n", listed.join(", ")));
        }
    }
    if !rule.context.is_empty() {
        let skipped: Vec<&str> = rule.context.iter().map(|c| c.as_str()).collect();
        s.push_str(&format!("Context: {}.\n", skipped.join(", ")));
    }
    let id = &rule.id;
    // Rust has no annotation a rule could read: `#[allow]` takes rustc's lints only.
    let annotation = if rule.language == Language::Java {
        format!(", or on a declaration with `@SuppressWarnings(\"gate:{id}\")`")
    } else {
        String::new()
    };
    s.push_str(&format!(
        "\nSuppress one finding with `// gate:ignore[{id}] reason` on the line or the line above{annotation}; \
         turn the rule off with `{id} = \"off\"` under `[rules]` in gate.toml.\n"
    ));
    s
}

fn baseline(args: BaselineArgs) -> anyhow::Result<()> {
    let config = Loaded::load(&args.path, args.config.as_deref())?;
    let options = CheckOptions {
        config: args.config,
        jobs: std::thread::available_parallelism().map_or(1, |n| n.get()),
        use_ci_env: false,
        ..CheckOptions::new(args.path.clone())
    };
    let outcome = gate::check(&options, &|_, _| {})?;
    let path = args.path.join(&config.config.gate.baseline);
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    std::fs::write(
        &path,
        gate::gate::baseline::Baseline::render(&outcome.findings),
    )
    .with_context(|| format!("cannot write {}", path.display()))?;
    let count = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    println!(
        "wrote {}: {count} finding(s) accepted; `gate check` now counts only findings not in it as new",
        path.display()
    );
    Ok(())
}

fn coverage(args: CoverageArgs) -> anyhow::Result<u8> {
    let config = Loaded::load(&args.path, args.config.as_deref())?;
    let mut coverage_config = config.config.coverage.clone();
    if !args.coverage.is_empty() {
        coverage_config.reports = gate::command_line_reports(&args.path, &cwd()?, &args.coverage)?;
        coverage_config.reports_on_command_line = true;
    }
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Only the list of every file is needed, to map the reports' names onto.
    let all_files = gate::source::discover(&args.path, &config.config.sources, threads)?.all_files;
    let coverage = gate::coverage::load(&args.path, &coverage_config, &all_files)?;
    drop(all_files);
    let mut err = anstream::stderr();
    for u in &coverage.unmapped {
        writeln!(err, "gate: warning: {u}")?;
    }
    let new_code = if args.base.is_some() || args.diff.is_some() {
        let options = CheckOptions {
            base: args.base,
            uncommitted: args.uncommitted,
            diff: args.diff,
            use_ci_env: false,
            ..CheckOptions::new(args.path.clone())
        };
        let new_code = gate::new_code(&options, &gate::diff::ci::CiContext::local())?;
        Some(gate::gate::measures::measure(
            &[],
            Some(&coverage),
            &new_code,
            &gate::coverage::Unlisted::default(),
        )?)
    } else {
        None
    };
    let stdout = io::stdout();
    let mut out = io::BufWriter::new(stdout.lock());
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

fn init(args: InitArgs) -> anyhow::Result<()> {
    let path = args.path.join(config::FILE_NAME);
    if path.exists() && !args.force {
        anyhow::bail!(
            "{} already exists; use --force to overwrite it",
            path.display()
        );
    }
    std::fs::write(&path, config::INIT_TEMPLATE)
        .with_context(|| format!("cannot write {}", path.display()))?;
    println!(
        "wrote {}: every key is commented with its default",
        path.display()
    );
    Ok(())
}
