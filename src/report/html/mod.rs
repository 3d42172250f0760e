//! The HTML report: one self-contained file with the overview (verdict,
//! conditions, coverage, issues, what new code was), a files table with a
//! folder drill-down, a code viewer (coverage per line as JaCoCo classes it,
//! new lines, findings under their line) and the rules that fired.
//!
//! It must open anywhere a CI artifact can: from `file://`, and from Jenkins'
//! HTML Publisher, whose default policy (`sandbox; default-src 'none'; img-src
//! 'self'; style-src 'self'`) blocks inline styles and scripts. So the page is
//! plain HTML that reads on its own (every mark is text, not colour; every page
//! is a `<section>` in reading order), the stylesheet turns the sections into
//! pages with `:target` (no script needed to navigate), and the script only adds
//! sorting, filters and keys. The page's own policy allows only its stylesheet
//! and script by hash: nothing is fetched, and markup that escaping missed could
//! not run a script.
//!
//! The code viewer needs each line's coverage and the sources, which the other
//! formats do not: the outcome carries the merged coverage and the changed lines,
//! and the sources are read here, from the root, when the report is written
//! (only for files that are changed, have findings or missed lines: the others
//! are rows in the tables).

mod highlight;

use super::{config_notice, new_issues, percent, suppression_note};
use crate::coverage::{Counter, FileCoverage, LineCoverage};
use crate::diff::{ChangedFile, FileStatus};
use crate::gate::measures::Figure;
use crate::gate::{Outcome as RowOutcome, Status};
use crate::model::{DiagnosticLevel, Finding, Language, Severity};
use crate::pipeline::Outcome;
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::io::{self, Write};
use std::path::{Component, Path};

const STYLE: &str = include_str!("report.css");
const SCRIPT: &str = include_str!("report.js");

/// The overview lists at most this many new issues; the files hold all of them.
const OVERVIEW_ISSUES: usize = 500;

/// Above this much source to embed, files the change does not touch are shown
/// in excerpts: the markup about doubles it, and a report must stay small enough
/// to open (the JDK's java.base, 49 MB of Java with a finding in most files,
/// would make an 80 MB page).
const FULL_SOURCES: u64 = 20 << 20;

/// Lines shown around each finding and missed line in an excerpt.
const CONTEXT: usize = 3;

pub(crate) fn write(outcome: &Outcome, out: &mut dyn Write) -> io::Result<()> {
    let root = Path::new(&outcome.root);
    let files = Files::of(outcome).with_sizes(root);
    let mut head = String::with_capacity(64 * 1024);
    document_head(&mut head, outcome);
    overview(&mut head, outcome, &files);
    files_page(&mut head, &files);
    folder_pages(&mut head, &files);
    rules_page(&mut head, outcome, &files);
    out.write_all(head.as_bytes())?;
    // Pages are independent: rendered in parallel, written in order.
    let pages: Vec<String> = files
        .rows
        .par_iter()
        .filter(|r| r.page.is_some())
        .map(|r| file_page(r, root, &files))
        .collect();
    for page in pages {
        out.write_all(page.as_bytes())?;
    }
    write!(
        out,
        "</main>\n<script>{SCRIPT}</script>\n</body>\n</html>\n"
    )
}

/// `text` escaped for HTML text and quoted attribute values.
pub(crate) fn escape_into(out: &mut String, text: &str) {
    let mut last = 0;
    for (i, b) in text.bytes().enumerate() {
        let rep = match b {
            b'&' => "&amp;",
            b'<' => "&lt;",
            b'>' => "&gt;",
            b'"' => "&quot;",
            b'\'' => "&#39;",
            _ => continue,
        };
        out.push_str(&text[last..i]);
        out.push_str(rep);
        last = i + 1;
    }
    out.push_str(&text[last..]);
}

fn esc(text: &str) -> String {
    let mut s = String::with_capacity(text.len());
    escape_into(&mut s, text);
    s
}

/// The page's own policy: its stylesheet and script by hash, nothing else.
fn policy() -> String {
    format!(
        "default-src 'none'; style-src '{}'; script-src '{}'; base-uri 'none'; form-action 'none'",
        sha256(STYLE),
        sha256(SCRIPT)
    )
}

