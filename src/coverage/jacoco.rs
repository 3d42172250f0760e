//! JaCoCo XML (DTD 1.0 and 1.1), streamed: one function per element, each reading until
//! its own end tag, so the nesting JaCoCo's DTD allows is checked as a side effect and
//! anything else is an error naming the element. A source file's lines come from its
//! `<line>` elements with the rule JaCoCo's own LINE counter uses (covered: `ci > 0`;
//! missed: `ci == 0 && mi > 0`), and its instruction and branch counters from its
//! `<counter>` elements, because Kotlin counts instructions that sit on no line. Class
//! counters are kept too: they are the rows of JaCoCo's CSV. LINE totals come from
//! source files, never from classes, which count shared lines once per class.

use std::io::BufRead;
use std::sync::Arc;

use quick_xml::events::BytesStart;

use super::xml::{Ctx, Node, Root, XmlReader};
use super::{
    ClassCounters, Counter, CounterKind, Counters, CoverageError, FileCoverage, LineCoverage,
    ParsedReport, ReportFormat, ReportSummary, ReportedFile, ReportedName,
};

/// Deeper `<group>` nesting than any build tool writes; the limit keeps a hostile
/// report from exhausting the stack.
const MAX_GROUP_DEPTH: usize = 32;

pub(crate) fn parse<R: BufRead>(
    xml: &mut XmlReader<R>,
    root: &Root,
) -> Result<ParsedReport, CoverageError> {
    let cx = xml.ctx();
    let name = name_attr(cx, &root.element, "report")?;
    let mut sink = Sink::default();
    let counters = if root.empty {
        Counters::default()
    } else {
        read_container(xml, &mut sink, "report", &name.as_str().into(), None, 0)?
    };
    sink.classes.shrink_to_fit();
    Ok(ParsedReport {
        summary: ReportSummary {
            path: xml.path().to_path_buf(),
            format: ReportFormat::Jacoco,
            name: Some(name),
            counters,
            classes: sink.classes,
        },
        files: sink.files,
        source_dirs: Vec::new(),
    })
}

#[derive(Default)]
struct Sink {
    classes: Vec<ClassCounters>,
    files: Vec<ReportedFile>,
    /// The lines of the `<sourcefile>` being read.
    scratch: Vec<(u32, LineCoverage)>,
}

