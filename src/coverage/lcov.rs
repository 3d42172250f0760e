//! LCOV tracefiles (`lcov`, `genhtml`'s input; written by coverage.py, cargo-llvm-cov,
//! grcov, Istanbul, gcov). A record runs from `SF:<path>` to `end_of_record`: `DA:`
//! gives a line's execution count, `BRDA:` one branch outcome, and `LF/LH`, `BRF/BRH`,
//! `FNF/FNH` the tool's own totals. Other `KEY:` lines (`TN:`, `FN:`, `FNDA:`, and keys
//! newer lcov versions add) carry nothing gate needs and are skipped; a line that is
//! not `KEY:value` at all, a number that is not one, or a record that never ends is an
//! error with its line number. Lines are read into one reused buffer.

use std::collections::BTreeMap;
use std::io::BufRead;
use std::path::Path;

use super::{
    Counter, Counters, CoverageError, FileCoverage, LineCoverage, ParsedReport, Position,
    ReportFormat, ReportSummary, ReportedFile, ReportedName,
};

/// The record being read: its path, the line it started on, and what it says so far.
struct Record {
    path: String,
    started: u64,
    lines: BTreeMap<u32, LineCoverage>,
    /// `BRDA:` lines, kept apart because lcov writes them before the `DA:` lines.
    branches: BTreeMap<u32, Branches>,
    /// The tool's own totals, in the order of [`TOTALS`].
    totals: [Total; 3],
}

/// The keys of the tool's totals (found, hit) and the counter each adds to.
const TOTALS: [(&str, &str); 3] = [("LF", "LH"), ("BRF", "BRH"), ("FNF", "FNH")];

/// One of a record's totals: found and hit, each with the tracefile line it is on.
#[derive(Default)]
struct Total {
    found: Option<(u64, u64)>,
    hit: Option<(u64, u64)>,
}

#[derive(Default)]
struct Branches {
    outcomes: Counter,
    /// Some outcome has a count (even 0), so the condition was evaluated: the line ran.
    evaluated: bool,
}

