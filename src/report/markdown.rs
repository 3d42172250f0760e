//! Markdown for a pull-request comment and the GitHub Actions step summary: the
//! verdict first (one line a reviewer reads in two seconds), then the conditions,
//! coverage overall and on new code, new issues by severity, uncovered new lines
//! per file, and what could not be analysed. Long lists sit inside `<details>`.
//!
//! The result never exceeds `max_chars` characters (GitHub refuses a comment over
//! 65,536): when it would, the lists are shortened, all by the same count, and say
//! how many rows were left out. Everything that comes from code or from a file name
//! is escaped, so a `|` or a backtick cannot break a table and a `<` cannot open
//! HTML. Plain enough to read in a terminal too.

use super::{new_issues, percent, uri_path};
use crate::coverage::format_ranges;
use crate::gate::measures::Figure;
use crate::gate::{Outcome as RowOutcome, Status};
use crate::model::{DiagnosticLevel, Finding, Severity};
use crate::pipeline::Outcome;
use std::fmt::Write as _;
use std::io::{self, Write};

/// GitHub's limit for an issue or pull-request comment.
pub const COMMENT_LIMIT: usize = 65_536;

/// A table cell shows at most this many characters of a message.
const MAX_CELL: usize = 500;

/// Issue rows shown open (not folded) when there are at most this many.
const OPEN_ISSUES: usize = 10;

