//! Conditions: the quality bar, as `[[gate.condition]]` entries in gate.toml, and
//! JaCoCo-`check`-style element rules for teams migrating from
//! `jacoco-maven-plugin`. Without conditions, SonarQube's "Sonar way" for new code
//! applies: new line coverage ≥ 80 % and no new issue of severity major or above.

use crate::coverage::CounterKind;
use crate::model::{RuleType, Severity};
use crate::toml_errors::{finite, Problem};
use serde::{Deserialize, Serialize};
use std::fmt;
use toml::Spanned;

/// What a condition measures.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
pub enum Metric {
    /// Covered share of coverable lines, in percent.
    #[serde(rename = "coverage.line")]
    CoverageLine,
    /// Covered share of branch outcomes, in percent.
    #[serde(rename = "coverage.branch")]
    CoverageBranch,
    /// Covered share of bytecode instructions (JaCoCo only), in percent.
    #[serde(rename = "coverage.instruction")]
    CoverageInstruction,
    /// Number of unsuppressed issues of any severity.
    #[serde(rename = "issues")]
    Issues,
    /// Issues of severity blocker.
    #[serde(rename = "issues.blocker")]
    IssuesBlocker,
    /// Issues of severity critical or above.
    #[serde(rename = "issues.critical")]
    IssuesCritical,
    /// Issues of severity major or above.
    #[serde(rename = "issues.major")]
    IssuesMajor,
    /// Issues of severity minor or above.
    #[serde(rename = "issues.minor")]
    IssuesMinor,
    #[serde(rename = "issues.bug")]
    IssuesBug,
    #[serde(rename = "issues.vulnerability")]
    IssuesVulnerability,
    #[serde(rename = "issues.security-hotspot")]
    IssuesSecurityHotspot,
    #[serde(rename = "issues.code-smell")]
    IssuesCodeSmell,
}

impl Metric {
    pub fn name(self) -> &'static str {
        match self {
            Metric::CoverageLine => "coverage.line",
            Metric::CoverageBranch => "coverage.branch",
            Metric::CoverageInstruction => "coverage.instruction",
            Metric::Issues => "issues",
            Metric::IssuesBlocker => "issues.blocker",
            Metric::IssuesCritical => "issues.critical",
            Metric::IssuesMajor => "issues.major",
            Metric::IssuesMinor => "issues.minor",
            Metric::IssuesBug => "issues.bug",
            Metric::IssuesVulnerability => "issues.vulnerability",
            Metric::IssuesSecurityHotspot => "issues.security-hotspot",
            Metric::IssuesCodeSmell => "issues.code-smell",
        }
    }

    /// How people read it in a sentence.
    pub fn label(self) -> &'static str {
        match self {
            Metric::CoverageLine => "line coverage",
            Metric::CoverageBranch => "branch coverage",
            Metric::CoverageInstruction => "instruction coverage",
            Metric::Issues => "issues",
            Metric::IssuesBlocker => "blocker issues",
            Metric::IssuesCritical => "critical-or-worse issues",
            Metric::IssuesMajor => "major-or-worse issues",
            Metric::IssuesMinor => "minor-or-worse issues",
            Metric::IssuesBug => "bugs",
            Metric::IssuesVulnerability => "vulnerabilities",
            Metric::IssuesSecurityHotspot => "security hotspots",
            Metric::IssuesCodeSmell => "code smells",
        }
    }

    /// The label after a count: "1 new major-or-worse issue", "2 new bugs".
    pub fn counted(self, n: f64) -> String {
        let plural = self.label();
        if n != 1.0 {
            return plural.to_string();
        }
        match plural.strip_suffix("ies") {
            Some(stem) => format!("{stem}y"),
            None => plural.strip_suffix('s').unwrap_or(plural).to_string(),
        }
    }

    pub fn is_coverage(self) -> bool {
        matches!(
            self,
            Metric::CoverageLine | Metric::CoverageBranch | Metric::CoverageInstruction
        )
    }

    /// For issue metrics: whether a finding of this severity and type counts.
    pub fn counts(self, severity: Severity, rule_type: RuleType) -> bool {
        match self {
            Metric::Issues => true,
            Metric::IssuesBlocker => severity >= Severity::Blocker,
            Metric::IssuesCritical => severity >= Severity::Critical,
            Metric::IssuesMajor => severity >= Severity::Major,
            Metric::IssuesMinor => severity >= Severity::Minor,
            Metric::IssuesBug => rule_type == RuleType::Bug,
            Metric::IssuesVulnerability => rule_type == RuleType::Vulnerability,
            Metric::IssuesSecurityHotspot => rule_type == RuleType::SecurityHotspot,
            Metric::IssuesCodeSmell => rule_type == RuleType::CodeSmell,
            Metric::CoverageLine | Metric::CoverageBranch | Metric::CoverageInstruction => false,
        }
    }
}