fn sha256(text: &str) -> String {
    use base64::Engine as _;
    let digest = ring::digest::digest(&ring::digest::SHA256, text.as_bytes());
    format!(
        "sha256-{}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// How JaCoCo's HTML report classes a line: `fc` fully covered, `pc` partly
/// (some instruction or branch missed, something covered), `nc` not covered.
/// JaCoCo ORs the statuses of the line's instruction and branch counters; a
/// format without instructions (LCOV, Cobertura) counts the line's hits instead.
fn line_class(l: &LineCoverage) -> &'static str {
    const NOT: u8 = 1;
    const FULLY: u8 = 2;
    let status = |c: Counter| match (c.missed, c.covered) {
        (0, 0) => 0,
        (_, 0) => NOT,
        (0, _) => FULLY,
        _ => NOT | FULLY,
    };
    let instructions = if l.instructions.total() > 0 {
        status(l.instructions)
    } else if l.is_covered() {
        FULLY
    } else {
        NOT
    };
    match instructions | status(l.branches) {
        NOT => "nc",
        FULLY => "fc",
        _ => "pc",
    }
}

/// Every file the run knows of, with its figures and findings, in path order.
struct Files<'a> {
    rows: Vec<Row<'a>>,
    /// Folder → indices into `rows`.
    folders: BTreeMap<&'a str, Vec<usize>>,
    /// Rule id → its number on the rules page.
    rules: BTreeMap<&'a str, usize>,
    /// Rule id → its title, for the rules this run applied.
    titles: BTreeMap<&'a str, &'a str>,
    /// Whether a diff says what is new (else everything is).
    diff: bool,
    /// Unchanged files are shown in excerpts (see [`FULL_SOURCES`]).
    excerpts: bool,
}

struct Row<'a> {
    path: &'a str,
    coverage: Option<&'a FileCoverage>,
    /// The change's lines in this file (with a diff).
    changed: Option<&'a ChangedFile>,
    findings: Vec<&'a Finding>,
    lines: Counter,
    new_lines: Counter,
    branches: Counter,
    issues: usize,
    new_issues: usize,
    /// Its page number, when its source is embedded.
    page: Option<usize>,
}

impl Row<'_> {
    fn is_new(&self, line: u32, diff: bool) -> bool {
        !diff || self.changed.is_some_and(|c| c.contains(line))
    }
}

/// Counts of part of the code: they cannot overflow, since the measures
/// checked the sum over all of it ([`crate::gate::measures::measure`]).
fn sum(a: Counter, b: Counter) -> Counter {
    Counter::new(
        a.missed.saturating_add(b.missed),
        a.covered.saturating_add(b.covered),
    )
}

fn folder_of(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

impl<'a> Files<'a> {
    fn of(outcome: &'a Outcome) -> Files<'a> {
        let coverage = outcome.coverage.as_ref();
        let changed = outcome.changed_lines.as_ref();
        let mut paths: BTreeSet<&str> = BTreeSet::new();
        paths.extend(
            coverage
                .into_iter()
                .flat_map(|c| c.files.keys().map(String::as_str)),
        );
        paths.extend(outcome.findings.iter().map(|f| f.location.path.as_str()));
        paths.extend(
            changed
                .into_iter()
                .flat_map(|c| c.files())
                .filter(|f| f.status != FileStatus::Deleted)
                .map(|f| f.path.as_str()),
        );
        paths.extend(
            outcome
                .measures
                .changed_files_without_coverage
                .iter()
                .map(String::as_str),
        );
        let mut findings: BTreeMap<&str, Vec<&Finding>> = BTreeMap::new();
        for f in &outcome.findings {
            findings.entry(&f.location.path).or_default().push(f);
        }
        let mut pages = 0;
        let rows: Vec<Row> = paths
            .into_iter()
            .map(|path| {
                let file = coverage.and_then(|c| c.files.get(path));
                let changed_file = changed.and_then(|c| c.file(path));
                let findings = findings.remove(path).unwrap_or_default();
                let lines = file.map(FileCoverage::line_counter).unwrap_or_default();
                let new_lines = match (file, changed) {
                    (Some(f), Some(_)) => {
                        changed_file.map(|c| f.tally(c.lines())).unwrap_or_default()
                    }
                    (Some(_), None) => lines,
                    (None, _) => Counter::default(),
                };
                let branches = file
                    .map(|f| match &f.counters {
                        Some(c) => c.branch,
                        None => f
                            .lines()
                            .fold(Counter::default(), |all, (_, l)| sum(all, l.branches)),
                    })
                    .unwrap_or_default();
                let live = || findings.iter().filter(|f| f.suppressed.is_none());
                let embed = changed_file.is_some() || !findings.is_empty() || lines.missed > 0;
                let page = embed.then(|| {
                    pages += 1;
                    pages - 1
                });
                Row {
                    path,
                    coverage: file,
                    changed: changed_file,
                    issues: live().count(),
                    new_issues: live().filter(|f| f.new).count(),
                    findings,
                    lines,
                    new_lines,
                    branches,
                    page,
                }
            })
            .collect();
        let mut folders: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
        for (i, r) in rows.iter().enumerate() {
            folders.entry(folder_of(r.path)).or_default().push(i);
        }
        let fired: BTreeSet<&str> = outcome.findings.iter().map(|f| f.rule.as_str()).collect();
        Files {
            rows,
            folders,
            rules: fired.into_iter().enumerate().map(|(i, r)| (r, i)).collect(),
            titles: outcome
                .enabled_rules
                .iter()
                .map(|r| (r.rule.id.as_str(), r.rule.title.as_str()))
                .collect(),
            diff: changed.is_some(),
            excerpts: false,
        }
    }

    /// Decides [`Files::excerpts`] from the sizes of the files to embed.
    fn with_sizes(mut self, root: &Path) -> Self {
        let total: u64 = self
            .rows
            .iter()
            .filter(|r| r.page.is_some())
            .filter_map(|r| std::fs::metadata(root.join(r.path)).ok())
            .map(|m| m.len())
            .sum();
        self.excerpts = total > FULL_SOURCES;
        self
    }
}

fn document_head(s: &mut String, outcome: &Outcome) {
    let status = status_word(outcome.verdict.status);
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"{}\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta name=\"color-scheme\" content=\"light dark\">\n\
         <title>gate: quality gate {status} · {}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n\
         <header><nav><a href=\"#overview\">Overview</a> · <a href=\"#files\">Files</a> · \
         <a href=\"#rules\">Rules</a></nav> <span class=\"badge {status}\">{}</span></header>\n<main>\n",
        policy(),
        esc(&outcome.root),
        verdict_mark(outcome.verdict.status),
    );
}

fn status_word(status: Status) -> &'static str {
    match status {
        Status::Passed => "passed",
        Status::Failed => "failed",
        Status::Error => "error",
    }
}