/// The report as Markdown of at most `max_chars` characters (`COMMENT_LIMIT` for
/// a comment), listing at most `max_findings` new issues. Links to the lines when
/// `outcome.ci` names the server, the repository and the head commit.
pub fn render(outcome: &Outcome, max_chars: usize, max_findings: Option<usize>) -> String {
    let document = |keep| document(outcome, keep, max_chars, max_findings);
    let full = document(usize::MAX);
    if full.chars().count() <= max_chars {
        return full;
    }
    // Longest lists that fit: the length grows with the number of rows kept.
    let (mut lo, mut hi) = (0, longest_list(outcome));
    let smallest = document(0);
    if smallest.chars().count() > max_chars {
        return cut(&smallest, max_chars);
    }
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if document(mid).chars().count() <= max_chars {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    document(lo)
}

/// `render` with the comment limit, as a report format.
pub(crate) fn write(
    outcome: &Outcome,
    out: &mut dyn Write,
    max_findings: Option<usize>,
) -> io::Result<()> {
    out.write_all(render(outcome, COMMENT_LIMIT, max_findings).as_bytes())
}

fn longest_list(outcome: &Outcome) -> usize {
    let m = &outcome.measures;
    [
        outcome.findings.len(),
        m.uncovered_new_lines.len(),
        m.changed_files_without_coverage.len(),
        outcome.diagnostics.len(),
    ]
    .into_iter()
    .max()
    .unwrap_or(0)
}

/// Even the shortest lists do not fit (a tiny limit, or huge conditions): cut at
/// a line and say so.
fn cut(text: &str, max_chars: usize) -> String {
    let note = format!("\n\n… truncated: this report is limited to {max_chars} characters.\n");
    let room = max_chars.saturating_sub(note.chars().count());
    let head: String = text.chars().take(room).collect();
    let head = match head.rfind('\n') {
        Some(i) => &head[..i],
        None => head.as_str(),
    };
    let mut s = format!("{head}{note}");
    if s.chars().count() > max_chars {
        s = s.chars().take(max_chars).collect();
    }
    s
}

/// The document with each list cut to `keep` rows, and the new issues to
/// `max_findings`.
fn document(
    outcome: &Outcome,
    keep: usize,
    max_chars: usize,
    max_findings: Option<usize>,
) -> String {
    let mut s = String::new();
    let links = Links::of(outcome);
    verdict(&mut s, outcome);
    conditions(&mut s, outcome);
    coverage(&mut s, outcome);
    let capped = max_findings.filter(|cap| *cap < keep);
    issues(
        &mut s,
        outcome,
        &links,
        capped.unwrap_or(keep),
        capped.is_some(),
        max_chars,
    );
    uncovered(&mut s, outcome, &links, keep, max_chars);
    problems(&mut s, outcome, keep, max_chars);
    if let Some(url) = &outcome.ci.report_url {
        let _ = writeln!(
            s,
            "📄 [The HTML report]({url}): every file with its coverage and issues line by line.\n"
        );
    }
    let _ = writeln!(
        s,
        "<sub>gate {} · {} files, {} lines, {} rules</sub>",
        env!("CARGO_PKG_VERSION"),
        outcome.files,
        outcome.lines,
        outcome.rules,
    );
    s
}

fn verdict(s: &mut String, outcome: &Outcome) {
    let v = &outcome.verdict;
    let reasons: Vec<String> = v.reasons.iter().map(|r| inline(r, false)).collect();
    let head = match v.status {
        Status::Passed => "## ✅ Quality gate passed".to_string(),
        Status::Failed => format!("## ❌ Quality gate failed: {}", reasons.join("; ")),
        Status::Error => format!(
            "## ⚠️ Quality gate could not be evaluated: {}",
            reasons.join("; ")
        ),
    };
    let _ = writeln!(s, "{head}\n");
    if let Some((sentence, differences)) = super::config_notice(outcome) {
        let _ = writeln!(s, "> **Configuration:** {}", inline(&sentence, false));
        for d in differences {
            let _ = writeln!(s, "> - {}", inline(d, false));
        }
        s.push('\n');
    }
    let m = &outcome.measures;
    let mut facts = vec![format!("New code: {}", inline(&m.new_code, false))];
    if let (Some(files), Some(lines)) = (m.changed_files, m.changed_lines) {
        facts[0].push_str(&format!(" ({files} files, {lines} changed lines)"));
    }
    let mut issues = match m.fixed_issues {
        Some(fixed) => format!("{} new issues, {fixed} fixed", m.new.issues.total),
        None => format!("{} new issues", m.new.issues.total),
    };
    if let Some(n) = m.suppressed_in_change.filter(|n| *n > 0) {
        issues.push_str(&format!(", {n} suppressed in this change"));
    }
    facts.push(issues);
    if let Some(f) = m.new.lines {
        facts.push(format!("new line coverage {}", figure(f)));
    }
    if let Some(f) = m.overall.lines {
        facts.push(format!("overall {}", figure(f)));
    }
    let _ = writeln!(s, "{}\n", facts.join(" · "));
}

fn figure(f: Figure) -> String {
    match f.percent {
        Some(_) => format!("{} ({}/{})", percent(f.percent), f.covered, f.total),
        None => "- (nothing to measure)".to_string(),
    }
}

fn conditions(s: &mut String, outcome: &Outcome) {
    let rows = &outcome.verdict.conditions;
    if rows.is_empty() {
        return;
    }
    s.push_str("| | Condition | Scope | Threshold | Actual | Note |\n");
    s.push_str("|---|---|---|---|---:|---|\n");
    for r in rows {
        let mark = match r.outcome {
            RowOutcome::Passed => "✅",
            RowOutcome::Failed => "❌",
            RowOutcome::Skipped => "➖",
            RowOutcome::NotMeasured => "⚪",
            RowOutcome::Error => "⚠️",
        };
        let actual = r.actual_text();
        let _ = writeln!(
            s,
            "| {mark} | {} | {} | {} | {actual} | {} |",
            inline(&r.metric, true),
            r.scope,
            inline(&r.threshold, true),
            inline(r.note.as_deref().unwrap_or(""), true)
        );
    }
    s.push('\n');
}

fn coverage(s: &mut String, outcome: &Outcome) {
    let m = &outcome.measures;
    s.push_str("### Coverage\n\n");
    if outcome.coverage_reports.is_empty() {
        s.push_str("No coverage report was read.\n\n");
        return;
    }
    s.push_str("| | New code | Overall |\n|---|---:|---:|\n");
    for (name, new, overall) in m.coverage_rows() {
        let cell = |f: Option<Figure>| f.map_or_else(|| "-".to_string(), figure);
        let _ = writeln!(s, "| {name} | {} | {} |", cell(new), cell(overall));
    }
    let reports: Vec<String> = outcome
        .coverage_reports
        .iter()
        .map(|r| inline(r, false))
        .collect();
    let _ = writeln!(s, "\nFrom {}.\n", reports.join(", "));
}

/// The new issues, `keep` of them; `capped` when `--max-findings` chose `keep`.
fn issues(
    s: &mut String,
    outcome: &Outcome,
    links: &Links,
    keep: usize,
    capped: bool,
    max_chars: usize,
) {
    let new = new_issues(outcome);
    let active = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .count();
    let _ = writeln!(s, "### New issues ({})\n", new.len());
    if new.is_empty() {
        s.push_str("None.\n\n");
    }
    let open = if new.len() <= OPEN_ISSUES {
        " open"
    } else {
        ""
    };
    let mut shown = 0;
    for severity in Severity::ALL {
        let group: Vec<&&Finding> = new.iter().filter(|f| f.severity == severity).collect();
        if group.is_empty() || shown >= keep {
            continue;
        }
        let _ = writeln!(
            s,
            "<details{open}><summary><b>{}</b>: {}</summary>\n",
            title_case(severity.as_str()),
            group.len()
        );
        s.push_str("| Location | Rule | Message |\n|---|---|---|\n");
        for f in group.iter().take(keep - shown) {
            let l = &f.location;
            let place = inline(&format!("{}:{}", l.path, l.start_line), true);
            let place = match links.line(&l.path, l.start_line, l.end_line) {
                Some(url) => format!("[{place}]({url})"),
                None => place,
            };
            let _ = writeln!(
                s,
                "| {place} | {} | {} |",
                inline(&f.rule, true),
                message(&shorten(&f.message), true)
            );
            shown += 1;
        }
        s.push_str("\n</details>\n\n");
    }
    if shown < new.len() {
        let why = if capped {
            " (--max-findings).".to_string()
        } else {
            limit_note(max_chars)
        };
        let _ = writeln!(
            s,
            "… and {} more new issues not shown{why}\n",
            new.len() - shown,
        );
    }
    let suppressed: Vec<&Finding> =
        crate::gate::measures::suppressed_in_change(&outcome.findings).collect();
    if !suppressed.is_empty() {
        let _ = writeln!(
            s,
            "<details open><summary><b>Suppressed in this change</b>: {}</summary>\n",
            suppressed.len()
        );
        s.push_str("| Location | Rule | Message | Suppressed by |\n|---|---|---|---|\n");
        for f in suppressed.iter().take(keep) {
            let l = &f.location;
            let place = inline(&format!("{}:{}", l.path, l.start_line), true);
            let place = match links.line(&l.path, l.start_line, l.end_line) {
                Some(url) => format!("[{place}]({url})"),
                None => place,
            };
            let how = f
                .suppressed
                .as_ref()
                .map(super::suppression_note)
                .unwrap_or_default();
            let _ = writeln!(
                s,
                "| {place} | {} | {} | {} |",
                inline(&f.rule, true),
                message(&shorten(&f.message), true),
                message(&shorten(&how), true)
            );
        }
        if suppressed.len() > keep {
            let _ = writeln!(s, "\n… and {} more", suppressed.len() - keep);
        }
        s.push_str("\n</details>\n\n");
    }
    let mut notes = Vec::new();
    if let Some(not_new) = super::not_new(outcome, "issues") {
        notes.push(format!("{not_new} are not listed"));
    }
    let suppressed = outcome.findings.len() - active;
    if suppressed > 0 {
        notes.push(format!("{suppressed} suppressed"));
    }
    if !notes.is_empty() {
        let _ = write!(s, "{}.\n\n", notes.join("; "));
    }
}

fn uncovered(s: &mut String, outcome: &Outcome, links: &Links, keep: usize, max_chars: usize) {
    let m = &outcome.measures;
    let files = &m.uncovered_new_lines;
    if !files.is_empty() {
        let lines: u64 = files.iter().map(|u| u.count).sum();
        let _ = writeln!(
            s,
            "<details><summary><b>Uncovered new lines</b>: {lines} in {} files</summary>\n",
            files.len()
        );
        s.push_str("| File | Lines |\n|---|---|\n");
        for u in files.iter().take(keep) {
            let file = inline(&u.path, true);
            let (file, lines) = match links.file(&u.path) {
                Some(url) => {
                    let linked: Vec<String> = u
                        .lines
                        .iter()
                        .map(|r| {
                            let (a, b) = (*r.start(), *r.end());
                            let text = if a == b {
                                a.to_string()
                            } else {
                                format!("{a}-{b}")
                            };
                            format!("[{text}]({url}{})", anchor(a, b))
                        })
                        .collect();
                    (format!("[{file}]({url})"), linked.join(", "))
                }
                None => (file, inline(&format_ranges(&u.lines), true)),
            };
            let _ = writeln!(s, "| {file} | {lines} |");
        }
        if files.len() > keep {
            let _ = writeln!(
                s,
                "\n… and {} more files not shown{}",
                files.len() - keep,
                limit_note(max_chars)
            );
        }
        s.push_str("\n</details>\n\n");
    }
    let without = &m.changed_files_without_coverage;
    if !without.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary><b>Changed sources the coverage report does not know</b>: {}</summary>\n",
            without.len()
        );
        for path in without.iter().take(keep) {
            let _ = writeln!(s, "- {}", inline(path, false));
        }
        if without.len() > keep {
            let _ = writeln!(
                s,
                "- … and {} more not shown{}",
                without.len() - keep,
                limit_note(max_chars)
            );
        }
        s.push_str("\n</details>\n\n");
    }
}