/// Which code a condition looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scope {
    /// The code the change added or modified.
    New,
    /// The whole code base.
    Overall,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::New => "new",
            Scope::Overall => "overall",
        })
    }
}

/// `[[gate.condition]]`: a metric, a scope and a bound, `min`, `max` or both (a
/// range). Issue counts take only `max`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub metric: Metric,
    #[serde(default = "default_scope")]
    pub scope: Scope,
    /// Spanned, like `max`, so that a bound on the wrong scale is reported where
    /// it is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<Spanned<f64>>,
}

fn default_scope() -> Scope {
    Scope::New
}

/// The keys of `[[gate.condition]]`, as serde lists them when one is unknown.
const CONDITION_KEYS: &[&str] = &["metric", "scope", "min", "max"];

impl Condition {
    /// SonarQube's "Sonar way" on new code, what a team gets without configuration.
    pub fn defaults() -> Vec<Condition> {
        vec![
            Condition {
                metric: Metric::CoverageLine,
                scope: Scope::New,
                min: Some(Spanned::new(0..0, 80.0)),
                max: None,
            },
            Condition {
                metric: Metric::IssuesMajor,
                scope: Scope::New,
                min: None,
                max: Some(Spanned::new(0..0, 0.0)),
            },
        ]
    }

    /// `(min, max)` without their positions.
    pub fn bounds(&self) -> (Option<f64>, Option<f64>) {
        (value(&self.min), value(&self.max))
    }

    /// Refuses every bound the gate would misread: a coverage share written as a
    /// ratio (`0.8` for 80 %) or beyond 0–100, an issue count with a `min` or a
    /// fraction, `min` above `max`, `nan`, no bound at all.
    pub fn validate(&self) -> Result<(), Problem> {
        let coverage = self.metric.is_coverage();
        check_range(
            &format!("[[gate.condition]] {}", self.metric.name()),
            [("min", &self.min), ("max", &self.max)],
            |key, v| match (coverage, key) {
                (false, "min") => Some(format!(
                    "an issue count takes only `max`, the most allowed: did you mean `max = {v}`?"
                )),
                (false, _) => whole_number(v),
                _ if v > 0.0 && v < 1.0 => Some(format!(
                    "coverage thresholds are percentages: did you mean {}?",
                    decimal(v * 100.0)
                )),
                _ => (!(0.0..=100.0).contains(&v))
                    .then(|| format!("coverage thresholds are percentages within 0–100, not {v}")),
            },
            if coverage {
                "no bound; write `min`, `max` or both (a range)"
            } else {
                "no bound; write `max`, the most issues allowed"
            },
        )
    }

    /// `≥ 80 %` / `≤ 0` / `50 – 55 %`.
    pub fn threshold_text(&self) -> String {
        let unit = if self.metric.is_coverage() { " %" } else { "" };
        match self.bounds() {
            (Some(min), Some(max)) => format!("{} – {}{unit}", number(min), number(max)),
            (Some(v), None) => format!("≥ {}{unit}", number(v)),
            (None, Some(v)) => format!("≤ {}{unit}", number(v)),
            (None, None) => String::new(),
        }
    }

    /// `None` when `actual` meets the condition; otherwise the side it fails on,
    /// `below` the min or `above` the max, with that bound.
    pub fn violation(&self, actual: f64) -> Option<(&'static str, f64)> {
        match self.bounds() {
            (Some(min), _) if actual < min => Some(("below", min)),
            (_, Some(max)) if actual > max => Some(("above", max)),
            _ => None,
        }
    }
}

/// The value of a bound, without its position.
fn value(bound: &Option<Spanned<f64>>) -> Option<f64> {
    bound.as_ref().map(|v| *v.get_ref())
}

