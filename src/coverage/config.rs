//! The `[coverage]` section of gate.toml: where the reports are and where the sources
//! live. Both are optional; without them gate looks where Maven, Gradle and the usual
//! LCOV/Cobertura tools write, and finds source roots by matching package paths against
//! the repository's files.

use crate::toml_errors::{finite, Problem};
use serde::Deserialize;
use toml::Spanned;

/// Where reports are looked for when `reports` is not set: Maven (`jacoco:report`,
/// `jacoco:report-aggregate`), Gradle (`jacocoTestReport` and custom report tasks), and
/// the usual LCOV and Cobertura outputs at the repository root.
pub const DEFAULT_REPORTS: &[&str] = &[
    "**/target/site/jacoco/jacoco.xml",
    "**/target/site/jacoco-aggregate/jacoco.xml",
    "**/build/reports/jacoco/**/*.xml",
    "lcov.info",
    "coverage/lcov.info",
    "cobertura.xml",
    "coverage.xml",
];

#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct CoverageConfig {
    /// Report files or globs relative to the repository root (`*` stays within a
    /// directory, `**` crosses any number). Each must match at least one file. Empty:
    /// [`DEFAULT_REPORTS`], of which at least one must exist.
    pub reports: Vec<String>,
    /// Directories or globs that hold package roots (`src/main/java`,
    /// `*/src/main/kotlin`). A JaCoCo file `com/example/Foo.java` then maps only to
    /// `<root>/.../com/example/Foo.java` under one of these. Empty: any directory, as
    /// long as exactly one repository file matches.
    pub source_roots: Vec<String>,
    /// Globs of repository files whose coverage is not counted, overall or new (like
    /// SonarQube's `sonar.coverage.exclusions`): generated code, DTOs. They are still
    /// analysed; `[sources] exclude` takes a file out of both. Kept with their place
    /// in gate.toml, where a bad glob is reported.
    pub exclude: Vec<toml::Spanned<String>>,
    /// The largest share (percent) of a report's files that may map to no repository
    /// file before the coverage is judged unreliable and the run is an error.
    /// Spanned so that a share beyond 0–100 is reported where it is written.
    pub max_unmapped_percent: Spanned<f64>,
    /// Whether a report must be there: without one, the coverage conditions cannot
    /// be evaluated and the run is an error. `false` chooses lint only where no
    /// report is found (the conditions say "not measured by choice").
    pub required: bool,
    /// `reports` came from `--coverage` (absolute, or relative to the root), so
    /// errors name the option the user wrote.
    #[serde(skip)]
    pub reports_on_command_line: bool,
}

impl Default for CoverageConfig {
    fn default() -> Self {
        CoverageConfig {
            reports: Vec::new(),
            source_roots: Vec::new(),
            exclude: Vec::new(),
            max_unmapped_percent: Spanned::new(0..0, 10.0),
            required: true,
            reports_on_command_line: false,
        }
    }
}

impl CoverageConfig {
    /// Refuses a `max_unmapped_percent` that is not a percentage.
    pub fn validate(&self) -> Result<(), Problem> {
        let limit = &self.max_unmapped_percent;
        let at = |m: String| (Some(limit.span()), format!("[coverage] {m}"));
        let v = finite("max_unmapped_percent", *limit.get_ref()).map_err(at)?;
        if (0.0..=100.0).contains(&v) {
            Ok(())
        } else {
            Err(at(format!(
                "max_unmapped_percent is a percentage within 0–100, not {v}"
            )))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_coverage_section() {
        let config: CoverageConfig = toml::from_str(
            "reports = [\"build/jacoco.xml\"]\nsource_roots = [\"app/src/main/java\"]\n\
             exclude = [\"**/generated/**\"]",
        )
        .unwrap();
        assert_eq!(config.reports, ["build/jacoco.xml"]);
        assert_eq!(config.source_roots, ["app/src/main/java"]);
        assert_eq!(config.exclude[0].get_ref(), "**/generated/**");
        assert_eq!(
            toml::from_str::<CoverageConfig>("").unwrap(),
            CoverageConfig::default()
        );
    }

    #[test]
    fn refuses_unknown_keys() {
        let err = toml::from_str::<CoverageConfig>("report = [\"x.xml\"]").unwrap_err();
        assert!(err.to_string().contains("unknown field `report`"), "{err}");
    }
}