fn problems(s: &mut String, outcome: &Outcome, keep: usize, max_chars: usize) {
    let d = &outcome.diagnostics;
    if d.is_empty() {
        return;
    }
    let errors = d
        .iter()
        .filter(|d| d.level == DiagnosticLevel::Error)
        .count();
    let open = if errors > 0 { " open" } else { "" };
    let _ = writeln!(
        s,
        "<details{open}><summary><b>Analysis problems</b>: {errors} errors, {} warnings</summary>\n",
        d.len() - errors
    );
    for p in d.iter().take(keep) {
        let level = match p.level {
            DiagnosticLevel::Error => "error",
            DiagnosticLevel::Warning => "warning",
        };
        let text = message(&shorten(&p.message), false);
        match &p.path {
            Some(path) => {
                let _ = writeln!(s, "- **{level}**: {}: {text}", inline(path, false));
            }
            None => {
                let _ = writeln!(s, "- **{level}**: {text}");
            }
        }
    }
    if d.len() > keep {
        let _ = writeln!(
            s,
            "- … and {} more not shown{}",
            d.len() - keep,
            limit_note(max_chars)
        );
    }
    s.push_str("\n</details>\n\n");
}

fn limit_note(max_chars: usize) -> String {
    format!(" (this report is limited to {max_chars} characters; the JSON and SARIF reports list everything).")
}