fn verdict_mark(status: Status) -> &'static str {
    match status {
        Status::Passed => "✓ Passed",
        Status::Failed => "✗ Failed",
        Status::Error => "! Not evaluated",
    }
}

fn figure(f: Option<Figure>) -> String {
    match f {
        Some(f) if f.total > 0 => format!(
            "{} <small>({} of {})</small>",
            percent(f.percent),
            f.covered,
            f.total
        ),
        _ => "-".to_string(),
    }
}

fn overview(s: &mut String, outcome: &Outcome, files: &Files) {
    let v = &outcome.verdict;
    let m = &outcome.measures;
    let status = status_word(v.status);
    let title = match v.status {
        Status::Passed => "Quality gate passed",
        Status::Failed => "Quality gate failed",
        Status::Error => "Quality gate could not be evaluated",
    };
    let _ = write!(
        s,
        "<section id=\"overview\" class=\"page\">\n<h1 id=\"verdict\" class=\"{status}\">{} {title}</h1>\n",
        &verdict_mark(v.status)[..verdict_mark(v.status).find(' ').unwrap_or(0)]
    );
    if !v.reasons.is_empty() {
        s.push_str("<ul class=\"reasons\">");
        for r in &v.reasons {
            let _ = write!(s, "<li>{}</li>", esc(r));
        }
        s.push_str("</ul>\n");
    }
    if let Some((sentence, differences)) = config_notice(outcome) {
        let _ = write!(
            s,
            "<p class=\"notice\"><strong>Configuration:</strong> {}</p>",
            esc(&sentence)
        );
        if !differences.is_empty() {
            s.push_str("<ul>");
            for d in differences {
                let _ = write!(s, "<li>{}</li>", esc(d));
            }
            s.push_str("</ul>\n");
        }
    }
    s.push_str("<dl class=\"facts\">");
    let mut fact = |name: &str, value: String| {
        let _ = write!(s, "<div><dt>{name}</dt><dd>{value}</dd></div>");
    };
    let mut new_code = esc(&m.new_code);
    if let (Some(f), Some(l)) = (m.changed_files, m.changed_lines) {
        let _ = write!(new_code, " <small>({f} files, {l} changed lines)</small>");
    }
    fact("New code", new_code);
    let ci = &outcome.ci;
    if let Some(n) = ci.pr_number {
        let repo = ci.repository.as_deref().map(esc).unwrap_or_default();
        fact("Pull request", format!("{repo} #{n}"));
    }
    if let Some(base) = &ci.base_ref {
        fact("Base", esc(base));
    }
    fact("New issues", m.new.issues.total.to_string());
    if let Some(fixed) = m.fixed_issues {
        fact("Fixed issues", fixed.to_string());
    }
    if let Some(n) = m.suppressed_in_change {
        fact("Suppressed in this change", n.to_string());
    }
    fact("New line coverage", figure(m.new.lines));
    fact("Line coverage", figure(m.overall.lines));
    s.push_str("</dl>\n");

    s.push_str("<h2>Conditions</h2>\n<div class=\"scroll\"><table id=\"conditions\"><thead><tr><th>Outcome</th><th>Metric</th><th>Scope</th><th>Threshold</th><th>Actual</th><th>Note</th></tr></thead><tbody>\n");
    for r in &v.conditions {
        let (class, word) = match r.outcome {
            RowOutcome::Passed => ("passed", "✓ passed"),
            RowOutcome::Failed => ("failed", "✗ failed"),
            RowOutcome::Skipped => ("skipped", "– skipped"),
            RowOutcome::NotMeasured => ("skipped", "· not measured"),
            RowOutcome::Error => ("error", "! error"),
        };
        let actual = r.actual_text();
        let _ = writeln!(
            s,
            "<tr class=\"{class}\"><td>{word}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{actual}</td><td>{}</td></tr>",
            esc(&r.metric),
            r.scope,
            esc(&r.threshold),
            esc(r.note.as_deref().unwrap_or(""))
        );
    }
    s.push_str("</tbody></table></div>\n");

    s.push_str("<div class=\"cards\">\n<div><h2>Coverage</h2>");
    if outcome.coverage_reports.is_empty() {
        s.push_str("<p>No coverage report was read.</p>");
    } else {
        s.push_str("<table id=\"coverage\"><thead><tr><th></th><th>New code</th><th>Overall</th></tr></thead><tbody>");
        for (name, new, overall) in m.coverage_rows() {
            let _ = write!(
                s,
                "<tr><th>{name}</th><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
                figure(new),
                figure(overall)
            );
        }
        s.push_str("</tbody></table><p>From ");
        let reports: Vec<String> = outcome.coverage_reports.iter().map(|r| esc(r)).collect();
        s.push_str(&reports.join(", "));
        s.push_str(".</p>");
    }
    s.push_str("</div>\n<div><h2>Issues</h2><table id=\"issues\"><thead><tr><th></th><th>New</th><th>Overall</th></tr></thead><tbody>");
    let (n, o) = (&m.new.issues, &m.overall.issues);
    for (name, new, overall) in [
        ("Blocker", n.blocker, o.blocker),
        ("Critical", n.critical, o.critical),
        ("Major", n.major, o.major),
        ("Minor", n.minor, o.minor),
        ("Info", n.info, o.info),
        ("Bugs", n.bug, o.bug),
        ("Vulnerabilities", n.vulnerability, o.vulnerability),
        ("Security hotspots", n.security_hotspot, o.security_hotspot),
        ("Code smells", n.code_smell, o.code_smell),
        ("All", n.total, o.total),
    ] {
        let _ = write!(
            s,
            "<tr><th>{name}</th><td class=\"num\">{new}</td><td class=\"num\">{overall}</td></tr>"
        );
    }
    let _ = write!(
        s,
        "</tbody></table></div>\n<div><h2>Analysis</h2><p>{} files, {} lines, {} rules, in {:.1} s.</p></div>\n</div>\n",
        outcome.files,
        outcome.lines,
        outcome.rules,
        outcome.duration_ms as f64 / 1000.0
    );

    let new = new_issues(outcome);
    if !new.is_empty() {
        s.push_str("<h2>New issues</h2>\n");
        issue_table(s, new.iter().copied().take(OVERVIEW_ISSUES), files);
        if new.len() > OVERVIEW_ISSUES {
            let _ = writeln!(
                s,
                "<p>… and {} more: see <a href=\"#files\">Files</a>.</p>",
                new.len() - OVERVIEW_ISSUES
            );
        }
    }
    if !outcome.fixed.is_empty() {
        s.push_str("<h2>Fixed by this change</h2>\n<p>Issues of the base that this change removed, where they were in the base.</p>\n");
        issue_table(s, outcome.fixed.iter(), files);
    }
    let suppressed: Vec<&Finding> =
        crate::gate::measures::suppressed_in_change(&outcome.findings).collect();
    if !suppressed.is_empty() {
        s.push_str("<h2>Suppressed in this change</h2>\n<ul>");
        for f in suppressed {
            let _ = write!(
                s,
                "<li>{} {}: {}</li>",
                location_link(f, files),
                esc(&f.rule),
                esc(&suppression_note(f.suppressed.as_ref().expect("filtered")))
            );
        }
        s.push_str("</ul>\n");
    }
    if !outcome.diagnostics.is_empty() {
        s.push_str("<h2>Problems</h2>\n<ul class=\"problems\">");
        for d in &outcome.diagnostics {
            let level = match d.level {
                DiagnosticLevel::Error => "error",
                DiagnosticLevel::Warning => "warning",
            };
            let path = d
                .path
                .as_deref()
                .map(|p| format!("{}: ", esc(p)))
                .unwrap_or_default();
            let _ = write!(
                s,
                "<li class=\"{level}\">{level}: {path}{}</li>",
                esc(&d.message)
            );
        }
        s.push_str("</ul>\n");
    }
    let without = &m.changed_files_without_coverage;
    if !without.is_empty() {
        s.push_str("<h2>Changed files no coverage report lists</h2>\n<ul>");
        for p in without {
            let _ = write!(s, "<li>{}</li>", esc(p));
        }
        s.push_str("</ul>\n");
    }
    s.push_str("</section>\n");
}

