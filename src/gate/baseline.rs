//! The baseline: fingerprints of findings a team has accepted, so that adopting
//! gate on a legacy code base fails only on what is new. `gate baseline` writes
//! it; `gate check` counts a finding as new only when its fingerprint is not in it.
//! One finding per line, sorted, so the file diffs well in review.

use crate::model::Finding;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

pub const DEFAULT_PATH: &str = ".gate/baseline.json";

/// The format version written in the file.
const VERSION: u32 = 1;

#[derive(Debug, Default)]
pub struct Baseline {
    fingerprints: HashSet<String>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Entry {
    fingerprint: String,
    rule: String,
    path: String,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    version: u32,
    findings: Vec<Entry>,
}

impl Baseline {
    pub fn contains(&self, fingerprint: &str) -> bool {
        self.fingerprints.contains(fingerprint)
    }

    pub fn len(&self) -> usize {
        self.fingerprints.len()
    }

    pub fn is_empty(&self) -> bool {
        self.fingerprints.is_empty()
    }

    /// Reads a baseline file's text.
    pub fn parse(text: &str) -> Result<Baseline, String> {
        let file: File = serde_json::from_str(text).map_err(|e| {
            format!(
                "line {}, column {}: not a gate baseline ({}); rewrite it with `gate baseline`",
                e.line(),
                e.column(),
                crate::guard::unquoted(&e.to_string())
            )
        })?;
        if file.version != VERSION {
            return Err(format!(
                "baseline version {} is not supported (this gate writes version {VERSION}); rewrite it with `gate baseline`",
                file.version
            ));
        }
        Ok(Baseline {
            fingerprints: file.findings.into_iter().map(|e| e.fingerprint).collect(),
        })
    }

    /// The file's text for these findings (unsuppressed ones only: a suppressed
    /// finding needs no baseline).
    pub fn render(findings: &[Finding]) -> String {
        let mut entries: Vec<Entry> = findings
            .iter()
            .filter(|f| f.suppressed.is_none())
            .map(|f| Entry {
                fingerprint: f.fingerprint.clone(),
                rule: f.rule.clone(),
                path: f.location.path.clone(),
            })
            .collect();
        entries.sort_by(|a, b| {
            (&a.path, &a.rule, &a.fingerprint).cmp(&(&b.path, &b.rule, &b.fingerprint))
        });
        entries.dedup_by(|a, b| a.fingerprint == b.fingerprint);
        let lines: Vec<String> = entries
            .iter()
            .map(|e| serde_json::to_string(e).unwrap_or_default())
            .collect();
        format!(
            "{{\"version\": {VERSION}, \"findings\": [\n{}\n]}}\n",
            lines.join(",\n")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_refuses_foreign_files() {
        let b = Baseline::parse("{\"version\": 1, \"findings\": [\n{\"fingerprint\":\"ab\",\"rule\":\"r\",\"path\":\"A.java\"}\n]}\n").unwrap();
        assert!(b.contains("ab") && !b.contains("cd"));
        assert!(Baseline::parse("{\"version\": 2, \"findings\": []}")
            .unwrap_err()
            .contains("version 2"));
        assert!(Baseline::parse("[1, 2]").unwrap_err().contains("line 1"));
    }
}
