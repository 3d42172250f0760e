//! End-to-end tests of sharding: `gate check --shard I/N --partial-out` in each job,
//! `gate merge` at the end. On the pull-request repository of `tests/gate.rs` (the
//! java sample on `main`, its real change on `feature`, JaCoCo's report of it), the
//! merged verdict must equal one unsharded run's; parts that do not belong together
//! exit 2 and say why.

mod support;

use serde_json::Value;
use std::fs;
use std::path::Path;
use std::process::{Command, Output};
use support::{git, sample_pull_request};

fn gate(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(args)
        .current_dir(dir)
        .env_remove("GITHUB_ACTIONS")
        .env_remove("GITHUB_STEP_SUMMARY")
        .env_remove("GITHUB_OUTPUT")
        .env_remove("JENKINS_URL")
        .env_remove("GITHUB_TOKEN")
        .env_remove("GATE_GITHUB_TOKEN")
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// Writes shard `spec` of `root` to `file` and checks it exited 0.
fn shard(root: &Path, spec: &str, file: &Path) {
    let out = gate(
        root,
        &[
            "check",
            ".",
            "--shard",
            spec,
            "--partial-out",
            file.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty(), "a partial run prints no report");
}

fn json(out: &Output) -> Value {
    let mut v: Value = serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\n{}",
            String::from_utf8_lossy(&out.stdout),
            stderr(out)
        )
    });
    // The one timing field.
    v.as_object_mut().unwrap().remove("duration_ms");
    v
}

/// `n` partials of `root` in `dir`: p1.json … pn.json.
fn shards(root: &Path, dir: &Path, n: u32) -> Vec<String> {
    (1..=n)
        .map(|i| {
            let file = dir.join(format!("p{i}.json"));
            shard(root, &format!("{i}/{n}"), &file);
            file.to_str().unwrap().to_string()
        })
        .collect()
}

fn merge(root: &Path, parts: &[String], extra: &[&str]) -> Output {
    let mut args = vec!["merge"];
    args.extend(parts.iter().map(String::as_str));
    args.extend(extra);
    gate(root, &args)
}

#[test]
fn four_shards_merged_equal_one_unsharded_run() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let parts_dir = tempfile::tempdir().unwrap();
    // A new file with a new finding, so that `new` and the issue condition count too.
    fs::write(
        root.join("src/main/java/com/example/shop/Risky.java"),
        "package com.example.shop;\n\nclass Risky {\n    void run(Runnable r) {\n        try {\n            r.run();\n        } catch (RuntimeException e) {\n        }\n    }\n}\n",
    )
    .unwrap();
    // The sources only: the report is the build's, never part of the change.
    git(root, &["add", "src"]);
    git(root, &["commit", "-q", "-m", "risky"]);
    let whole = gate(root, &["check", ".", "--base", "main", "--format", "json"]);
    let want = json(&whole);
    // The fixture must exercise findings, coverage and new code, or this proves little.
    assert!(!want["findings"].as_array().unwrap().is_empty());
    assert!(want["findings"]
        .as_array()
        .unwrap()
        .iter()
        .any(|f| f["new"] == true));
    assert_eq!(want["coverage_reports"][0], "target/site/jacoco/jacoco.xml");
    assert!(want["measures"]["new"]["lines"]["total"].as_u64().unwrap() > 0);

    let parts = shards(root, parts_dir.path(), 4);
    // Every shard did some of the work.
    let mut files = 0;
    for p in &parts {
        let partial: Value = serde_json::from_str(&fs::read_to_string(p).unwrap()).unwrap();
        assert_eq!(partial["format"], "gate-partial");
        assert_eq!(partial["version"], 2);
        assert!(partial["commit"].as_str().unwrap().len() >= 40);
        let n = partial["files"].as_array().unwrap().len();
        assert!(n > 0, "{p} has no files");
        files += n;
    }
    assert_eq!(files as u64, want["summary"]["files"].as_u64().unwrap());

    // Given in any order, the parts merge into the same report, verdict and exit code.
    let mut shuffled = parts.clone();
    shuffled.reverse();
    let merged = merge(root, &shuffled, &["--base", "main", "--format", "json"]);
    assert_eq!(
        merged.status.code(),
        whole.status.code(),
        "{}",
        stderr(&merged)
    );
    assert_eq!(json(&merged), want);
}

