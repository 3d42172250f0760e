//! Cobertura XML (coverage.py's `coverage xml`, gcovr, PHPUnit, .NET coverlet and
//! others): `coverage/packages/package/classes/class@filename/lines/line` with
//! `number`, `hits`, and for a branch line `condition-coverage="50% (1/2)"`; file names
//! are relative to one of `coverage/sources/source`. Many tools write Cobertura, each
//! adding elements of its own, so elements outside that path are skipped rather than
//! refused (this is also how the copies of lines under `class/methods` are left out);
//! what is on the path must be well-formed. Several `<class>` elements may name one
//! file (Java inner classes); their lines merge when files are mapped.

use std::collections::BTreeMap;
use std::io::BufRead;

use quick_xml::events::BytesStart;

use super::xml::{Ctx, Node, Root, XmlReader};
use super::{
    Counter, Counters, CoverageError, FileCoverage, LineCoverage, ParsedReport, ReportFormat,
    ReportSummary, ReportedFile, ReportedName,
};

/// The elements on the path to `<line>`; anything else is `Other` and skipped whole.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Elem {
    Coverage,
    Sources,
    Packages,
    Package,
    Classes,
    Class,
    Lines,
    Line,
    Other,
}

impl Elem {
    fn child(self, name: &str) -> Elem {
        match (self, name) {
            (Elem::Coverage, "sources") => Elem::Sources,
            (Elem::Coverage, "packages") => Elem::Packages,
            (Elem::Packages, "package") => Elem::Package,
            (Elem::Package, "classes") => Elem::Classes,
            (Elem::Classes, "class") => Elem::Class,
            (Elem::Class, "lines") => Elem::Lines,
            (Elem::Lines, "line") => Elem::Line,
            _ => Elem::Other,
        }
    }

    fn name(self) -> &'static str {
        match self {
            Elem::Coverage => "coverage",
            Elem::Sources => "sources",
            Elem::Packages => "packages",
            Elem::Package => "package",
            Elem::Classes => "classes",
            Elem::Class => "class",
            Elem::Lines => "lines",
            Elem::Line => "line",
            Elem::Other => "an element gate skips",
        }
    }
}

pub(crate) fn parse<R: BufRead>(
    xml: &mut XmlReader<R>,
    root: &Root,
) -> Result<ParsedReport, CoverageError> {
    let counters = root_counters(xml.ctx(), &root.element)?;
    let mut files = Vec::new();
    let mut source_dirs = Vec::new();
    // The class being read: its file name and lines.
    let mut class: Option<(String, BTreeMap<u32, LineCoverage>)> = None;
    // A self-closing root has nothing to read.
    let mut stack = if root.empty {
        Vec::new()
    } else {
        vec![Elem::Coverage]
    };
    while !stack.is_empty() {
        let (node, cx) = xml.next()?;
        let parent = stack.last().copied().unwrap_or(Elem::Other);
        match node {
            Node::Start { element, empty } => {
                let elem = if parent == Elem::Sources && element.local_name().as_ref() == "source" {
                    if !empty {
                        drop(element);
                        source_dirs.push(xml.text("source")?);
                    }
                    continue;
                } else {
                    parent.child(element.local_name().as_ref())
                };
                match elem {
                    Elem::Class => {
                        let filename = class_filename(cx, &element)?;
                        class = Some((filename, BTreeMap::new()));
                    }
                    Elem::Line => {
                        let (nr, line) = read_line(cx, &element)?;
                        if let Some((_, lines)) = &mut class {
                            lines
                                .entry(nr)
                                .and_modify(|l: &mut LineCoverage| l.merge(&line))
                                .or_insert(line);
                        }
                    }
                    _ => {}
                }
                if empty {
                    if elem == Elem::Class {
                        finish_class(&mut class, &mut files);
                    }
                } else {
                    stack.push(elem);
                }
            }
            Node::End => {
                if stack.pop() == Some(Elem::Class) {
                    finish_class(&mut class, &mut files);
                }
            }
            Node::Text(_) if parent == Elem::Other => {}
            Node::Text(_) => return Err(cx.unexpected_text(parent.name())),
            Node::Ignored => {}
            Node::Eof => return Err(cx.truncated(parent.name())),
        }
    }
    Ok(ParsedReport {
        summary: ReportSummary {
            path: xml.path().to_path_buf(),
            format: ReportFormat::Cobertura,
            name: None,
            counters,
            classes: Vec::new(),
        },
        files,
        source_dirs,
    })
}

fn finish_class(
    class: &mut Option<(String, BTreeMap<u32, LineCoverage>)>,
    files: &mut Vec<ReportedFile>,
) {
    if let Some((filename, lines)) = class.take() {
        files.push(ReportedFile {
            name: ReportedName::Path(filename),
            coverage: FileCoverage::new(lines, None),
        });
    }
}