/// `path:line` linking to the line in the code viewer when the file is embedded.
fn location_link(f: &Finding, files: &Files) -> String {
    let text = format!("{}:{}", esc(&f.location.path), f.location.start_line);
    match files.page_of(&f.location.path) {
        Some(page) => format!("<a href=\"#f{page}-{}\">{text}</a>", f.location.start_line),
        None => text,
    }
}

impl Files<'_> {
    fn page_of(&self, path: &str) -> Option<usize> {
        let i = self.rows.binary_search_by(|r| r.path.cmp(path)).ok()?;
        self.rows[i].page
    }
}

fn issue_table<'a>(s: &mut String, findings: impl Iterator<Item = &'a Finding>, files: &Files) {
    s.push_str("<div class=\"scroll\"><table class=\"list\"><thead><tr><th>Severity</th><th>Rule</th><th>Where</th><th>Message</th></tr></thead><tbody>\n");
    for f in findings {
        let _ = writeln!(
            s,
            "<tr><td><span class=\"sev {sev}\">{sev}</span></td><td>{}</td><td>{}</td><td>{}</td></tr>",
            rule_link(&f.rule, files),
            location_link(f, files),
            esc(&f.message),
            sev = f.severity,
        );
    }
    s.push_str("</tbody></table></div>\n");
}

