//! A verdict that can be trusted, end to end on throwaway git repositories: pull
//! requests that bring issues on lines they did not change (each must fail the
//! gate) and the opposite cases (moved code, a renamed file, a PR that only fixes)
//! that must pass; the same tracking with `--diff FILE` and no git; a pull request
//! that edits its own gate; and the inputs whose absence must not pass (no source,
//! an empty diff, a changed file the parser cannot read).

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::git;

/// Every issue fails the gate; no coverage condition, so no report is needed.
const CONFIG: &str = "[[gate.condition]]\nmetric = \"issues\"\nmax = 0\n";

struct Repo {
    dir: tempfile::TempDir,
}

impl Repo {
    /// `main` holds `files` and the configuration; `feature` is checked out.
    fn new(files: &[(&str, &str)]) -> Repo {
        let repo = Repo {
            dir: tempfile::tempdir().unwrap(),
        };
        repo.write("gate.toml", CONFIG);
        for (path, text) in files {
            repo.write(path, text);
        }
        git(repo.path(), &["init", "-q", "-b", "main"]);
        repo.commit("base");
        git(repo.path(), &["checkout", "-q", "-b", "feature"]);
        repo
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn write(&self, rel: &str, text: &str) {
        let path = self.path().join(rel);
        fs::create_dir_all(path.parent().unwrap()).unwrap();
        fs::write(path, text).unwrap();
    }

    fn commit(&self, message: &str) {
        git(self.path(), &["add", "-A"]);
        git(self.path(), &["commit", "-q", "-m", message]);
    }

    fn check(&self, args: &[&str]) -> (Output, Value) {
        let out = Command::new(env!("CARGO_BIN_EXE_gate"))
            .arg("check")
            .arg(self.path())
            .args(["--format", "json"])
            .args(args)
            .env_remove("GITHUB_ACTIONS")
            .env_remove("JENKINS_URL")
            .output()
            .unwrap();
        let report = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
            panic!(
                "not JSON ({e}): {}\n{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            )
        });
        (out, report)
    }
}

/// `(rule, path:line)` of findings.
type Places = Vec<(String, String)>;

/// The new findings, and the fixed ones.
fn new_and_fixed(report: &Value) -> (Places, Places) {
    let list = |key: &str, only_new: bool| -> Places {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| !only_new || f["new"] == true)
            .map(|f| {
                (
                    f["rule"].as_str().unwrap().to_string(),
                    format!(
                        "{}:{}",
                        f["location"]["path"].as_str().unwrap(),
                        f["location"]["start_line"]
                    ),
                )
            })
            .collect()
    };
    (list("findings", true), list("fixed", false))
}

fn pair(rule: &str, place: &str) -> (String, String) {
    (rule.to_string(), place.to_string())
}

/// A method of cognitive complexity 1 whose body the PR grows to far over 15.
const SIMPLE: &str = "package p;

public class Flow {
    public int run(int a) {
        if (a > 0) {
            return 1;
        }
        return 0;
    }
}
";

fn complex() -> String {
    let mut body = String::new();
    for i in 0..8 {
        body.push_str(&format!(
            "        if (a > {i}) {{\n            for (int j = 0; j < a; j++) {{\n                if (j == {i}) {{\n                    a--;\n                }}\n            }}\n        }}\n"
        ));
    }
    SIMPLE.replace(
        "        if (a > 0) {\n            return 1;\n        }\n",
        &body,
    )
}

#[test]
fn an_issue_raised_on_an_unchanged_line_is_new_and_fails_the_gate() {
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write("src/p/Flow.java", &complex());
    repo.commit("grow the method");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, fixed) = new_and_fixed(&report);
    // Reported at `run`'s name, line 4, which the PR did not change.
    assert!(
        new.contains(&pair("cognitive-complexity", "src/p/Flow.java:4")),
        "{new:?}"
    );
    assert_eq!(fixed, []);
    assert_eq!(out.status.code(), Some(1), "{}", report["verdict"]);
    assert_eq!(report["measures"]["fixed_issues"], 0);
}