/// What to do with a child element once the event that announced it is dropped.
enum Child {
    Group(String),
    Package(String),
    Class(String),
    SourceFile(String),
    /// Read past the end tag of an element that has no content (`<counter></counter>`).
    End(&'static str),
    /// Skip an element whose content gate does not need (`<method>`, `<sessioninfo>`).
    Skip(&'static str),
}

/// `<report>` or `<group>`: `(group* | package*), counter*`, plus `sessioninfo*` in
/// `<report>`. Returns the element's own counters.
fn read_container<R: BufRead>(
    xml: &mut XmlReader<R>,
    sink: &mut Sink,
    element: &'static str,
    group_path: &Arc<str>,
    module: Option<&Arc<str>>,
    depth: usize,
) -> Result<Counters, CoverageError> {
    let mut counters = Counters::default();
    loop {
        let (node, cx) = xml.next()?;
        let (child, empty) = match node {
            Node::Start { element: e, empty } => {
                let child = match e.local_name().as_ref() {
                    "group" if depth >= MAX_GROUP_DEPTH => {
                        return Err(cx
                            .malformed(format!("<group> nested more than {MAX_GROUP_DEPTH} deep")))
                    }
                    "group" => Child::Group(name_attr(cx, &e, "group")?),
                    "package" => Child::Package(package_name(cx, &e)?),
                    "counter" => read_counter(cx, &e, &mut counters)?,
                    "sessioninfo" if element == "report" => Child::Skip("sessioninfo"),
                    _ => return Err(cx.unexpected(&e, element)),
                };
                (child, empty)
            }
            Node::End => return Ok(counters),
            Node::Ignored => continue,
            Node::Text(_) => return Err(cx.unexpected_text(element)),
            Node::Eof => return Err(cx.truncated(element)),
        };
        match child {
            Child::Group(name) => {
                let path = format!("{group_path}/{name}").into();
                if !empty {
                    let name = name.into();
                    read_container(xml, sink, "group", &path, Some(&name), depth + 1)?;
                }
            }
            Child::Package(name) if !empty => {
                read_package(xml, sink, group_path, module, &name.into())?
            }
            other => finish(xml, other, empty)?,
        }
    }
}

/// `<package>`: `class*, sourcefile*, counter*`.
fn read_package<R: BufRead>(
    xml: &mut XmlReader<R>,
    sink: &mut Sink,
    group_path: &Arc<str>,
    module: Option<&Arc<str>>,
    package: &Arc<str>,
) -> Result<(), CoverageError> {
    let mut ignored = Counters::default();
    loop {
        let (node, cx) = xml.next()?;
        let (child, empty) = match node {
            Node::Start { element: e, empty } => {
                let child = match e.local_name().as_ref() {
                    "class" => Child::Class(name_attr(cx, &e, "class")?),
                    "sourcefile" => Child::SourceFile(source_file_name(cx, &e)?),
                    "counter" => read_counter(cx, &e, &mut ignored)?,
                    _ => return Err(cx.unexpected(&e, "package")),
                };
                (child, empty)
            }
            Node::End => return Ok(()),
            Node::Ignored => continue,
            Node::Text(_) => return Err(cx.unexpected_text("package")),
            Node::Eof => return Err(cx.truncated("package")),
        };
        match child {
            Child::Class(name) => {
                let counters = if empty {
                    Counters::default()
                } else {
                    read_class(xml)?
                };
                // A class without code has no counters and no CSV row.
                if counters != Counters::default() {
                    sink.classes.push(ClassCounters {
                        group: group_path.clone(),
                        package: package.clone(),
                        name,
                        counters,
                    });
                }
            }
            Child::SourceFile(file) => {
                let coverage = if empty {
                    FileCoverage::new([], Some(Counters::default()))
                } else {
                    read_source_file(xml, &mut sink.scratch)?
                };
                sink.files.push(ReportedFile {
                    name: ReportedName::Package {
                        module: module.cloned(),
                        package: package.clone(),
                        file,
                    },
                    coverage,
                });
            }
            other => finish(xml, other, empty)?,
        }
    }
}

/// `<class>`: `method*, counter*`. Method counters are not kept: the class sums them.
fn read_class<R: BufRead>(xml: &mut XmlReader<R>) -> Result<Counters, CoverageError> {
    let mut counters = Counters::default();
    loop {
        let (node, cx) = xml.next()?;
        let (child, empty) = match node {
            Node::Start { element: e, empty } => {
                let child = match e.local_name().as_ref() {
                    "method" => Child::Skip("method"),
                    "counter" => read_counter(cx, &e, &mut counters)?,
                    _ => return Err(cx.unexpected(&e, "class")),
                };
                (child, empty)
            }
            Node::End => return Ok(counters),
            Node::Ignored => continue,
            Node::Text(_) => return Err(cx.unexpected_text("class")),
            Node::Eof => return Err(cx.truncated("class")),
        };
        finish(xml, child, empty)?;
    }
}

/// `<sourcefile>`: `line*, counter*`. The lines are gathered in `scratch`, reused from
/// file to file, so each file's lines take one allocation of their exact size.
fn read_source_file<R: BufRead>(
    xml: &mut XmlReader<R>,
    scratch: &mut Vec<(u32, LineCoverage)>,
) -> Result<FileCoverage, CoverageError> {
    scratch.clear();
    let mut counters = Counters::default();
    loop {
        let (node, cx) = xml.next()?;
        let (child, empty) = match node {
            Node::Start { element: e, empty } => {
                let child = match e.local_name().as_ref() {
                    "line" => {
                        if let Some(line) = read_line(cx, &e)? {
                            scratch.push(line);
                        }
                        Child::End("line")
                    }
                    "counter" => read_counter(cx, &e, &mut counters)?,
                    _ => return Err(cx.unexpected(&e, "sourcefile")),
                };
                (child, empty)
            }
            Node::End => return Ok(FileCoverage::build(scratch, Some(counters))),
            Node::Ignored => continue,
            Node::Text(_) => return Err(cx.unexpected_text("sourcefile")),
            Node::Eof => return Err(cx.truncated("sourcefile")),
        };
        finish(xml, child, empty)?;
    }
}

/// Completes a child that needs nothing but reading past its end.
fn finish<R: BufRead>(
    xml: &mut XmlReader<R>,
    child: Child,
    empty: bool,
) -> Result<(), CoverageError> {
    match child {
        _ if empty => Ok(()),
        Child::End(name) => xml.expect_end(name),
        Child::Skip(name) => xml.skip(name),
        // Groups, packages, classes and source files are read by their parents.
        Child::Group(_) | Child::Package(_) | Child::Class(_) | Child::SourceFile(_) => Ok(()),
    }
}

/// `<line nr mi ci mb cb>`; `None` for a line with no instruction at all (JaCoCo
/// writes none, and such a line would count neither way).
fn read_line(
    cx: Ctx<'_>,
    e: &BytesStart<'_>,
) -> Result<Option<(u32, LineCoverage)>, CoverageError> {
    let (mut nr, mut mi, mut ci, mut mb, mut cb) = (None, 0, 0, 0, 0);
    for attr in cx.attributes(e) {
        let attr = attr?;
        match attr.key.as_ref() {
            "nr" => nr = Some(cx.line_number(&attr)?),
            "mi" => mi = cx.number(&attr)?,
            "ci" => ci = cx.number(&attr)?,
            "mb" => mb = cx.number(&attr)?,
            "cb" => cb = cx.number(&attr)?,
            _ => {}
        }
    }
    let nr = cx.required(nr, "line", "nr")?;
    if mi == 0 && ci == 0 {
        return Ok(None);
    }
    let pair = |missed, covered, what: &str| {
        Counter::checked(missed, covered).ok_or_else(|| {
            cx.malformed(format!(
                "<line nr=\"{nr}\">: {what} add up past {}, more than any line holds",
                u64::MAX
            ))
        })
    };
    Ok(Some((
        nr,
        LineCoverage {
            hits: ci,
            instructions: pair(mi, ci, "mi and ci")?,
            branches: pair(mb, cb, "mb and cb")?,
        },
    )))
}

/// `<counter type missed covered>`, added to `into`.
fn read_counter(
    cx: Ctx<'_>,
    e: &BytesStart<'_>,
    into: &mut Counters,
) -> Result<Child, CoverageError> {
    let (mut kind, mut missed, mut covered) = (None, None, None);
    for attr in cx.attributes(e) {
        let attr = attr?;
        match attr.key.as_ref() {
            "type" => {
                let value = cx.text_value(&attr)?;
                kind = Some(CounterKind::parse(&value).ok_or_else(|| {
                    cx.malformed(format!(
                        "<counter type=\"{value}\"> is none of INSTRUCTION, BRANCH, LINE, \
                         COMPLEXITY, METHOD, CLASS"
                    ))
                })?);
            }
            "missed" => missed = Some(cx.number(&attr)?),
            "covered" => covered = Some(cx.number(&attr)?),
            _ => {}
        }
    }
    let kind = cx.required(kind, "counter", "type")?;
    let missed = cx.required(missed, "counter", "missed")?;
    let covered = cx.required(covered, "counter", "covered")?;
    let overflow = || {
        cx.malformed(format!(
            "<counter type=\"{}\" missed=\"{missed}\" covered=\"{covered}\">: the counts \
             add up past {}, more than any code holds",
            kind.as_str(),
            u64::MAX
        ))
    };
    let counter = into.get_mut(kind);
    *counter = Counter::checked(missed, covered)
        .and_then(|c| counter.checked_add(c))
        .ok_or_else(overflow)?;
    Ok(Child::End("counter"))
}

fn name_attr(cx: Ctx<'_>, e: &BytesStart<'_>, element: &str) -> Result<String, CoverageError> {
    let mut name = None;
    for attr in cx.attributes(e) {
        let attr = attr?;
        if attr.key.as_ref() == "name" {
            name = Some(cx.text_value(&attr)?);
        }
    }
    cx.required(name, element, "name")
}

/// A package name is a path of identifiers (`com/example/shop`, or empty for the
/// default package); anything that could climb out of a directory is refused here, so
/// no name can resolve outside the repository.
fn package_name(cx: Ctx<'_>, e: &BytesStart<'_>) -> Result<String, CoverageError> {
    let name = name_attr(cx, e, "package")?;
    let bad_segment = |s: &str| s.is_empty() || s == "." || s == ".." || s.contains(['\\', ':']);
    if !name.is_empty() && name.split('/').any(bad_segment) {
        return Err(cx.malformed(format!(
            "<package name=\"{name}\"> is not a package path like com/example/shop"
        )));
    }
    Ok(name)
}

/// A `<sourcefile>` name is a bare file name (`Cart.java`), never a path.
fn source_file_name(cx: Ctx<'_>, e: &BytesStart<'_>) -> Result<String, CoverageError> {
    let name = name_attr(cx, e, "sourcefile")?;
    if name.is_empty() || name == "." || name == ".." || name.contains(['/', '\\', ':']) {
        return Err(cx.malformed(format!(
            "<sourcefile name=\"{name}\"> is not a bare file name like Cart.java"
        )));
    }
    Ok(name)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    use serde_json::Value;

    use crate::coverage::tests::{error_of, fixture, temp_file};
    use crate::coverage::{
        read_report, Counter, CounterKind, CoverageError, LineCoverage, ParsedReport, Position,
        ReportedName,
    };

    fn parse_str(xml: &str) -> Result<ParsedReport, CoverageError> {
        let (_dir, path) = temp_file("jacoco.xml", xml.as_bytes());
        read_report(&path)
    }

    const PROLOG: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.1//EN" "report.dtd">"#;

    fn with_line(line: &str) -> String {
        format!(
            r#"{PROLOG}<report name="r"><package name="p"><sourcefile name="A.java">{line}</sourcefile></package></report>"#
        )
    }

    /// One CSV row, reduced to what the XML can name: JaCoCo's CSV writes display
    /// names (`Discount.new Discount() {...}`) that need the class hierarchy, so a class
    /// is keyed by its outermost simple name, and rows are compared as a multiset.
    type Row = (String, String, String, Vec<u64>);

    fn csv_rows(path: &Path) -> Vec<Row> {
        let text = std::fs::read_to_string(path).unwrap();
        let mut lines = text.lines();
        let header: Vec<&str> = lines.next().unwrap().split(',').collect();
        assert_eq!(header.len(), 13, "{header:?}");
        let mut rows: Vec<Row> = lines
            .map(|line| {
                let f: Vec<&str> = line.split(',').collect();
                assert_eq!(f.len(), 13, "{line}");
                let outer = f[2].split('.').next().unwrap().to_string();
                let numbers = f[3..].iter().map(|n| n.parse().unwrap()).collect();
                (f[0].to_string(), f[1].to_string(), outer, numbers)
            })
            .collect();
        rows.sort();
        rows
    }

    /// The CSV's columns: every counter but CLASS, missed then covered.
    fn xml_rows(report: &ParsedReport) -> Vec<Row> {
        let mut rows: Vec<Row> = report
            .summary
            .classes
            .iter()
            .map(|class| {
                let simple = class.name.rsplit('/').next().unwrap();
                let outer = simple.split('$').next().unwrap().to_string();
                let numbers = CounterKind::ALL[..5]
                    .iter()
                    .flat_map(|&k| {
                        let c = class.counters.get(k);
                        [c.missed, c.covered]
                    })
                    .collect();
                (
                    class.group.to_string(),
                    class.package.replace('/', "."),
                    outer,
                    numbers,
                )
            })
            .collect();
        rows.sort();
        rows
    }

    /// Asserts a real report against its CSV and the independent figures in
    /// `jacoco.expected.json` (made by a separate Python parser).
    fn check_against_jacoco_outputs(dir: &str) {
        let report = read_report(&fixture(&format!("{dir}/jacoco.xml"))).unwrap();
        let expected: Value = serde_json::from_str(
            &std::fs::read_to_string(fixture(&format!("{dir}/jacoco.expected.json"))).unwrap(),
        )
        .unwrap();

        assert_eq!(
            report.summary.name.as_deref(),
            expected["report_name"].as_str()
        );
        for kind in CounterKind::ALL {
            let want = &expected["totals"][kind.as_str()];
            let got = report.summary.counters.get(kind);
            assert_eq!(
                got.missed,
                want["missed"].as_u64().unwrap(),
                "{dir} {kind:?}"
            );
            assert_eq!(
                got.covered,
                want["covered"].as_u64().unwrap(),
                "{dir} {kind:?}"
            );
        }

        let csv = csv_rows(&fixture(&format!("{dir}/jacoco.csv")));
        assert_eq!(
            xml_rows(&report),
            csv,
            "{dir}: class counters differ from the CSV"
        );

        let mut files: BTreeMap<String, &crate::coverage::FileCoverage> = BTreeMap::new();
        for f in &report.files {
            assert!(matches!(f.name, ReportedName::Package { .. }));
            assert!(files.insert(f.name.to_string(), &f.coverage).is_none());
        }
        let want_files = expected["sourcefiles"].as_object().unwrap();
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            want_files.keys().collect::<Vec<_>>()
        );
        let mut line_total = crate::coverage::Counter::default();
        for (name, want) in want_files {
            let file = files[name];
            let lines = file.line_counter();
            line_total = line_total.checked_add(lines).unwrap();
            assert_eq!(
                lines.covered,
                want["lines_covered"].as_u64().unwrap(),
                "{name}"
            );
            assert_eq!(
                lines.missed,
                want["lines_missed"].as_u64().unwrap(),
                "{name}"
            );
            let counters = file.counters.unwrap();
            for kind in [
                CounterKind::Line,
                CounterKind::Instruction,
                CounterKind::Branch,
            ] {
                let pair = &want[kind.as_str()];
                let got = counters.get(kind);
                assert_eq!(
                    [got.missed, got.covered],
                    [pair[0].as_u64().unwrap(), pair[1].as_u64().unwrap()],
                    "{name} {kind:?}"
                );
            }
        }
        // LINE totals are the sum over source files, not over classes.
        assert_eq!(line_total, report.summary.counters.line);
    }

    #[test]
    fn java_sample_matches_jacoco_csv_and_expected_figures() {
        check_against_jacoco_outputs("java-sample");
        let report = read_report(&fixture("java-sample/jacoco.xml")).unwrap();
        let class_lines: u64 = report
            .summary
            .classes
            .iter()
            .map(|c| c.counters.line.covered)
            .sum();
        assert_eq!(
            (class_lines, report.summary.counters.line.covered),
            (53, 50)
        );
    }

    #[test]
    fn pr_change_matches_jacoco_csv_and_expected_figures() {
        check_against_jacoco_outputs("java-sample/pr-change");
        let report = read_report(&fixture("java-sample/pr-change/jacoco.xml")).unwrap();
        let cart = report
            .files
            .iter()
            .find(|f| f.name.to_string() == "com/example/shop/Cart.java")
            .unwrap();
        // diff-cover's verdict on the same lines: 61 covered with a missed branch, 62 missed.
        assert!(cart.coverage.line(61).unwrap().is_partial());
        assert!(!cart.coverage.line(62).unwrap().is_covered());
    }

    #[test]
    fn kotlin_sample_takes_instructions_from_counters_not_lines() {
        check_against_jacoco_outputs("kotlin-sample");
        let report = read_report(&fixture("kotlin-sample/jacoco.xml")).unwrap();
        let invoice = report
            .files
            .iter()
            .find(|f| f.name.to_string() == "com/example/kt/billing/Invoice.kt")
            .unwrap();
        let mut from_lines = crate::coverage::Counter::default();
        for (_, line) in invoice.coverage.lines() {
            from_lines = from_lines.checked_add(line.instructions).unwrap();
        }
        assert_eq!((from_lines.missed, from_lines.covered), (25, 93));
        let counter = invoice.coverage.counters.unwrap().instruction;
        assert_eq!((counter.missed, counter.covered), (30, 105));
    }

    #[test]
    fn dtd_1_0_without_sessioninfo() {
        let old = parse_str(concat!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>"#,
            r#"<!DOCTYPE report PUBLIC "-//JACOCO//DTD Report 1.0//EN" "report.dtd">"#,
            r#"<report name="old"><package name="a"><class name="a/B"><method name="&lt;init&gt;" desc="()V" line="1"><counter type="INSTRUCTION" missed="0" covered="3"/></method>"#,
            r#"<counter type="INSTRUCTION" missed="0" covered="3"/></class><sourcefile name="B.java"><line nr="1" mi="0" ci="3" mb="0" cb="0"/>"#,
            r#"<counter type="INSTRUCTION" missed="0" covered="3"/></sourcefile></package><counter type="INSTRUCTION" missed="0" covered="3"/></report>"#,
        ))
        .unwrap();
        assert_eq!(old.summary.counters.instruction.covered, 3);
        assert_eq!(old.summary.counters.branch, Default::default());
        assert!(old.files[0].coverage.line(1).unwrap().is_covered());
    }

