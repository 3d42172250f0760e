//! The `gate` command line: argument definitions, one file per subcommand. Each
//! subcommand turns its arguments into the library's options, runs it, prints, and
//! returns the exit code (0 passed, 1 failed); the binary maps errors to 2.

mod baseline;
mod check;
mod coverage;
mod deliver;
mod explain;
mod github;
mod init;
mod merge;
mod rules;

use crate::config::Loaded;
use crate::pipeline::CheckOptions;
use crate::report::Format;
use anyhow::Context as _;
use clap::{Args, Parser, Subcommand, ValueEnum};
use std::io::{self, IsTerminal};
use std::path::{Path, PathBuf};

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
pub struct Cli {
    /// When to colour output: auto (only on a terminal, and never when NO_COLOR is
    /// set), always, never.
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Subcommand)]
pub enum Command {
    /// Analyse a repository and decide whether it passes the gate.
    ///
    /// Finds the Java (.java) and Rust (.rs) files under PATH (respecting
    /// .gitignore, skipping target/, build/, node_modules/ and generated folders),
    /// runs every enabled rule, reads the coverage reports, prints the findings and
    /// exits 0 (passed), 1 (failed: a condition is not met, by default a new finding
    /// of severity major or above, or new-code line coverage under 80 %) or 2 (could
    /// not evaluate).
    Check(check::CheckArgs),
    /// Combine the partial results of sharded `gate check --shard I/N` jobs (and
    /// coverage-only parts) into one verdict, reports and publication.
    ///
    /// Checks that the parts belong together (one commit, one configuration, every
    /// shard once, no file twice) and exits 2 naming what is missing or mismatched;
    /// otherwise decides as one unsharded `gate check` would: exit 0 or 1.
    Merge(merge::MergeArgs),
    /// List every rule: id, language, severity, type and title.
    ///
    /// Includes the built-in rules and those of `[rules] extra` folders, with the
    /// severity and on/off state the configuration gives them.
    Rules(rules::RulesArgs),
    /// Explain a rule: what it finds, why it matters, how to fix it, with examples.
    Explain(explain::ExplainArgs),
    /// Write a commented gate.toml with every key and its default.
    Init(init::InitArgs),
    /// Accept today's findings: write their fingerprints to .gate/baseline.json.
    ///
    /// `gate check` then counts only findings that are not in the baseline as new,
    /// so a legacy code base can adopt the gate on day one. The file is sorted, one
    /// finding per line, so it diffs well in review; commit it.
    Baseline(baseline::BaselineArgs),
    /// Print the coverage the reports describe: totals per counter, per report and
    /// per file, with missed line ranges.
    Coverage(coverage::CoverageArgs),
    /// GitHub set-up: `gate github protect --branch main` makes the gate's check
    /// required, so that a failing gate blocks the merge.
    #[command(subcommand)]
    Github(GithubCommand),
}

#[derive(Subcommand)]
pub enum GithubCommand {
    /// Require the gate's check on a branch (branch protection), keeping the
    /// branch's other protection settings. Needs a token with admin rights on the
    /// repository in GATE_GITHUB_TOKEN or GITHUB_TOKEN; GITHUB_API_URL for
    /// GitHub Enterprise Server.
    Protect(github::ProtectArgs),
}

/// Where the reports go: shared by `check` and `merge`.
#[derive(Args)]
pub struct ReportArgs {
    /// Report format(s), comma-separated (the possible values below). Several
    /// need --output-dir.
    #[arg(long, value_enum, value_delimiter = ',', default_value = "text")]
    pub format: Vec<Format>,
    /// Write the report to FILE instead of standard output (a one-line summary
    /// still goes to standard error).
    #[arg(long, short, value_name = "FILE", conflicts_with = "output_dir")]
    pub output: Option<PathBuf>,
    /// Write each format to its own file in DIR (gate.json, gate.sarif, …;
    /// github's workflow commands still go to standard output, where the runner
    /// reads them).
    #[arg(long, value_name = "DIR")]
    pub output_dir: Option<PathBuf>,
    /// List at most N findings in the text and Markdown reports and count the
    /// rest (the other formats list all).
    #[arg(long, value_name = "N")]
    pub max_findings: Option<usize>,
}