#[test]
fn issues_whose_cause_is_elsewhere_are_new() {
    let base = "package p;

import java.util.List;

public class Shop {
    private int count;

    public boolean equals(Object o) {
        return o == this;
    }

    public int hashCode() {
        return 1;
    }

    int size(List<String> items) {
        count = items.size();
        return count;
    }

    String name(int kind) {
        switch (kind) {
            case 1:
                return \"one\";
            default:
                return \"other\";
        }
    }
}
";
    let repo = Repo::new(&[("src/p/Shop.java", base)]);
    let (out, report) = repo.check(&["--base", "main"]);
    assert_eq!(new_and_fixed(&report).0, [], "no change, nothing new");
    assert_eq!(out.status.code(), Some(0), "{}", report["verdict"]);

    // The PR deletes the field's last use, the import's last use, hashCode, and
    // the switch's default: each finding is reported on a line it did not touch.
    let head = base
        .replace(
            "        count = items.size();\n        return count;\n",
            "        return 0;\n",
        )
        .replace(
            "    int size(List<String> items) {",
            "    int size(Object items) {",
        )
        .replace(
            "    public int hashCode() {\n        return 1;\n    }\n\n",
            "",
        )
        .replace(
            "            default:\n                return \"other\";\n",
            "",
        )
        .replace(
            "        }\n    }\n}\n",
            "        }\n        return \"other\";\n    }\n}\n",
        );
    repo.write("src/p/Shop.java", &head);
    repo.commit("delete the uses");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, _) = new_and_fixed(&report);
    let rules: Vec<&str> = new.iter().map(|(r, _)| r.as_str()).collect();
    for rule in [
        "unused-private-field",
        "unused-import",
        "equals-without-hashcode",
        "switch-without-default",
    ] {
        assert!(rules.contains(&rule), "{rule} missing from {new:?}");
    }
    assert!(
        new.contains(&pair("unused-private-field", "src/p/Shop.java:6")),
        "{new:?}"
    );
    assert!(
        new.contains(&pair("unused-import", "src/p/Shop.java:3")),
        "{new:?}"
    );
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn moved_code_and_renamed_files_keep_their_old_issues() {
    let repo = Repo::new(&[("src/p/Flow.java", &complex())]);
    let (_, report) = repo.check(&[]);
    let before = report["findings"].as_array().unwrap().len();
    assert!(before > 0, "the base has issues");

    // 50 lines of new, clean code above the method, and the file renamed.
    let filler: String = (0..50).map(|i| format!("    // note {i}\n")).collect();
    let moved = complex().replace(
        "public class Flow {\n",
        &format!("public class Flow {{\n{filler}"),
    );
    fs::remove_file(repo.path().join("src/p/Flow.java")).unwrap();
    repo.write(
        "src/q/Flow.java",
        &moved.replace("package p;", "package q;"),
    );
    repo.commit("move down and rename");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, fixed) = new_and_fixed(&report);
    assert_eq!(new, [], "nothing new");
    assert_eq!(fixed, []);
    assert_eq!(report["findings"].as_array().unwrap().len(), before);
    assert!(
        report["measures"]["new_code"]
            .as_str()
            .unwrap()
            .contains("changes since main"),
        "{}",
        report["measures"]
    );
    assert_eq!(out.status.code(), Some(0), "{}", report["verdict"]);
}

#[test]
fn a_pull_request_that_only_fixes_passes_and_says_what_it_fixed() {
    let repo = Repo::new(&[("src/p/Flow.java", &complex())]);
    repo.write("src/p/Flow.java", SIMPLE);
    repo.commit("simplify");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, fixed) = new_and_fixed(&report);
    assert_eq!(new, []);
    assert!(
        fixed.contains(&pair("cognitive-complexity", "src/p/Flow.java:4")),
        "{fixed:?}"
    );
    assert_eq!(report["measures"]["fixed_issues"], fixed.len());
    assert_eq!(out.status.code(), Some(0), "{}", report["verdict"]);

    let text = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", repo.path().to_str().unwrap(), "--base", "main"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&text.stdout);
    assert!(
        text.contains(&format!("Issues: 0 new, {} fixed", fixed.len())),
        "{text}"
    );
    assert!(
        text.contains("fixed src/p/Flow.java:4 cognitive-complexity"),
        "{text}"
    );
}