    #[test]
    fn groups_name_the_module_and_the_csv_group() {
        let report = parse_str(concat!(
            r#"<report name="all"><sessioninfo id="x" start="1" dump="2"/><group name="core"><group name="inner">"#,
            r#"<package name="p"><class name="p/A" sourcefilename="A.java"><counter type="LINE" missed="1" covered="0"/></class>"#,
            r#"<sourcefile name="A.java"><line nr="3" mi="2" ci="0" mb="0" cb="0"/></sourcefile></package>"#,
            r#"</group></group></report>"#,
        ))
        .unwrap();
        assert_eq!(&*report.summary.classes[0].group, "all/core/inner");
        match &report.files[0].name {
            ReportedName::Package { module, .. } => assert_eq!(module.as_deref(), Some("inner")),
            ReportedName::Path(_) => panic!("JaCoCo names files by package"),
        }
        assert!(!report.files[0].coverage.line(3).unwrap().is_covered());
    }

    /// Asserts an error message names the file and contains `needle`.
    fn assert_error(result: Result<ParsedReport, CoverageError>, needle: &str) -> CoverageError {
        let err = result.unwrap_err();
        let text = err.to_string();
        assert!(text.contains("jacoco.xml"), "{text}");
        assert!(text.contains(needle), "expected {needle:?} in: {text}");
        err
    }

