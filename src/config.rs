//! `gate.toml`: every key optional, the defaults are the zero-config behaviour.
//! Mistakes (unknown keys, wrong types, bad globs, unknown rule ids, thresholds on
//! the wrong scale) are errors that name the file, line and key, with a
//! did-you-mean, because a typo that silently disables a check is worse than no check.

use crate::model::Severity;
use crate::rules::{self, file::line_col, Params, Rule};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use toml::Spanned;

/// The file name looked for at the repository root.
pub const FILE_NAME: &str = "gate.toml";

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    pub sources: SourcesConfig,
    pub rules: RulesConfig,
    pub coverage: crate::coverage::CoverageConfig,
    pub gate: crate::gate::GateConfig,
    pub github: crate::publish::GithubConfig,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct SourcesConfig {
    /// Globs (relative to the root) a file must match to be analysed; empty = all.
    pub include: Vec<Spanned<String>>,
    /// Globs of files and folders never analysed.
    pub exclude: Vec<Spanned<String>>,
    /// Skip build output and vendored trees (`target/`, `build/`, `node_modules/`,
    /// `generated` folders).
    pub default_excludes: bool,
    /// A run without any source file to analyse may pass (a repository with no
    /// Java or Rust yet); otherwise it is an error, since a wrong path or an
    /// include that matches nothing would pass every change.
    pub allow_empty: bool,
    /// Files larger than this many bytes are reported and not analysed (a
    /// changed one makes the run unevaluable): a generated or hostile file of
    /// hundreds of megabytes would hold the run for minutes and gigabytes.
    pub max_file_bytes: u64,
}

impl Default for SourcesConfig {
    fn default() -> Self {
        SourcesConfig {
            include: Vec::new(),
            exclude: Vec::new(),
            default_excludes: true,
            allow_empty: false,
            max_file_bytes: 10_000_000,
        }
    }
}

/// `[rules]`: `extra`, `only`, and one key per rule id. Kept raw (with positions)
/// until the rule set is known, so that unknown ids can be reported where written.
#[derive(Debug, Default, Deserialize)]
#[serde(transparent)]
pub struct RulesConfig {
    entries: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
}

/// A configuration mistake, located in its file.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", crate::rules::file::position(path, *line, *column))]
pub struct ConfigError {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A mistake in one entry of the configuration: where (`None`: the entry as a
/// whole) and what is wrong.
pub type Problem = (Option<Range<usize>>, String);

/// A rule as this run uses it: its file, with the severity and parameters the
/// configuration chose.
#[derive(Debug, Clone)]
pub struct EnabledRule {
    pub rule: Rule,
    pub severity: Severity,
    pub params: Params,
}

/// Which revision gate reads its own files from in a pull request.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ConfigFrom {
    /// The base revision: the pull request's changes apply after it merges.
    Base,
    /// The working tree, for repositories that protect these files by review.
    Head,
}

impl ConfigFrom {
    pub fn as_str(self) -> &'static str {
        match self {
            ConfigFrom::Base => "base",
            ConfigFrom::Head => "head",
        }
    }
}

impl std::str::FromStr for ConfigFrom {
    type Err = String;

    fn from_str(s: &str) -> Result<ConfigFrom, String> {
        match s {
            "base" => Ok(ConfigFrom::Base),
            "head" => Ok(ConfigFrom::Head),
            _ => Err(format!("`{s}`: expected `base` or `head`")),
        }
    }
}

/// The configuration together with its text, so later checks can point into it.
#[derive(Debug, Default)]
pub struct Loaded {
    pub config: Config,
    /// `None` when no file exists and the defaults are used.
    pub path: Option<PathBuf>,
    text: String,
}

impl Loaded {
    /// The configuration file's text as read (empty without a file).
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Reads `explicit` (which must exist) or `<root>/gate.toml` (which may not).
    pub fn load(root: &Path, explicit: Option<&Path>) -> Result<Loaded, ConfigError> {
        let path = match explicit {
            Some(p) => p.to_path_buf(),
            None => {
                let p = root.join(FILE_NAME);
                if !p.exists() {
                    return Ok(Loaded::default());
                }
                p
            }
        };
        let error = |message: String| ConfigError {
            path: path.display().to_string(),
            line: 0,
            column: 0,
            message: format!("cannot read the configuration: {message}"),
        };
        let bytes = crate::guard::read(
            root,
            &path,
            crate::guard::NamedBy::CommandLine,
            crate::guard::CONFIG_BYTES,
        )
        .map_err(error)?
        .ok_or_else(|| error("No such file or directory (os error 2)".to_string()))?;
        let text = String::from_utf8(bytes).map_err(|e| {
            error(format!(
                "not UTF-8 (at byte {})",
                e.utf8_error().valid_up_to()
            ))
        })?;
        Loaded::parse(text, path)
    }