#[test]
fn the_same_tracking_from_a_diff_file_without_git() {
    let repo = Repo::new(&[
        ("src/p/Flow.java", SIMPLE),
        ("src/p/Old.java", &complex().replace("Flow", "Old")),
    ]);
    repo.write("src/p/Flow.java", &complex());
    fs::remove_file(repo.path().join("src/p/Old.java")).unwrap();
    repo.commit("grow one, delete the other");
    let diff = git(repo.path(), &["diff", "main", "HEAD"]) + "\n";
    let with_git = repo.check(&["--base", "main"]).1;

    // The checkout without its history, and the diff in a file beside it.
    let plain = tempfile::tempdir().unwrap();
    support::copy_dir(&repo.path().join("src"), &plain.path().join("src"));
    fs::write(plain.path().join("gate.toml"), CONFIG).unwrap();
    let diff_file = plain.path().join("pr.diff");
    fs::write(&diff_file, &diff).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .arg("check")
        .arg(plain.path())
        .args(["--format", "json", "--diff"])
        .arg(&diff_file)
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    let (new, fixed) = new_and_fixed(&report);
    assert!(
        new.contains(&pair("cognitive-complexity", "src/p/Flow.java:4")),
        "{new:?}"
    );
    assert!(
        fixed.contains(&pair("cognitive-complexity", "src/p/Old.java:4")),
        "{fixed:?}"
    );
    assert_eq!((new.clone(), fixed.clone()), new_and_fixed(&with_git));
    assert_eq!(out.status.code(), Some(1));

    // A diff of other sources than these is refused.
    fs::write(
        plain.path().join("src/p/Flow.java"),
        SIMPLE.replace("return 0;", "return -1;"),
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .arg("check")
        .arg(plain.path())
        .arg("--diff")
        .arg(&diff_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`src/p/Flow.java` line 6 is not what the diff says it is: this diff does not belong to this checkout"),
        "{err}"
    );
    let other = tempfile::tempdir().unwrap();
    fs::write(other.path().join("A.java"), "class A {}\n").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .arg("check")
        .arg(other.path())
        .arg("--diff")
        .arg(&diff_file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("`src/p/Flow.java` is not in this checkout, but the diff changes it: this diff does not belong to this checkout"),
        "{err}"
    );
}

#[test]
fn gitattributes_cannot_hide_a_change() {
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write(".gitattributes", "*.java -diff\n*.java binary\n");
    repo.write("src/p/Flow.java", &complex());
    repo.commit("hide it");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, _) = new_and_fixed(&report);
    assert!(
        new.contains(&pair("cognitive-complexity", "src/p/Flow.java:4")),
        "{new:?}"
    );
    assert!(report["measures"]["changed_lines"].as_u64().unwrap() > 40);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn a_suppression_the_change_adds_is_shown_and_fixes_nothing() {
    let repo = Repo::new(&[("src/p/Flow.java", &complex())]);
    // The old complexity issue is silenced at its method, and a new issue comes
    // with a comment that silences it.
    let head = complex()
        .replace(
            "    public int run(int a) {",
            "    @SuppressWarnings(\"gate:cognitive-complexity\")\n    public int run(int a) {",
        )
        .replace(
            "        return 0;\n",
            "        // gate:ignore[magic-number] the answer\n        return 42;\n",
        );
    repo.write("src/p/Flow.java", &head);
    repo.commit("silence them");
    let (out, report) = repo.check(&["--base", "main"]);
    assert_eq!(
        new_and_fixed(&report),
        (vec![], vec![]),
        "silenced is neither new nor fixed"
    );
    assert_eq!(report["measures"]["suppressed_in_change"], 2);
    let silenced: Vec<(String, String)> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["suppressed"]["new"] == true)
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["suppressed"]["kind"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        silenced,
        [
            pair("cognitive-complexity", "annotation"),
            pair("magic-number", "comment")
        ]
    );
    assert_eq!(out.status.code(), Some(0), "{}", report["verdict"]);
    let (_, text) = text(&repo, &["--base", "main"]);
    assert!(
        text.contains("Issues: 0 new, 0 fixed, 2 suppressed in this change"),
        "{text}"
    );
    assert!(
        text.contains("suppressed src/p/Flow.java:63 magic-number Magic number 42: give it a name as a constant (gate:ignore comment: the answer)"),
        "{text}"
    );
}

/// A class with an empty catch block (an issue), in package `pkg`.
fn swallowing(pkg: &str) -> String {
    format!(
        "package {pkg};\n\npublic class Hidden {{\n    void f() {{\n        try {{\n            g();\n        }} catch (IllegalStateException e) {{\n        }}\n    }}\n\n    void g() {{\n        f();\n    }}\n}}\n"
    )
}