fn rule_link(rule: &str, files: &Files) -> String {
    match files.rules.get(rule) {
        Some(n) => format!("<a href=\"#rule{n}\">{}</a>", esc(rule)),
        None => esc(rule),
    }
}

fn files_page(s: &mut String, files: &Files) {
    s.push_str("<section id=\"files\" class=\"page\">\n<h1>Files</h1>\n");
    s.push_str("<form id=\"filters\" hidden data-js><label><input type=\"checkbox\" name=\"changed\"> changed only</label> <label><input type=\"checkbox\" name=\"issues\"> with issues</label> <label>rule <select name=\"rule\"><option value=\"\">any</option>");
    for rule in files.rules.keys() {
        let _ = write!(s, "<option>{}</option>", esc(rule));
    }
    s.push_str("</select></label> <label>severity <select name=\"severity\"><option value=\"\">any</option>");
    for sev in Severity::ALL {
        let _ = write!(s, "<option>{sev}</option>");
    }
    s.push_str(
        "</select></label> <label>path <input type=\"search\" name=\"path\"></label></form>\n",
    );
    s.push_str("<h2>Folders</h2>\n<div class=\"scroll\"><table class=\"sortable\" id=\"folders\">");
    table_head(s, "Folder");
    for (n, (folder, rows)) in files.folders.iter().enumerate() {
        let mut total = Row {
            path: folder,
            coverage: None,
            changed: None,
            findings: Vec::new(),
            lines: Counter::default(),
            new_lines: Counter::default(),
            branches: Counter::default(),
            issues: 0,
            new_issues: 0,
            page: None,
        };
        for &i in rows {
            let r = &files.rows[i];
            total.lines = sum(total.lines, r.lines);
            total.new_lines = sum(total.new_lines, r.new_lines);
            total.branches = sum(total.branches, r.branches);
            total.issues += r.issues;
            total.new_issues += r.new_issues;
        }
        let name = if folder.is_empty() { "(root)" } else { folder };
        let link = format!(
            "<a href=\"#d{n}\">{}</a> <small>({} files)</small>",
            esc(name),
            rows.len()
        );
        figures_row(s, &total, &link, "");
    }
    s.push_str("</tbody></table></div>\n<h2>All files</h2>\n");
    file_table(
        s,
        files,
        (0..files.rows.len()).collect::<Vec<_>>().as_slice(),
        "all-files",
    );
    s.push_str("</section>\n");
}

fn folder_pages(s: &mut String, files: &Files) {
    for (n, (folder, rows)) in files.folders.iter().enumerate() {
        let name = if folder.is_empty() { "(root)" } else { folder };
        let _ = write!(
            s,
            "<section id=\"d{n}\" class=\"page\">\n<p class=\"crumbs\"><a href=\"#files\">Files</a> /</p><h1>{}</h1>\n",
            esc(name)
        );
        file_table(s, files, rows, "");
        s.push_str("</section>\n");
    }
}

fn table_head(s: &mut String, first: &str) {
    let _ = writeln!(
        s,
        "<thead><tr><th data-sort=\"text\">{first}</th><th data-sort=\"num\">Missed new lines</th><th data-sort=\"num\">New line coverage</th><th data-sort=\"num\">Missed lines</th><th data-sort=\"num\">Line coverage</th><th data-sort=\"num\">Branch coverage</th><th data-sort=\"num\">New issues</th><th data-sort=\"num\">Issues</th></tr></thead><tbody>"
    );
}

fn file_table(s: &mut String, files: &Files, rows: &[usize], id: &str) {
    let id = if id.is_empty() {
        String::new()
    } else {
        format!(" id=\"{id}\"")
    };
    let _ = write!(
        s,
        "<div class=\"scroll\"><table class=\"sortable files\"{id}>"
    );
    table_head(s, "File");
    for &i in rows {
        let r = &files.rows[i];
        let name = esc(r.path);
        let link = match r.page {
            Some(p) => format!("<a href=\"#f{p}\">{name}</a>"),
            None => name,
        };
        let rules: BTreeSet<&str> = r.findings.iter().map(|f| f.rule.as_str()).collect();
        let sevs: BTreeSet<&str> = r.findings.iter().map(|f| f.severity.as_str()).collect();
        let attrs = format!(
            " data-changed=\"{}\" data-rules=\"{}\" data-sev=\"{}\"",
            u8::from(r.changed.is_some()),
            esc(&rules.into_iter().collect::<Vec<_>>().join(" ")),
            sevs.into_iter().collect::<Vec<_>>().join(" ")
        );
        figures_row(s, r, &link, &attrs);
    }
    s.push_str("</tbody></table></div>\n");
}