pub(crate) fn parse<R: BufRead>(path: &Path, mut input: R) -> Result<ParsedReport, CoverageError> {
    let mut buf = Vec::with_capacity(256);
    let mut line_no = 0u64;
    let mut record: Option<Record> = None;
    let mut files = Vec::new();
    let mut counters = Counters::default();
    loop {
        buf.clear();
        let read = input
            .read_until(b'\n', &mut buf)
            .map_err(|source| CoverageError::Read {
                path: path.to_path_buf(),
                source,
            })?;
        if read == 0 {
            break;
        }
        line_no += 1;
        let at = Line { path, no: line_no };
        let text = std::str::from_utf8(&buf)
            .map_err(|_| at.error("not UTF-8 text".to_string()))?
            .trim();
        if text.is_empty() {
            continue;
        }
        if text == "end_of_record" {
            let done = record.take().ok_or_else(|| {
                at.error("end_of_record without a record (no SF: before it)".to_string())
            })?;
            done.add_totals(at, &mut counters)?;
            files.push(done.finish());
            continue;
        }
        let Some((key, value)) = text.split_once(':') else {
            return Err(at.error(format!(
                "{:?} is not an LCOV line (KEY:value)",
                truncate(text)
            )));
        };
        match key {
            "SF" => {
                if let Some(open) = &record {
                    return Err(at.error(format!(
                        "SF: before the record for {} (line {}) ended with end_of_record",
                        open.path, open.started
                    )));
                }
                if value.is_empty() {
                    return Err(at.error("SF: without a path".to_string()));
                }
                record = Some(Record {
                    path: value.to_string(),
                    started: line_no,
                    lines: BTreeMap::new(),
                    branches: BTreeMap::new(),
                    totals: Default::default(),
                });
            }
            "DA" => {
                let open = at.in_record(&mut record, key)?;
                let mut fields = value.split(',');
                let nr = at.line_number(fields.next())?;
                let hits = at.count(fields.next(), "execution count")?;
                let line = open.lines.entry(nr).or_default();
                line.hits = line.hits.max(hits);
            }
            "BRDA" => {
                let open = at.in_record(&mut record, key)?;
                // line,block,branch,taken; coverage.py writes text in `branch`, so the
                // count is taken from the end.
                let (nr, rest) = value.split_once(',').unwrap_or((value, ""));
                let nr = at.line_number(Some(nr))?;
                let taken = rest.rsplit(',').next().filter(|_| rest.contains(','));
                let branches = open.branches.entry(nr).or_default();
                match taken {
                    Some("-") => branches.outcomes.missed += 1,
                    taken => {
                        let count = at.count(taken, "branch count")?;
                        branches.evaluated = true;
                        if count > 0 {
                            branches.outcomes.covered += 1;
                        } else {
                            branches.outcomes.missed += 1;
                        }
                    }
                }
            }
            "LF" | "LH" | "BRF" | "BRH" | "FNF" | "FNH" => {
                let open = at.in_record(&mut record, key)?;
                let n = at.count(Some(value), key)?;
                let i = match key {
                    "LF" | "LH" => 0,
                    "BRF" | "BRH" => 1,
                    _ => 2,
                };
                let total = &mut open.totals[i];
                let slot = if key.ends_with('F') {
                    &mut total.found
                } else {
                    &mut total.hit
                };
                if slot.is_some() {
                    return Err(at.error(format!(
                        "{key}: given twice in the record for {} (line {})",
                        open.path, open.started
                    )));
                }
                *slot = Some((n, line_no));
            }
            _ if !key.is_empty() && key.bytes().all(|b| b.is_ascii_uppercase()) => {}
            _ => {
                return Err(at.error(format!(
                    "{:?} is not an LCOV line (KEY:value)",
                    truncate(text)
                )))
            }
        }
    }
    if let Some(open) = record {
        return Err(CoverageError::Truncated {
            path: path.to_path_buf(),
            at: Position::Line(line_no),
            open: format!(
                "the record for {} (line {}); end_of_record is missing",
                open.path, open.started
            ),
        });
    }
    Ok(ParsedReport {
        summary: ReportSummary {
            path: path.to_path_buf(),
            format: ReportFormat::Lcov,
            name: None,
            counters,
            classes: Vec::new(),
        },
        files,
        source_dirs: Vec::new(),
    })
}

impl Record {
    /// Adds the record's totals to the report's, refusing a total that says more
    /// were hit than found, and sums past `u64::MAX`.
    fn add_totals(&self, end: Line<'_>, counters: &mut Counters) -> Result<(), CoverageError> {
        for (total, (found_key, hit_key)) in self.totals.iter().zip(TOTALS) {
            let found = total.found.map_or(0, |(n, _)| n);
            let (hit, hit_line) = total.hit.unwrap_or((0, end.no));
            let Some(missed) = found.checked_sub(hit) else {
                let found = total.found.map_or(format!("no {found_key}:"), |(n, _)| {
                    format!("{found_key}:{n}")
                });
                return Err(Line {
                    no: hit_line,
                    ..end
                }
                .error(format!(
                    "{hit_key}:{hit} is more than were found ({found}) in the record for {}",
                    self.path
                )));
            };
            let counter = match found_key {
                "LF" => &mut counters.line,
                "BRF" => &mut counters.branch,
                _ => &mut counters.method,
            };
            *counter = counter
                .checked_add(Counter::new(missed, hit))
                .ok_or_else(|| {
                    end.error(format!(
                        "the {found_key}: totals of the records add up past {}",
                        u64::MAX
                    ))
                })?;
        }
        Ok(())
    }