#[test]
fn ignore_files_and_folder_names_cannot_hide_a_change() {
    // Each file the PR adds is one the source walk alone would skip.
    let hidden = [
        ("src/p/a/Hidden.java", Some(".gitignore"), "Hidden.java\n"),
        ("src/p/b/Hidden.java", Some(".gateignore"), "*.java\n"),
        ("src/p/c/Hidden.java", Some(".ignore"), "Hidden.java\n"),
        ("src/p/generated/Hidden.java", None, ""),
        ("src/p/build/Hidden.java", None, ""),
        ("src/.p/Hidden.java", None, ""),
    ];
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    for (path, ignore, line) in hidden {
        let pkg = path.rsplit_once('/').unwrap().0.replace('/', ".");
        repo.write(path, &swallowing(&pkg));
        if let Some(name) = ignore {
            let folder = Path::new(path).parent().unwrap();
            repo.write(&folder.join(name).to_string_lossy(), line);
        }
    }
    // Added by force, as a PR author would: git tracks what .gitignore names.
    git(repo.path(), &["add", "-f", "-A"]);
    git(repo.path(), &["commit", "-q", "-m", "hide them"]);
    let expected: Places = hidden
        .iter()
        .map(|(path, _, _)| pair("empty-catch-block", &format!("{path}:7")))
        .collect();

    let (out, report) = repo.check(&["--base", "main"]);
    let (mut new, _) = new_and_fixed(&report);
    new.retain(|(rule, _)| rule == "empty-catch-block");
    new.sort();
    let mut sorted = expected.clone();
    sorted.sort();
    assert_eq!(new, sorted);
    assert_eq!(out.status.code(), Some(1));
    let warned: Vec<&str> = report["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| {
            d["message"]
                .as_str()
                .unwrap()
                .contains("the change touches it")
        })
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(warned.len(), hidden.len(), "{warned:?}");

    // The same from a diff file, without git.
    let diff = git(repo.path(), &["diff", "main", "HEAD"]) + "\n";
    fs::remove_dir_all(repo.path().join(".git")).unwrap();
    fs::write(repo.path().join("pr.diff"), diff).unwrap();
    let diff_file = repo.path().join("pr.diff");
    let (out, report) = repo.check(&["--diff", diff_file.to_str().unwrap()]);
    let (mut new, _) = new_and_fixed(&report);
    new.retain(|(rule, _)| rule == "empty-catch-block");
    new.sort();
    assert_eq!(new, sorted);
    assert_eq!(out.status.code(), Some(1));

    // Only the configuration, read from the base, takes a changed file out.
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write(
        "gate.toml",
        &format!("{CONFIG}[sources]\nexclude = [\"src/p/generated/\"]\n"),
    );
    repo.commit("exclude generated code");
    git(repo.path(), &["branch", "-f", "main"]);
    repo.write("src/p/generated/Hidden.java", &swallowing("p.generated"));
    repo.commit("generated code");
    let (out, report) = repo.check(&["--base", "main"]);
    assert_eq!(new_and_fixed(&report).0, []);
    assert_eq!(out.status.code(), Some(0), "{}", report["verdict"]);
}

#[cfg(unix)]
#[test]
fn a_symbolic_link_cannot_hide_a_change() {
    // The code is in a text file; the source file the compiler reads links to it.
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write("docs/notes.txt", &swallowing("p"));
    std::os::unix::fs::symlink(
        "../../docs/notes.txt",
        repo.path().join("src/p/Hidden.java"),
    )
    .unwrap();
    repo.commit("link it");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, _) = new_and_fixed(&report);
    assert!(
        new.contains(&pair("empty-catch-block", "src/p/Hidden.java:7")),
        "{new:?}"
    );
    assert_eq!(out.status.code(), Some(1));
    let diagnostics = report["diagnostics"].to_string();
    assert!(
        diagnostics.contains("analysed as the file it links to (`docs/notes.txt`)"),
        "{diagnostics}"
    );

    // A link out of the repository: what it reads cannot be checked.
    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("Code.java"), swallowing("p")).unwrap();
    std::os::unix::fs::symlink(
        outside.path().join("Code.java"),
        repo.path().join("src/p/Out.java"),
    )
    .unwrap();
    repo.commit("link out");
    let (code, text) = text(&repo, &["--base", "main"]);
    assert_eq!(code, Some(2), "{text}");
    assert!(
        text.contains(
            "src/p/Out.java: a symbolic link the change touches leads outside the repository"
        ),
        "{text}"
    );
}

