//! Replays every fuzz target's committed corpus (`fuzz/corpus/<target>/`, minimised
//! with `cargo fuzz cmin`) and every input that once crashed or hung
//! (`fuzz/regressions/<target>/`) through the same harness the fuzzer runs, on
//! stable Rust: what libFuzzer found stays fixed. See fuzz/README.md.

#[path = "../fuzz/harness.rs"]
mod harness;

use std::path::Path;

fn inputs(folder: &str, target: &str) -> Vec<std::path::PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("fuzz")
        .join(folder)
        .join(target);
    let Ok(entries) = std::fs::read_dir(&dir) else {
        return Vec::new();
    };
    let mut files: Vec<_> = entries
        .map(|e| e.expect("a corpus entry").path())
        .filter(|p| p.is_file())
        .collect();
    files.sort();
    files
}

#[test]
fn every_target_has_a_seed_corpus() {
    for (target, _) in harness::TARGETS {
        let corpus = inputs("corpus", target);
        assert!(
            corpus.len() >= 3,
            "fuzz/corpus/{target} holds {} input(s); seed it from the fixtures (fuzz/README.md)",
            corpus.len()
        );
    }
}

#[test]
fn every_corpus_and_regression_input_runs_cleanly() {
    let mut replayed = 0;
    for (target, run) in harness::TARGETS {
        for path in inputs("corpus", target)
            .into_iter()
            .chain(inputs("regressions", target))
        {
            let data = std::fs::read(&path).expect("a readable input");
            // A panic here names the input: rerun it with `cargo fuzz run <target> <file>`.
            eprintln!("{target}: {}", path.display());
            run(&data);
            replayed += 1;
        }
    }
    assert!(
        replayed >= 3 * harness::TARGETS.len(),
        "only {replayed} inputs replayed"
    );
}