    fn finish(mut self) -> ReportedFile {
        for (nr, branches) in self.branches {
            match self.lines.get_mut(&nr) {
                Some(line) => line.branches = branches.outcomes,
                // No DA: the line ran if its condition was evaluated.
                None => {
                    self.lines.insert(
                        nr,
                        LineCoverage {
                            hits: u64::from(branches.evaluated),
                            instructions: Counter::default(),
                            branches: branches.outcomes,
                        },
                    );
                }
            }
        }
        ReportedFile {
            name: ReportedName::Path(self.path),
            coverage: FileCoverage::new(self.lines, None),
        }
    }
}

/// Where in the tracefile: for errors and numbers.
#[derive(Clone, Copy)]
struct Line<'p> {
    path: &'p Path,
    no: u64,
}

impl Line<'_> {
    fn error(self, what: String) -> CoverageError {
        CoverageError::Malformed {
            path: self.path.to_path_buf(),
            at: Position::Line(self.no),
            what,
        }
    }

    fn in_record<'r>(
        self,
        record: &'r mut Option<Record>,
        key: &str,
    ) -> Result<&'r mut Record, CoverageError> {
        record
            .as_mut()
            .ok_or_else(|| self.error(format!("{key}: outside a record (no SF: line before it)")))
    }

    fn count(self, field: Option<&str>, what: &str) -> Result<u64, CoverageError> {
        let field = field.unwrap_or("").trim();
        field.parse::<u64>().map_err(|_| {
            self.error(format!(
                "{what} {field:?} is not a whole number from 0 to {}",
                u64::MAX
            ))
        })
    }

    fn line_number(self, field: Option<&str>) -> Result<u32, CoverageError> {
        let field = field.unwrap_or("").trim();
        field.parse::<u32>().ok().filter(|&n| n > 0).ok_or_else(|| {
            self.error(format!(
                "line number {field:?} is not from 1 to {}",
                u32::MAX
            ))
        })
    }
}

fn truncate(text: &str) -> &str {
    text.char_indices()
        .nth(40)
        .map_or(text, |(i, _)| &text[..i])
}

#[cfg(test)]
mod tests {
    use crate::coverage::tests::{assert_matches_coverage_py, error_of, fixture, temp_file};
    use std::collections::BTreeMap;

    use crate::coverage::{
        read_report, Counter, CoverageError, LineCoverage, ParsedReport, Position,
    };

    fn parse_str(text: &str) -> Result<ParsedReport, CoverageError> {
        let (_dir, path) = temp_file("lcov.info", text.as_bytes());
        read_report(&path)
    }

    #[test]
    fn coverage_py_lcov_matches_its_json_report() {
        let report = read_report(&fixture("coverage-formats/lcov.info")).unwrap();
        assert_matches_coverage_py(&report);
        assert_eq!(report.summary.counters.method, Counter::new(1, 2));
    }

    #[test]
    fn branch_lines_without_da_ran_if_their_condition_was_evaluated() {
        let report = parse_str(concat!(
            "TN:\nSF:/abs/a.c\nBRDA:3,0,0,-\nBRDA:3,0,1,-\nBRDA:5,0,0,0\nBRDA:5,0,1,2\n",
            "DA:7,3,abc\nBRDA:7,0,0,1\nend_of_record\n",
        ))
        .unwrap();
        let lines: BTreeMap<u32, LineCoverage> = report.files[0].coverage.lines().collect();
        assert!(!lines[&3].is_covered());
        assert_eq!(lines[&3].branches, Counter::new(2, 0));
        assert!(lines[&5].is_partial());
        assert_eq!(
            (lines[&7].hits, lines[&7].branches),
            (3, Counter::new(0, 1))
        );
    }