/// `lines-valid`/`lines-covered` and `branches-valid`/`branches-covered`, when given.
fn root_counters(cx: Ctx<'_>, root: &BytesStart<'_>) -> Result<Counters, CoverageError> {
    let (mut lines, mut branches) = ((None, None), (None, None));
    for attr in cx.attributes(root) {
        let attr = attr?;
        match attr.key.as_ref() {
            "lines-valid" => lines.0 = Some(cx.number(&attr)?),
            "lines-covered" => lines.1 = Some(cx.number(&attr)?),
            "branches-valid" => branches.0 = Some(cx.number(&attr)?),
            "branches-covered" => branches.1 = Some(cx.number(&attr)?),
            _ => {}
        }
    }
    let counter = |(valid, covered): (Option<u64>, Option<u64>), what: &str| {
        let (valid, covered) = (valid.unwrap_or(0), covered.unwrap_or(0));
        valid
            .checked_sub(covered)
            .map(|missed| Counter::new(missed, covered))
            .ok_or_else(|| {
                cx.malformed(format!(
                    "<coverage> says {covered} {what} covered of {valid}"
                ))
            })
    };
    Ok(Counters {
        line: counter(lines, "lines")?,
        branch: counter(branches, "branches")?,
        ..Counters::default()
    })
}

fn class_filename(cx: Ctx<'_>, element: &BytesStart<'_>) -> Result<String, CoverageError> {
    let mut filename = None;
    for attr in cx.attributes(element) {
        let attr = attr?;
        if attr.key.as_ref() == "filename" {
            filename = Some(cx.text_value(&attr)?).filter(|f| !f.is_empty());
        }
    }
    cx.required(filename, "class", "filename")
}

/// `<line number hits [branch condition-coverage]>`.
fn read_line(cx: Ctx<'_>, element: &BytesStart<'_>) -> Result<(u32, LineCoverage), CoverageError> {
    let (mut nr, mut hits, mut branches) = (None, None, Counter::default());
    for attr in cx.attributes(element) {
        let attr = attr?;
        match attr.key.as_ref() {
            "number" => nr = Some(cx.line_number(&attr)?),
            "hits" => hits = Some(cx.number(&attr)?),
            "condition-coverage" => {
                branches = condition_coverage(&attr.value).ok_or_else(|| {
                    cx.malformed(format!(
                        "condition-coverage=\"{}\" is not like \"50% (1/2)\"",
                        attr.value
                    ))
                })?;
            }
            _ => {}
        }
    }
    let nr = cx.required(nr, "line", "number")?;
    let hits = cx.required(hits, "line", "hits")?;
    Ok((
        nr,
        LineCoverage {
            hits,
            instructions: Counter::default(),
            branches,
        },
    ))
}

/// `50% (1/2)` → 1 covered, 1 missed.
fn condition_coverage(value: &str) -> Option<Counter> {
    let inner = value.split_once('(')?.1.split_once(')')?.0;
    let (covered, total) = inner.split_once('/')?;
    let covered: u64 = covered.trim().parse().ok()?;
    let total: u64 = total.trim().parse().ok()?;
    Some(Counter::new(total.checked_sub(covered)?, covered))
}

#[cfg(test)]
mod tests {
    use crate::coverage::tests::{assert_matches_coverage_py, error_of, fixture, temp_file};
    use std::collections::BTreeMap;

    use crate::coverage::{read_report, Counter, CoverageError, LineCoverage, ParsedReport};

    fn parse_str(xml: &str) -> Result<ParsedReport, CoverageError> {
        let (_dir, path) = temp_file("coverage.xml", xml.as_bytes());
        read_report(&path)
    }

    #[test]
    fn coverage_py_cobertura_matches_its_json_report() {
        let report = read_report(&fixture("coverage-formats/cobertura.xml")).unwrap();
        assert_matches_coverage_py(&report);
        assert_eq!(report.source_dirs.len(), 1);
    }

