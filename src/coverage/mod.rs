//! Coverage: what the tests executed, per repository file and line. A coverage report
//! (JaCoCo XML, LCOV or Cobertura XML) is streamed into one model, [`FileCoverage`]
//! (line number → hits and branch outcomes), keyed by the file's path relative to the
//! repository root. Reports name files their own way (JaCoCo by package and file name,
//! the others by a path on the machine that ran the tests), so `paths` maps every name
//! onto the repository's files; a name that maps to no file, or to several, is kept in
//! [`Coverage::unmapped`] with a hint, never dropped. Several reports merge line by line:
//! a line is covered if any report covers it, as JaCoCo's own merge decides. Anything
//! that makes a report unreadable, and a report that measures nothing, is a
//! [`CoverageError`], so the gate fails closed; [`vet`] then checks the merged
//! coverage against the checked-out sources.

mod checkout;
mod cobertura;
pub mod config;
mod jacoco;
mod lcov;
mod paths;
mod source_lines;
mod xml;

use std::collections::BTreeMap;
use std::fmt;
use std::fs::File;
use std::io::{self, BufRead, BufReader};
use std::ops::RangeInclusive;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

pub use checkout::{vet, Unlisted};
pub use config::{CoverageConfig, DEFAULT_REPORTS};

use crate::model::{Diagnostic, DiagnosticLevel};
use paths::PathMapper;

/// A missed/covered pair, JaCoCo's unit of measure. 0/0 means "nothing to measure",
/// which is also what an omitted JaCoCo counter means. Its total always fits a `u64`:
/// the parsers and a partial result's reader refuse a pair whose sum does not, and
/// sums of counters are checked ([`Counter::checked_add`]), so a hostile report cannot
/// wrap a count around into a pass.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawCounter")]
pub struct Counter {
    pub missed: u64,
    pub covered: u64,
}

/// A [`Counter`] as stored, before its total is checked.
#[derive(Deserialize)]
struct RawCounter {
    missed: u64,
    covered: u64,
}

impl TryFrom<RawCounter> for Counter {
    type Error = String;

    fn try_from(raw: RawCounter) -> Result<Counter, String> {
        Counter::checked(raw.missed, raw.covered).ok_or_else(|| {
            format!(
                "counter {}/{}: missed + covered is past {}",
                raw.missed,
                raw.covered,
                u64::MAX
            )
        })
    }
}

impl Counter {
    pub const fn new(missed: u64, covered: u64) -> Counter {
        Counter { missed, covered }
    }

    /// `None` when `missed + covered` does not fit a `u64`.
    pub fn checked(missed: u64, covered: u64) -> Option<Counter> {
        missed.checked_add(covered)?;
        Some(Counter { missed, covered })
    }

    /// Saturates only for a counter built by hand with [`Counter::new`]: every counter
    /// read from a report has a total that fits.
    pub fn total(self) -> u64 {
        self.missed.saturating_add(self.covered)
    }

    /// Covered share in percent; `None` for 0/0, which JaCoCo's `check` treats as
    /// "nothing to measure" (the limit is skipped), neither 0 % nor 100 %.
    pub fn percent(self) -> Option<f64> {
        let total = self.total();
        (total > 0).then(|| self.covered as f64 * 100.0 / total as f64)
    }

    /// The sum of two counters; `None` when it, or its total, does not fit a `u64`.
    pub fn checked_add(self, other: Counter) -> Option<Counter> {
        Counter::checked(
            self.missed.checked_add(other.missed)?,
            self.covered.checked_add(other.covered)?,
        )
    }

    /// Union of two measurements of the same code (two test runs): whatever either run
    /// covered is covered. The reports only give counts, so this is the best lower bound:
    /// the larger covered count, over the larger total.
    fn merge(&mut self, other: Counter) {
        let total = self.total().max(other.total());
        self.covered = self.covered.max(other.covered);
        self.missed = total - self.covered;
    }
}

/// The six counters JaCoCo writes (`<counter type="...">`), spelled as JaCoCo spells
/// them in reports and in `check` rules.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum CounterKind {
    Instruction,
    Branch,
    Line,
    Complexity,
    Method,
    Class,
}