    #[test]
    fn malformed_tracefiles_are_errors_with_their_line() {
        let cases = [
            ("SF:a\nDA:1,1\n", "truncated", 2),
            ("TN:\nDA:1,1\n", "outside a record", 2),
            (
                "SF:a\nDA:1,-1\nend_of_record\n",
                "\"-1\" is not a whole number",
                2,
            ),
            ("SF:a\nDA:0,1\nend_of_record\n", "line number \"0\"", 2),
            ("SF:a\nDA:99999999999,1\nend_of_record\n", "line number", 2),
            ("SF:a\nSF:b\n", "ended with end_of_record", 2),
            (
                "SF:a\nLF:1\nLH:2\nend_of_record\n",
                "more than were found",
                3,
            ),
            ("TN:\nSF:a\nthis is not lcov\n", "not an LCOV line", 3),
            ("TN:\nend_of_record\n", "without a record", 2),
        ];
        for (text, needle, line) in cases {
            let err = parse_str(text).unwrap_err();
            let message = err.to_string();
            assert!(
                message.contains(needle),
                "expected {needle:?} in: {message}"
            );
            match err {
                CoverageError::Malformed { at, .. } | CoverageError::Truncated { at, .. } => {
                    assert_eq!(at, Position::Line(line), "{message}")
                }
                other => panic!("{other:?}"),
            }
        }
    }

    #[test]
    fn a_tracefile_that_measures_nothing_is_an_error() {
        let nothing = "lcov.info: the LCOV report measures nothing (no source file with a \
            coverable line); was it built from an empty test run, or before the code was compiled?";
        assert_eq!(error_of("lcov.info", b"TN:\n"), nothing);
        assert_eq!(
            error_of(
                "lcov.info",
                b"TN:\nSF:src/a.rs\nLF:0\nLH:0\nend_of_record\n"
            ),
            nothing
        );
    }

    #[test]
    fn totals_that_overflow_or_disagree_are_errors_with_their_line() {
        let max = u64::MAX;
        let overflow = format!(
            "SF:a\nDA:1,1\nLF:{max}\nLH:0\nend_of_record\nSF:b\nDA:1,1\nLF:1\nLH:1\nend_of_record\n"
        );
        assert_eq!(
            error_of("lcov.info", overflow.as_bytes()),
            format!("lcov.info: line 10: the LF: totals of the records add up past {max}")
        );
        // Each record on its own: a surplus of found lines in one record must not
        // hide another record that says more were hit than found.
        let disagree =
            "SF:a\nDA:1,1\nLF:10\nLH:0\nend_of_record\nSF:b\nDA:1,1\nLF:1\nLH:5\nend_of_record\n";
        assert_eq!(
            error_of("lcov.info", disagree.as_bytes()),
            "lcov.info: line 9: LH:5 is more than were found (LF:1) in the record for b"
        );
        assert_eq!(
            error_of("lcov.info", b"SF:a\nDA:1,1\nBRH:2\nend_of_record\n"),
            "lcov.info: line 3: BRH:2 is more than were found (no BRF:) in the record for a"
        );
        assert_eq!(
            error_of("lcov.info", b"SF:a\nDA:1,1\nLF:1\nLF:1\nend_of_record\n"),
            "lcov.info: line 4: LF: given twice in the record for a (line 1)"
        );
        let execution = format!("SF:a\nDA:1,{max}0\nend_of_record\n");
        assert_eq!(
            error_of("lcov.info", execution.as_bytes()),
            format!("lcov.info: line 2: execution count \"{max}0\" is not a whole number from 0 to {max}")
        );
        // Totals of several records add up.
        let report = parse_str(
            "SF:a\nDA:1,1\nLF:2\nLH:1\nend_of_record\nSF:b\nDA:1,0\nLF:3\nLH:0\nend_of_record\n",
        )
        .unwrap();
        assert_eq!(report.summary.counters.line, Counter::new(4, 1));
    }

    #[test]
    fn unknown_keys_of_newer_lcov_versions_are_skipped() {
        let report =
            parse_str("VER:2\nTN:t\nSF:a\nFNL:0,1,2\nFNA:0,1,f\nDA:1,1\nend_of_record\n").unwrap();
        assert!(report.files[0].coverage.line(1).unwrap().is_covered());
    }
}
