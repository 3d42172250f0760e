//! The HTML report in a real browser: Debian's headless Chromium, driven by
//! Playwright (`tests/html/browse.cjs`, with `playwright-core` from `tools/`),
//! opens the report of `fixtures/java-pr` and says what it shows; the expected
//! values come from the fixture's own files (JaCoCo's XML, the diff), not from
//! gate. Then hostile names, sources and messages, which must stay text. The
//! screenshots are written to `target/tmp/html-report/` for people to look at.

mod support;

use gate::report::{self, Format};
use gate::{CheckOptions, Outcome};
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::manifest_dir;

const CART: &str = "src/main/java/com/example/shop/Cart.java";

/// Writes `outcome`'s HTML report and returns what Chromium shows of it.
fn browse(outcome: &Outcome, dir: &Path, plan: Value) -> Value {
    let report = dir.join("gate.html");
    let mut out = Vec::new();
    report::render(Format::Html, outcome, &mut out, report::View::default()).unwrap();
    fs::write(&report, out).unwrap();
    let mut plan = plan;
    plan["report"] = json!(report);
    let plan_path = dir.join("plan.json");
    fs::write(&plan_path, plan.to_string()).unwrap();
    let tools = manifest_dir().join("tools");
    assert!(
        tools.join("node_modules/playwright-core").is_dir(),
        "playwright-core is missing: run `npm ci --prefix tools` (scripts/test.sh does)"
    );
    assert!(
        Path::new("/usr/bin/chromium").is_file(),
        "Chromium is missing: `apt-get install chromium` (scripts/test.sh does)"
    );
    let out = Command::new("node")
        .arg(manifest_dir().join("tests/html/browse.cjs"))
        .arg(&tools)
        .arg(&plan_path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the browser run failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// `gate check fixtures/java-pr --diff fixtures/java-pr/pr.diff`, in process.
fn java_pr() -> Outcome {
    let root = manifest_dir().join("fixtures/java-pr");
    let options = CheckOptions {
        diff: Some(root.join("pr.diff")),
        use_ci_env: false,
        ..CheckOptions::new(root)
    };
    gate::check(&options, &|_, _| {}).unwrap()
}

/// JaCoCo's `<line>` elements of one source file: number → (mi, ci, mb, cb).
fn jacoco_lines(report: &Path, path: &str) -> BTreeMap<u32, [u64; 4]> {
    let (package, name) = path
        .strip_prefix("src/main/java/")
        .and_then(|p| p.rsplit_once('/'))
        .unwrap();
    let xml = fs::read_to_string(report).unwrap();
    let mut reader = quick_xml::Reader::from_str(&xml);
    let (mut package_now, mut inside) = (String::new(), false);
    let mut lines = BTreeMap::new();
    loop {
        match reader.read_event().unwrap() {
            quick_xml::events::Event::Eof => break,
            quick_xml::events::Event::Start(e) | quick_xml::events::Event::Empty(e) => {
                let attr = |key: &str| {
                    e.try_get_attribute(key)
                        .unwrap()
                        .map(|a| a.value.into_owned())
                };
                match e.name().as_ref() {
                    "package" => package_now = attr("name").unwrap(),
                    "sourcefile" => {
                        inside = package_now == package && attr("name").as_deref() == Some(name)
                    }
                    "line" if inside => {
                        let n = |k: &str| attr(k).unwrap().parse::<u64>().unwrap();
                        lines.insert(n("nr") as u32, [n("mi"), n("ci"), n("mb"), n("cb")]);
                    }
                    _ => {}
                }
            }
            _ => {}
        }
    }
    assert!(!lines.is_empty(), "{path} is not in {}", report.display());
    lines
}

/// JaCoCo's HTML class of a line: nothing covered is `nc`, nothing missed `fc`.
fn jacoco_class([mi, ci, mb, cb]: [u64; 4]) -> &'static str {
    if ci == 0 && cb == 0 {
        "nc"
    } else if mi == 0 && mb == 0 {
        "fc"
    } else {
        "pc"
    }
}

/// The lines a unified diff adds to `path`.
fn added_lines(diff: &Path, path: &str) -> BTreeSet<u32> {
    let text = fs::read_to_string(diff).unwrap();
    let mut added = BTreeSet::new();
    let (mut in_file, mut line) = (false, 0);
    for l in text.lines() {
        if let Some(p) = l.strip_prefix("+++ ") {
            in_file = p == format!("b/{path}");
        } else if let Some(hunk) = l.strip_prefix("@@ -") {
            let new = hunk.split(" +").nth(1).unwrap();
            line = new.split([',', ' ']).next().unwrap().parse().unwrap();
        } else if in_file && l.starts_with('+') {
            added.insert(line);
            line += 1;
        } else if l.starts_with(' ') {
            line += 1;
        }
    }
    added
}

fn shots() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("html-report")
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap().to_string())
        .collect()
}