impl CounterKind {
    pub const ALL: [CounterKind; 6] = [
        CounterKind::Instruction,
        CounterKind::Branch,
        CounterKind::Line,
        CounterKind::Complexity,
        CounterKind::Method,
        CounterKind::Class,
    ];

    /// The name JaCoCo uses in XML and CSV (`INSTRUCTION`, `BRANCH`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            CounterKind::Instruction => "INSTRUCTION",
            CounterKind::Branch => "BRANCH",
            CounterKind::Line => "LINE",
            CounterKind::Complexity => "COMPLEXITY",
            CounterKind::Method => "METHOD",
            CounterKind::Class => "CLASS",
        }
    }

    pub fn parse(s: &str) -> Option<CounterKind> {
        CounterKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// One element's counters. A counter the report does not give is 0/0, as JaCoCo
/// omits every counter whose total is 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Counters {
    pub instruction: Counter,
    pub branch: Counter,
    pub line: Counter,
    pub complexity: Counter,
    pub method: Counter,
    pub class: Counter,
}

impl Counters {
    pub fn get(&self, kind: CounterKind) -> Counter {
        match kind {
            CounterKind::Instruction => self.instruction,
            CounterKind::Branch => self.branch,
            CounterKind::Line => self.line,
            CounterKind::Complexity => self.complexity,
            CounterKind::Method => self.method,
            CounterKind::Class => self.class,
        }
    }

    pub fn get_mut(&mut self, kind: CounterKind) -> &mut Counter {
        match kind {
            CounterKind::Instruction => &mut self.instruction,
            CounterKind::Branch => &mut self.branch,
            CounterKind::Line => &mut self.line,
            CounterKind::Complexity => &mut self.complexity,
            CounterKind::Method => &mut self.method,
            CounterKind::Class => &mut self.class,
        }
    }
}

/// What the tests did on one source line, as the model hands it out (the model itself
/// stores the compact [`Line`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LineCoverage {
    /// How often the line ran (LCOV, Cobertura). JaCoCo records no count, only which
    /// instructions ran, so for JaCoCo this is the number of covered instructions.
    /// Either way, `> 0` means covered.
    pub hits: u64,
    /// Missed/covered bytecode instructions on the line; JaCoCo only, 0/0 elsewhere.
    pub instructions: Counter,
    /// Missed/covered branch outcomes on the line; 0/0 when the line has no branch.
    pub branches: Counter,
}

impl LineCoverage {
    pub fn is_covered(&self) -> bool {
        self.hits > 0
    }

    /// Covered, but some branch outcome never taken: diff-cover's "partial" line.
    pub fn is_partial(&self) -> bool {
        self.is_covered() && self.branches.missed > 0
    }

    fn merge(&mut self, other: &LineCoverage) {
        self.hits = self.hits.max(other.hits);
        self.instructions.merge(other.instructions);
        self.branches.merge(other.branches);
    }
}

/// One measured line as the model stores it: 12 bytes, where a `LineCoverage` in a map
/// took about 60, and a large report has hundreds of thousands of lines. Its covered
/// instructions are not stored: in a file that counts instructions (JaCoCo) they are
/// its hits, elsewhere there are none. A line this cannot hold exactly (a count of
/// 65535 or more, or a merge of JaCoCo and LCOV lines) has `mi == WIDE` and is kept
/// whole in [`FileCoverage::wide`], so nothing is rounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Line {
    nr: u32,
    /// Saturated, so that `hits > 0` is right for every line, wide or not.
    hits: u16,
    mi: u16,
    mb: u16,
    cb: u16,
}

/// The `mi` of a line that is kept whole in [`FileCoverage::wide`].
const WIDE: u16 = u16::MAX;

/// Coverage of one repository file. Lines it does not list hold no code the tool
/// measured (blank, comment, declaration) and count neither way.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FileCoverage {
    /// Sorted by line number, one entry a line.
    lines: Vec<Line>,
    /// The lines' hits are their covered instructions (JaCoCo); else they have none.
    instructions: bool,
    /// The lines whose figures do not fit a [`Line`], sorted; nearly always empty.
    wide: Vec<(u32, LineCoverage)>,
    /// The file's own counters where the format has them (JaCoCo `<sourcefile>`).
    /// Instruction and branch coverage must come from here, not from summing `lines`:
    /// Kotlin counts instructions that belong to no line. `None` when the format has no
    /// such counters, or when two reports cover the same file (counters cannot be
    /// merged; lines can).
    pub counters: Option<Counters>,
}

