//! Rule selection: which rules a run applies, at what severity, with what
//! parameters, from `[rules]` in gate.toml (`extra`, `only`, and one key per rule
//! id). Mistakes are [`Problem`]s located in the section, which the configuration
//! turns into `file:line:column` errors.

use super::{Params, Rule};
use crate::model::Severity;
use crate::toml_errors::{did_you_mean, finite, Problem};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::ops::Range;
use toml::Spanned;

/// A rule as this run uses it: its file, with the severity and parameters the
/// configuration chose.
#[derive(Debug, Clone)]
pub struct EnabledRule {
    pub rule: Rule,
    pub severity: Severity,
    pub params: Params,
}

/// `[rules]`: `extra`, `only`, and one key per rule id. Kept raw (with positions)
/// until the rule set is known, so that unknown ids can be reported where written.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct RulesConfig {
    entries: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// A problem at `span`.
fn at(span: Range<usize>, message: String) -> Problem {
    (Some(span), message)
}

impl RulesConfig {
    /// Folders of a team's own rule files (`[rules] extra`), relative to the
    /// repository root, each with where the configuration names it.
    pub fn extra_dirs(&self) -> Result<Vec<(String, Range<usize>)>, Problem> {
        let Some(value) = self.rule_entry("extra") else {
            return Ok(Vec::new());
        };
        Ok(self
            .string_list(value, "extra")?
            .into_iter()
            .map(|dir| (dir, value.span()))
            .collect())
    }

    /// Applies `[rules]` to the known rules: which run, at what severity, with what
    /// parameters. Unknown ids, severities and parameters are errors.
    pub fn enable(&self, rules: Vec<Rule>) -> Result<Vec<EnabledRule>, Problem> {
        let only = match self.rule_entry("only") {
            Some(value) => {
                let ids = self.string_list(value, "only")?;
                for id in &ids {
                    self.check_rule_id(&rules, id, value.span())?;
                }
                Some(ids)
            }
            None => None,
        };
        for (key, _) in self.rule_settings() {
            self.check_rule_id(&rules, key.get_ref(), key.span())?;
        }
        let mut enabled = Vec::with_capacity(rules.len());
        for rule in rules {
            if only.as_ref().is_some_and(|ids| !ids.contains(&rule.id)) {
                continue;
            }
            let mut severity = Some(rule.severity);
            let mut params = rule.params.clone();
            if let Some((_, value)) = self.rule_settings().find(|(k, _)| *k.get_ref() == rule.id) {
                (severity, params) = self.rule_setting(&rule, value)?;
            }
            if let Some(severity) = severity {
                enabled.push(EnabledRule {
                    rule,
                    severity,
                    params,
                });
            }
        }
        Ok(enabled)
    }

    fn rule_entry(&self, key: &str) -> Option<&Spanned<toml::Value>> {
        self.entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn rule_settings(&self) -> impl Iterator<Item = (&Spanned<String>, &Spanned<toml::Value>)> {
        self.entries
            .iter()
            .filter(|(k, _)| !matches!(k.get_ref().as_str(), "extra" | "only"))
    }

    fn check_rule_id(&self, rules: &[Rule], id: &str, span: Range<usize>) -> Result<(), Problem> {
        if rules.iter().any(|r| r.id == id) {
            return Ok(());
        }
        let hint = did_you_mean(id, rules.iter().map(|r| r.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Err(at(
            span,
            format!("[rules]: no rule `{id}`{hint}; `gate rules` lists them"),
        ))
    }

    /// `"off"`, a severity, or a table with `severity` and parameters.
    fn rule_setting(
        &self,
        rule: &Rule,
        value: &Spanned<toml::Value>,
    ) -> Result<(Option<Severity>, Params), Problem> {
        let mut params = rule.params.clone();
        let severity_of = |s: &str| -> Result<Option<Severity>, Problem> {
            if s == "off" {
                return Ok(None);
            }
            Severity::parse(s).map(Some).ok_or_else(|| {
                at(value.span(),
                    format!(
                        "[rules] {}: `{s}` is not a severity; expected \"off\", blocker, critical, major, minor or info",
                        rule.id
                    ),
                )
            })
        };
        match value.get_ref() {
            toml::Value::String(s) => Ok((severity_of(s)?, params)),
            toml::Value::Table(table) => {
                let mut severity = Some(rule.severity);
                for (key, v) in table {
                    if key == "severity" {
                        let s = v.as_str().ok_or_else(|| {
                            at(value.span(), format!("[rules] {}: `severity` must be a string", rule.id))
                        })?;
                        severity = severity_of(s)?;
                        continue;
                    }
                    let Some(default) = rule.params.get(key) else {
                        let known: Vec<&str> = rule.params.keys().map(String::as_str).collect();
                        let hint = did_you_mean(key, known.iter().copied())
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        let expected = if known.is_empty() {
                            "it takes none besides `severity`".to_string()
                        } else {
                            format!("it takes `severity`, `{}`", known.join("`, `"))
                        };
                        return Err(at(value.span(),
                            format!("[rules] {}: unknown parameter `{key}`{hint}; {expected}", rule.id),
                        ));
                    };
                    if default.type_str() != v.type_str() {
                        return Err(at(value.span(),
                            format!(
                                "[rules] {}: `{key}` must be {} (like the default `{default}`), not {}",
                                rule.id,
                                default.type_str(),
                                v.type_str()
                            ),
                        ));
                    }
                    if let toml::Value::Float(f) = v {
                        finite(key, *f).map_err(|m| {
                            at(value.span(), format!("[rules] {}: {m}", rule.id))
                        })?;
                    }
                    params.insert(key.clone(), v.clone());
                }
                Ok((severity, params))
            }
            other => Err(at(value.span(),
                format!(
                    "[rules] {}: expected \"off\", a severity, or a table like {{ severity = \"minor\" }}, not {}",
                    rule.id,
                    other.type_str()
                ),
            )),
        }
    }

    fn string_list(&self, value: &Spanned<toml::Value>, key: &str) -> Result<Vec<String>, Problem> {
        let items = value.get_ref().as_array().and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        });
        items.ok_or_else(|| {
            at(
                value.span(),
                format!("[rules] {key} must be a list of strings, like {key} = [\"...\"]"),
            )
        })
    }
}
