//! The `gate` binary: the process-wide set-up (allocator, worker threads), the
//! command line parsed by [`gate::cli`], and errors mapped to the exit code
//! contract (0 passed, 1 failed, 2 could not evaluate).

use anyhow::Context as _;
use clap::Parser;
use gate::cli::Cli;
use gate::console;
use std::io;
use std::process::ExitCode;

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
    let result = cli
        .command
        .pool()
        .map_or(Ok(1), start_threads)
        .and_then(|jobs| gate::cli::run(cli.command, cli.color.enabled(), jobs));
    match result {
        Ok(code) => ExitCode::from(code),
        Err(e) if is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            let _ = console::stderr().line(&format!("gate: error: {}", error_chain(&e)));
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
        let _ = console::stderr().line(&format!(
            "gate: --jobs {jobs} is more than {JOBS_PER_CORE} per core ({cores} cores); using {cap}"
        ));
        jobs = cap;
    }
    rayon::ThreadPoolBuilder::new()
        .num_threads(jobs)
        .stack_size(gate::analysis::STACK_BYTES)
        .build_global()
        .context("cannot start the worker threads")?;
    Ok(jobs)
}