impl FileCoverage {
    /// A file's measured lines, in any order (a line given twice is merged, as a report
    /// merge would), and its own counters if the format has them.
    pub fn new(
        lines: impl IntoIterator<Item = (u32, LineCoverage)>,
        counters: Option<Counters>,
    ) -> FileCoverage {
        FileCoverage::build(&mut lines.into_iter().collect(), counters)
    }

    /// [`FileCoverage::new`] from a buffer the caller reuses: it is left empty.
    fn build(lines: &mut Vec<(u32, LineCoverage)>, counters: Option<Counters>) -> FileCoverage {
        // Reports list each line once and in order, so this is usually one check.
        if !lines.is_sorted_by(|a, b| a.0 < b.0) {
            lines.sort_by_key(|&(nr, _)| nr); // stable: repeats keep their order
            lines.dedup_by(|later, kept| {
                let same = later.0 == kept.0;
                if same {
                    kept.1.merge(&later.1);
                }
                same
            });
        }
        let mut file = FileCoverage {
            lines: Vec::with_capacity(lines.len()),
            instructions: lines.iter().any(|(_, l)| l.instructions.total() > 0),
            wide: Vec::new(),
            counters,
        };
        for (nr, line) in lines.drain(..) {
            let small = |n: u64| u16::try_from(n).ok().filter(|&n| n != WIDE);
            let mut compact = Line {
                nr,
                hits: small(line.hits).unwrap_or(WIDE),
                mi: small(line.instructions.missed).unwrap_or(WIDE),
                mb: small(line.branches.missed).unwrap_or(WIDE),
                cb: small(line.branches.covered).unwrap_or(WIDE),
            };
            if file.decode(&compact) != line {
                compact.mi = WIDE;
                file.wide.push((nr, line));
            }
            file.lines.push(compact);
        }
        file
    }

    fn decode(&self, line: &Line) -> LineCoverage {
        if line.mi == WIDE {
            if let Ok(i) = self.wide.binary_search_by_key(&line.nr, |w| w.0) {
                return self.wide[i].1;
            }
        }
        let hits = u64::from(line.hits);
        LineCoverage {
            hits,
            instructions: if self.instructions {
                Counter::new(line.mi.into(), hits)
            } else {
                Counter::default()
            },
            branches: Counter::new(line.mb.into(), line.cb.into()),
        }
    }

    /// What the tests did on line `nr`; `None` if it holds no measured code.
    pub fn line(&self, nr: u32) -> Option<LineCoverage> {
        let i = self.index(nr).ok()?;
        Some(self.decode(&self.lines[i]))
    }

    /// Every measured line, in order.
    pub fn lines(&self) -> impl ExactSizeIterator<Item = (u32, LineCoverage)> + '_ {
        self.lines.iter().map(|l| (l.nr, self.decode(l)))
    }

    /// The numbers of the measured lines, in order.
    pub fn line_numbers(&self) -> impl ExactSizeIterator<Item = u32> + Clone + '_ {
        self.lines.iter().map(|l| l.nr)
    }

    fn index(&self, nr: u32) -> Result<usize, usize> {
        self.lines.binary_search_by_key(&nr, |l| l.nr)
    }

    /// Covered and missed lines over the whole file.
    pub fn line_counter(&self) -> Counter {
        let covered = self.lines.iter().filter(|l| l.hits > 0).count() as u64;
        Counter::new(self.lines.len() as u64 - covered, covered)
    }

    /// Covered and missed lines among `lines` (e.g. the lines a pull request changed);
    /// lines without measured code count neither way.
    pub fn tally(&self, lines: impl IntoIterator<Item = u32>) -> Counter {
        let mut counter = Counter::default();
        for line in lines {
            match self.line(line) {
                Some(l) if l.is_covered() => counter.covered += 1,
                Some(_) => counter.missed += 1,
                None => {}
            }
        }
        counter
    }

    /// The missed lines among `lines`, as ranges for a message (`12-15, 40`). A range
    /// bridges lines with no measured code between two missed lines, so a comment
    /// inside an untested block does not split it; any measured line in between does.
    pub fn missed_ranges(&self, lines: impl IntoIterator<Item = u32>) -> Vec<RangeInclusive<u32>> {
        // Positions in `self.lines`: two missed lines bridge when they are neighbours.
        let mut missed: Vec<usize> = lines
            .into_iter()
            .filter_map(|n| self.index(n).ok())
            .filter(|&i| self.lines[i].hits == 0)
            .collect();
        missed.sort_unstable();
        missed.dedup();
        let mut ranges: Vec<(usize, RangeInclusive<u32>)> = Vec::new();
        for i in missed {
            let nr = self.lines[i].nr;
            match ranges.last_mut() {
                Some((last, range)) if *last + 1 == i => {
                    *last = i;
                    *range = *range.start()..=nr;
                }
                _ => ranges.push((i, nr..=nr)),
            }
        }
        ranges.into_iter().map(|(_, range)| range).collect()
    }

    /// Merges another report's coverage of the same file, line by line.
    fn merge(&mut self, other: FileCoverage) {
        let mut lines: Vec<(u32, LineCoverage)> = self.lines().chain(other.lines()).collect();
        *self = FileCoverage::build(&mut lines, None);
    }
}