/// `main` has an issue-free class and a gate that allows no issue.
fn pr_with_an_issue() -> Repo {
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write("src/p/Flow.java", &complex());
    repo
}

fn text(repo: &Repo, args: &[&str]) -> (Option<i32>, String) {
    check_with(Command::new(env!("CARGO_BIN_EXE_gate")), repo.path(), args)
}

/// `gate check ROOT ARGS` run by `command` (the binary, or a wrapper that runs
/// it) outside any CI: the exit code, and stdout and stderr together.
fn check_with(mut command: Command, root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let out = command
        .arg("check")
        .arg(root)
        .args(args)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("JENKINS_URL")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn a_pull_request_cannot_weaken_its_own_gate() {
    // Raise the limit, turn the rule off, and accept the finding in the baseline.
    let repo = pr_with_an_issue();
    repo.write(
        "gate.toml",
        "[rules]\ncognitive-complexity = \"off\"\n\n[[gate.condition]]\nmetric = \"issues\"\nmax = 100\n",
    );
    repo.commit("weaken");
    let (_, report) = repo.check(&["--base", "main"]);
    let (new, _) = new_and_fixed(&report);
    assert!(
        new.contains(&pair("cognitive-complexity", "src/p/Flow.java:4")),
        "the base's rules apply: {new:?}"
    );
    assert_eq!(report["verdict"]["status"], "failed");
    let source = &report["config_source"];
    assert_eq!(source["from"], "base");
    assert_eq!(source["changed"], serde_json::json!(["gate.toml"]));
    assert_eq!(
        source["differences"],
        serde_json::json!(["issues (new): ≤ 0 → ≤ 100"])
    );
    let (code, out) = text(&repo, &["--base", "main"]);
    assert_eq!(code, Some(1));
    assert!(
        out.starts_with("Configuration: This change touches gate.toml: the base's configuration applies; the changes take effect after merge.\n  issues (new): ≤ 0 → ≤ 100\n"),
        "{out}"
    );
    let (_, md) = text(&repo, &["--base", "main", "--format", "markdown"]);
    assert!(
        md.contains(
            "> **Configuration:** This change touches gate.toml: the base's configuration applies"
        ),
        "{md}"
    );

    // The baseline of the head is not the base's.
    let (_, head) = repo.check(&["--config-from", "head"]);
    let baseline = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["baseline", repo.path().to_str().unwrap()])
        .output()
        .unwrap();
    assert!(baseline.status.success());
    assert!(!head["findings"].as_array().unwrap().is_empty());
    repo.commit("accept");
    let (_, report) = repo.check(&["--base", "main"]);
    assert_eq!(report["verdict"]["status"], "failed");
    assert_eq!(
        report["config_source"]["changed"],
        serde_json::json!([".gate/baseline.json", "gate.toml"])
    );

    // Opting out on the command line: the head's files apply, and reports say so.
    let (code, out) = text(&repo, &["--base", "main", "--config-from", "head"]);
    assert_eq!(code, Some(0), "{out}");
    assert!(
        out.starts_with("Configuration: The head's configuration was used (--config-from head); this change touches .gate/baseline.json, gate.toml.\n"),
        "{out}"
    );
}