/// Checks a lower and an upper bound, each written as `key = value` in the entry
/// `entry`: each finite and accepted by `scale` (`None`: fine; otherwise what is
/// wrong), at least one of them (else the entry is `missing`), lower ≤ upper.
fn check_range(
    entry: &str,
    [lower, upper]: [(&str, &Option<Spanned<f64>>); 2],
    scale: impl Fn(&str, f64) -> Option<String>,
    missing: &str,
) -> Result<(), Problem> {
    let at =
        |bound: &Spanned<f64>, message: String| (Some(bound.span()), format!("{entry}: {message}"));
    for (key, bound) in [lower, upper] {
        let Some(bound) = bound else { continue };
        let v = finite(key, *bound.get_ref()).map_err(|m| at(bound, m))?;
        if let Some(message) = scale(key, v) {
            return Err(at(bound, message));
        }
    }
    match (lower.1, upper.1) {
        (None, None) => Err((None, format!("{entry}: {missing}"))),
        (Some(lo), Some(hi)) if lo.get_ref() > hi.get_ref() => Err(at(
            lo,
            format!(
                "`{} = {}` is above `{} = {}`: a range needs {0} ≤ {2}",
                lower.0,
                lo.get_ref(),
                upper.0,
                hi.get_ref()
            ),
        )),
        _ => Ok(()),
    }
}

/// `None` for a count (0, 1, 2, …), otherwise why `v` is not one.
fn whole_number(v: f64) -> Option<String> {
    (v < 0.0 || v.fract() != 0.0).then(|| format!("counts are whole numbers, 0 or more, not {v}"))
}

/// A suggested value, rounded to hide binary noise (`0.855 * 100` → `85.5`).
fn decimal(v: f64) -> String {
    format!("{}", (v * 1e6).round() / 1e6)
}

/// A number as people write it: `80`, `82.5`.
pub fn number(v: f64) -> String {
    if v.fract() == 0.0 && v.abs() < 1e15 {
        format!("{}", v as i64)
    } else {
        format!("{:.1}", v)
    }
}

/// The JaCoCo element a `jacoco_rule` checks, as in `jacoco-maven-plugin`'s `check`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Element {
    Bundle,
    Package,
    Class,
    Sourcefile,
}

/// JaCoCo's limit values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum LimitValue {
    Coveredratio,
    Missedratio,
    Coveredcount,
    Missedcount,
    Totalcount,
}

impl LimitValue {
    /// Ratios are within 0–1; the others are counts.
    pub fn is_ratio(self) -> bool {
        matches!(self, LimitValue::Coveredratio | LimitValue::Missedratio)
    }
}

/// `[[gate.jacoco_rule]]`: `<rule><element>…<limit><counter>…<value>…<minimum>…`
/// from a `jacoco-maven-plugin` `check` configuration, carried over as is.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JacocoRule {
    #[serde(default = "default_element")]
    pub element: Element,
    pub counter: CounterKind,
    #[serde(default = "default_value")]
    pub value: LimitValue,
    /// Spanned, like `maximum`, so that a limit on the wrong scale is reported
    /// where it is written.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<Spanned<f64>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<Spanned<f64>>,
    /// Element names (`com.example.*`, `*Test`): `*` any characters, `?` one.
    #[serde(default = "default_includes")]
    pub includes: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
}

/// The keys of `[[gate.jacoco_rule]]`, as serde lists them when one is unknown.
const JACOCO_RULE_KEYS: &[&str] = &[
    "element", "counter", "value", "minimum", "maximum", "includes", "excludes",
];

fn default_element() -> Element {
    Element::Bundle
}

fn default_value() -> LimitValue {
    LimitValue::Coveredratio
}

fn default_includes() -> Vec<String> {
    vec!["*".to_string()]
}

impl JacocoRule {
    /// `CLASS.LINE.COVEREDRATIO`.
    pub fn name(&self) -> String {
        format!(
            "{:?}.{}.{:?}",
            self.element,
            self.counter.as_str(),
            self.value
        )
        .to_uppercase()
    }

    /// `(minimum, maximum)` without their positions.
    pub fn limits(&self) -> (Option<f64>, Option<f64>) {
        (value(&self.minimum), value(&self.maximum))
    }

    /// Refuses what JaCoCo refuses, and what it would misread: a ratio outside
    /// 0–1 (`80` for 0.80), a count that is negative or a fraction, `minimum`
    /// above `maximum`, `nan`, no limit at all.
    pub fn validate(&self) -> Result<(), Problem> {
        check_range(
            &format!("[[gate.jacoco_rule]] {}", self.name()),
            [("minimum", &self.minimum), ("maximum", &self.maximum)],
            |_, v| {
                if !self.value.is_ratio() {
                    whole_number(v)
                } else if v > 1.0 && v <= 100.0 {
                    let ratio = if v.fract() == 0.0 {
                        format!("{:.2}", v / 100.0)
                    } else {
                        decimal(v / 100.0)
                    };
                    Some(format!(
                        "JaCoCo ratios are between 0 and 1: did you mean {ratio}?"
                    ))
                } else {
                    (!(0.0..=1.0).contains(&v))
                        .then(|| format!("JaCoCo ratios are between 0 and 1, not {v}"))
                }
            },
            "no limit; write `minimum`, `maximum` or both",
        )
    }
}