/// A partial result stores a file's lines as `[nr, hits, mi, ci, mb, cb]` arrays.
#[derive(Serialize, Deserialize)]
struct StoredFile<L> {
    lines: L,
    counters: Option<Counters>,
}

type StoredLine = (u32, u64, u64, u64, u64, u64);

impl Serialize for FileCoverage {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        struct Lines<'a>(&'a FileCoverage);
        impl Serialize for Lines<'_> {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.collect_seq(self.0.lines().map(|(nr, l)| -> StoredLine {
                    let (i, b) = (l.instructions, l.branches);
                    (nr, l.hits, i.missed, i.covered, b.missed, b.covered)
                }))
            }
        }
        StoredFile {
            lines: Lines(self),
            counters: self.counters,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for FileCoverage {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let stored = StoredFile::<Vec<StoredLine>>::deserialize(d)?;
        let lines = stored.lines.into_iter().map(|(nr, hits, mi, ci, mb, cb)| {
            let (Some(instructions), Some(branches)) =
                (Counter::checked(mi, ci), Counter::checked(mb, cb))
            else {
                return Err(serde::de::Error::custom(format!(
                    "line {nr}: its counts add up past {}",
                    u64::MAX
                )));
            };
            let line = LineCoverage {
                hits,
                instructions,
                branches,
            };
            Ok((nr, line))
        });
        let lines: Vec<(u32, LineCoverage)> = lines.collect::<Result<_, D::Error>>()?;
        Ok(FileCoverage::new(lines, stored.counters))
    }
}

/// `12-15, 40`: how messages list line ranges.
pub fn format_ranges(ranges: &[RangeInclusive<u32>]) -> String {
    let parts: Vec<String> = ranges
        .iter()
        .map(|r| {
            if r.start() == r.end() {
                r.start().to_string()
            } else {
                format!("{}-{}", r.start(), r.end())
            }
        })
        .collect();
    parts.join(", ")
}

/// The report formats gate reads, each recognised by its content.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ReportFormat {
    Jacoco,
    Lcov,
    Cobertura,
}

impl fmt::Display for ReportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ReportFormat::Jacoco => "JaCoCo XML",
            ReportFormat::Lcov => "LCOV",
            ReportFormat::Cobertura => "Cobertura XML",
        })
    }
}

/// One JaCoCo `<class>` with its counters: one row of JaCoCo's CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassCounters {
    /// The CSV's GROUP: the report name, then `/group` for each enclosing `<group>`.
    /// Shared by the classes of a group, as `package` is by those of a package.
    pub group: Arc<str>,
    /// VM notation, as in the XML: `com/example/shop`.
    pub package: Arc<str>,
    /// VM notation: `com/example/shop/Cart$Item`.
    pub name: String,
    pub counters: Counters,
}