    #[test]
    fn java_style_cobertura_with_doctype_methods_and_conditions() {
        let report = parse_str(concat!(
            r#"<?xml version="1.0"?><!DOCTYPE coverage SYSTEM "http://cobertura.sourceforge.net/xml/coverage-04.dtd">"#,
            r#"<coverage line-rate="0.5"><sources><source>/ci/src/main/java</source><source>--source</source></sources>"#,
            r#"<packages><package name="a"><classes>"#,
            r#"<class name="a.B" filename="a/B.java"><methods><method name="m"><lines><line number="1" hits="0"/></lines></method></methods>"#,
            r#"<lines><line number="1" hits="3" branch="true" condition-coverage="25% (1/4)"><conditions><condition number="0" type="jump" coverage="25%"/></conditions></line></lines></class>"#,
            r#"<class name="a.B$1" filename="a/B.java"><lines><line number="9" hits="0"/></lines></class>"#,
            r#"</classes></package></packages></coverage>"#,
        ))
        .unwrap();
        assert_eq!(report.source_dirs, ["/ci/src/main/java", "--source"]);
        assert_eq!(report.files.len(), 2);
        let first: BTreeMap<u32, LineCoverage> = report.files[0].coverage.lines().collect();
        assert_eq!(
            (first[&1].hits, first[&1].branches),
            (3, Counter::new(3, 1))
        );
        assert!(!report.files[1].coverage.line(9).unwrap().is_covered());
    }

    #[test]
    fn a_report_that_measures_nothing_is_an_error() {
        let nothing = "coverage.xml: the Cobertura XML report measures nothing (no source file \
            with a coverable line); was it built from an empty test run, or before the code was \
            compiled?";
        assert_eq!(error_of("coverage.xml", b"<coverage/>"), nothing);
        let no_lines = r#"<?xml version="1.0" ?><coverage line-rate="1" lines-valid="0"><sources><source>/ci</source></sources><packages><package name="a"><classes><class filename="a.py"><lines/></class></classes></package></packages></coverage>"#;
        assert_eq!(error_of("coverage.xml", no_lines.as_bytes()), nothing);
    }

    #[test]
    fn anything_after_the_report_is_an_error() {
        let one = r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="1" hits="1"/></lines></class></classes></package></packages></coverage>"#;
        let twice = format!("{one}\n{one}");
        assert_eq!(
            error_of("coverage.xml", twice.as_bytes()),
            format!(
                "coverage.xml: line 2 (byte {}): <coverage> after the end of <coverage>: a file \
                 holds one report (were two written into one file?)",
                one.len() + 1
            )
        );
        let junk = format!("{one}\n  </packages>");
        assert!(error_of("coverage.xml", junk.as_bytes()).starts_with("coverage.xml: line 2"));
        let text = format!("{one}junk");
        assert_eq!(
            error_of("coverage.xml", text.as_bytes()),
            format!(
                "coverage.xml: line 1 (byte {}): content after the end of <coverage>, where only \
                 comments may follow",
                one.len()
            )
        );
    }

    #[test]
    fn counts_that_disagree_are_errors() {
        assert_eq!(
            error_of(
                "coverage.xml",
                br#"<coverage lines-valid="1" lines-covered="2"/>"#
            ),
            "coverage.xml: line 1 (byte 0): <coverage> says 2 lines covered of 1"
        );
        let condition = r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="3" hits="1" branch="true" condition-coverage="150% (3/2)"/></lines></class></classes></package></packages></coverage>"#;
        assert_eq!(
            error_of("coverage.xml", condition.as_bytes()),
            format!(
                "coverage.xml: line 1 (byte {}): condition-coverage=\"150% (3/2)\" is not like \
                 \"50% (1/2)\"",
                condition.find("<line ").unwrap()
            )
        );
    }

    #[test]
    fn malformed_cobertura_is_an_error() {
        let cases = [
            (
                r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="1" hits="1"/>"#,
                "truncated",
            ),
            (
                r#"<coverage><packages><package><classes><class><lines/></class></classes></package></packages></coverage>"#,
                "no filename attribute",
            ),
            (
                r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="-3" hits="1"/></lines></class></classes></package></packages></coverage>"#,
                "not a line number",
            ),
            (
                r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="3"/></lines></class></classes></package></packages></coverage>"#,
                "no hits attribute",
            ),
            (
                r#"<coverage><packages><package><classes><class filename="a.py"><lines><line number="3" hits="1" condition-coverage="half"/></lines></class></classes></package></packages></coverage>"#,
                "condition-coverage",
            ),
            (
                r#"<coverage lines-valid="1" lines-covered="2"/>"#,
                "2 lines covered of 1",
            ),
            (
                r#"<!DOCTYPE coverage [<!ENTITY e SYSTEM "file:///etc/passwd">]><coverage><sources><source>&e;</source></sources></coverage>"#,
                "declares entities",
            ),
            (
                r#"<coverage><sources><source>&e;</source></sources></coverage>"#,
                "&e;",
            ),
        ];
        for (xml, needle) in cases {
            let message = parse_str(xml).unwrap_err().to_string();
            assert!(message.contains("coverage.xml"), "{message}");
            assert!(
                message.contains(needle),
                "expected {needle:?} in: {message}"
            );
        }
    }
}