/// Everything the page asked for was the report itself, and nothing complained.
fn assert_quiet(seen: &Value, report: &Path) {
    let url = format!("file://{}", report.display());
    for r in strings(&seen["requests"]) {
        assert_eq!(r.split('#').next().unwrap(), url, "a request left the page");
    }
    for key in ["console", "errors", "dialogs"] {
        assert_eq!(seen[key], json!([]), "{key}");
    }
}

#[test]
fn the_java_pr_report_in_chromium() {
    let outcome = java_pr();
    let tmp = tempfile::tempdir().unwrap();
    let root = manifest_dir().join("fixtures/java-pr");
    let count = fs::read_to_string(root.join(CART)).unwrap().lines().count() as u32;
    let seen = browse(
        &outcome,
        tmp.path(),
        json!({ "path": CART, "lines": (1..=count).collect::<Vec<_>>(), "shots": shots(), "jenkins": true }),
    );
    assert_quiet(&seen["seen"], &tmp.path().join("gate.html"));
    assert_eq!(seen["verdict"], "✗ Quality gate failed");
    assert_eq!(seen["overviewVisible"], true);
    assert_eq!(seen["filesVisible"], false);
    assert_eq!(
        (seen["scripts"].as_u64(), seen["imgs"].as_u64()),
        (Some(1), Some(0))
    );

    // One row per condition, as the verdict has them.
    let rows: Vec<Vec<String>> = seen["conditions"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    assert_eq!(
        rows,
        [
            ["✗ failed", "coverage.line", "new", "≥ 80 %", "50.0 %", ""],
            ["✗ failed", "issues.major", "new", "≤ 0", "2", ""],
        ]
    );

    // Files in path order, then by missed lines as JaCoCo counts them.
    let listed: Vec<Vec<String>> = seen["files"]["listed"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    let names: Vec<&str> = listed.iter().map(|r| r[0].as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    let report = root.join("jacoco.xml");
    for row in &listed {
        if row[0].starts_with("src/main/java/") {
            let missed = jacoco_lines(&report, &row[0])
                .values()
                .filter(|l| l[1] == 0)
                .count();
            assert_eq!(row[1], missed.to_string(), "{}", row[0]);
        }
    }
    let by_missed: Vec<Vec<String>> = seen["files"]["byMissedLines"]
        .as_array()
        .unwrap()
        .iter()
        .map(strings)
        .collect();
    let missed: Vec<i64> = by_missed
        .iter()
        .map(|r| r[1].parse().unwrap_or(-1))
        .collect();
    assert!(missed.windows(2).all(|w| w[0] >= w[1]), "{missed:?}");
    assert_ne!(by_missed, listed);
    let ascending: Vec<i64> = seen["files"]["byMissedLinesAscending"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[1].as_str().unwrap().parse().unwrap_or(-1))
        .collect();
    assert!(ascending.windows(2).all(|w| w[0] <= w[1]), "{ascending:?}");
    let with_issues: BTreeSet<String> = seen["files"]["withIssues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[0].as_str().unwrap().to_string())
        .collect();
    let expected: BTreeSet<String> = outcome
        .findings
        .iter()
        .map(|f| f.location.path.clone())
        .collect();
    assert_eq!(with_issues, expected);

    // The code viewer: each line's class and branches as JaCoCo has them, new
    // lines as the diff adds them.
    assert_eq!(seen["fileVisible"], true);
    assert_eq!(seen["overviewHiddenOnFile"], true);
    assert_eq!(seen["heading"], "Cart.java");
    let jacoco = jacoco_lines(&report, CART);
    let added = added_lines(&root.join("pr.diff"), CART);
    for nr in 1..=count {
        let line = &seen["lines"][nr.to_string()];
        let classes: BTreeSet<&str> = line["classes"].as_str().unwrap().split(' ').collect();
        let text = line["text"].as_str().unwrap();
        assert!(text.trim_start().starts_with(&format!("{nr} ")), "{text:?}");
        let class = ["fc", "pc", "nc"].into_iter().find(|c| classes.contains(c));
        assert_eq!(
            class,
            jacoco.get(&nr).map(|&l| jacoco_class(l)),
            "line {nr}"
        );
        let mark = match class {
            Some("fc") => '✓',
            Some("pc") => '◐',
            Some(_) => '✗',
            None => ' ',
        };
        let new = added.contains(&nr);
        assert!(
            text.ends_with(&format!("{mark}{} ", if new { '+' } else { ' ' })),
            "line {nr}: {text:?}"
        );
        assert_eq!(classes.contains("n"), new, "line {nr}");
        let title = jacoco.get(&nr).and_then(|&[_, _, mb, cb]| {
            (mb + cb > 0).then(|| format!("{cb} of {} branches covered", mb + cb))
        });
        assert_eq!(line["title"].as_str(), title.as_deref(), "line {nr}");
    }
    // A partly covered line with branches, as the fixture's README describes.
    assert!(jacoco.values().any(|&l| jacoco_class(l) == "pc"));

    // Each finding sits under its line.
    let issues = seen["issues"].as_array().unwrap();
    let cart: Vec<_> = outcome
        .findings
        .iter()
        .filter(|f| f.location.path == CART)
        .collect();
    assert_eq!(issues.len(), cart.len());
    for (shown, finding) in issues.iter().zip(&cart) {
        assert_eq!(shown["under"], finding.location.start_line);
        let text = shown["text"].as_str().unwrap();
        assert!(
            text.contains(&finding.rule) && text.contains(&finding.message),
            "{text}"
        );
    }

    // Keys: n, n, p through the uncovered new lines, then i to the next issue.
    let uncovered: Vec<u32> = added
        .iter()
        .copied()
        .filter(|n| jacoco.get(n).is_some_and(|l| l[1] == 0))
        .collect();
    let file = seen["file"].as_str().unwrap();
    let next_issue = issues
        .iter()
        .find(|i| i["under"].as_u64().unwrap() >= u64::from(uncovered[0]))
        .unwrap();
    assert_eq!(
        strings(&seen["keys"]),
        [
            format!("#{file}-{}", uncovered[0]),
            format!("#{file}-{}", uncovered[1]),
            format!("#{file}-{}", uncovered[0]),
            format!("#{}", next_issue["id"].as_str().unwrap()),
        ]
    );
    assert_eq!(seen["targetVisible"], true);
    for (page, overflow) in seen["narrowOverflow"].as_object().unwrap() {
        assert_eq!(overflow, 0, "page {page:?} is wider than a narrow window");
    }
    assert_ne!(seen["darkBackground"], "rgb(255, 255, 255)");

    // Under Jenkins' policy: no style, no script, and everything still said.
    let jenkins = &seen["jenkins"];
    assert_eq!(jenkins["scriptRan"], false);
    assert_eq!(jenkins["styled"], false);
    assert_eq!(jenkins["fileShown"], true);
    let text = jenkins["text"].as_str().unwrap();
    assert!(text.contains("✗ Quality gate failed"));
    let lines: Vec<&str> = text.lines().collect();
    for nr in &uncovered {
        assert!(
            lines
                .iter()
                .any(|l| l.trim_start().starts_with(&format!("{nr} ✗+ "))),
            "line {nr} does not read as an uncovered new line"
        );
    }
    // The findings of a line are the lines that follow it.
    let at = cart[0].location.start_line;
    let here = cart.iter().filter(|f| f.location.start_line == at).count();
    let row = lines
        .iter()
        .position(|l| l.trim_start().starts_with(&format!("{at} ")))
        .unwrap();
    for (shown, f) in lines[row + 1..=row + here].iter().zip(&cart) {
        assert!(
            shown.contains(&f.rule) && shown.contains(&f.message),
            "{shown}"
        );
    }
}

/// A file name, source and message that would be markup or script if anything
/// were left unescaped.
const HOSTILE_NAME: &str = "src/main/java/x/<img src=y onerror=alert(1)>&'\".java";
const HOSTILE_LINE: &str =
    "    String s = \"</pre><script>alert(2)</script>\"; // <b onmouseover=alert(3)>";
const HOSTILE_MESSAGE: &str = "<script>alert(4)</script> & \"q\" 'a' </span></pre><img src=x>";

#[test]
fn hostile_names_sources_and_messages_stay_text() {
    let repo = tempfile::tempdir().unwrap();
    let path = repo.path().join(HOSTILE_NAME);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(
        &path,
        format!("class H {{\n{HOSTILE_LINE}\n    void f() {{ try {{ g(); }} catch (Exception e) {{ }} }}\n    void g() {{ }}\n}}\n"),
    )
    .unwrap();
    let options = CheckOptions {
        no_coverage: true,
        use_ci_env: false,
        ..CheckOptions::new(repo.path().to_path_buf())
    };
    let mut outcome = gate::check(&options, &|_, _| {}).unwrap();
    assert!(!outcome.findings.is_empty());
    for f in &mut outcome.findings {
        f.message = HOSTILE_MESSAGE.to_string();
    }
    outcome.verdict.reasons.push(HOSTILE_MESSAGE.to_string());
    let tmp = tempfile::tempdir().unwrap();
    let seen = browse(
        &outcome,
        tmp.path(),
        json!({ "path": HOSTILE_NAME, "lines": [2], "shots": null, "jenkins": false }),
    );
    assert_quiet(&seen["seen"], &tmp.path().join("gate.html"));
    assert_eq!(
        (seen["scripts"].as_u64(), seen["imgs"].as_u64()),
        (Some(1), Some(0))
    );
    assert_eq!(seen["handlers"], json!([]));
    assert_eq!(seen["files"]["listed"][0][0], HOSTILE_NAME);
    assert_eq!(seen["heading"], HOSTILE_NAME.rsplit('/').next().unwrap());
    let source = seen["source"].as_str().unwrap();
    assert!(source.contains(HOSTILE_LINE), "{source}");
    assert!(source.contains(HOSTILE_MESSAGE), "{source}");
}