    pub fn parse(text: String, path: PathBuf) -> Result<Loaded, ConfigError> {
        let config: Config = match toml::from_str(&text) {
            Ok(c) => c,
            Err(e) => {
                let (line, column) = line_col(&text, e.span().map_or(0, |s| s.start));
                return Err(ConfigError {
                    path: path.display().to_string(),
                    line,
                    column,
                    message: explain_toml_error(e.message()),
                });
            }
        };
        let loaded = Loaded {
            config,
            path: Some(path),
            text,
        };
        let sources = &loaded.config.sources;
        for glob in sources
            .include
            .iter()
            .chain(&sources.exclude)
            .chain(&loaded.config.coverage.exclude)
        {
            if let Err(e) = globset::Glob::new(glob.get_ref()) {
                return Err(loaded.error(
                    glob.span(),
                    format!("bad glob `{}`: {}", glob.get_ref(), e.kind()),
                ));
            }
        }
        loaded.check_thresholds()?;
        Ok(loaded)
    }

    /// Every threshold on its scale, so that none passes because it was written as
    /// `0.8` for 80 %, as `80` for a JaCoCo ratio of 0.80, or as `nan`.
    fn check_thresholds(&self) -> Result<(), ConfigError> {
        let gate = &self.config.gate;
        let conditions = gate
            .condition
            .iter()
            .flatten()
            .map(|c| (c.span(), c.get_ref().validate()));
        let jacoco_rules = gate
            .jacoco_rule
            .iter()
            .map(|r| (r.span(), r.get_ref().validate()));
        let coverage = std::iter::once((0..0, self.config.coverage.validate()));
        for (entry, result) in conditions.chain(jacoco_rules).chain(coverage) {
            if let Err((span, message)) = result {
                return Err(self.error(span.unwrap_or(entry), message));
            }
        }
        Ok(())
    }

    pub(crate) fn error(&self, span: Range<usize>, message: String) -> ConfigError {
        let (line, column) = line_col(&self.text, span.start);
        ConfigError {
            path: self
                .path
                .as_deref()
                .map_or_else(|| FILE_NAME.to_string(), |p| p.display().to_string()),
            line,
            column,
            message,
        }
    }

