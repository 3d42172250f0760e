//! Times the gate stage alone (issue 7): `gate::gate::measures::measure` and
//! `gate::gate::decide` on a change of 10,000 files against a coverage model of
//! 100,000 measured lines, and `gate::diff::unified::parse` on a 10,000-file unified
//! diff. The inputs are built in memory with the library's public types, so nothing
//! here reads a file or runs git: it is the stage's own cost.
//!
//!   cargo run --release --example gate_stage            # 20 repetitions
//!   cargo run --release --example gate_stage -- 50       # N repetitions
//!
//! Prints one line per step (median and min over N) and a last `json:` line that
//! `bench/coverage.sh` copies into `bench/coverage-results.md`.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;
use std::time::{Duration, Instant};

use gate::coverage::{
    ClassCounters, Counter, CounterKind, Counters, Coverage, FileCoverage, LineCoverage,
    ReportFormat, ReportSummary, Unlisted,
};
use gate::diff::{ChangedFile, ChangedLines, FileStatus, LineRange};
use gate::gate::conditions::{Element, JacocoRule, LimitValue};
use gate::gate::measures::{measure, NewCode};
use gate::gate::{decide, GateConfig, Inputs};
use gate::model::{Finding, Location, RuleType, Severity};

/// Files in the change, every one of them in the coverage model.
const FILES: u32 = 10_000;
/// Measured lines per file: 10,000 × 10 = 100,000 lines in the coverage model.
const MEASURED_PER_FILE: u32 = 10;
/// Each file is 40 lines long; its measured lines are 4, 8, …, 40.
const FILE_LINES: u32 = 40;
/// Each file changes lines 3–10 and 21–28: two hunks, 16 lines.
const HUNKS: [(u32, u32); 2] = [(3, 10), (21, 28)];

fn path(i: u32) -> String {
    format!("src/main/java/com/example/p{:03}/C{i:05}.java", i / 100)
}

fn class_name(i: u32) -> String {
    format!("com/example/p{:03}/C{i:05}", i / 100)
}

/// Adds small counts, which cannot overflow.
fn add(sum: &mut Counter, c: Counter) {
    *sum = sum.checked_add(c).expect("bench counts are small");
}

/// 100,000 measured lines; about two thirds covered, one in five with a branch.
fn coverage() -> Coverage {
    let mut files = BTreeMap::new();
    let mut classes = Vec::with_capacity(FILES as usize);
    let mut total = Counters::default();
    for i in 0..FILES {
        let mut lines = Vec::new();
        let mut counters = Counters::default();
        for k in 1..=MEASURED_PER_FILE {
            let nr = k * (FILE_LINES / MEASURED_PER_FILE);
            let covered = (i + k) % 3 != 0;
            let instructions = if covered {
                Counter::new(0, 4)
            } else {
                Counter::new(4, 0)
            };
            let branches = if k % 5 == 0 {
                Counter::new(u64::from(!covered), 1 + u64::from(covered))
            } else {
                Counter::default()
            };
            lines.push((
                nr,
                LineCoverage {
                    hits: instructions.covered,
                    instructions,
                    branches,
                },
            ));
            add(counters.get_mut(CounterKind::Instruction), instructions);
            add(counters.get_mut(CounterKind::Branch), branches);
            add(
                counters.get_mut(CounterKind::Line),
                Counter::new(u64::from(!covered), u64::from(covered)),
            );
        }
        add(counters.get_mut(CounterKind::Method), Counter::new(1, 2));
        add(counters.get_mut(CounterKind::Class), Counter::new(0, 1));
        for kind in CounterKind::ALL {
            add(total.get_mut(kind), counters.get(kind));
        }
        files.insert(path(i), FileCoverage::new(lines, Some(counters)));
        classes.push(ClassCounters {
            group: "bench".into(),
            package: format!("com/example/p{:03}", i / 100).into(),
            name: class_name(i),
            counters,
        });
    }
    Coverage {
        files,
        reports: vec![ReportSummary {
            path: "target/site/jacoco/jacoco.xml".into(),
            format: ReportFormat::Jacoco,
            name: Some("bench".into()),
            counters: total,
            classes,
        }],
        unmapped: Vec::new(),
    }
}

fn changed_lines() -> ChangedLines {
    (0..FILES)
        .map(|i| ChangedFile {
            path: path(i),
            status: FileStatus::Modified,
            binary: false,
            ranges: HUNKS
                .iter()
                .map(|&(start, end)| LineRange { start, end })
                .collect(),
            hunks: Vec::new(),
        })
        .collect()
}

/// One finding per file, on a changed line in half of them; severities cycle.
fn findings(new_code: &NewCode) -> Vec<Finding> {
    (0..FILES)
        .map(|i| {
            let line = if i % 2 == 0 { 5 } else { 15 };
            let path = path(i);
            Finding {
                rule: "java:S0000".into(),
                severity: Severity::ALL[i as usize % Severity::ALL.len()],
                rule_type: RuleType::CodeSmell,
                new: new_code.contains(&path, line),
                location: Location {
                    path: path.clone(),
                    start_line: line,
                    start_column: 1,
                    end_line: line,
                    end_column: 10,
                },
                message: "m".into(),
                snippet: String::new(),
                fingerprint: format!("{path}:{line}"),
                suppressed: None,
            }
        })
        .collect()
}