#[test]
fn only_the_base_can_opt_out_of_its_own_configuration() {
    // The PR itself asks for the head's configuration: ignored.
    let repo = pr_with_an_issue();
    repo.write(
        "gate.toml",
        "[gate]\nconfig_from = \"head\"\n\n[[gate.condition]]\nmetric = \"issues\"\nmax = 100\n",
    );
    repo.commit("opt out");
    let (_, report) = repo.check(&["--base", "main"]);
    assert_eq!(report["config_source"]["from"], "base");
    assert_eq!(report["verdict"]["status"], "failed");

    // The base says so: the head's configuration applies.
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    git(repo.path(), &["checkout", "-q", "main"]);
    repo.write(
        "gate.toml",
        &format!("[gate]\nconfig_from = \"head\"\n\n{CONFIG}"),
    );
    repo.commit("protected by CODEOWNERS");
    git(repo.path(), &["checkout", "-q", "-b", "pr"]);
    repo.write("src/p/Flow.java", &complex());
    repo.write(
        "gate.toml",
        "[gate]\nconfig_from = \"head\"\n\n[[gate.condition]]\nmetric = \"issues\"\nmax = 100\n",
    );
    repo.commit("raise");
    let (out, report) = repo.check(&["--base", "main"]);
    assert_eq!(report["config_source"]["from"], "head");
    assert_eq!(
        report["config_source"]["reason"],
        "[gate] config_from = \"head\" in the base"
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn extra_rule_folders_come_from_the_base_and_a_broken_head_configuration_fails() {
    let rule = r#"id = "no-flow"
title = "A class named Flow"
severity = "major"
type = "code-smell"
message = "no class may be named Flow"
description = """
Finds classes named Flow.

## Why it matters
The name is taken.

## How to fix
Rename it.
"""
[match]
query = '''
(class_declaration name: (identifier) @match (#eq? @match "Flow"))
'''
[[example]]
kind = "noncompliant"
code = "class Flow {}"
flagged = [1]
"#;
    let config = format!("[rules]\nextra = [\"team-rules\"]\n\n{CONFIG}");
    let repo = Repo::new(&[
        ("team-rules/java/no-flow.toml", rule),
        ("gate.toml", &config),
    ]);
    repo.write("src/p/Flow.java", SIMPLE);
    fs::remove_file(repo.path().join("team-rules/java/no-flow.toml")).unwrap();
    repo.write(
        "team-rules/java/other.toml",
        &rule
            .replace("no-flow", "other")
            .replace("\"Flow\"))", "\"Nope\"))"),
    );
    repo.commit("drop the team's rule");
    let (out, report) = repo.check(&["--base", "main"]);
    let (new, _) = new_and_fixed(&report);
    assert!(
        new.contains(&pair("no-flow", "src/p/Flow.java:3")),
        "{new:?} {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        report["config_source"]["changed"],
        serde_json::json!(["team-rules"])
    );

    // A head configuration that would break every later run fails this one.
    repo.write("gate.toml", "[gate\n");
    repo.commit("break");
    let (code, out) = text(&repo, &["--base", "main"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("this change's own configuration does not load, so every run after it merges would fail:"),
        "{out}"
    );
}

#[test]
fn nothing_to_analyse_is_an_error_unless_allowed() {
    let empty = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .arg("check")
        .arg(empty.path())
        .arg("--no-coverage")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no source file to analyse (no .java or .rs file at all). Check the path and [sources] include, or, for a repository without Java or Rust sources yet, set [sources] allow_empty = true"),
        "{err}"
    );

    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write(
        "gate.toml",
        &format!("[sources]\ninclude = [\"src/main/**\"]\n\n{CONFIG}"),
    );
    let (code, out) = text(&repo, &[]);
    assert_eq!(code, Some(2));
    assert!(
        out.contains(
            "no source file to analyse (1 source file(s) left out by [sources] include/exclude)"
        ),
        "{out}"
    );
    repo.write(
        "gate.toml",
        &format!("[sources]\ninclude = [\"src/main/**\"]\nallow_empty = true\n\n{CONFIG}"),
    );
    let (code, out) = text(&repo, &[]);
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn an_empty_diff_is_an_error_unless_expected() {
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    let diff = repo.path().join("pr.diff");
    fs::write(&diff, "").unwrap();
    let (code, out) = text(&repo, &["--diff", diff.to_str().unwrap()]);
    assert_eq!(code, Some(2));
    assert!(
        out.contains(&format!(
            "new code: the diff in {} is empty: no file changed. A failed `git diff > file` writes an empty file; if the change really has no lines, say so with --allow-empty-diff",
            diff.display()
        )),
        "{out}"
    );
    let (code, out) = text(
        &repo,
        &["--diff", diff.to_str().unwrap(), "--allow-empty-diff"],
    );
    assert_eq!(code, Some(0), "{out}");
}

#[test]
fn a_changed_file_the_parser_cannot_read_makes_the_run_unevaluable() {
    // syn has no error recovery: this file cannot be analysed at all.
    let broken = "fn f( {\n";
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE), ("src/old.rs", broken)]);
    let (code, out) = text(&repo, &["--base", "main"]);
    assert_eq!(code, Some(0), "untouched: a warning only: {out}");
    assert!(
        out.contains("gate: warning: src/old.rs: not analysed:"),
        "{out}"
    );

    repo.write("src/new.rs", broken);
    repo.commit("add a file syn cannot read");
    let (code, out) = text(&repo, &["--base", "main"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains("gate: error: src/new.rs: not analysed:")
            && out.contains("; the change touches this file, so its issues cannot be known"),
        "{out}"
    );
}

#[test]
fn a_repository_cannot_make_gate_read_outside_it() {
    // The PR's gate.toml names the process environment (the token) as its report,
    // its baseline is a symlink to /dev/zero, its rule folder a path outside.
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    repo.write(
        "gate.toml",
        "[coverage]\nreports = [\"/proc/self/environ\"]\n",
    );
    let (code, out) = text(&repo, &[]);
    assert_eq!(code, Some(2));
    assert!(
        out.contains("/proc/self/environ: resolves to /proc/")
            && out.contains(
                "/environ, outside the repository: a file the repository names must be inside it"
            ),
        "{out}"
    );
    assert!(
        !out.contains("PATH="),
        "no byte of the file is quoted: {out}"
    );

    repo.write("gate.toml", CONFIG);
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".gate-baseline")).unwrap();
    repo.write(
        "gate.toml",
        &format!("[gate]\nbaseline = \".gate-baseline\"\n\n{CONFIG}"),
    );
    let (code, out) = text(&repo, &[]);
    assert_eq!(code, Some(2));
    assert!(
        out.contains(".gate-baseline: not a regular file (a device, FIFO or socket); name a file"),
        "{out}"
    );

    let outside = tempfile::tempdir().unwrap();
    fs::write(outside.path().join("r.toml"), "x").unwrap();
    repo.write(
        "gate.toml",
        &format!(
            "[rules]\nextra = [\"../{}\"]\n\n{CONFIG}",
            outside.path().file_name().unwrap().to_str().unwrap()
        ),
    );
    fs::remove_file(repo.path().join(".gate-baseline")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_gate"))
        .arg("check")
        .arg(repo.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("outside the repository"), "{err}");
}