/// What one report says about the whole project, as the tool computed it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportSummary {
    pub path: PathBuf,
    pub format: ReportFormat,
    /// JaCoCo's `report@name`.
    pub name: Option<String>,
    /// The report's own totals: all six for JaCoCo; LINE, BRANCH and METHOD for LCOV
    /// (`LF/LH`, `BRF/BRH`, `FNF/FNH`); LINE and BRANCH for Cobertura. 0/0 where absent.
    pub counters: Counters,
    /// JaCoCo only: every `<class>` that has counters (childless classes have none).
    pub classes: Vec<ClassCounters>,
}

/// A file a report names that could not be tied to exactly one repository file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Unmapped {
    pub report: PathBuf,
    /// The name as the report gives it: `com/example/Foo.java` for JaCoCo, else a path.
    pub name: String,
    pub reason: UnmappedReason,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnmappedReason {
    /// No repository file ends with the name (generated or inlined code, or sources
    /// outside the list of repository files).
    NoFile,
    /// Several repository files end with the name: these, sorted.
    Ambiguous(Vec<String>),
    /// The report gives an absolute path outside the repository root.
    OutsideRoot,
}

impl fmt::Display for Unmapped {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.report.display(), self.why())
    }
}

impl Unmapped {
    /// Why the file's coverage is not counted, without the report's name (a
    /// diagnostic carries that as its path).
    fn why(&self) -> String {
        let name = &self.name;
        match &self.reason {
            UnmappedReason::NoFile => format!(
                "no repository file matches `{name}`; its coverage is not counted. \
                 If the sources live in a custom directory, list it in gate.toml: \
                 [coverage] source_roots = [\"path/to/src\"]"
            ),
            UnmappedReason::Ambiguous(candidates) => format!(
                "`{name}` matches {} repository files ({}); its coverage is not \
                 counted. Choose with [coverage] source_roots = [\"path/to/src\"]",
                candidates.len(),
                candidates.join(", ")
            ),
            UnmappedReason::OutsideRoot => {
                format!("`{name}` lies outside the repository root; its coverage is not counted")
            }
        }
    }

    /// A warning, not an error: JaCoCo legitimately names files that exist nowhere
    /// (Kotlin inline functions from libraries), and a gate on changed lines still sees
    /// those lines as unmeasured.
    pub fn to_diagnostic(&self) -> Diagnostic {
        Diagnostic {
            level: DiagnosticLevel::Warning,
            path: Some(self.report.display().to_string()),
            message: self.why(),
        }
    }
}

/// Everything the reports say, merged and mapped onto repository paths.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Coverage {
    /// Keyed by path relative to the repository root, `/`-separated.
    pub files: BTreeMap<String, FileCoverage>,
    /// One per report read, in the order given.
    pub reports: Vec<ReportSummary>,
    pub unmapped: Vec<Unmapped>,
}

impl Coverage {
    /// Covered and missed lines over every mapped file. Computed from merged lines, never
    /// by adding per-class LINE counters, which count shared lines twice. The sums count
    /// lines held in memory, so they cannot overflow.
    pub fn line_counter(&self) -> Counter {
        let (mut missed, mut covered) = (0, 0);
        for file in self.files.values() {
            let c = file.line_counter();
            missed += c.missed;
            covered += c.covered;
        }
        Counter::new(missed, covered)
    }

    /// Adds another run's coverage of the same code (a shard's or a test job's): files
    /// merge line by line as two reports do, reports and unmapped names are appended.
    pub fn merge(&mut self, other: Coverage) {
        self.add_files(other.files.into_iter().collect());
        self.reports.extend(other.reports);
        self.unmapped.extend(other.unmapped);
    }

    fn add(&mut self, parsed: ParsedReport, mapper: &PathMapper<'_>) {
        let mut files = Vec::with_capacity(parsed.files.len());
        for reported in parsed.files {
            let mapped = match &reported.name {
                ReportedName::Package {
                    module,
                    package,
                    file,
                } => mapper.map_package(package, file, module.as_deref()),
                ReportedName::Path(path) => mapper.map_path(path, &parsed.source_dirs),
            };
            match mapped {
                Ok(path) => files.push((path, reported.coverage)),
                Err(reason) => self.unmapped.push(Unmapped {
                    report: parsed.summary.path.clone(),
                    name: reported.name.to_string(),
                    reason,
                }),
            }
        }
        self.add_files(files);
        self.reports.push(parsed.summary);
    }

