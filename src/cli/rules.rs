//! `gate rules`: every rule with the state the configuration gives it.

use super::{load_config, ListFormat};
use crate::console;
use crate::model::Language;
use crate::report;
use crate::rules::Rule;
use clap::{Args, ValueEnum};
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Args)]
pub struct RulesArgs {
    /// Output format.
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Show only the rules of this language.
    #[arg(long, value_enum)]
    pub language: Option<LanguageArg>,
    /// Configuration file whose [rules] settings and extra folders apply
    /// [default: ./gate.toml, if present].
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
pub enum LanguageArg {
    Java,
    Rust,
}

#[derive(serde::Serialize)]
struct RuleRow<'a> {
    id: &'a str,
    language: Language,
    severity: crate::model::Severity,
    default_severity: crate::model::Severity,
    enabled: bool,
    #[serde(rename = "type")]
    rule_type: crate::model::RuleType,
    title: &'a str,
    tags: &'a [String],
    equivalent: &'a crate::rules::Equivalents,
    origin: String,
}

pub(super) fn run(args: RulesArgs, color: bool) -> anyhow::Result<()> {
    let config = load_config(args.config.as_deref())?;
    let all = crate::pipeline::setup::all_rules(
        &config,
        &crate::pipeline::setup::OwnFiles::WorkTree(Path::new(".")),
    )?;
    let enabled = config.enabled_rules(all.clone())?;
    let wanted = |r: &Rule| match args.language {
        None => true,
        Some(LanguageArg::Java) => r.language == Language::Java,
        Some(LanguageArg::Rust) => r.language == Language::Rust,
    };
    let rows: Vec<RuleRow> = all
        .iter()
        .filter(|r| wanted(r))
        .map(|r| {
            let on = enabled.iter().find(|e| e.rule.id == r.id);
            RuleRow {
                id: &r.id,
                language: r.language,
                severity: on.map_or(r.severity, |e| e.severity),
                default_severity: r.severity,
                enabled: on.is_some(),
                rule_type: r.rule_type,
                title: &r.title,
                tags: &r.tags,
                equivalent: &r.equivalent,
                origin: r.origin.to_string(),
            }
        })
        .collect();
    let mut out = console::stdout().color(color);
    match args.format {
        ListFormat::Json => {
            report::write_json(&mut out, &rows)?;
            writeln!(out)?;
        }
        ListFormat::Text => {
            let width = rows.iter().map(|r| r.id.len()).max().unwrap_or(2);
            let bold = anstyle::Style::new().effects(anstyle::Effects::BOLD);
            let header = format!(
                "{:<width$}  {:<8}  {:<8}  {:<16}  TITLE",
                "ID", "LANGUAGE", "SEVERITY", "TYPE"
            );
            if color {
                writeln!(out, "{}{header}{}", bold.render(), bold.render_reset())?;
            } else {
                writeln!(out, "{header}")?;
            }
            for r in &rows {
                let severity = if r.enabled {
                    r.severity.as_str()
                } else {
                    "off"
                };
                // Rust users know the lints by clippy's names: show them.
                let clippy = r
                    .equivalent
                    .clippy
                    .as_ref()
                    .map(|c| format!("  (clippy: {c})"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "{:<width$}  {:<8}  {:<8}  {:<16}  {}{clippy}",
                    r.id,
                    r.language.as_str(),
                    severity,
                    r.rule_type.as_str(),
                    r.title
                )?;
            }
            let on = rows.iter().filter(|r| r.enabled).count();
            writeln!(
                out,
                "\n{} rules, {on} enabled. `gate explain ID` tells more about one.",
                rows.len()
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
