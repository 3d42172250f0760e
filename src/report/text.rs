//! The human report: findings grouped by file, each led by `path:line:col:` (what
//! editors and terminals open on a click) with its source line and a caret under
//! the flagged span; then what was skipped, the findings by rule, and one summary
//! line.
//! Suppressed findings are not shown but are counted in the summary.
//! Every value from the repository or the data goes through [`clean`]: one line,
//! nothing a CI reading the log could act on.

use super::View;
use crate::console::clean;
use crate::coverage::format_ranges;
use crate::gate::Status;
use crate::model::{Finding, Severity};
use crate::pipeline::Outcome;
use anstyle::{AnsiColor, Effects, Style};
use std::io::{self, Write};

struct Paint {
    color: bool,
}

impl Paint {
    fn paint(&self, style: Style, text: &str) -> String {
        if self.color {
            format!("{}{text}{}", style.render(), style.render_reset())
        } else {
            text.to_string()
        }
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Blocker | Severity::Critical => {
            AnsiColor::Red.on_default().effects(Effects::BOLD)
        }
        Severity::Major => AnsiColor::Red.on_default(),
        Severity::Minor => AnsiColor::Yellow.on_default(),
        Severity::Info => AnsiColor::Cyan.on_default(),
    }
}

/// More findings than this on a run where everything is new is a legacy code base's
/// first run: the report ends with how to adopt gate without fixing them all.
const LEGACY_WALL: usize = 50;

/// How many rules the summary by rule names.
const TOP_RULES: usize = 5;

pub fn render(outcome: &Outcome, out: &mut dyn Write, view: View) -> io::Result<()> {
    let p = Paint { color: view.color };
    let bold = Style::new().effects(Effects::BOLD);
    let dim = Style::new().effects(Effects::DIMMED);
    let active: Vec<&Finding> = outcome
        .findings
        .iter()
        .filter(|f| f.suppressed.is_none())
        .collect();
    if let Some((sentence, differences)) = super::config_notice(outcome) {
        writeln!(
            out,
            "{} {}",
            p.paint(bold, "Configuration:"),
            clean(&sentence)
        )?;
        for d in differences {
            writeln!(out, "  {}", clean(d))?;
        }
        writeln!(out)?;
    }
    // On a change, people review what the change brought: list the new findings and
    // count the rest.
    let listed: Vec<&Finding> = active.iter().copied().filter(|f| f.new).collect();
    let shown = view
        .max_findings
        .map_or(listed.len(), |n| n.min(listed.len()));
    let mut current_file: Option<&str> = None;
    for f in &listed[..shown] {
        if current_file.is_some_and(|c| c != f.location.path) {
            writeln!(out)?;
        }
        current_file = Some(&f.location.path);
        // `path:line:col:` first, as ruff, clippy and javac print it: terminals and
        // editors open it on a click.
        let place = format!(
            "{}:{}:{}:",
            f.location.path, f.location.start_line, f.location.start_column
        );
        writeln!(
            out,
            "{} {} {}  {}",
            p.paint(bold, &clean(&place)),
            p.paint(severity_style(f.severity), f.severity.as_str()),
            p.paint(dim, &clean(&f.rule)),
            clean(&f.message)
        )?;
        snippet(out, &p, f)?;
    }
    if shown > 0 {
        writeln!(out)?;
    }
    if shown < listed.len() {
        writeln!(
            out,
            "… and {} more findings not shown (--max-findings)",
            listed.len() - shown
        )?;
    }
    if let Some(not_new) = super::not_new(outcome, "finding(s)") {
        writeln!(
            out,
            "{}",
            p.paint(
                dim,
                &format!("{not_new} are not listed (--format json lists all)")
            )
        )?;
    }
    new_code(out, &p, outcome)?;
    conditions(out, &p, outcome)?;
    let mut skipped = Vec::new();
    if !outcome.default_excluded_dirs.is_empty() {
        let dirs = &outcome.default_excluded_dirs;
        let shown: Vec<&str> = dirs.iter().take(5).map(String::as_str).collect();
        let more = if dirs.len() > 5 {
            format!(", and {} more", dirs.len() - 5)
        } else {
            String::new()
        };
        skipped.push(format!(
            "{} build-output/vendored folder(s) ({}{more})",
            dirs.len(),
            clean(&shown.join(", "))
        ));
    }
    if outcome.excluded_by_config > 0 {
        skipped.push(format!(
            "{} file(s) excluded by [sources]",
            outcome.excluded_by_config
        ));
    }
    if !skipped.is_empty() {
        writeln!(
            out,
            "{}",
            p.paint(dim, &format!("skipped {}", skipped.join("; ")))
        )?;
    }
    top_rules(out, &p, &active)?;
    if listed.len() > LEGACY_WALL && outcome.changed_lines.is_none() {
        writeln!(
            out,
            "{}",
            p.paint(
                dim,
                &format!(
                    "hint: without a base all {} findings count as new: accept them with \
                     `gate baseline`, or compare with the base branch (--base origin/main)",
                    listed.len()
                )
            )
        )?;
    }
    summary(out, &p, outcome, &active)
}