#[test]
fn coverage_only_parts_join_the_merge() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let dir = tempfile::tempdir().unwrap();
    let want = json(&gate(
        root,
        &["check", ".", "--base", "main", "--format", "json"],
    ));
    // The test job has the report; the lint shards run where there is none.
    let cov = dir.path().join("coverage.json");
    let out = gate(
        root,
        &[
            "check",
            ".",
            "--coverage-only",
            "--partial-out",
            cov.to_str().unwrap(),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    fs::remove_dir_all(root.join("target")).unwrap();
    let mut parts = shards(root, dir.path(), 2);
    // Without the coverage part the gate cannot measure coverage ...
    let without = json(&merge(
        root,
        &parts,
        &["--base", "main", "--format", "json"],
    ));
    assert!(without["coverage_reports"].as_array().unwrap().is_empty());
    // ... with it, the verdict is the unsharded one.
    parts.push(cov.to_str().unwrap().to_string());
    let merged = merge(root, &parts, &["--base", "main", "--format", "json"]);
    // Only discovery's note of the `target/` folder differs: the shards ran where it
    // was gone.
    let mut merged = json(&merged);
    assert_eq!(
        merged["skipped"]["default_excluded_dirs"],
        serde_json::json!([])
    );
    merged["skipped"] = want["skipped"].clone();
    assert_eq!(merged, want);
}

/// Runs `gate merge` on `parts` in `root` and expects exit 2 with every `needle` in
/// the message.
fn refused(root: &Path, parts: &[String], needles: &[&str]) {
    let out = merge(root, parts, &["--format", "json"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(out.stdout.is_empty(), "no report when refused: {err}");
    for needle in needles {
        assert!(err.contains(needle), "`{needle}` not in: {err}");
    }
}

#[test]
fn a_missing_shard_is_named() {
    let repo = sample_pull_request(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let mut parts = shards(repo.path(), dir.path(), 4);
    parts.remove(2);
    refused(repo.path(), &parts, &["shard(s) 3/4 missing"]);
}

#[test]
fn a_duplicate_shard_is_named() {
    let repo = sample_pull_request(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let mut parts = shards(repo.path(), dir.path(), 3);
    let copy = dir.path().join("copy-of-p2.json");
    fs::copy(&parts[1], &copy).unwrap();
    parts.push(copy.to_str().unwrap().to_string());
    refused(
        repo.path(),
        &parts,
        &["shard 2/3 given 2 times", "p2.json", "copy-of-p2.json"],
    );
}

#[test]
fn shards_of_another_count_are_refused() {
    let repo = sample_pull_request(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let mut parts = shards(repo.path(), dir.path(), 2);
    let other = dir.path().join("other.json");
    shard(repo.path(), "2/3", &other);
    parts[1] = other.to_str().unwrap().to_string();
    refused(
        repo.path(),
        &parts,
        &[
            "parts disagree on the number of shards",
            "other.json is 2/3",
        ],
    );
}

#[test]
fn parts_of_different_commits_are_refused() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("old.json");
    shard(root, "1/2", &first);
    fs::write(root.join("src/main/java/Extra.java"), "class Extra {}\n").unwrap();
    git(root, &["add", "src"]);
    git(root, &["commit", "-q", "-m", "more"]);
    let second = dir.path().join("new.json");
    shard(root, "2/2", &second);
    let parts = [first, second].map(|p| p.to_str().unwrap().to_string());
    refused(
        root,
        &parts,
        &["parts from different commits", "old.json at", "new.json at"],
    );
}

#[test]
fn parts_of_different_configurations_are_refused() {
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.json");
    shard(root, "1/2", &first);
    fs::write(
        root.join("gate.toml"),
        "[rules]\nempty-catch-block = \"off\"\n",
    )
    .unwrap();
    let second = dir.path().join("b.json");
    shard(root, "2/2", &second);
    let parts = [first.clone(), second].map(|p| p.to_str().unwrap().to_string());
    refused(root, &parts, &["parts from different configurations"]);
    // Parts that agree with each other but not with the merge's checkout are refused too.
    let third = dir.path().join("c.json");
    shard(root, "1/2", &third);
    fs::remove_file(root.join("gate.toml")).unwrap();
    let parts = [third, dir.path().join("b.json")].map(|p| p.to_str().unwrap().to_string());
    refused(root, &parts, &["another configuration", "gate.toml"]);
}

#[test]
fn a_corrupt_partial_is_refused() {
    let repo = sample_pull_request(|_| {});
    let dir = tempfile::tempdir().unwrap();
    let parts = shards(repo.path(), dir.path(), 2);
    let text = fs::read_to_string(&parts[1]).unwrap();
    fs::write(&parts[1], &text[..text.len() / 2]).unwrap();
    refused(
        repo.path(),
        &parts,
        &["p2.json", "not a gate partial result", "truncated"],
    );
    fs::write(&parts[1], "{\"schema_version\": 1}").unwrap();
    refused(
        repo.path(),
        &parts,
        &["p2.json", "not a gate partial result"],
    );
    fs::write(
        &parts[1],
        text.replacen("\"version\":2", "\"version\":99", 1),
    )
    .unwrap();
    refused(repo.path(), &parts, &["p2.json", "format version 99"]);
    fs::write(
        &parts[1],
        text.replacen("\"findings\":[", "\"findings\":7,[", 1),
    )
    .unwrap();
    refused(
        repo.path(),
        &parts,
        &["p2.json", "not a gate partial result"],
    );
}

#[test]
fn a_partial_run_takes_no_verdict_options() {
    let repo = sample_pull_request(|_| {});
    let out = gate(
        repo.path(),
        &[
            "check",
            ".",
            "--shard",
            "1/2",
            "--partial-out",
            "p.json",
            "--publish",
            "github",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let out = gate(repo.path(), &["check", ".", "--shard", "1/2"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--partial-out"), "{}", stderr(&out));
    let out = gate(
        repo.path(),
        &["check", ".", "--shard", "3/2", "--partial-out", "p.json"],
    );
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("1 <= I <= N"), "{}", stderr(&out));
}

#[test]
fn merge_accepts_parts_of_another_commit_with_the_same_tree() {
    // Jenkins merges a pull request into its target on every agent: the same code
    // under merge commits with different hashes.
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    let dir = tempfile::tempdir().unwrap();
    let first = dir.path().join("a.json");
    shard(root, "1/2", &first);
    git(
        root,
        &["commit", "-q", "--amend", "-m", "same tree, another commit"],
    );
    let second = dir.path().join("b.json");
    shard(root, "2/2", &second);
    let parts = [first, second].map(|p| p.to_str().unwrap().to_string());
    let out = merge(root, &parts, &["--format", "json"]);
    assert!(matches!(out.status.code(), Some(0 | 1)), "{}", stderr(&out));
}

/// The `gate` command lines of the sharded CI examples, with the CI's variables
/// filled in for shard `shard` of 4.
fn example_commands(shard: u32) -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let mut commands = Vec::new();
    for file in ["github/sharded.yml", "jenkins/Jenkinsfile.sharded"] {
        let text = fs::read_to_string(dir.join(file)).unwrap();
        for line in text.lines() {
            let code = line.trim_start();
            if code.starts_with('#') || code.starts_with("//") {
                continue;
            }
            let Some(at) = line
                .find("gate check ")
                .or_else(|| line.find("gate merge "))
            else {
                continue;
            };
            let command = line[at..]
                .trim_end_matches(['"', '\''])
                .replace("${{ matrix.shard }}", &shard.to_string())
                .replace("${shard}", &shard.to_string())
                .replace("${shards}", "4")
                .replace("\" +", "");
            commands.push(command);
        }
    }
    commands
}

#[test]
fn the_ci_examples_call_gate_as_it_is() {
    let all = example_commands(1);
    assert!(
        all.iter().any(|c| c.contains("--shard 1/4 --partial-out")),
        "{all:?}"
    );
    assert!(all.iter().any(|c| c.contains("--coverage-only")), "{all:?}");
    assert!(
        all.iter().filter(|c| c.starts_with("gate merge")).count() == 2,
        "{all:?}"
    );
    // Each partial command runs on the pull request and writes its part.
    let repo = sample_pull_request(|_| {});
    let root = repo.path();
    for shard in 1..=4 {
        for command in example_commands(shard)
            .iter()
            .filter(|c| c.starts_with("gate check"))
        {
            let args: Vec<&str> = command.split_whitespace().skip(1).collect();
            let out = gate(root, &args);
            assert_eq!(out.status.code(), Some(0), "{command}: {}", stderr(&out));
        }
    }
    // The merge's flags parse (publishing is skipped without a token; the verdict
    // decides the exit code).
    for command in all.iter().filter(|c| c.starts_with("gate merge")) {
        let args: Vec<String> = command
            .split_whitespace()
            .skip(1)
            .map(|a| a.replace("${sha}", "0000000000000000000000000000000000000000"))
            .flat_map(|a| {
                if a.contains('*') {
                    let mut parts: Vec<String> = fs::read_dir(root)
                        .unwrap()
                        .map(|e| e.unwrap().file_name().into_string().unwrap())
                        .filter(|n| n.starts_with("gate-part-"))
                        .collect();
                    parts.sort();
                    parts
                } else {
                    vec![a]
                }
            })
            .collect();
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = gate(root, &args);
        assert!(
            matches!(out.status.code(), Some(0 | 1)),
            "{command}: {}",
            stderr(&out)
        );
    }
}
