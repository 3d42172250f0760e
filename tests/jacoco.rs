//! The JaCoCo round trip: compile `fixtures/java-sample` with javac, run its JUnit
//! tests under the real JaCoCo agent, write XML and CSV with JaCoCo's own report
//! formatters (the fixture's `build.sh`), and check that gate reads from the XML
//! exactly the counters JaCoCo's CSV states, class by class and in total. The
//! committed report is checked the same way against its committed CSV.
//!
//! Needs Debian's `default-jdk libjacoco-java junit4` (`.ci/run` installs them).

mod support;

use serde_json::Value;
use std::collections::BTreeMap;
use std::fs;
use std::path::Path;
use std::process::Command;
use support::coverage_json;

const KINDS: [&str; 5] = ["INSTRUCTION", "BRANCH", "LINE", "COMPLEXITY", "METHOD"];

/// `(package, outer class) → [missed, covered per counter]`, summed over the
/// outer class's nested and anonymous classes (the CSV and the XML name those
/// differently: `Cart.Item` vs `Cart$Item`).
type ByClass = BTreeMap<(String, String), Vec<u64>>;

fn from_csv(csv: &str) -> ByClass {
    let mut rows = csv.lines();
    let header: Vec<&str> = rows.next().unwrap().split(',').collect();
    let col = |name: &str| header.iter().position(|h| *h == name).unwrap();
    let mut out = ByClass::new();
    for row in rows {
        let cells: Vec<&str> = row.split(',').collect();
        let outer = cells[2].split('.').next().unwrap().to_string();
        let entry = out
            .entry((cells[1].to_string(), outer))
            .or_insert_with(|| vec![0; 10]);
        for (i, kind) in KINDS.iter().enumerate() {
            entry[2 * i] += cells[col(&format!("{kind}_MISSED"))]
                .parse::<u64>()
                .unwrap();
            entry[2 * i + 1] += cells[col(&format!("{kind}_COVERED"))]
                .parse::<u64>()
                .unwrap();
        }
    }
    out
}

fn from_gate(report: &Value) -> ByClass {
    let mut out = ByClass::new();
    for class in report["classes"].as_array().unwrap() {
        let outer = class["name"]
            .as_str()
            .unwrap()
            .split('$')
            .next()
            .unwrap()
            .to_string();
        let package = class["package"].as_str().unwrap().to_string();
        let entry = out.entry((package, outer)).or_insert_with(|| vec![0; 10]);
        for (i, kind) in KINDS.iter().enumerate() {
            entry[2 * i] += class["counters"][kind]["missed"].as_u64().unwrap();
            entry[2 * i + 1] += class["counters"][kind]["covered"].as_u64().unwrap();
        }
    }
    out
}

fn assert_matches_csv(root: &Path, xml: &str, csv: &str) {
    let coverage = coverage_json(root, xml);
    assert!(
        coverage["unmapped"].as_array().unwrap().is_empty(),
        "{}",
        coverage["unmapped"]
    );
    let report = &coverage["reports"][0];
    let csv = fs::read_to_string(root.join(csv)).unwrap();
    let expected = from_csv(&csv);
    assert_eq!(from_gate(report), expected);
    assert_eq!(expected.len(), 6, "the sample's six top-level classes");
    // Report totals: every counter but LINE is the sum of the classes; LINE is
    // counted on source lines, where enum constants belong to two classes.
    let sums: Vec<u64> = (0..10)
        .map(|i| expected.values().map(|v| v[i]).sum())
        .collect();
    for (i, kind) in KINDS.iter().enumerate() {
        let ours = &report["counters"][kind];
        let (missed, covered) = (
            ours["missed"].as_u64().unwrap(),
            ours["covered"].as_u64().unwrap(),
        );
        if *kind == "LINE" {
            assert_eq!(missed, sums[2 * i], "LINE missed");
            assert!(covered <= sums[2 * i + 1], "LINE covered");
            let lines = &coverage["lines"];
            assert_eq!(
                (lines["missed"].as_u64(), lines["covered"].as_u64()),
                (Some(missed), Some(covered))
            );
        } else {
            assert_eq!((missed, covered), (sums[2 * i], sums[2 * i + 1]), "{kind}");
        }
    }
}

#[test]
fn committed_reports_match_their_csv() {
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/java-sample");
    assert_matches_csv(&sample, "jacoco.xml", "jacoco.csv");
}

#[test]
fn a_fresh_jacoco_run_reads_back_exactly() {
    for tool in ["javac", "java", "unzip"] {
        assert!(
            Command::new("sh").args(["-c", &format!("command -v {tool}")]).output().unwrap().status.success(),
            "{tool} is missing: apt-get install default-jdk unzip libjacoco-java junit4 (.ci/run does)"
        );
    }
    assert!(
        Path::new("/usr/share/java/org.jacoco.agent.jar").exists()
            && Path::new("/usr/share/java/junit4.jar").exists(),
        "JaCoCo or JUnit is missing: apt-get install libjacoco-java junit4 (.ci/run does)"
    );
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("java-sample");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/java-sample");
    let status = Command::new("cp")
        .arg("-r")
        .arg(&sample)
        .arg(&root)
        .status()
        .unwrap();
    assert!(status.success());
    let out = Command::new("bash")
        .arg(root.join("build.sh"))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "build.sh failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert_matches_csv(&root, "build/jacoco.xml", "build/jacoco.csv");
}