/// `gate check ROOT ARGS` with at most 2 GB of address space and 60 s, so that
/// reading a device whole fails fast instead of taking the machine's memory.
fn bounded(root: &Path, args: &[&str]) -> (Option<i32>, String) {
    let mut sh = Command::new("sh");
    sh.args(["-c", "ulimit -v 2000000; exec timeout 60 \"$@\"", "sh"])
        .arg(env!("CARGO_BIN_EXE_gate"));
    check_with(sh, root, args)
}

#[test]
fn a_committed_symlink_to_a_device_is_refused_not_read() {
    // The pull request commits gate.toml and the baseline as symlinks to /dev/zero.
    let repo = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    fs::remove_file(repo.path().join("gate.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.path().join("gate.toml")).unwrap();
    fs::create_dir_all(repo.path().join(".gate")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", repo.path().join(".gate/baseline.json")).unwrap();
    repo.commit("zero");
    let refused =
        |file: &str| format!("{file}: not a regular file (a device, FIFO or socket); name a file");
    for args in [&[][..], &["--config-from", "head"]] {
        let (code, out) = bounded(repo.path(), args);
        assert_eq!(code, Some(2), "{args:?}: {out}");
        assert!(out.contains(&refused("gate.toml")), "{args:?}: {out}");
    }
    // The base's configuration judges, and the head's files it compares are
    // refused as well.
    let (code, out) = bounded(repo.path(), &["--base", "main"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains(&refused(".gate/baseline.json")), "{out}");
    // With a regular gate.toml, the baseline is refused the same way.
    fs::remove_file(repo.path().join("gate.toml")).unwrap();
    repo.write("gate.toml", CONFIG);
    repo.commit("config");
    let (code, out) = bounded(repo.path(), &["--config-from", "head"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(out.contains(&refused(".gate/baseline.json")), "{out}");

    // A base whose gate.toml is the symlink: git keeps its target as text.
    let base = Repo::new(&[("src/p/Flow.java", SIMPLE)]);
    git(base.path(), &["checkout", "-q", "main"]);
    fs::remove_file(base.path().join("gate.toml")).unwrap();
    std::os::unix::fs::symlink("/dev/zero", base.path().join("gate.toml")).unwrap();
    base.commit("zero");
    git(base.path(), &["checkout", "-q", "-B", "feature"]);
    base.write("src/p/Flow.java", &complex());
    base.commit("change");
    let (code, out) = bounded(base.path(), &["--base", "main"]);
    assert_eq!(code, Some(2), "{out}");
    assert!(
        out.contains(":gate.toml:1:10: key with no value, expected `=`"),
        "the link's text, parsed as TOML: {out}"
    );
}