/// One row of figures: the first cell is `first` (already HTML).
fn figures_row(s: &mut String, r: &Row, first: &str, attrs: &str) {
    let pct = |c: Counter| percent(c.percent());
    let count = |c: Counter, n: u64| {
        if c.total() > 0 {
            n.to_string()
        } else {
            "-".to_string()
        }
    };
    let _ = writeln!(
        s,
        "<tr{attrs}><td>{first}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        count(r.new_lines, r.new_lines.missed),
        pct(r.new_lines),
        count(r.lines, r.lines.missed),
        pct(r.lines),
        pct(r.branches),
        r.new_issues,
        r.issues
    );
}

fn rules_page(s: &mut String, outcome: &Outcome, files: &Files) {
    s.push_str("<section id=\"rules\" class=\"page\">\n<h1>Rules that fired</h1>\n");
    if files.rules.is_empty() {
        s.push_str("<p>No rule found anything.</p>\n");
    }
    for (rule, n) in &files.rules {
        let count = outcome.findings.iter().filter(|f| f.rule == *rule).count();
        let new = outcome
            .findings
            .iter()
            .filter(|f| f.rule == *rule && f.new && f.suppressed.is_none())
            .count();
        let _ = write!(
            s,
            "<article id=\"rule{n}\" class=\"rule\"><h2>{}",
            esc(rule)
        );
        match outcome.enabled_rules.iter().find(|r| r.rule.id == *rule) {
            Some(r) => {
                let _ = write!(
                    s,
                    ": {}</h2>\n<p><span class=\"sev {}\">{}</span> · {} · {} · {count} findings, {new} new · {}</p>\n",
                    esc(&r.rule.title),
                    r.severity,
                    r.severity,
                    r.rule.rule_type,
                    r.rule.language,
                    esc(&r.rule.origin.to_string())
                );
                markdown(s, &r.rule.description);
            }
            None => {
                let _ = write!(s, "</h2>\n<p>{count} findings, {new} new.</p>\n");
            }
        }
        s.push_str("</article>\n");
    }
    s.push_str("</section>\n");
}

/// The little Markdown rule descriptions use: headings, paragraphs, lists,
/// fenced code and code spans. Everything is escaped first.
fn markdown(s: &mut String, text: &str) {
    let mut in_code = false;
    let mut in_list = false;
    let mut paragraph: Vec<&str> = Vec::new();
    let flush = |s: &mut String, paragraph: &mut Vec<&str>| {
        if !paragraph.is_empty() {
            s.push_str("<p>");
            code_spans(s, &paragraph.join(" "));
            s.push_str("</p>\n");
            paragraph.clear();
        }
    };
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            flush(s, &mut paragraph);
            s.push_str(if in_code {
                "</code></pre>\n"
            } else {
                "<pre><code>"
            });
            in_code = !in_code;
            continue;
        }
        if in_code {
            escape_into(s, line);
            s.push('\n');
            continue;
        }
        let item = line.strip_prefix("- ").or_else(|| line.strip_prefix("* "));
        if in_list && item.is_none() {
            s.push_str("</ul>\n");
            in_list = false;
        }
        if let Some(heading) = line.strip_prefix('#') {
            flush(s, &mut paragraph);
            s.push_str("<h3>");
            code_spans(s, heading.trim_start_matches('#').trim());
            s.push_str("</h3>\n");
        } else if let Some(item) = item {
            flush(s, &mut paragraph);
            if !in_list {
                s.push_str("<ul>");
                in_list = true;
            }
            s.push_str("<li>");
            code_spans(s, item);
            s.push_str("</li>");
        } else if line.trim().is_empty() {
            flush(s, &mut paragraph);
        } else {
            paragraph.push(line.trim());
        }
    }
    flush(s, &mut paragraph);
    if in_list {
        s.push_str("</ul>\n");
    }
    if in_code {
        s.push_str("</code></pre>\n");
    }
}

/// Escaped text with `code spans` as `<code>`.
fn code_spans(s: &mut String, text: &str) {
    for (i, part) in text.split('`').enumerate() {
        if i % 2 == 1 {
            s.push_str("<code>");
            escape_into(s, part);
            s.push_str("</code>");
        } else {
            escape_into(s, part);
        }
    }
}

/// A repository file's text, if `path` stays inside `root`.
fn read_source(root: &Path, path: &str) -> Result<String, String> {
    let rel = Path::new(path);
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err("the path leaves the repository".to_string());
    }
    std::fs::read(root.join(rel))
        .map(|bytes| String::from_utf8_lossy(&bytes).into_owned())
        .map_err(|e| e.to_string())
}