/// What counts as new code: shared by `check` and `merge`.
#[derive(Args)]
pub struct NewCodeArgs {
    /// New code is what changed since REF (the diff of merge-base(REF, HEAD)..HEAD),
    /// e.g. origin/main. Default: the pull request's base when run in GitHub
    /// Actions or a Jenkins multibranch job; otherwise all code is new.
    #[arg(long, value_name = "REF")]
    pub base: Option<String>,
    /// With --base: compare the working tree (including uncommitted and untracked
    /// files) instead of HEAD.
    #[arg(long, requires = "base")]
    pub uncommitted: bool,
    /// New code is what this unified diff adds (`git diff` output; `-` reads
    /// standard input). Paths are relative to PATH.
    #[arg(long, value_name = "FILE", conflicts_with = "base")]
    pub diff: Option<PathBuf>,
    /// With new code against a base: read gate.toml, the [rules] extra folders and
    /// the baseline from the base revision (the default: a pull request cannot
    /// weaken its own gate) or from the head (for repositories that protect them
    /// by review).
    #[arg(long, value_name = "base|head")]
    pub config_from: Option<crate::gate::ConfigFrom>,
    /// Accept an empty diff (a pull request without changes) instead of refusing
    /// it as a failed `git diff > file`.
    #[arg(long)]
    pub allow_empty_diff: bool,
}

/// Where the verdict is posted: shared by `check` and `merge`.
#[derive(Args)]
pub struct PublishArgs {
    /// Post the verdict: `github` posts a check run, a sticky pull-request comment
    /// and a commit status ([github] in gate.toml), with the token from
    /// GATE_GITHUB_TOKEN or GITHUB_TOKEN and the API at GITHUB_API_URL.
    /// Default: github inside GitHub Actions when a token is set, else none.
    #[arg(long, value_enum, value_name = "WHERE")]
    pub publish: Option<crate::publish::PublishTarget>,
    /// Exit 2 when the gate passed but publishing failed (a failed gate exits 1
    /// whatever publishing does).
    #[arg(long)]
    pub require_publish: bool,
    /// Repository to publish to [default: from the CI].
    #[arg(long, value_name = "OWNER/NAME")]
    pub github_repo: Option<String>,
    /// Commit to publish on [default: the pull request's head, from the CI].
    #[arg(long, value_name = "SHA")]
    pub github_sha: Option<String>,
    /// Pull request to comment on [default: from the CI].
    #[arg(long, value_name = "NUMBER")]
    pub github_pr: Option<u64>,
}

impl NewCodeArgs {
    /// `options` with what counts as new code set from these arguments.
    fn apply(&self, options: CheckOptions) -> CheckOptions {
        CheckOptions {
            base: self.base.clone(),
            uncommitted: self.uncommitted,
            diff: self.diff.clone(),
            config_from: self.config_from,
            allow_empty_diff: self.allow_empty_diff,
            ..options
        }
    }
}

#[derive(Clone, Copy, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

impl Command {
    /// The worker threads the subcommand wants in the global pool, which the binary
    /// starts: `Some(jobs)` (`None`: all cores) for the commands that analyse.
    pub fn pool(&self) -> Option<Option<usize>> {
        match self {
            Command::Check(args) => Some(args.jobs),
            Command::Merge(_) => Some(None),
            _ => None,
        }
    }
}

impl ColorWhen {
    /// Whether to colour standard output.
    pub fn enabled(self) -> bool {
        match self {
            ColorWhen::Always => true,
            ColorWhen::Never => false,
            ColorWhen::Auto => {
                anstream::AutoStream::choice(&io::stdout()) != anstream::ColorChoice::Never
            }
        }
    }
}

/// Runs a subcommand; `jobs` is the size of the pool the binary started for it.
/// Returns the exit code.
pub fn run(command: Command, color: bool, jobs: usize) -> anyhow::Result<u8> {
    match command {
        Command::Check(args) => check::run(args, color, jobs),
        Command::Merge(args) => merge::run(args, color, jobs),
        Command::Rules(args) => rules::run(args, color).map(|()| 0),
        Command::Explain(args) => explain::run(args).map(|()| 0),
        Command::Init(args) => init::run(args).map(|()| 0),
        Command::Baseline(args) => baseline::run(args).map(|()| 0),
        Command::Coverage(args) => coverage::run(args),
        Command::Github(GithubCommand::Protect(args)) => github::protect(args).map(|()| 0),
    }
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
