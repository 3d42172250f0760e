//! The one data model every stage shares: a finding is what a rule reports at a
//! location; severity and type are the two enums thresholds and reports read.
//! Defined once here so that analysis, gate, reports and publishing agree.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::path::PathBuf;

/// How bad a finding is, from least to most (so `>=` compares as users expect).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Severity {
    Info,
    Minor,
    Major,
    Critical,
    Blocker,
}

impl Severity {
    pub const ALL: [Severity; 5] = [
        Severity::Blocker,
        Severity::Critical,
        Severity::Major,
        Severity::Minor,
        Severity::Info,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Minor => "minor",
            Severity::Major => "major",
            Severity::Critical => "critical",
            Severity::Blocker => "blocker",
        }
    }

    pub fn parse(s: &str) -> Option<Severity> {
        Severity::ALL.into_iter().find(|v| v.as_str() == s)
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What kind of problem a rule finds (SonarQube's taxonomy, which teams migrate from).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum RuleType {
    Bug,
    Vulnerability,
    SecurityHotspot,
    CodeSmell,
}

impl RuleType {
    pub fn as_str(self) -> &'static str {
        match self {
            RuleType::Bug => "bug",
            RuleType::Vulnerability => "vulnerability",
            RuleType::SecurityHotspot => "security-hotspot",
            RuleType::CodeSmell => "code-smell",
        }
    }
}

impl fmt::Display for RuleType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A source language gate analyses. Adding one is a variant here and a module
/// under `analysis/`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Language {
    Java,
    Rust,
}

impl Language {
    pub const ALL: [Language; 2] = [Language::Java, Language::Rust];

    pub fn as_str(self) -> &'static str {
        match self {
            Language::Java => "java",
            Language::Rust => "rust",
        }
    }

    pub fn from_extension(ext: &str) -> Option<Language> {
        match ext {
            "java" => Some(Language::Java),
            "rs" => Some(Language::Rust),
            _ => None,
        }
    }

    pub fn parse(s: &str) -> Option<Language> {
        Language::ALL.into_iter().find(|l| l.as_str() == s)
    }

    /// The language of a file, by its extension.
    pub fn from_path(path: &str) -> Option<Language> {
        let name = path.rsplit('/').next().unwrap_or(path);
        Language::from_extension(name.rsplit_once('.')?.1)
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a repository path is test code by the layout conventions of Maven,
/// Gradle, Android and Cargo (`src/test/`, `tests/`, `benches/`, `examples/`, …)
/// or JUnit's naming (`*Test.java`, `*Tests.java`, `*IT.java`).
pub fn is_test_path(path: &str) -> bool {
    let mut segments = path.split('/');
    let name = segments.next_back().unwrap_or("");
    segments.any(|segment| {
        matches!(
            segment,
            "test"
                | "tests"
                | "androidTest"
                | "testFixtures"
                | "integrationTest"
                | "benches"
                | "examples"
        )
    }) || ["Test.java", "Tests.java", "IT.java"]
        .iter()
        .any(|s| name.ends_with(s) && name.len() > s.len())
}

/// A 1-based line/column range in a file; columns count characters, as editors do.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Location {
    /// Path relative to the repository root, with `/` separators.
    pub path: String,
    pub start_line: u32,
    pub start_column: u32,
    pub end_line: u32,
    pub end_column: u32,
}

/// Why a finding does not count: it was suppressed in the code.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Suppression {
    /// `comment` (`// gate:ignore[...]`), `annotation` (`@SuppressWarnings`) or `nosonar`.
    pub kind: SuppressionKind,
    /// The text after the marker, when the author gave one.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
    /// The change suppressed it: the finding is new, or the base did not
    /// suppress it. What a reviewer must see, since it silences the gate.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub new: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuppressionKind {
    Comment,
    Annotation,
    Nosonar,
}

/// One problem a rule found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: String,
    pub severity: Severity,
    #[serde(rename = "type")]
    pub rule_type: RuleType,
    pub location: Location,
    pub message: String,
    /// The text of the finding's first line, for reports that show the code.
    pub snippet: String,
    /// Stable across edits elsewhere in the file: see `analysis::fingerprint`.
    pub fingerprint: String,
    /// On new code (a changed line, and not in the baseline): what new-code
    /// conditions count.
    pub new: bool,
    /// Set when the code suppresses this finding; such findings never fail the gate.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub suppressed: Option<Suppression>,
}

/// A source file chosen for analysis.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    /// Absolute or root-joined path used to read the file.
    pub abs: PathBuf,
    /// Path relative to the repository root, `/`-separated: what users see.
    pub rel: String,
    pub language: Language,
}

/// Something the user should know that is not a finding: a file that could not be
/// read or parsed, a directory skipped. Never silent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Diagnostic {
    pub level: DiagnosticLevel,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub path: Option<String>,
    pub message: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DiagnosticLevel {
    /// Analysis is complete, but the user should know (e.g. a file partly unparsed).
    Warning,
    /// Something the user asked for could not be analysed: the run cannot pass.
    Error,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn test_paths_follow_build_tool_conventions() {
        assert!(is_test_path("src/test/java/com/example/CartTest.java"));
        assert!(is_test_path("module/src/integrationTest/java/A.java"));
        assert!(is_test_path("tests/cli.rs"));
        assert!(is_test_path("src/main/java/com/example/CartIT.java"));
        assert!(!is_test_path("src/main/java/com/example/Cart.java"));
        assert!(!is_test_path("src/main/java/com/example/Test.java"));
        assert!(!is_test_path("src/main/java/com/example/Contest.java"));
    }

    #[test]
    fn severity_orders_from_info_to_blocker() {
        assert!(Severity::Blocker > Severity::Critical);
        assert!(Severity::Major > Severity::Minor);
        assert!(Severity::Minor > Severity::Info);
        assert_eq!(Severity::parse("major"), Some(Severity::Major));
        assert_eq!(Severity::parse("Major"), None);
    }
}