fn title_case(word: &str) -> String {
    let mut c = word.chars();
    c.next()
        .map_or_else(String::new, |f| f.to_uppercase().chain(c).collect())
}

fn shorten(text: &str) -> String {
    if text.chars().count() <= MAX_CELL {
        return text.to_string();
    }
    let mut s: String = text.chars().take(MAX_CELL - 1).collect();
    s.push('…');
    s
}

/// Links into the repository at the head commit, when the CI says where it is.
struct Links {
    base: Option<String>,
}

impl Links {
    fn of(outcome: &Outcome) -> Links {
        let ci = &outcome.ci;
        let base = match (&ci.server_url, &ci.repository, &ci.head_sha) {
            (Some(server), Some(repo), Some(sha)) => Some(format!(
                "{}/{}/blob/{}/",
                server.trim_end_matches('/'),
                uri_path(repo),
                uri_path(sha)
            )),
            _ => None,
        };
        Links { base }
    }

    fn file(&self, path: &str) -> Option<String> {
        Some(format!("{}{}", self.base.as_ref()?, uri_path(path)))
    }

    fn line(&self, path: &str, start: u32, end: u32) -> Option<String> {
        Some(format!("{}{}", self.file(path)?, anchor(start, end)))
    }
}

fn anchor(start: u32, end: u32) -> String {
    if end > start {
        format!("#L{start}-L{end}")
    } else {
        format!("#L{start}")
    }
}

