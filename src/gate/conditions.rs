//! Conditions: the quality bar, as `[[gate.condition]]` entries in gate.toml, and
//! JaCoCo-`check`-style element rules for teams migrating from
//! `jacoco-maven-plugin`. Without conditions, SonarQube's "Sonar way" for new code
//! applies: new line coverage ≥ 80 % and no new issue of severity major or above.

use crate::model::{RuleType, Severity};
use serde::{Deserialize, Serialize};
use std::fmt;

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

/// `[[gate.condition]]`: a metric, a scope and one bound.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Condition {
    pub metric: Metric,
    #[serde(default = "default_scope")]
    pub scope: Scope,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<f64>,
}

fn default_scope() -> Scope {
    Scope::New
}

impl Condition {
    /// SonarQube's "Sonar way" on new code, what a team gets without configuration.
    pub fn defaults() -> Vec<Condition> {
        vec![
            Condition {
                metric: Metric::CoverageLine,
                scope: Scope::New,
                min: Some(80.0),
                max: None,
            },
            Condition {
                metric: Metric::IssuesMajor,
                scope: Scope::New,
                min: None,
                max: Some(0.0),
            },
        ]
    }

    /// `None` when the condition is well-formed; otherwise what is wrong.
    pub fn problem(&self) -> Option<String> {
        match (self.min, self.max) {
            (Some(_), Some(_)) | (None, None) => {
                Some("a condition needs exactly one of `min` or `max`".to_string())
            }
            (Some(v), None) | (None, Some(v))
                if self.metric.is_coverage() && !(0.0..=100.0).contains(&v) =>
            {
                Some(format!(
                    "{} is a percentage: {v} is not within 0–100",
                    self.metric.name()
                ))
            }
            _ => None,
        }
    }

    /// `≥ 80 %` / `≤ 0`.
    pub fn threshold_text(&self) -> String {
        let unit = if self.metric.is_coverage() { " %" } else { "" };
        match (self.min, self.max) {
            (Some(v), _) => format!("≥ {}{unit}", number(v)),
            (_, Some(v)) => format!("≤ {}{unit}", number(v)),
            _ => String::new(),
        }
    }

    pub fn holds(&self, actual: f64) -> bool {
        self.min.is_none_or(|m| actual >= m) && self.max.is_none_or(|m| actual <= m)
    }
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

/// `[[gate.jacoco_rule]]`: `<rule><element>…<limit><counter>…<value>…<minimum>…`
/// from a `jacoco-maven-plugin` `check` configuration, carried over as is.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct JacocoRule {
    #[serde(default = "default_element")]
    pub element: Element,
    /// INSTRUCTION, BRANCH, LINE, COMPLEXITY, METHOD or CLASS.
    pub counter: String,
    #[serde(default = "default_value")]
    pub value: LimitValue,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minimum: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub maximum: Option<f64>,
    /// Element names (`com.example.*`, `*Test`): `*` any characters, `?` one.
    #[serde(default = "default_includes")]
    pub includes: Vec<String>,
    #[serde(default)]
    pub excludes: Vec<String>,
}

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
    pub fn problem(&self) -> Option<String> {
        if crate::coverage::CounterKind::parse(&self.counter).is_none() {
            return Some(format!(
                "counter `{}`: expected INSTRUCTION, BRANCH, LINE, COMPLEXITY, METHOD or CLASS",
                self.counter
            ));
        }
        if self.minimum.is_none() && self.maximum.is_none() {
            return Some("a jacoco_rule needs `minimum` or `maximum`".to_string());
        }
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
    fn conditions_parse_and_validate() {
        #[derive(Deserialize)]
        struct G {
            condition: Vec<Condition>,
        }
        let g: G = toml::from_str(
            "[[condition]]\nmetric = \"coverage.line\"\nmin = 80.0\n[[condition]]\nmetric = \"issues.major\"\nscope = \"overall\"\nmax = 0\n",
        )
        .unwrap();
        assert_eq!(g.condition[0].scope, Scope::New);
        assert_eq!(g.condition[1].metric, Metric::IssuesMajor);
        assert!(g.condition.iter().all(|c| c.problem().is_none()));
        let both = Condition {
            min: Some(1.0),
            max: Some(2.0),
            ..g.condition[0].clone()
        };
        assert!(both.problem().is_some());
        let over = Condition {
            min: Some(180.0),
            ..g.condition[0].clone()
        };
        assert!(over.problem().unwrap().contains("not within 0–100"));
        assert_eq!(g.condition[0].threshold_text(), "≥ 80 %");
        assert_eq!(g.condition[1].threshold_text(), "≤ 0");
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