    /// Adds files by path; a file named twice (here, or already in `self`) merges line
    /// by line.
    fn add_files(&mut self, mut files: Vec<(String, FileCoverage)>) {
        files.sort_by(|a, b| a.0.cmp(&b.0)); // stable: merges keep the reports' order
        files.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1.merge(std::mem::take(&mut later.1));
            }
            same
        });
        if self.files.is_empty() {
            // A map built from sorted entries has full nodes; inserting them one by one
            // in order leaves every node half empty.
            self.files = files.into_iter().collect();
            return;
        }
        for (path, file) in files {
            match self.files.entry(path) {
                std::collections::btree_map::Entry::Vacant(e) => {
                    e.insert(file);
                }
                std::collections::btree_map::Entry::Occupied(mut e) => e.get_mut().merge(file),
            }
        }
    }
}

/// Where in a report something went wrong: LCOV is line-based; XML is read by byte
/// offset, and reports are often one long line, so an XML error gives both its line
/// (counted only once there is an error) and its byte.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Position {
    /// An XML offset whose line is not counted yet.
    Byte(u64),
    Line(u64),
    LineAndByte {
        line: u64,
        byte: u64,
    },
}

impl fmt::Display for Position {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Position::Byte(n) => write!(f, "byte {n}"),
            Position::Line(n) => write!(f, "line {n}"),
            Position::LineAndByte { line, byte } => write!(f, "line {line} (byte {byte})"),
        }
    }
}

/// Why coverage could not be read. Every variant names the report (or the pattern
/// that found none), so the message alone tells the user what to fix.
#[derive(Debug, thiserror::Error)]
pub enum CoverageError {
    #[error("{}: cannot read coverage report: {source}", path.display())]
    Read {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{}: coverage report is empty (0 bytes); did the test run or report task finish?", path.display())]
    Empty { path: PathBuf },
    #[error(
        "{}: not a coverage report: {found}; expected JaCoCo XML (root <report>), \
         Cobertura XML (root <coverage>) or LCOV (first line `TN:` or `SF:`)",
        path.display()
    )]
    UnknownFormat { path: PathBuf, found: String },
    #[error("{}: {at}: {what}", path.display())]
    Malformed {
        path: PathBuf,
        at: Position,
        what: String,
    },
    #[error(
        "{}: {at}: the report ends inside {open}: it is truncated (was it still being written?)",
        path.display()
    )]
    Truncated {
        path: PathBuf,
        at: Position,
        open: String,
    },
    #[error(
        "{}: {at}: {what}; coverage reports use no entities beyond &lt; &gt; &amp; &apos; \
         &quot;, so gate refuses rather than expands them",
        path.display()
    )]
    Entity {
        path: PathBuf,
        at: Position,
        what: String,
    },
    #[error(
        "{}: the {format} report measures nothing (no source file with a coverable line); \
         was it built from an empty test run, or before the code was compiled?",
        path.display()
    )]
    MeasuresNothing { path: PathBuf, format: ReportFormat },
    #[error("{reports}: {what} add up past {}: the report is corrupt", u64::MAX)]
    Overflow { reports: String, what: String },
    #[error("{}: {why}", path.display())]
    Refused { path: PathBuf, why: String },
    #[error("{by}: `{pattern}` matches no file under {}", root.display())]
    PatternMatchedNothing {
        root: PathBuf,
        pattern: String,
        /// Where the pattern was written: `--coverage` or `[coverage] reports`.
        by: &'static str,
    },
    #[error(
        "no coverage report found under {}; looked for {}. Run the tests with coverage first \
         (JaCoCo: `mvn verify` with jacoco-maven-plugin's report goal, or `gradle test jacocoTestReport`), \
         name the reports (--coverage FILE, or [coverage] reports = [\"path/to/jacoco.xml\"] in gate.toml), \
         or choose lint only (--no-coverage, or [coverage] required = false)",
        root.display(),
        patterns.join(", ")
    )]
    NoReportFound {
        root: PathBuf,
        patterns: Vec<String>,
    },
    /// `field` names the section too: `[coverage] reports`, `[sources] exclude`.
    #[error("{field}: `{pattern}` is not a valid glob: {source}")]
    Glob {
        field: &'static str,
        pattern: String,
        #[source]
        source: globset::Error,
    },
}