/// A file name or other plain text, made inert (see [`escape`]).
fn inline(text: &str, in_table: bool) -> String {
    escape(text, in_table, false)
}

/// A message: as [`inline`], but pairs of backticks stay code spans, since rule
/// messages quote code that way.
fn message(text: &str, in_table: bool) -> String {
    escape(text, in_table, true)
}

/// Text from code or file names, made inert: one line, Markdown and HTML
/// characters escaped, `@` kept from mentioning anyone, no bare URL left to link
/// (see [`super::unlink`]; code spans never link). With `code_spans`,
/// backtick pairs stay code spans and only an odd backtick is escaped. In a
/// table cell (`in_table`), `|` is escaped inside code spans too, which GitHub's
/// table parser expects.
fn escape(text: &str, in_table: bool, code_spans: bool) -> String {
    let one_line = text.replace("\r\n", " ").replace(['\r', '\n'], " ");
    let spans = code_spans && one_line.matches('`').count().is_multiple_of(2);
    let mut out = String::with_capacity(one_line.len());
    for (i, part) in one_line.split('`').enumerate() {
        if spans && i % 2 == 1 {
            let code = if in_table {
                part.replace('|', "\\|")
            } else {
                part.to_string()
            };
            let code = if code.trim().is_empty() && !code.is_empty() {
                // A code span of spaces only would vanish; show its backticks.
                out.push_str("\\`");
                out.push_str(&code);
                out.push_str("\\`");
                continue;
            } else {
                code
            };
            if code.is_empty() {
                out.push_str("\\`\\`");
            } else {
                out.push('`');
                out.push_str(&code);
                out.push('`');
            }
            continue;
        }
        if !spans && i > 0 {
            out.push_str("\\`");
        }
        let chars: Vec<char> = super::unlink(part).chars().collect();
        for (j, &c) in chars.iter().enumerate() {
            let word = |k: Option<usize>| {
                k.and_then(|k| chars.get(k))
                    .is_some_and(|c| c.is_alphanumeric())
            };
            match c {
                // Inside a word (`min_new_lines`), `_` is never emphasis.
                '_' if word(j.checked_sub(1)) && word(Some(j + 1)) => out.push(c),
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                '&' => out.push_str("&amp;"),
                '@' => out.push_str("@\u{200B}"),
                '\\' | '*' | '_' | '[' | ']' | '|' | '~' | '#' | '!' | '$' => {
                    out.push('\\');
                    out.push(c);
                }
                c if c.is_control() => out.push(' '),
                c => out.push(c),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_text_cannot_break_a_table_or_open_html() {
        assert_eq!(
            inline("a|b <script> *x* [l](u) @me\nnext", true),
            "a\\|b &lt;script&gt; \\*x\\* \\[l\\](u) @\u{200B}me next"
        );
        assert_eq!(message("use `a|b` here", true), "use `a\\|b` here");
        assert_eq!(message("use `a|b` here", false), "use `a|b` here");
        assert_eq!(inline("use `a|b` here", false), "use \\`a\\|b\\` here");
        assert_eq!(message("odd ` tick", true), "odd \\` tick");
        assert_eq!(inline("min_new_lines _x_", true), "min_new_lines \\_x\\_");
        assert_eq!(message("empty `` span", true), "empty \\`\\` span");
        assert_eq!(
            message("go https://evil.example or `www.x.y`", false),
            "go https:\u{2215}\u{2215}evil.example or `www.x.y`"
        );
    }

    #[test]
    fn cut_respects_the_limit() {
        let text = "line one\nline two\nline three\n".repeat(10);
        let s = cut(&text, 100);
        assert!(s.chars().count() <= 100, "{s}");
        assert!(s.ends_with("limited to 100 characters.\n"));
        assert_eq!(cut(&text, 10).chars().count(), 10);
    }
}