    const NOTHING: &str = "jacoco.xml: the JaCoCo XML report measures nothing (no source \
        file with a coverable line); was it built from an empty test run, or before the code \
        was compiled?";

    #[test]
    fn a_report_that_measures_nothing_is_an_error() {
        let empty = format!(r#"{PROLOG}<report name="backend"/>"#);
        assert_eq!(error_of("jacoco.xml", empty.as_bytes()), NOTHING);
        // What JaCoCo itself writes when it is given no class files.
        let real = fixture("java-sample/empty-run/jacoco.xml");
        let err = read_report(&real).unwrap_err().to_string();
        assert_eq!(
            err,
            format!("{}/{NOTHING}", real.parent().unwrap().display())
        );
        // Source files without a single line with code measure nothing either.
        let no_lines = format!(
            r#"{PROLOG}<report name="r"><package name="p"><sourcefile name="I.java"/><sourcefile name="A.java"><line nr="3" mi="0" ci="0" mb="0" cb="0"/></sourcefile></package></report>"#
        );
        assert_eq!(error_of("jacoco.xml", no_lines.as_bytes()), NOTHING);
    }

    #[test]
    fn anything_after_the_report_is_an_error() {
        let one = with_line(r#"<line nr="1" mi="0" ci="2"/>"#);
        let second = format!(
            "{one}\n<report name=\"other\">{}",
            &one[one.find("<package").unwrap()..]
        );
        assert_eq!(
            error_of("jacoco.xml", second.as_bytes()),
            format!(
                "jacoco.xml: line 2 (byte {}): <report> after the end of <report>: a file \
                 holds one report (were two written into one file?)",
                one.len() + 1
            )
        );
        let junk = format!("{one}\n\njunk");
        assert_eq!(
            error_of("jacoco.xml", junk.as_bytes()),
            format!(
                "jacoco.xml: line 3 (byte {}): content after the end of <report>, where only \
                 comments may follow",
                one.len() + 2
            )
        );
        let empty_root = format!(r#"{PROLOG}<report name="r"/>junk"#);
        assert!(error_of("jacoco.xml", empty_root.as_bytes()).contains("content after the end"));
        // Comments, processing instructions and blank lines may follow.
        let fine = format!("{one}\n<!-- written by CI -->\n<?done?>\n\n");
        assert!(parse_str(&fine).is_ok());
    }

    #[test]
    fn counts_past_u64_are_errors() {
        let max = u64::MAX;
        let counter = |missed: u64, covered: u64| {
            format!(r#"<counter type="LINE" missed="{missed}" covered="{covered}"/>"#)
        };
        let at = |xml: &str, what: &str| xml.find(what).unwrap();
        let total = with_line(&format!(
            r#"<line nr="1" mi="0" ci="2"/>{}"#,
            counter(max, 1)
        ));
        assert_eq!(
            error_of("jacoco.xml", total.as_bytes()),
            format!(
                "jacoco.xml: line 1 (byte {}): <counter type=\"LINE\" missed=\"{max}\" \
                 covered=\"1\">: the counts add up past {max}, more than any code holds",
                at(&total, "<counter")
            )
        );
        // Two counters of one kind that wrap around to 0 missed, 3 covered: the wrap
        // that once made a JaCoCo BUNDLE rule read 1.0 on 0 of 3 covered lines.
        let wrap = format!(
            r#"{PROLOG}<report name="r"><package name="p"><sourcefile name="A.java"><line nr="1" mi="1" ci="0"/></sourcefile></package>{}{}</report>"#,
            counter(max, 0),
            counter(1, 3)
        );
        assert_eq!(
            error_of("jacoco.xml", wrap.as_bytes()),
            format!(
                "jacoco.xml: line 1 (byte {}): <counter type=\"LINE\" missed=\"1\" \
                 covered=\"3\">: the counts add up past {max}, more than any code holds",
                wrap.rfind("<counter").unwrap()
            )
        );
        let line = with_line(&format!(r#"<line nr="7" mi="{max}" ci="1"/>"#));
        assert_eq!(
            error_of("jacoco.xml", line.as_bytes()),
            format!(
                "jacoco.xml: line 1 (byte {}): <line nr=\"7\">: mi and ci add up past {max}, \
                 more than any line holds",
                at(&line, "<line")
            )
        );
    }

    #[test]
    fn truncated_reports_are_errors() {
        let full = std::fs::read_to_string(fixture("java-sample/jacoco.xml")).unwrap();
        // Between two elements, and in the middle of a tag.
        let cut = full.find("<sourcefile name=\"Cart.java\">").unwrap();
        let err = assert_error(parse_str(&full[..cut]), "truncated");
        assert!(
            matches!(
                err,
                CoverageError::Truncated {
                    at: Position::LineAndByte { line: 1, .. },
                    ..
                }
            ),
            "{err:?}"
        );
        assert_error(parse_str(&full[..cut + 5]), "truncated");
        assert_error(parse_str(&full[..full.len() - 1]), "truncated");
    }

    #[test]
    fn entities_are_refused_not_expanded() {
        let laughs = concat!(
            r#"<?xml version="1.0"?><!DOCTYPE report [<!ENTITY lol "lol">"#,
            r#"<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">"#,
            r#"<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>"#,
            r#"<report name="&lol3;"/>"#,
        );
        let err = assert_error(parse_str(laughs), "declares entities");
        assert!(matches!(err, CoverageError::Entity { .. }));

        let xxe = r#"<?xml version="1.0"?><!DOCTYPE report [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><report name="&xxe;"/>"#;
        assert_error(parse_str(xxe), "declares entities");

        // An entity used without a declaration is refused where it is used.
        let undeclared = r#"<report name="&xxe;"/>"#;
        let err = assert_error(parse_str(undeclared), "xxe");
        assert!(matches!(err, CoverageError::Entity { .. }));
    }

    #[test]
    fn bad_line_numbers_are_errors() {
        for nr in [
            "-1",
            "0",
            "4294967296",
            "99999999999999999999999",
            "1e3",
            "",
        ] {
            let line = format!(r#"<line nr="{nr}" mi="1" ci="0" mb="0" cb="0"/>"#);
            assert_error(parse_str(&with_line(&line)), "is not a line number");
        }
        assert_error(
            parse_str(&with_line(r#"<line nr="4" mi="-1" ci="0"/>"#)),
            "mi=\"-1\"",
        );
        assert_error(
            parse_str(&with_line(r#"<line mi="1" ci="0"/>"#)),
            "no nr attribute",
        );
    }

    #[test]
    fn lines_out_of_order_or_repeated_are_sorted_and_merged() {
        let report = parse_str(&with_line(concat!(
            r#"<line nr="9" mi="2" ci="0" mb="1" cb="0"/>"#,
            r#"<line nr="3" mi="0" ci="4" mb="0" cb="0"/>"#,
            r#"<line nr="9" mi="0" ci="3" mb="0" cb="1"/>"#,
        )))
        .unwrap();
        let lines: BTreeMap<u32, LineCoverage> = report.files[0].coverage.lines().collect();
        let got: Vec<(u32, u64, u64, u64)> = lines
            .iter()
            .map(|(&nr, l)| (nr, l.hits, l.instructions.total(), l.branches.total()))
            .collect();
        let mut expected = LineCoverage {
            hits: 0,
            instructions: Counter::new(2, 0),
            branches: Counter::new(1, 0),
        };
        expected.merge(&LineCoverage {
            hits: 3,
            instructions: Counter::new(0, 3),
            branches: Counter::new(0, 1),
        });
        assert_eq!(lines[&9], expected);
        assert_eq!(got[0], (3, 4, 4, 0));
        assert_eq!(got.len(), 2);
    }

    #[test]
    fn repeated_attributes_are_errors() {
        assert_error(
            parse_str(&with_line(r#"<line nr="4" mi="1" ci="0" ci="5"/>"#)),
            "attribute `ci` appears more than once",
        );
        // Past the names kept on the stack, and for attributes gate does not read.
        let many: String = (0..20).map(|i| format!(r#" x{i}="1""#)).collect();
        let line = format!(r#"<line nr="4" mi="1" ci="0"{many} x7="2"/>"#);
        assert_error(parse_str(&with_line(&line)), "`x7` appears more than once");
        let line = format!(r#"<line nr="4" mi="1" ci="0"{many} x17="2"/>"#);
        assert_error(parse_str(&with_line(&line)), "`x17` appears more than once");
        let line = format!(r#"<line nr="4" mi="1" ci="1"{many}/>"#);
        assert!(parse_str(&with_line(&line)).is_ok());
    }

    #[test]
    fn names_that_climb_out_of_a_directory_are_errors() {
        let bad_file = format!(
            r#"{PROLOG}<report name="r"><package name="p"><sourcefile name="../../etc/passwd"/></package></report>"#
        );
        assert_error(parse_str(&bad_file), "not a bare file name");
        let bad_package = format!(
            r#"{PROLOG}<report name="r"><package name="com/../../etc"><sourcefile name="A.java"/></package></report>"#
        );
        assert_error(parse_str(&bad_package), "not a package path");
    }

    #[test]
    fn structure_outside_the_dtd_is_an_error() {
        assert_error(
            parse_str(r#"<report name="r"><package name="p"><line nr="1"/></package></report>"#),
            "unexpected <line> inside <package>",
        );
        assert_error(
            parse_str(
                r#"<report name="r"><counter type="LINES" missed="1" covered="1"/></report>"#,
            ),
            "LINES",
        );
        assert_error(
            parse_str(r#"<report name="r">text</report>"#),
            "unexpected text",
        );
        assert_error(parse_str(r#"<report/>"#), "no name attribute");
        assert_error(
            parse_str(r#"<?xml version="1.0" encoding="ISO-8859-1"?><report name="r"/>"#),
            "UTF-8",
        );
    }
}