/// A report as parsed, before its file names are mapped onto the repository.
#[derive(Debug)]
pub(crate) struct ParsedReport {
    pub(crate) summary: ReportSummary,
    pub(crate) files: Vec<ReportedFile>,
    /// Cobertura's `<sources><source>`: the directories its file names are relative to.
    pub(crate) source_dirs: Vec<String>,
}

#[derive(Debug)]
pub(crate) struct ReportedFile {
    pub(crate) name: ReportedName,
    pub(crate) coverage: FileCoverage,
}

/// How a report names a file.
#[derive(Debug)]
pub(crate) enum ReportedName {
    /// JaCoCo: package path and bare file name; `module` is the innermost `<group>`,
    /// which in a Maven aggregate is the module's artifactId.
    Package {
        module: Option<Arc<str>>,
        package: Arc<str>,
        file: String,
    },
    /// LCOV, Cobertura: a path as the tool wrote it, absolute or relative.
    Path(String),
}

impl fmt::Display for ReportedName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ReportedName::Package { package, file, .. } if package.is_empty() => f.write_str(file),
            ReportedName::Package { package, file, .. } => write!(f, "{package}/{file}"),
            ReportedName::Path(path) => f.write_str(path),
        }
    }
}

/// Finds the reports (`config.reports`, or [`DEFAULT_REPORTS`]), reads them all and maps
/// their files onto `repo_files` (repository-relative, `/`-separated paths of every file
/// in the repository, Kotlin and others included: the mapping can only find what it is
/// given).
pub fn load(
    root: &Path,
    config: &CoverageConfig,
    repo_files: &[String],
) -> Result<Coverage, CoverageError> {
    let reports = find_reports(root, config)?;
    load_reports(root, &reports, config, repo_files)
}

/// Reads the given reports (in parallel) and merges them in the given order.
pub fn load_reports(
    root: &Path,
    reports: &[PathBuf],
    config: &CoverageConfig,
    repo_files: &[String],
) -> Result<Coverage, CoverageError> {
    let mapper = PathMapper::new(root, repo_files, &config.source_roots)?;
    let parsed: Vec<Result<ParsedReport, CoverageError>> =
        reports.par_iter().map(|path| read_report(path)).collect();
    let mut coverage = Coverage::default();
    for report in parsed {
        coverage.add(report?, &mapper);
    }
    Ok(coverage)
}

/// The report files that `config.reports` names (each entry must match at least one
/// file), or, without configuration, those at the usual locations under `root` (at least
/// one must exist). An entry without glob characters is a path (relative to `root`, or
/// absolute) and is used as is; globs search `root`, skipping hidden directories.
/// Sorted, without duplicates.
pub fn find_reports(root: &Path, config: &CoverageConfig) -> Result<Vec<PathBuf>, CoverageError> {
    let configured = !config.reports.is_empty();
    let patterns: Vec<String> = if configured {
        config.reports.clone()
    } else {
        DEFAULT_REPORTS.iter().map(|p| p.to_string()).collect()
    };
    let is_glob = |p: &String| p.contains(['*', '?', '[', '{']);
    let (globs, literals): (Vec<String>, Vec<String>) = patterns.iter().cloned().partition(is_glob);
    let nothing_at = |pattern: &str| CoverageError::PatternMatchedNothing {
        root: root.to_path_buf(),
        pattern: pattern.to_string(),
        by: if config.reports_on_command_line {
            "--coverage"
        } else {
            "[coverage] reports"
        },
    };
    let by = if config.reports_on_command_line {
        crate::guard::NamedBy::CommandLine
    } else {
        crate::guard::NamedBy::Repository
    };
    let mut found = Vec::new();
    for literal in &literals {
        let path = root.join(literal);
        if std::fs::symlink_metadata(&path).is_ok() {
            crate::guard::check(root, &path, by).map_err(|why| CoverageError::Refused {
                path: path.clone(),
                why,
            })?;
            found.push(path);
        } else if configured {
            return Err(nothing_at(literal));
        }
    }
    if !globs.is_empty() {
        let set = glob_set("[coverage] reports", &globs)?;
        let mut matched = vec![false; globs.len()];
        let walker = ignore::WalkBuilder::new(root)
            .standard_filters(false)
            .hidden(true)
            .build();
        // A folder that cannot be read is skipped here: source discovery walks the
        // same tree and reports it as an error, which already fails the run.
        for entry in walker.flatten() {
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let Ok(rel) = entry.path().strip_prefix(root) else {
                continue;
            };
            let hits = set.matches(paths::to_slash(&rel.to_string_lossy()));
            if !hits.is_empty() {
                for i in hits {
                    matched[i] = true;
                }
                found.push(entry.into_path());
            }
        }
        if let Some(i) = matched.iter().position(|m| !m).filter(|_| configured) {
            return Err(nothing_at(&globs[i]));
        }
    }
    if found.is_empty() {
        return Err(CoverageError::NoReportFound {
            root: root.to_path_buf(),
            patterns,
        });
    }
    found.sort();
    found.dedup();
    Ok(found)
}