/// What counted as new, the coverage figures, and the uncovered new lines.
fn new_code(out: &mut dyn Write, p: &Paint, outcome: &Outcome) -> io::Result<()> {
    let m = &outcome.measures;
    let bold = Style::new().effects(Effects::BOLD);
    let mut line = format!("{} {}", p.paint(bold, "New code:"), clean(&m.new_code));
    if let (Some(files), Some(lines)) = (m.changed_files, m.changed_lines) {
        line.push_str(&format!(" ({files} file(s), {lines} changed line(s))"));
    }
    writeln!(out, "{line}")?;
    if let Some(fixed) = m.fixed_issues {
        let mut line = format!("{} new, {fixed} fixed", m.new.issues.total);
        if let Some(n) = m.suppressed_in_change.filter(|n| *n > 0) {
            line.push_str(&format!(", {n} suppressed in this change"));
        }
        writeln!(out, "{} {line}", p.paint(bold, "Issues:"))?;
        let suppressed: Vec<&Finding> =
            crate::gate::measures::suppressed_in_change(&outcome.findings).collect();
        for f in suppressed.iter().take(10) {
            let place = format!("{}:{}", f.location.path, f.location.start_line);
            let how = f
                .suppressed
                .as_ref()
                .map(super::suppression_note)
                .unwrap_or_default();
            writeln!(
                out,
                "  {}",
                p.paint(
                    Style::new().fg_color(Some(AnsiColor::Yellow.into())),
                    &clean(&format!(
                        "suppressed {place} {} {} ({how})",
                        f.rule, f.message
                    ))
                )
            )?;
        }
        if suppressed.len() > 10 {
            writeln!(
                out,
                "  … and {} more suppressed in this change",
                suppressed.len() - 10
            )?;
        }
        for f in outcome.fixed.iter().take(10) {
            let place = format!("{}:{}", f.location.path, f.location.start_line);
            writeln!(
                out,
                "  {}",
                p.paint(
                    Style::new().effects(Effects::DIMMED),
                    &clean(&format!("fixed {place} {} {}", f.rule, f.message))
                )
            )?;
        }
        if outcome.fixed.len() > 10 {
            writeln!(out, "  … and {} more fixed", outcome.fixed.len() - 10)?;
        }
    }
    let figure = |f: Option<crate::gate::measures::Figure>, unit: &str| match f {
        Some(f) => match f.percent {
            Some(pc) => format!("{pc:.1} % of {} {unit}", f.total),
            None => format!("no coverable {unit}"),
        },
        None => "-".to_string(),
    };
    if outcome.coverage_reports.is_empty() {
        writeln!(out, "{} no report", p.paint(bold, "Coverage:"))?;
    } else {
        writeln!(
            out,
            "{} new {} · overall {} (from {})",
            p.paint(bold, "Coverage:"),
            figure(m.new.lines, "lines"),
            figure(m.overall.lines, "lines"),
            clean(&outcome.coverage_reports.join(", "))
        )?;
    }
    if !m.uncovered_new_lines.is_empty() {
        writeln!(out, "{}", p.paint(bold, "Uncovered new lines:"))?;
        for u in m.uncovered_new_lines.iter().take(20) {
            writeln!(out, "  {}: {}", clean(&u.path), format_ranges(&u.lines))?;
        }
        if m.uncovered_new_lines.len() > 20 {
            writeln!(
                out,
                "  … and {} more file(s)",
                m.uncovered_new_lines.len() - 20
            )?;
        }
    }
    if !m.changed_files_without_coverage.is_empty() {
        writeln!(
            out,
            "{} {}",
            p.paint(bold, "Changed sources the coverage report does not know:"),
            clean(&m.changed_files_without_coverage.join(", "))
        )?;
    }
    Ok(())
}