    /// Folders of a team's own rule files (`[rules] extra`), relative to the
    /// repository root, each with where the configuration names it.
    pub fn extra_rule_dirs(&self) -> Result<Vec<(String, Range<usize>)>, ConfigError> {
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
    pub fn enabled_rules(&self, rules: Vec<Rule>) -> Result<Vec<EnabledRule>, ConfigError> {
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
        self.config
            .rules
            .entries
            .iter()
            .find(|(k, _)| k.get_ref() == key)
            .map(|(_, v)| v)
    }

    fn rule_settings(&self) -> impl Iterator<Item = (&Spanned<String>, &Spanned<toml::Value>)> {
        self.config
            .rules
            .entries
            .iter()
            .filter(|(k, _)| !matches!(k.get_ref().as_str(), "extra" | "only"))
    }

    fn check_rule_id(
        &self,
        rules: &[Rule],
        id: &str,
        span: Range<usize>,
    ) -> Result<(), ConfigError> {
        if rules.iter().any(|r| r.id == id) {
            return Ok(());
        }
        let hint = rules::did_you_mean(id, rules.iter().map(|r| r.id.as_str()))
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        Err(self.error(
            span,
            format!("[rules]: no rule `{id}`{hint}; `gate rules` lists them"),
        ))
    }

    /// `"off"`, a severity, or a table with `severity` and parameters.
    fn rule_setting(
        &self,
        rule: &Rule,
        value: &Spanned<toml::Value>,
    ) -> Result<(Option<Severity>, Params), ConfigError> {
        let mut params = rule.params.clone();
        let severity_of = |s: &str| -> Result<Option<Severity>, ConfigError> {
            if s == "off" {
                return Ok(None);
            }
            Severity::parse(s).map(Some).ok_or_else(|| {
                self.error(
                    value.span(),
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
                            self.error(value.span(), format!("[rules] {}: `severity` must be a string", rule.id))
                        })?;
                        severity = severity_of(s)?;
                        continue;
                    }
                    let Some(default) = rule.params.get(key) else {
                        let known: Vec<&str> = rule.params.keys().map(String::as_str).collect();
                        let hint = rules::did_you_mean(key, known.iter().copied())
                            .map(|s| format!(" (did you mean `{s}`?)"))
                            .unwrap_or_default();
                        let expected = if known.is_empty() {
                            "it takes none besides `severity`".to_string()
                        } else {
                            format!("it takes `severity`, `{}`", known.join("`, `"))
                        };
                        return Err(self.error(
                            value.span(),
                            format!("[rules] {}: unknown parameter `{key}`{hint}; {expected}", rule.id),
                        ));
                    };
                    if default.type_str() != v.type_str() {
                        return Err(self.error(
                            value.span(),
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
                            self.error(value.span(), format!("[rules] {}: {m}", rule.id))
                        })?;
                    }
                    params.insert(key.clone(), v.clone());
                }
                Ok((severity, params))
            }
            other => Err(self.error(
                value.span(),
                format!(
                    "[rules] {}: expected \"off\", a severity, or a table like {{ severity = \"minor\" }}, not {}",
                    rule.id,
                    other.type_str()
                ),
            )),
        }
    }

    fn string_list(
        &self,
        value: &Spanned<toml::Value>,
        key: &str,
    ) -> Result<Vec<String>, ConfigError> {
        let items = value.get_ref().as_array().and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        });
        items.ok_or_else(|| {
            self.error(
                value.span(),
                format!("[rules] {key} must be a list of strings, like {key} = [\"...\"]"),
            )
        })
    }
}

