//! The GitHub Action, the example workflows and the Jenkins files: validated
//! with the tools GitHub users and Jenkins use (action-validator with GitHub's
//! schemas, Groovy's parser), and the README must show the validated files
//! byte for byte, so they cannot rot.

mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use support::{manifest_dir, node_bin};

fn validate(file: &Path) -> (bool, String) {
    let out = Command::new(node_bin("action-validator"))
        .arg(file)
        .current_dir(manifest_dir())
        .output()
        .unwrap();
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn examples() -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(manifest_dir().join("examples/github"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml"))
        .collect();
    files.sort();
    files
}

#[test]
fn action_yml_passes_action_validator() {
    let action = manifest_dir().join("action.yml");
    let (ok, log) = validate(&action);
    assert!(ok, "{log}");

    // The validator does reject a broken action (it picks the schema by file name).
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("action.yml");
    let text = fs::read_to_string(&action).unwrap();
    fs::write(
        &broken,
        text.replace("using: \"composite\"", "using: \"compsite\""),
    )
    .unwrap();
    assert!(!validate(&broken).0, "a misspelt `using` must fail");
}

#[test]
fn action_yml_has_the_documented_inputs_and_outputs() {
    let text = fs::read_to_string(manifest_dir().join("action.yml")).unwrap();
    let keys = |section: &str| -> Vec<String> {
        let body = text.split(&format!("\n{section}:\n")).nth(1).unwrap();
        body.lines()
            .take_while(|l| l.is_empty() || l.starts_with(' '))
            .filter(|l| l.starts_with("  ") && !l.starts_with("   "))
            .map(|l| l.trim().trim_end_matches(':').to_string())
            .collect()
    };
    assert_eq!(
        keys("inputs"),
        [
            "args",
            "config",
            "token",
            "base",
            "publish",
            "working-directory",
            "version"
        ]
    );
    assert_eq!(
        keys("outputs"),
        ["verdict", "coverage", "new-coverage", "new-issues"]
    );
    assert!(text.contains("branding:"));
    // The flags the action passes exist.
    let help = Command::new(env!("CARGO_BIN_EXE_gate"))
        .args(["check", "--help"])
        .output()
        .unwrap();
    let help = String::from_utf8_lossy(&help.stdout);
    for flag in [
        "--publish",
        "--config",
        "--base",
        "--github-pr",
        "--github-sha",
    ] {
        assert!(help.contains(flag), "{flag}");
    }
}

#[test]
fn example_workflows_pass_action_validator() {
    let files = examples();
    assert!(files.len() >= 4, "{files:?}");
    for file in files {
        let (ok, log) = validate(&file);
        assert!(ok, "{}: {log}", file.display());
        let text = fs::read_to_string(&file).unwrap();
        if !text.contains("publish: none") {
            for permission in ["checks: write", "pull-requests: write", "statuses: write"] {
                assert!(
                    text.contains(permission),
                    "{}: {permission}",
                    file.display()
                );
            }
        }
    }
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("broken.yml");
    let text = fs::read_to_string(manifest_dir().join("examples/github/rust.yml")).unwrap();
    fs::write(&broken, text.replace("runs-on:", "runs_on:")).unwrap();
    assert!(!validate(&broken).0, "a misspelt `runs-on` must fail");
}

#[test]
fn readme_shows_the_validated_files_verbatim() {
    let readme = fs::read_to_string(manifest_dir().join("README.md")).unwrap();
    let mut files = examples();
    files.push(manifest_dir().join("examples/jenkins/Jenkinsfile"));
    files.push(manifest_dir().join("examples/jenkins/Jenkinsfile.sharded"));
    for file in files {
        let text = fs::read_to_string(&file).unwrap();
        let fenced = format!("\n{text}```\n");
        assert!(
            readme.contains(&fenced),
            "README.md must show {} exactly as it is",
            file.display()
        );
    }
}

#[test]
fn jenkins_files_are_valid_groovy() {
    let files = [
        manifest_dir().join("examples/jenkins/Jenkinsfile"),
        manifest_dir().join("jenkins/vars/gateCheck.groovy"),
        manifest_dir().join("examples/jenkins/Jenkinsfile.sharded"),
    ];
    let check = manifest_dir().join("tools/groovy-syntax-check.sh");
    let run = |files: &[PathBuf]| {
        Command::new(&check).args(files).output().expect(
            "tools/groovy-syntax-check.sh runs (needs Debian's groovy; .ci/run installs it)",
        )
    };
    let out = run(&files);
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    let tmp = tempfile::tempdir().unwrap();
    let broken = tmp.path().join("Jenkinsfile");
    let text = fs::read_to_string(&files[0]).unwrap();
    fs::write(&broken, text.trim_end().trim_end_matches('}')).unwrap();
    assert!(
        !run(&[broken]).status.success(),
        "a missing brace must fail"
    );
    // The step and the example call gate with flags it knows.
    for file in &files {
        let text = fs::read_to_string(file).unwrap();
        assert!(
            text.contains("--publish github --github-sha"),
            "{}",
            file.display()
        );
    }
}