/// The conditions table: one row per condition, with its outcome.
fn conditions(out: &mut dyn Write, p: &Paint, outcome: &Outcome) -> io::Result<()> {
    use crate::gate::Outcome as O;
    let rows = &outcome.verdict.conditions;
    if rows.is_empty() {
        return Ok(());
    }
    writeln!(
        out,
        "{}",
        p.paint(Style::new().effects(Effects::BOLD), "Conditions:")
    )?;
    let width = rows.iter().map(|r| r.metric.len()).max().unwrap_or(6);
    for r in rows {
        let (mark, style) = match r.outcome {
            O::Passed => ("✓", AnsiColor::Green.on_default()),
            O::Failed => ("✗", AnsiColor::Red.on_default().effects(Effects::BOLD)),
            O::Skipped => ("-", Style::new().effects(Effects::DIMMED)),
            O::NotMeasured => ("·", Style::new().effects(Effects::DIMMED)),
            O::Error => ("!", AnsiColor::Red.on_default().effects(Effects::BOLD)),
        };
        let actual = r.actual_text();
        let note = r
            .note
            .as_deref()
            .map(|n| format!("  ({})", clean(n)))
            .unwrap_or_default();
        writeln!(
            out,
            "  {} {:<width$}  {:<7}  {:<8}  {:>8}{note}",
            p.paint(style, mark),
            r.metric,
            r.scope.to_string(),
            r.threshold,
            actual
        )?;
    }
    Ok(())
}

/// The rules with the most findings, most first: where a wall of findings comes from.
fn top_rules(out: &mut dyn Write, p: &Paint, active: &[&Finding]) -> io::Result<()> {
    let mut counts: std::collections::BTreeMap<&str, usize> = Default::default();
    for f in active {
        *counts.entry(f.rule.as_str()).or_default() += 1;
    }
    if counts.is_empty() {
        return Ok(());
    }
    let mut counts: Vec<(&str, usize)> = counts.into_iter().collect();
    counts.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    let mut top: Vec<String> = counts
        .iter()
        .take(TOP_RULES)
        .map(|(rule, n)| format!("{} {n}", clean(rule)))
        .collect();
    if counts.len() > TOP_RULES {
        top.push(format!("{} more rule(s)", counts.len() - TOP_RULES));
    }
    writeln!(
        out,
        "{} {}",
        p.paint(Style::new().effects(Effects::BOLD), "Findings by rule:"),
        top.join(", ")
    )
}

fn snippet(out: &mut dyn Write, p: &Paint, f: &Finding) -> io::Result<()> {
    let line = clean(&f.snippet).replace('\t', "    ");
    if line.trim().is_empty() {
        return Ok(());
    }
    let gutter = f.location.start_line.to_string();
    let pad = " ".repeat(gutter.len());
    let tabs_before = f
        .snippet
        .chars()
        .take(f.location.start_column as usize - 1)
        .filter(|c| *c == '\t')
        .count();
    let start = f.location.start_column as usize - 1 + tabs_before * 3;
    let width = if f.location.end_line == f.location.start_line {
        (f.location
            .end_column
            .saturating_sub(f.location.start_column) as usize)
            .max(1)
    } else {
        line.chars().count().saturating_sub(start).max(1)
    };
    let blue = AnsiColor::Blue.on_default();
    writeln!(
        out,
        "  {} {} {}",
        p.paint(blue, &gutter),
        p.paint(blue, "|"),
        line
    )?;
    writeln!(
        out,
        "  {pad} {} {}{}",
        p.paint(blue, "|"),
        " ".repeat(start),
        p.paint(severity_style(f.severity), &"^".repeat(width))
    )
}

fn summary(
    out: &mut dyn Write,
    p: &Paint,
    outcome: &Outcome,
    active: &[&Finding],
) -> io::Result<()> {
    let counts: Vec<String> = Severity::ALL
        .iter()
        .filter_map(|s| {
            let n = active.iter().filter(|f| f.severity == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    let suppressed = outcome.findings.len() - active.len();
    let mut findings = format!(
        "{} finding{}",
        active.len(),
        if active.len() == 1 { "" } else { "s" }
    );
    if !counts.is_empty() {
        findings.push_str(&format!(" ({})", counts.join(", ")));
    }
    if suppressed > 0 {
        findings.push_str(&format!(", {suppressed} suppressed"));
    }
    let (word, style) = match outcome.verdict.status {
        Status::Passed => (
            "passed",
            AnsiColor::Green.on_default().effects(Effects::BOLD),
        ),
        Status::Failed => ("failed", AnsiColor::Red.on_default().effects(Effects::BOLD)),
        Status::Error => ("error", AnsiColor::Red.on_default().effects(Effects::BOLD)),
    };
    writeln!(
        out,
        "{}: {findings} in {} file{} ({} lines, {} rules, {:.2}s)",
        p.paint(style, word),
        outcome.files,
        if outcome.files == 1 { "" } else { "s" },
        outcome.lines,
        outcome.rules,
        outcome.duration_ms as f64 / 1000.0
    )?;
    for reason in &outcome.verdict.reasons {
        writeln!(out, "  {} {}", p.paint(style, "✗"), clean(reason))?;
    }
    Ok(())
}
