//! `gate coverage`: what the reports say, on its own. Totals per counter for each
//! report, then per file the line coverage and the missed line ranges, so the
//! numbers can be compared with JaCoCo's own HTML report line by line.

use crate::coverage::{format_ranges, Counter, CounterKind, Counters, Coverage};
use crate::gate::measures::{Figure, Measures};
use serde::Serialize;
use std::collections::BTreeMap;
use std::io::{self, Write};
use std::path::Path;

fn relative(path: &Path, root: &Path) -> String {
    path.strip_prefix(root)
        .unwrap_or(path)
        .display()
        .to_string()
}

fn percent(c: Counter) -> String {
    c.percent()
        .map_or_else(|| "-".to_string(), |p| format!("{p:.1} %"))
}

pub fn text(
    coverage: &Coverage,
    new: Option<&Measures>,
    root: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    for report in &coverage.reports {
        let name = report
            .name
            .as_deref()
            .map(|n| format!(" ({n})"))
            .unwrap_or_default();
        writeln!(
            out,
            "{}{name}: {}",
            relative(&report.path, root),
            report.format
        )?;
        writeln!(
            out,
            "  {:<12} {:>9} {:>9} {:>9}",
            "counter", "missed", "covered", "coverage"
        )?;
        for kind in CounterKind::ALL {
            let c = report.counters.get(kind);
            if c.total() > 0 {
                writeln!(
                    out,
                    "  {:<12} {:>9} {:>9} {:>9}",
                    kind.as_str(),
                    c.missed,
                    c.covered,
                    percent(c)
                )?;
            }
        }
        writeln!(out)?;
    }
    let width = coverage
        .files
        .keys()
        .map(String::len)
        .max()
        .unwrap_or(4)
        .max(4);
    writeln!(
        out,
        "{:<width$}  {:>7}  {:>9}  missed lines",
        "file", "lines", "coverage"
    )?;
    for (path, file) in &coverage.files {
        let c = file.line_counter();
        let missed = file.missed_ranges(file.lines.keys().copied());
        writeln!(
            out,
            "{path:<width$}  {:>7}  {:>9}  {}",
            format!("{}/{}", c.covered, c.total()),
            percent(c),
            format_ranges(&missed)
        )?;
    }
    let total = coverage.line_counter();
    writeln!(
        out,
        "\nlines: {} of {} covered ({}) in {} file(s)",
        total.covered,
        total.total(),
        percent(total),
        coverage.files.len()
    )?;
    if let Some(m) = new {
        let lines = m
            .new
            .lines
            .map(|f| Counter::new(f.missed, f.covered))
            .unwrap_or_default();
        writeln!(
            out,
            "new code ({}): {} of {} changed coverable lines covered ({})",
            m.new_code,
            lines.covered,
            lines.total(),
            percent(lines)
        )?;
        for u in &m.uncovered_new_lines {
            writeln!(out, "  {}: {}", u.path, u.lines)?;
        }
    }
    Ok(())
}

#[derive(Serialize)]
struct Json<'a> {
    reports: Vec<JsonReport>,
    files: Vec<JsonFile<'a>>,
    lines: JsonCounter,
    unmapped: Vec<String>,
    /// With `--base`/`--diff`: the changed lines' coverage.
    #[serde(skip_serializing_if = "Option::is_none")]
    new_code: Option<JsonNew<'a>>,
}

#[derive(Serialize)]
struct JsonNew<'a> {
    reference: &'a str,
    lines: Option<Figure>,
    uncovered: &'a [crate::gate::measures::Uncovered],
}

#[derive(Serialize)]
struct JsonReport {
    path: String,
    format: String,
    name: Option<String>,
    counters: BTreeMap<&'static str, JsonCounter>,
    /// JaCoCo only: every class's counters, as JaCoCo's CSV lists them.
    classes: Vec<JsonClass>,
}

#[derive(Serialize)]
struct JsonClass {
    group: String,
    /// Dotted, as in JaCoCo's CSV (`com.example.shop`).
    package: String,
    /// The VM name within the package (`Cart$Item`).
    name: String,
    counters: BTreeMap<&'static str, JsonCounter>,
}

fn counters(c: &Counters) -> BTreeMap<&'static str, JsonCounter> {
    CounterKind::ALL
        .iter()
        .map(|k| (k.as_str(), c.get(*k).into()))
        .collect()
}

#[derive(Serialize)]
struct JsonFile<'a> {
    path: &'a str,
    lines: JsonCounter,
    missed_lines: String,
}

#[derive(Serialize)]
struct JsonCounter {
    missed: u64,
    covered: u64,
}

impl From<Counter> for JsonCounter {
    fn from(c: Counter) -> Self {
        JsonCounter {
            missed: c.missed,
            covered: c.covered,
        }
    }
}

pub fn json(
    coverage: &Coverage,
    new: Option<&Measures>,
    root: &Path,
    out: &mut dyn Write,
) -> io::Result<()> {
    let doc = Json {
        reports: coverage
            .reports
            .iter()
            .map(|r| JsonReport {
                path: relative(&r.path, root),
                format: format!("{:?}", r.format).to_lowercase(),
                name: r.name.clone(),
                counters: counters(&r.counters),
                classes: r
                    .classes
                    .iter()
                    .map(|c| JsonClass {
                        group: c.group.clone(),
                        package: c.package.replace('/', "."),
                        name: c.name.rsplit('/').next().unwrap_or(&c.name).to_string(),
                        counters: counters(&c.counters),
                    })
                    .collect(),
            })
            .collect(),
        files: coverage
            .files
            .iter()
            .map(|(path, f)| JsonFile {
                path,
                lines: f.line_counter().into(),
                missed_lines: format_ranges(&f.missed_ranges(f.lines.keys().copied())),
            })
            .collect(),
        lines: coverage.line_counter().into(),
        unmapped: coverage.unmapped.iter().map(ToString::to_string).collect(),
        new_code: new.map(|m| JsonNew {
            reference: &m.new_code,
            lines: m.new.lines,
            uncovered: &m.uncovered_new_lines,
        }),
    };
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}