/// The change as `git diff` prints it: each file's two hunks replace 8 lines each.
fn unified_diff() -> String {
    let mut out = String::new();
    for i in 0..FILES {
        let p = path(i);
        writeln!(out, "diff --git a/{p} b/{p}\nindex 1111111..2222222 100644").unwrap();
        writeln!(out, "--- a/{p}\n+++ b/{p}").unwrap();
        for (start, end) in HUNKS {
            let n = end - start + 1;
            writeln!(out, "@@ -{start},{n} +{start},{n} @@").unwrap();
            for k in start..=end {
                writeln!(out, "-    int x{k} = {k};").unwrap();
            }
            for k in start..=end {
                writeln!(out, "+    long x{k} = {k}L;").unwrap();
            }
        }
    }
    out
}

struct Timing {
    median: Duration,
    min: Duration,
}

fn time<T>(runs: usize, mut f: impl FnMut() -> T) -> Timing {
    black_box(f()); // warm-up
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            black_box(f());
            start.elapsed()
        })
        .collect();
    times.sort();
    Timing {
        median: times[times.len() / 2],
        min: times[0],
    }
}

fn ms(d: Duration) -> f64 {
    d.as_secs_f64() * 1e3
}

fn main() {
    let runs: usize = std::env::args()
        .nth(1)
        .map(|s| {
            s.parse()
                .expect("the argument is the number of repetitions")
        })
        .unwrap_or(20);

    let coverage = coverage();
    let lines = changed_lines();
    let new_code = NewCode::Changed {
        reference: "changes since main".into(),
        lines: lines.clone(),
        base: gate::diff::Base::Patch,
    };
    let findings = findings(&new_code);
    let measured: usize = coverage.files.values().map(|f| f.lines().len()).sum();
    let mut config = GateConfig::default();
    // The defaults (new line coverage ≥ 80 %, no new major issue) plus one JaCoCo
    // class rule, which walks all 10,000 classes.
    config.jacoco_rule.push(toml::Spanned::new(
        0..0,
        JacocoRule {
            element: Element::Class,
            counter: CounterKind::Line,
            value: LimitValue::Coveredratio,
            minimum: Some(toml::Spanned::new(0..0, 0.5)),
            maximum: None,
            includes: vec!["com.example.*".into()],
            excludes: vec!["*Test".into()],
        },
    ));
    let diff = unified_diff();
    println!(
        "inputs: {} changed files, {} changed lines; coverage model {} files, {} measured lines; \
         {} findings; unified diff {:.1} MB; {runs} runs after 1 warm-up",
        lines.len(),
        lines.line_count(),
        coverage.files.len(),
        measured,
        findings.len(),
        diff.len() as f64 / 1e6
    );

    let measures =
        measure(&findings, Some(&coverage), &new_code, &Unlisted::default()).expect("no overflow");
    let verdict = decide(&Inputs {
        config: &config,
        measures: &measures,
        coverage: Some(&coverage),
        no_coverage: None,
        diagnostics: &[],
    });
    let new_lines = measures.new.lines.expect("coverage is given");
    println!(
        "result: new lines {}/{} covered, {} files with uncovered new lines, {} new issues; \
         verdict {:?} with {} condition rows",
        new_lines.covered,
        new_lines.total,
        measures.uncovered_new_lines.len(),
        measures.new.issues.total,
        verdict.status,
        verdict.conditions.len()
    );

    let t_measure = time(runs, || {
        measure(&findings, Some(&coverage), &new_code, &Unlisted::default()).expect("no overflow")
    });
    let t_decide = time(runs, || {
        decide(&Inputs {
            config: &config,
            measures: &measures,
            coverage: Some(&coverage),
            no_coverage: None,
            diagnostics: &[],
        })
    });
    let t_stage = time(runs, || {
        let m = measure(&findings, Some(&coverage), &new_code, &Unlisted::default())
            .expect("no overflow");
        let v = decide(&Inputs {
            config: &config,
            measures: &m,
            coverage: Some(&coverage),
            no_coverage: None,
            diagnostics: &[],
        });
        (m, v)
    });
    let t_parse = time(runs, || {
        gate::diff::unified::parse(diff.as_bytes()).expect("the generated diff parses")
    });
    assert_eq!(
        gate::diff::unified::parse(diff.as_bytes()).unwrap(),
        lines,
        "the parsed diff gives the changed lines the stage was timed on"
    );

    let rows = [
        ("measure", &t_measure),
        ("decide", &t_decide),
        ("measure + decide", &t_stage),
        ("unified::parse (10,000-file diff)", &t_parse),
    ];
    for (name, t) in rows {
        println!(
            "{name:<36} median {:>9.3} ms   min {:>9.3} ms",
            ms(t.median),
            ms(t.min)
        );
    }
    let json: Vec<String> = rows
        .iter()
        .map(|(name, t)| {
            format!(
                "{{\"step\":\"{name}\",\"median_ms\":{:.3},\"min_ms\":{:.3}}}",
                ms(t.median),
                ms(t.min)
            )
        })
        .collect();
    println!(
        "json: {{\"runs\":{runs},\"changed_files\":{},\"changed_lines\":{},\"measured_lines\":{measured},\
         \"findings\":{},\"diff_bytes\":{},\"steps\":[{}]}}",
        lines.len(),
        lines.line_count(),
        findings.len(),
        diff.len(),
        json.join(",")
    );
}