/// `*` stays within one directory and `**` crosses any number, as in `.gitignore`.
pub(crate) fn glob_set(field: &'static str, patterns: &[String]) -> Result<GlobSet, CoverageError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = GlobBuilder::new(pattern)
            .literal_separator(true)
            .build()
            .map_err(|source| CoverageError::Glob {
                field,
                pattern: pattern.clone(),
                source,
            })?;
        builder.add(glob);
    }
    builder.build().map_err(|source| CoverageError::Glob {
        field,
        pattern: patterns.join(", "),
        source,
    })
}

/// Reads one report, recognising its format by content (a `.xml` file holding JSON or
/// an HTML page is an error, not an empty report). A report that measures no line at
/// all is an error too: JaCoCo writes `<report name="x"/>` when it finds no classes,
/// and such a report would satisfy any coverage condition by measuring nothing.
pub(crate) fn read_report(path: &Path) -> Result<ParsedReport, CoverageError> {
    let report = read_any_report(path)?;
    if report.files.iter().all(|f| f.coverage.lines.is_empty()) {
        return Err(CoverageError::MeasuresNothing {
            path: path.to_path_buf(),
            format: report.summary.format,
        });
    }
    Ok(report)
}

/// [`read_report`] without the check that the report measures something.
fn read_any_report(path: &Path) -> Result<ParsedReport, CoverageError> {
    let read_err = |source| CoverageError::Read {
        path: path.to_path_buf(),
        source,
    };
    let file = File::open(path).map_err(read_err)?;
    let mut input = BufReader::with_capacity(64 * 1024, file);
    let head = input.fill_buf().map_err(read_err)?;
    if head.is_empty() {
        return Err(CoverageError::Empty {
            path: path.to_path_buf(),
        });
    }
    let body = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let Some(start) = body.iter().position(|b| !b.is_ascii_whitespace()) else {
        return Err(CoverageError::UnknownFormat {
            path: path.to_path_buf(),
            found: "only whitespace".to_string(),
        });
    };
    let body = &body[start..];
    if body.starts_with(b"<") {
        let read = || {
            let (mut reader, root) = xml::XmlReader::open(path, input)?;
            let name = root.element.local_name();
            let report = match name.as_ref() {
                "report" => jacoco::parse(&mut reader, &root)?,
                "coverage" => cobertura::parse(&mut reader, &root)?,
                _ => {
                    // The element's name is the file's content: not quoted.
                    return Err(CoverageError::UnknownFormat {
                        path: path.to_path_buf(),
                        found: "it is XML, but its root element is neither <report> (JaCoCo) nor <coverage> (Cobertura)"
                            .to_string(),
                    });
                }
            };
            reader.finish(root.element.name().as_ref())?;
            Ok(report)
        };
        return read().map_err(xml::with_line);
    }
    if [&b"TN:"[..], b"SF:", b"VER:"]
        .iter()
        .any(|p| body.starts_with(p))
    {
        return lcov::parse(path, input);
    }
    Err(CoverageError::UnknownFormat {
        path: path.to_path_buf(),
        found: describe_start(body),
    })
}

/// What kind of file a non-report looks like, never a byte of it.
fn describe_start(body: &[u8]) -> String {
    crate::guard::describe(body)
        .unwrap_or("it is text, but neither XML (JaCoCo, Cobertura) nor LCOV (`TN:`, `SF:`)")
        .to_string()
}

#[cfg(test)]
mod tests;