/// A file's page: where it is, its figures, its findings, and its source with
/// a gutter of line number, coverage mark (`✓` covered, `◐` partly, `✗` missed)
/// and `+` for a new line. Findings follow their line.
fn file_page(r: &Row, root: &Path, files: &Files) -> String {
    let page = r.page.expect("only embedded files have a page");
    let mut s = String::new();
    let folder = folder_of(r.path);
    let folder_link = match files.folders.keys().position(|f| *f == folder) {
        Some(d) => format!(
            "<a href=\"#d{d}\">{}</a> /",
            esc(if folder.is_empty() { "(root)" } else { folder })
        ),
        None => String::new(),
    };
    let _ = write!(
        s,
        "<section id=\"f{page}\" class=\"page file\">\n<p class=\"crumbs\"><a href=\"#files\">Files</a> / {folder_link}</p><h1>{}</h1>\n<p class=\"stats\">",
        esc(r.path.rsplit('/').next().unwrap_or(r.path))
    );
    let pct = |c: Counter| percent(c.percent());
    if r.coverage.is_some() {
        let _ = write!(
            s,
            "Lines: {} of {} covered ({}) · branches: {} of {} ({}) · ",
            r.lines.covered,
            r.lines.total(),
            pct(r.lines),
            r.branches.covered,
            r.branches.total(),
            pct(r.branches)
        );
        if files.diff {
            let _ = write!(
                s,
                "new lines: {} of {} covered ({}) · ",
                r.new_lines.covered,
                r.new_lines.total(),
                pct(r.new_lines)
            );
        }
    } else {
        s.push_str("No coverage report lists this file · ");
    }
    let _ = writeln!(s, "{} issues, {} new</p>", r.issues, r.new_issues);
    s.push_str("<p class=\"keys\" hidden data-js>Keys: <kbd>n</kbd>/<kbd>p</kbd> next/previous uncovered new line · <kbd>i</kbd>/<kbd>I</kbd> next/previous issue</p>\n");
    let text = match read_source(root, r.path) {
        Ok(text) => text,
        Err(why) => {
            let _ = writeln!(
                s,
                "<p class=\"notice\">The source could not be read ({}).</p>",
                esc(&why)
            );
            issue_list(&mut s, r, files);
            s.push_str("</section>\n");
            return s;
        }
    };
    let mut lines: Vec<&str> = text.split('\n').collect();
    if text.ends_with('\n') {
        lines.pop();
    }
    let width = lines.len().to_string().len();
    let keep = (files.excerpts && r.changed.is_none()).then(|| excerpt(r, lines.len()));
    if keep.is_some() {
        let _ = writeln!(
            s,
            "<p class=\"notice\">An excerpt: {CONTEXT} lines around each finding and missed line (the whole sources would make this report too large).</p>"
        );
    }
    let language = Language::from_path(r.path);
    let mut highlighter = highlight::Highlighter::new(language);
    let mut findings = r.findings.iter().enumerate().peekable();
    let lang = language.map_or("text", Language::as_str);
    let _ = write!(s, "<pre class=\"src {lang}\">");
    let mut scratch = String::new();
    for (i, line) in lines.iter().enumerate() {
        let nr = i as u32 + 1;
        if keep.as_ref().is_some_and(|k| !k[i]) {
            // Highlighted all the same: a comment may open in a line left out.
            scratch.clear();
            highlighter.line(line, &mut scratch);
            if i == 0 || keep.as_ref().is_some_and(|k| k[i - 1]) {
                s.push_str("<span class=\"gap\">⋯\n</span>");
            }
            continue;
        }
        let coverage = r.coverage.and_then(|c| c.line(nr));
        let new = files.diff && r.is_new(nr, files.diff);
        let mut classes = String::new();
        let mut mark = ' ';
        let mut title = String::new();
        if let Some(l) = &coverage {
            let class = line_class(l);
            classes.push_str(class);
            mark = match class {
                "fc" => '✓',
                "pc" => '◐',
                _ => '✗',
            };
            if l.branches.total() > 0 {
                title = format!(
                    " title=\"{} of {} branches covered\"",
                    l.branches.covered,
                    l.branches.total()
                );
                classes.push_str(" br");
            }
            if !l.is_covered() && r.is_new(nr, files.diff) {
                classes.push_str(" u");
            }
        }
        if new {
            classes.push_str(" n");
        }
        let has_finding = findings
            .peek()
            .is_some_and(|(_, f)| f.location.start_line == nr);
        let id = if classes.contains('u') || has_finding {
            format!(" id=\"f{page}-{nr}\"")
        } else {
            String::new()
        };
        let class = if classes.is_empty() {
            String::new()
        } else {
            format!(" class=\"{}\"", classes.trim_start())
        };
        let _ = write!(
            s,
            "<a{class}{id}{title}>{nr:>width$} {mark}{} </a>",
            if new { '+' } else { ' ' }
        );
        highlighter.line(line.strip_suffix('\r').unwrap_or(line), &mut s);
        s.push('\n');
        while let Some((k, f)) = findings.next_if(|(_, f)| f.location.start_line <= nr) {
            finding_block(&mut s, f, page, k, files);
        }
    }
    // Findings past the end of the text (the file changed since the analysis).
    for (k, f) in findings {
        finding_block(&mut s, f, page, k, files);
    }
    s.push_str("</pre>\n</section>\n");
    s
}

