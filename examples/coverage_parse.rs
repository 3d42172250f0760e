//! Times reading one coverage report into gate's model, and nothing else: no source
//! discovery, no git, no output. `gate::coverage::load_reports` parses each report on
//! one thread, so for one report this is the single-thread parse throughput. The
//! repository file list is empty, so every report file ends up unmapped (the mapping
//! step still runs once per file).
//!
//!   cargo run --release --example coverage_parse -- path/to/jacoco.xml [RUNS]
//!
//! Prints median and min over RUNS (default 5, after one warm-up) and a last `json:`
//! line for `bench/coverage.sh`.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use gate::coverage::{load_reports, CoverageConfig};

fn main() {
    let mut args = std::env::args().skip(1);
    let report = PathBuf::from(args.next().expect("usage: coverage_parse REPORT [RUNS]"));
    let runs: usize = args
        .next()
        .map(|s| s.parse().expect("RUNS is a number"))
        .unwrap_or(5);
    let bytes = std::fs::metadata(&report).expect("the report exists").len();
    let config = CoverageConfig::default();
    let load = || {
        load_reports(Path::new("."), std::slice::from_ref(&report), &config, &[]).expect("parses")
    };

    let first = load();
    let lines: usize = first.unmapped.len();
    drop(first);
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let coverage = load();
            let t = start.elapsed();
            drop(coverage);
            t
        })
        .collect();
    times.sort();
    let (median, min) = (times[times.len() / 2], times[0]);
    let mbps = |d: Duration| bytes as f64 / 1e6 / d.as_secs_f64();
    println!(
        "{}: {:.1} MB, {lines} source files; parse median {:.3} s ({:.0} MB/s), min {:.3} s ({:.0} MB/s)",
        report.display(),
        bytes as f64 / 1e6,
        median.as_secs_f64(),
        mbps(median),
        min.as_secs_f64(),
        mbps(min)
    );
    println!(
        "json: {{\"bytes\":{bytes},\"runs\":{runs},\"median_s\":{:.4},\"min_s\":{:.4},\"median_mbps\":{:.1},\"max_mbps\":{:.1}}}",
        median.as_secs_f64(),
        min.as_secs_f64(),
        mbps(median),
        mbps(min)
    );
}
