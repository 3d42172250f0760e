//! `gate coverage`: what the reports say, on its own. Totals per counter for each
//! report, then per file the line coverage and the missed line ranges, so the
//! numbers can be compared with JaCoCo's own HTML report line by line. Names
//! from the reports and the repository go through [`clean`].

use crate::console::clean;
use crate::coverage::{format_ranges, Counter, CounterKind, Counters, Coverage};
use crate::gate::measures::{Figure, Measures};
use serde::Serialize;
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
            .map(|n| format!(" ({})", clean(n)))
            .unwrap_or_default();
        writeln!(
            out,
            "{}{name}: {}",
            clean(&relative(&report.path, root)),
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
        let missed = file.missed_ranges(file.line_numbers());
        writeln!(
            out,
            "{:<width$}  {:>7}  {:>9}  {}",
            clean(path),
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
            clean(&m.new_code),
            lines.covered,
            lines.total(),
            percent(lines)
        )?;
        for u in &m.uncovered_new_lines {
            writeln!(out, "  {}: {}", clean(&u.path), format_ranges(&u.lines))?;
        }
    }
    Ok(())
}

/// The JSON document, written as it is serialised: the classes and files of a large
/// report are never all turned into JSON values at once.
#[derive(Serialize)]
struct Json<'a, R, F, U> {
    reports: R,
    files: F,
    lines: JsonCounter,
    unmapped: U,
    /// With `--base`/`--diff`: the changed lines' coverage.
    #[serde(skip_serializing_if = "Option::is_none")]
    new_code: Option<JsonNew<'a>>,
}

/// An array made by a closure while it is written.
struct Seq<F>(F);

impl<F, I> Serialize for Seq<F>
where
    F: Fn() -> I,
    I: IntoIterator,
    I::Item: Serialize,
{
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq((self.0)())
    }
}

#[derive(Serialize)]
struct JsonNew<'a> {
    reference: &'a str,
    lines: Option<Figure>,
    uncovered: &'a [crate::gate::measures::Uncovered],
}

#[derive(Serialize)]
struct JsonReport<'a, C> {
    path: String,
    format: String,
    name: Option<&'a str>,
    counters: JsonCounters<'a>,
    /// JaCoCo only: every class's counters, as JaCoCo's CSV lists them.
    classes: C,
}

#[derive(Serialize)]
struct JsonClass<'a> {
    group: &'a str,
    /// Dotted, as in JaCoCo's CSV (`com.example.shop`).
    package: String,
    /// The VM name within the package (`Cart$Item`).
    name: &'a str,
    counters: JsonCounters<'a>,
}

/// All six counters by name, in alphabetical order.
struct JsonCounters<'a>(&'a Counters);

impl Serialize for JsonCounters<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut kinds = CounterKind::ALL;
        kinds.sort_by_key(|k| k.as_str());
        s.collect_map(
            kinds
                .into_iter()
                .map(|k| (k.as_str(), JsonCounter::from(self.0.get(k)))),
        )
    }
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
        reports: Seq(|| {
            coverage.reports.iter().map(|r| JsonReport {
                path: relative(&r.path, root),
                format: format!("{:?}", r.format).to_lowercase(),
                name: r.name.as_deref(),
                counters: JsonCounters(&r.counters),
                classes: Seq(|| {
                    r.classes.iter().map(|c| JsonClass {
                        group: &c.group,
                        package: c.package.replace('/', "."),
                        name: c.name.rsplit('/').next().unwrap_or(&c.name),
                        counters: JsonCounters(&c.counters),
                    })
                }),
            })
        }),
        files: Seq(|| {
            coverage.files.iter().map(|(path, f)| JsonFile {
                path,
                lines: f.line_counter().into(),
                missed_lines: format_ranges(&f.missed_ranges(f.line_numbers())),
            })
        }),
        lines: coverage.line_counter().into(),
        unmapped: Seq(|| coverage.unmapped.iter().map(ToString::to_string)),
        new_code: new.map(|m| JsonNew {
            reference: &m.new_code,
            lines: m.new.lines,
            uncovered: &m.uncovered_new_lines,
        }),
    };
    super::write_json(out, &doc)?;
    writeln!(out)
}