/// Which of a file's `count` lines an excerpt shows: those within [`CONTEXT`]
/// of a finding or a missed line.
fn excerpt(r: &Row, count: usize) -> Vec<bool> {
    let findings = r.findings.iter().map(|f| f.location.start_line);
    let missed = r
        .coverage
        .into_iter()
        .flat_map(|c| c.lines().filter(|(_, l)| !l.is_covered()).map(|(nr, _)| nr));
    around(findings.chain(missed), count)
}

/// Which of `count` lines lie within [`CONTEXT`] of one of `marked` (1-based).
fn around(marked: impl Iterator<Item = u32>, count: usize) -> Vec<bool> {
    let mut keep = vec![false; count];
    for nr in marked {
        let at = (nr as usize).saturating_sub(1);
        let end = (at + CONTEXT + 1).min(count);
        for k in keep.iter_mut().take(end).skip(at.saturating_sub(CONTEXT)) {
            *k = true;
        }
    }
    keep
}

/// A finding under its line: severity, rule (linking to its description),
/// message, and a suppression when there is one. Its line end is inside the
/// element: in the `<pre>` it ends the line, in the styled box it is a space.
fn finding_block(s: &mut String, f: &Finding, page: usize, k: usize, files: &Files) {
    let state = match (&f.suppressed, f.new) {
        (Some(sup), _) => format!(" suppressed ({})", esc(&suppression_note(sup))),
        (None, true) => " new".to_string(),
        (None, false) => String::new(),
    };
    let _ = write!(
        s,
        "<span class=\"issue {sev}{}\" id=\"f{page}-i{k}\">▲ <span class=\"sev {sev}\">{sev}</span>{state} {}{}: {}\n</span>",
        if f.suppressed.is_some() { " sup" } else { "" },
        rule_link(&f.rule, files),
        files
            .titles
            .get(f.rule.as_str())
            .map(|t| format!(" <small>({})</small>", esc(t)))
            .unwrap_or_default(),
        esc(&f.message),
        sev = f.severity,
    );
}

/// The findings of a file whose source could not be read.
fn issue_list(s: &mut String, r: &Row, files: &Files) {
    if r.findings.is_empty() {
        return;
    }
    s.push_str("<ul>");
    for f in &r.findings {
        let _ = write!(
            s,
            "<li>line {}: <span class=\"sev {sev}\">{sev}</span> {}: {}</li>",
            f.location.start_line,
            rule_link(&f.rule, files),
            esc(&f.message),
            sev = f.severity
        );
    }
    s.push_str("</ul>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_text_and_attributes() {
        assert_eq!(
            esc("<a href=\"x\">'&'</a>"),
            "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn lines_are_classed_as_jacoco_does() {
        let line = |mi, ci, mb, cb| LineCoverage {
            hits: ci,
            instructions: Counter::new(mi, ci),
            branches: Counter::new(mb, cb),
        };
        assert_eq!(line_class(&line(0, 5, 0, 0)), "fc");
        assert_eq!(line_class(&line(0, 5, 0, 2)), "fc");
        assert_eq!(line_class(&line(0, 5, 1, 1)), "pc");
        assert_eq!(line_class(&line(2, 5, 0, 0)), "pc");
        assert_eq!(line_class(&line(5, 0, 0, 0)), "nc");
        assert_eq!(line_class(&line(5, 0, 2, 0)), "nc");
        // LCOV: hits, no instructions.
        let lcov = |hits, mb, cb| LineCoverage {
            hits,
            instructions: Counter::default(),
            branches: Counter::new(mb, cb),
        };
        assert_eq!(line_class(&lcov(3, 0, 0)), "fc");
        assert_eq!(line_class(&lcov(3, 1, 1)), "pc");
        assert_eq!(line_class(&lcov(0, 0, 0)), "nc");
    }

    #[test]
    fn excerpts_keep_the_context_of_marked_lines() {
        let keep = around([1, 10, 40].into_iter(), 12);
        let shown: Vec<usize> = (1..=12).filter(|n| keep[n - 1]).collect();
        assert_eq!(shown, [1, 2, 3, 4, 7, 8, 9, 10, 11, 12]);
    }

    #[test]
    fn sources_outside_the_root_are_not_read() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        assert!(read_source(root, "Cargo.toml").is_ok());
        for path in ["../etc/passwd", "/etc/passwd", "src/../../x"] {
            assert_eq!(
                read_source(root, path),
                Err("the path leaves the repository".to_string())
            );
        }
    }

    #[test]
    fn the_policy_names_the_hashes_of_what_the_page_holds() {
        let p = policy();
        assert!(
            p.starts_with("default-src 'none'; style-src 'sha256-"),
            "{p}"
        );
        assert_eq!(p.matches("sha256-").count(), 2);
        assert!(!p.contains("unsafe"));
    }
}