/// Rewrites serde's messages into ones that say what to do: an unknown key gets a
/// did-you-mean from the keys serde says it expected.
pub fn explain_toml_error(message: &str) -> String {
    let message = message.trim();
    let (what, rest) = if let Some(rest) = message.strip_prefix("unknown field `") {
        ("key", rest)
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        ("value", rest)
    } else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = rules::did_you_mean(unknown, candidates.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    if what == "key" {
        if let Some((here, there)) = crate::gate::conditions::other_table_of(unknown, &candidates) {
            return format!(
                "`{unknown}` is a {there} key; a {here} takes: {}{hint}",
                candidates.join(", ")
            );
        }
    }
    format!(
        "unknown {what} `{unknown}`{hint}; expected one of: {}",
        candidates.join(", ")
    )
}

/// `value`, unless it is `nan` or infinite: TOML allows both, and no comparison
/// with a threshold of `nan` ever fails.
pub fn finite(key: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() {
        Ok(value)
    } else {
        let written = if value.is_nan() {
            "nan".to_string()
        } else {
            value.to_string()
        };
        Err(format!("`{key}` must be a finite number, not {written}"))
    }
}

/// The file `gate init` writes: every key, its default, and what it does. A test
/// keeps it equal to the built-in defaults.
pub const INIT_TEMPLATE: &str = r#"# gate.toml — configuration for `gate`, the pull-request quality gate.
# Every key is optional: the values below are the built-in defaults.

[sources]
# Globs (relative to the repository root) a file must match to be analysed. Empty: every
# Java (.java) and Rust (.rs) file that .gitignore does not exclude.
include = []
# Globs of files or folders never analysed, e.g. ["legacy/**", "**/*Generated.java"].
exclude = []
# Skip build output and vendored code: folders named target, build, node_modules,
# generated (or generated-*, generated_*). The summary says how many were skipped.
default_excludes = true
# A run with no source file to analyse is an error (a wrong path or an include that
# matches nothing would pass everything); true lets it pass.
allow_empty = false

[rules]
# Folders of your team's own rule files (same format as gate's rules/java/*.toml),
# relative to the repository root. In a pull request they are read from the base.
# extra = ["my-rules/"]
# Run only these rules (all others off).
# only = ["empty-catch-block", "string-compared-with-eq"]
# Turn a rule off, change its severity, or set its parameters:
# system-out-print = "off"
# todo-comment = "info"
# too-many-parameters = { severity = "minor", max = 5 }

[coverage]
# Coverage reports (files or globs, relative to the repository root): JaCoCo XML, LCOV or
# Cobertura XML, told apart by content. Several are merged line by line. Empty: the
# usual Maven, Gradle, LCOV and Cobertura locations.
reports = []
# Folders that hold package roots, for when JaCoCo's package paths match several
# files or none, e.g. ["app/src/main/java"]. Empty: found automatically.
source_roots = []
# Files whose coverage is not counted, overall or new (generated code, DTOs), e.g.
# ["**/generated/**", "src/main/java/**/dto/**"]; they are still analysed, while
# [sources] exclude takes files out of both. `*` stays within a folder, `**` crosses any.
exclude = []
# The run is an error (exit 2) when more than this share of a report's files
# match no repository file: the coverage figures would not be trustworthy.
max_unmapped_percent = 10.0
# A report must be found: without one the coverage conditions cannot be evaluated
# and the run is an error (exit 2). false chooses lint only when no report is
# found: the conditions then say "not measured by choice" (also: --no-coverage).
required = true

[gate]
# Coverage conditions on new code are not failed below this many coverable new lines.
min_new_lines = 20
# Accepted findings, written by `gate baseline`: only findings not in it are new.
baseline = ".gate/baseline.json"
# The conditions. Without any, "Sonar way" on new code applies, as if the two
# below were written.
# [[gate.condition]]
# metric = "coverage.line"   # coverage.branch, coverage.instruction, issues,
#                            # issues.blocker|critical|major|minor (that severity or worse),
#                            # issues.bug|vulnerability|security-hotspot|code-smell
# scope = "new"              # or "overall"
# min = 80.0                 # a percentage (0–100); or max, or both with min ≤ max
#
# [[gate.condition]]
# metric = "issues.major"
# scope = "new"
# max = 0                    # issue counts take only max, a whole number
#
# JaCoCo `check` rules, as in jacoco-maven-plugin (JaCoCo XML reports only):
# [[gate.jacoco_rule]]
# element = "CLASS"          # BUNDLE, PACKAGE, CLASS, SOURCEFILE
# counter = "LINE"           # INSTRUCTION, BRANCH, LINE, COMPLEXITY, METHOD, CLASS
# value = "COVEREDRATIO"     # MISSEDRATIO, COVEREDCOUNT, MISSEDCOUNT, TOTALCOUNT
# minimum = 0.80             # or maximum, or both: ratios 0–1, counts whole numbers
# includes = ["com.example.*"]
# excludes = ["*Test"]

[github]
# Publishing with `gate check --publish github` (the default inside GitHub
# Actions when GITHUB_TOKEN or GATE_GITHUB_TOKEN is set).
# Name of the check run: the name to require in branch protection
# (`gate github protect --branch main` does it).
check_name = "gate"
# Context of the commit status, for protections that require statuses.
status_context = "gate"
# What to post. A personal access token cannot create check runs: on Jenkins
# with one, set check_run = false and require the status instead.
check_run = true
comment = true
status = true
# Delete the pull-request comment once the gate passes with nothing to annotate.
delete_comment_when_clean = false
# Annotations on the check run (new issues, uncovered new lines); the rest are
# counted in its summary.
max_annotations = 500
# Gate only pull requests with one of these labels (case-insensitive), e.g.
# ["backend"]; others get a neutral check run and exit 0. Empty: all of them.
only_labels = []
# Seconds one request may take; retries after 5xx, 429 and rate limits (waiting
# as GitHub asks, but never longer than max_wait_seconds).
timeout_seconds = 30
retries = 3
max_wait_seconds = 60
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Loaded, ConfigError> {
        Loaded::parse(text.to_string(), PathBuf::from("gate.toml"))
    }

    #[test]
    fn init_template_parses_to_the_defaults() {
        let loaded = parse(INIT_TEMPLATE).unwrap();
        let defaults = Config::default();
        assert_eq!(
            loaded.config.sources.include.len(),
            defaults.sources.include.len()
        );
        assert_eq!(
            loaded.config.sources.exclude.len(),
            defaults.sources.exclude.len()
        );
        assert_eq!(
            loaded.config.sources.default_excludes,
            defaults.sources.default_excludes
        );
        assert_eq!(loaded.config.github, defaults.github);
        assert_eq!(loaded.config.coverage, defaults.coverage);
        let rules = rules::builtin().unwrap();
        let n = rules.len();
        assert_eq!(loaded.enabled_rules(rules).unwrap().len(), n);
    }

    #[test]
    fn unknown_key_names_line_and_suggests() {
        let e = parse("[sources]\ninclude = []\ninclde = []\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("gate.toml:3:1: unknown key `inclde` (did you mean `include`?)"),
            "{e}"
        );
        let e = parse("[source]\n").unwrap_err().to_string();
        assert!(e.contains("did you mean `sources`"), "{e}");
    }

    #[test]
    fn wrong_type_and_bad_glob_are_located() {
        let e = parse("[sources]\ndefault_excludes = \"yes\"\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("gate.toml:2:"), "{e}");
        assert!(e.contains("bool"), "{e}");
        let e = parse("[sources]\nexclude = [\"ok/**\", \"a/[b\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("gate.toml:2:21: bad glob `a/[b`"), "{e}");
        let e = parse("[coverage]\n\nexclude = [\"**/gen/{a\"]\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("gate.toml:3:12: bad glob `**/gen/{a`"), "{e}");
    }

    #[test]
    fn rules_section_selects_overrides_and_validates() {
        let rules = rules::builtin().unwrap();
        let loaded = parse(
            "[rules]\nsystem-out-print = \"off\"\ntodo-comment = \"info\"\ntoo-many-parameters = { max = 3 }\n",
        )
        .unwrap();
        let enabled = loaded.enabled_rules(rules.clone()).unwrap();
        assert!(!enabled.iter().any(|r| r.rule.id == "system-out-print"));
        let todo = enabled
            .iter()
            .find(|r| r.rule.id == "todo-comment")
            .unwrap();
        assert_eq!(todo.severity, Severity::Info);
        let tmp = enabled
            .iter()
            .find(|r| r.rule.id == "too-many-parameters")
            .unwrap();
        assert_eq!(
            tmp.params.get("max").and_then(toml::Value::as_integer),
            Some(3)
        );

        let e = parse("[rules]\n\nempty-catch = \"off\"\n")
            .unwrap()
            .enabled_rules(rules.clone())
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with(
                "gate.toml:3:1: [rules]: no rule `empty-catch` (did you mean `empty-catch-block`?)"
            ),
            "{e}"
        );
        let e = parse("[rules]\ntoo-many-parameters = { maxx = 3 }\n")
            .unwrap()
            .enabled_rules(rules.clone())
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("unknown parameter `maxx` (did you mean `max`?)"),
            "{e}"
        );
        let e = parse("[rules]\ntoo-many-parameters = { max = \"3\" }\n")
            .unwrap()
            .enabled_rules(rules.clone())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`max` must be integer"), "{e}");
        let e = parse("[rules]\ntodo-comment = \"loud\"\n")
            .unwrap()
            .enabled_rules(rules.clone())
            .unwrap_err()
            .to_string();
        assert!(e.contains("`loud` is not a severity"), "{e}");

        let only = parse("[rules]\nonly = [\"todo-comment\"]\n").unwrap();
        let enabled = only.enabled_rules(rules).unwrap();
        assert_eq!(enabled.len(), 1);
    }

    /// The error `text` gives, as `gate check` prints it.
    fn error(text: &str) -> String {
        parse(text).unwrap_err().to_string()
    }

    #[test]
    fn coverage_thresholds_are_percentages() {
        for (written, meant) in [("0.8", "80"), ("0.75", "75"), ("0.855", "85.5")] {
            assert_eq!(
                error(&format!(
                    "[[gate.condition]]\nmetric = \"coverage.line\"\nmin = {written}\n"
                )),
                format!(
                    "gate.toml:3:7: [[gate.condition]] coverage.line: coverage thresholds are percentages: did you mean {meant}?"
                )
            );
        }
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.branch\"\nscope = \"overall\"\nmin = 8000\n"),
            "gate.toml:4:7: [[gate.condition]] coverage.branch: coverage thresholds are percentages within 0–100, not 8000"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.line\"\nmax = -5\n"),
            "gate.toml:3:7: [[gate.condition]] coverage.line: coverage thresholds are percentages within 0–100, not -5"
        );
        for edge in ["0", "1", "100", "80"] {
            let text = format!("[[gate.condition]]\nmetric = \"coverage.line\"\nmin = {edge}\n");
            assert!(parse(&text).is_ok(), "min = {edge}");
        }
    }

    #[test]
    fn a_condition_needs_a_bound_and_a_range_needs_min_below_max() {
        assert_eq!(
            error("[gate]\nmin_new_lines = 5\n\n[[gate.condition]]\nmetric = \"coverage.line\"\nscope = \"new\"\n"),
            "gate.toml:4:1: [[gate.condition]] coverage.line: no bound; write `min`, `max` or both (a range)"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"issues\"\n"),
            "gate.toml:1:1: [[gate.condition]] issues: no bound; write `max`, the most issues allowed"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.line\"\nmin = 60\nmax = 55\n"),
            "gate.toml:3:7: [[gate.condition]] coverage.line: `min = 60` is above `max = 55`: a range needs min ≤ max"
        );
        let range =
            parse("[[gate.condition]]\nmetric = \"coverage.line\"\nmin = 50\nmax = 55\n").unwrap();
        let conditions = range.config.gate.conditions();
        assert_eq!(conditions[0].bounds(), (Some(50.0), Some(55.0)));
    }

    #[test]
    fn issue_counts_take_a_whole_max() {
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"issues.major\"\nmin = 0\n"),
            "gate.toml:3:7: [[gate.condition]] issues.major: an issue count takes only `max`, the most allowed: did you mean `max = 0`?"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"issues.bug\"\nmax = 0.5\n"),
            "gate.toml:3:7: [[gate.condition]] issues.bug: counts are whole numbers, 0 or more, not 0.5"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"issues\"\nscope = \"overall\"\nmax = -1\n"),
            "gate.toml:4:7: [[gate.condition]] issues: counts are whole numbers, 0 or more, not -1"
        );
    }

    #[test]
    fn jacoco_ratios_are_within_0_and_1_and_counts_whole() {
        let rule = |limits: &str| {
            error(&format!(
                "[gate]\n[[gate.jacoco_rule]]\nelement = \"CLASS\"\ncounter = \"LINE\"\n{limits}\n"
            ))
        };
        assert_eq!(
            rule("minimum = 80"),
            "gate.toml:5:11: [[gate.jacoco_rule]] CLASS.LINE.COVEREDRATIO: JaCoCo ratios are between 0 and 1: did you mean 0.80?"
        );
        assert_eq!(
            rule("value = \"MISSEDRATIO\"\nmaximum = 85.5"),
            "gate.toml:6:11: [[gate.jacoco_rule]] CLASS.LINE.MISSEDRATIO: JaCoCo ratios are between 0 and 1: did you mean 0.855?"
        );
        assert_eq!(
            rule("minimum = 250"),
            "gate.toml:5:11: [[gate.jacoco_rule]] CLASS.LINE.COVEREDRATIO: JaCoCo ratios are between 0 and 1, not 250"
        );
        assert_eq!(
            rule("value = \"MISSEDCOUNT\"\nmaximum = 2.5"),
            "gate.toml:6:11: [[gate.jacoco_rule]] CLASS.LINE.MISSEDCOUNT: counts are whole numbers, 0 or more, not 2.5"
        );
        assert_eq!(
            rule("value = \"TOTALCOUNT\"\nminimum = -3"),
            "gate.toml:6:11: [[gate.jacoco_rule]] CLASS.LINE.TOTALCOUNT: counts are whole numbers, 0 or more, not -3"
        );
        assert_eq!(
            rule("minimum = 0.9\nmaximum = 0.5"),
            "gate.toml:5:11: [[gate.jacoco_rule]] CLASS.LINE.COVEREDRATIO: `minimum = 0.9` is above `maximum = 0.5`: a range needs minimum ≤ maximum"
        );
        assert_eq!(
            rule("value = \"COVEREDCOUNT\""),
            "gate.toml:2:1: [[gate.jacoco_rule]] CLASS.LINE.COVEREDCOUNT: no limit; write `minimum`, `maximum` or both"
        );
        assert_eq!(
            error("[[gate.jacoco_rule]]\ncounter = \"LINES\"\nminimum = 0.8\n"),
            "gate.toml:2:11: unknown value `LINES` (did you mean `LINE`?); expected one of: INSTRUCTION, BRANCH, LINE, COMPLEXITY, METHOD, CLASS"
        );
        assert!(
            parse("[[gate.jacoco_rule]]\ncounter = \"BRANCH\"\nminimum = 0\nmaximum = 1\n").is_ok()
        );
        assert!(parse(
            "[[gate.jacoco_rule]]\ncounter = \"METHOD\"\nvalue = \"MISSEDCOUNT\"\nmaximum = 80\n"
        )
        .is_ok());
    }

    #[test]
    fn every_number_is_finite_and_max_unmapped_percent_a_percentage() {
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.line\"\nmin = nan\n"),
            "gate.toml:3:7: [[gate.condition]] coverage.line: `min` must be a finite number, not nan"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"issues\"\nmax = inf\n"),
            "gate.toml:3:7: [[gate.condition]] issues: `max` must be a finite number, not inf"
        );
        assert_eq!(
            error("[[gate.jacoco_rule]]\ncounter = \"LINE\"\nmaximum = -inf\n"),
            "gate.toml:3:11: [[gate.jacoco_rule]] BUNDLE.LINE.COVEREDRATIO: `maximum` must be a finite number, not -inf"
        );
        assert_eq!(
            error("[coverage]\nmax_unmapped_percent = nan\n"),
            "gate.toml:2:24: [coverage] `max_unmapped_percent` must be a finite number, not nan"
        );
        assert_eq!(
            error("[coverage]\nreports = []\nmax_unmapped_percent = 250\n"),
            "gate.toml:3:24: [coverage] max_unmapped_percent is a percentage within 0–100, not 250"
        );

        let mut rules = rules::builtin().unwrap();
        let rule = rules.iter_mut().find(|r| r.id == "todo-comment").unwrap();
        rule.params.insert("share".into(), toml::Value::Float(0.5));
        let e = parse("[rules]\ntodo-comment = { share = nan }\n")
            .unwrap()
            .enabled_rules(rules)
            .unwrap_err()
            .to_string();
        assert_eq!(
            e,
            "gate.toml:2:16: [rules] todo-comment: `share` must be a finite number, not nan"
        );
    }

    #[test]
    fn counts_are_non_negative_integers_by_type() {
        assert_eq!(
            error("[gate]\nmin_new_lines = -5\n"),
            "gate.toml:2:17: invalid value: integer `-5`, expected u64"
        );
        assert_eq!(
            error("[gate]\nmin_new_lines = 2.5\n"),
            "gate.toml:2:17: invalid type: floating point `2.5`, expected u64"
        );
    }

    #[test]
    fn a_key_of_the_other_kind_of_condition_says_where_it_belongs() {
        assert_eq!(
            error("[gate]\n[[gate.condition]]\nmetric = \"coverage.line\"\nelement = \"CLASS\"\n"),
            "gate.toml:4:1: `element` is a [[gate.jacoco_rule]] key; a [[gate.condition]] takes: metric, scope, min, max"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.line\"\nminimum = 80\n"),
            "gate.toml:3:1: `minimum` is a [[gate.jacoco_rule]] key; a [[gate.condition]] takes: metric, scope, min, max (did you mean `min`?)"
        );
        assert_eq!(
            error("[[gate.jacoco_rule]]\ncounter = \"LINE\"\nmetric = \"coverage.line\"\n"),
            "gate.toml:3:1: `metric` is a [[gate.condition]] key; a [[gate.jacoco_rule]] takes: element, counter, value, minimum, maximum, includes, excludes"
        );
        assert_eq!(
            error("[[gate.jacoco_rule]]\ncounter = \"LINE\"\nmin = 0.8\n"),
            "gate.toml:3:1: `min` is a [[gate.condition]] key; a [[gate.jacoco_rule]] takes: element, counter, value, minimum, maximum, includes, excludes (did you mean `minimum`?)"
        );
        assert_eq!(
            error("[[gate.condition]]\nmetric = \"coverage.line\"\nmaxx = 0\n"),
            "gate.toml:3:1: unknown key `maxx` (did you mean `max`?); expected one of: metric, scope, min, max"
        );
    }
}