/// For `key`, unknown in a table that takes `expected`: that table and the one
/// `key` belongs in, since `[[gate.condition]]` and `[[gate.jacoco_rule]]` are
/// easily mixed up.
pub fn other_table_of(key: &str, expected: &[&str]) -> Option<(&'static str, &'static str)> {
    const CONDITION: &str = "[[gate.condition]]";
    const JACOCO_RULE: &str = "[[gate.jacoco_rule]]";
    if expected == CONDITION_KEYS && JACOCO_RULE_KEYS.contains(&key) {
        Some((CONDITION, JACOCO_RULE))
    } else if expected == JACOCO_RULE_KEYS && CONDITION_KEYS.contains(&key) {
        Some((JACOCO_RULE, CONDITION))
    } else {
        None
    }
}

/// JaCoCo's wildcard match of element names: `*` any run of characters, `?` one.
pub fn wildcard_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    let (mut pi, mut ni) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while ni < n.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == n[ni]) {
            pi += 1;
            ni += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = ni;
            pi += 1;
        } else if let Some(s) = star {
            pi = s + 1;
            mark += 1;
            ni = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|c| *c == '*')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_count_of_one_takes_the_singular() {
        let one: Vec<String> = [
            Metric::IssuesMajor,
            Metric::Issues,
            Metric::IssuesVulnerability,
            Metric::IssuesSecurityHotspot,
        ]
        .iter()
        .map(|m| m.counted(1.0))
        .collect();
        assert_eq!(
            one,
            [
                "major-or-worse issue",
                "issue",
                "vulnerability",
                "security hotspot"
            ]
        );
        assert_eq!(Metric::IssuesVulnerability.counted(2.0), "vulnerabilities");
        assert_eq!(Metric::IssuesBug.counted(0.0), "bugs");
    }

    #[test]
    fn conditions_parse_and_name_the_side_that_fails() {
        #[derive(Deserialize)]
        struct G {
            condition: Vec<Condition>,
        }
        let g: G = toml::from_str(
            "[[condition]]\nmetric = \"coverage.line\"\nmin = 80.0\n[[condition]]\nmetric = \"issues.major\"\nscope = \"overall\"\nmax = 0\n[[condition]]\nmetric = \"coverage.line\"\nmin = 50\nmax = 55\n",
        )
        .unwrap();
        assert_eq!(g.condition[0].scope, Scope::New);
        assert_eq!(g.condition[1].metric, Metric::IssuesMajor);
        assert!(g.condition.iter().all(|c| c.validate().is_ok()));
        let texts: Vec<String> = g.condition.iter().map(Condition::threshold_text).collect();
        assert_eq!(texts, ["≥ 80 %", "≤ 0", "50 – 55 %"]);
        let range = &g.condition[2];
        assert_eq!(range.violation(49.9), Some(("below", 50.0)));
        assert_eq!(range.violation(60.2), Some(("above", 55.0)));
        assert_eq!(range.violation(50.0), None);
        assert_eq!(range.violation(55.0), None);
        assert_eq!(g.condition[1].violation(1.0), Some(("above", 0.0)));
    }

    #[test]
    fn issue_metrics_count_severity_at_or_above() {
        assert!(Metric::IssuesMajor.counts(Severity::Blocker, RuleType::Bug));
        assert!(!Metric::IssuesMajor.counts(Severity::Minor, RuleType::Bug));
        assert!(Metric::IssuesBug.counts(Severity::Info, RuleType::Bug));
        assert!(!Metric::IssuesBug.counts(Severity::Info, RuleType::CodeSmell));
    }

    #[test]
    fn jacoco_wildcards() {
        assert!(wildcard_match("*", "com.example.Cart"));
        assert!(wildcard_match("com.example.*", "com.example.Cart"));
        assert!(wildcard_match("*Test", "com.example.CartTest"));
        assert!(wildcard_match("com.?xample.*", "com.example.Cart"));
        assert!(!wildcard_match("com.example.*", "org.example.Cart"));
        assert!(!wildcard_match("*Test", "com.example.Cart"));
    }
}
