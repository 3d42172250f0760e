//! One function per fuzz target: feeds bytes a pull request could hold to one of
//! gate's parsers through its public API, the way `gate check` does. The fuzz
//! targets (`fuzz_targets/*.rs`) call these under libFuzzer; `tests/fuzz_corpus.rs`
//! replays every committed corpus and regression input through the same functions on
//! stable Rust, so an input that ever crashed stays covered by `cargo test`.
//!
//! A function may return any error: what must never happen is a panic, an abort or a
//! hang. Errors are rendered, since building a message (line and column of an offset,
//! a did-you-mean) is code a hostile input reaches too.

use gate::analysis::Analyzer;
use gate::config::Loaded;
use gate::model::{Language, SourceFile};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::OnceLock;

/// A fuzz target's function.
type Target = fn(&[u8]);

/// The targets, each with the folder of its corpus under `fuzz/corpus/`.
pub const TARGETS: &[(&str, Target)] = &[
    ("jacoco", coverage_report),
    ("lcov", coverage_report),
    ("cobertura", coverage_report),
    ("diff", unified_diff),
    ("config", config),
    ("rule", rule_file),
    ("partial", partial),
    ("event", event),
    ("java", java),
    ("rust", rust),
];

/// A coverage report of any format (the format is sniffed from the content, as for
/// `--coverage`), mapped onto a small repository.
pub fn coverage_report(data: &[u8]) {
    let report = TempFile::new("report", data);
    let repo_files = [
        "src/main/java/com/example/Calculator.java",
        "src/main/java/com/example/Strings.java",
        "src/lib.rs",
    ]
    .map(str::to_owned);
    let config = gate::coverage::CoverageConfig::default();
    match gate::coverage::load_reports(
        report.dir(),
        std::slice::from_ref(&report.path),
        &config,
        &repo_files,
    ) {
        Ok(coverage) => drop(format!("{coverage:?}")),
        Err(e) => drop(e.to_string()),
    }
}

/// A unified diff, as `--diff` reads it.
pub fn unified_diff(data: &[u8]) {
    match gate::diff::unified::parse(data) {
        Ok(changed) => drop(format!("{changed:?}")),
        Err(e) => drop(e.to_string()),
    }
}

/// A `gate.toml`: loaded, its thresholds validated, its rule selection resolved
/// against the built-in rules.
pub fn config(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // Loaded::load refuses non-UTF-8 before parsing.
    };
    match Loaded::parse(text.to_owned(), PathBuf::from("gate.toml")) {
        Ok(loaded) => {
            drop(loaded.config.gate.conditions());
            if let Err(e) = loaded.extra_rule_dirs() {
                drop(e.to_string());
            }
            match loaded.enabled_rules(builtin_rules()) {
                Ok(rules) => drop(rules.len()),
                Err(e) => drop(e.to_string()),
            }
        }
        Err(e) => drop(e.to_string()),
    }
}

/// A team's rule file (`[rules] extra`): parsed, its match compiled, and run over
/// a small file of its language.
pub fn rule_file(data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let origin = gate::rules::Origin::File(PathBuf::from("rules/java/fuzz.toml"));
    let rule = match gate::rules::file::parse(text, origin, Some(Language::Java)) {
        Ok(rule) => rule,
        Err(e) => return drop(e.to_string()),
    };
    let language = rule.language;
    let enabled = match Loaded::parse(String::new(), PathBuf::from("gate.toml"))
        .expect("the empty configuration loads")
        .enabled_rules(vec![rule])
    {
        Ok(enabled) => enabled,
        Err(e) => return drop(e.to_string()),
    };
    match Analyzer::new(enabled, false) {
        Ok(analyzer) => {
            let sample = match language {
                Language::Java => {
                    "class A { int f(int x) { if (x > 1) { return x * 42; } return 0; } }"
                }
                _ => "fn f(x: u32) -> u32 { if x > 1 { x * 42 } else { 0 } }",
            };
            let _ = analyse(&analyzer, language, sample);
        }
        Err(e) => drop(e.to_string()),
    }
}

/// A partial result that `gate merge` reads (written by a shard: an artifact a
/// pull request's workflow can replace).
pub fn partial(data: &[u8]) {
    let file = TempFile::new("partial.json", data);
    match gate::shard::read(&file.path) {
        Ok(partial) => drop(format!("{partial:?}")),
        Err(e) => drop(e.to_string()),
    }
}

/// The GitHub event payload (`GITHUB_EVENT_PATH`) of a pull request, read by both
/// the CI context and the publisher.
pub fn event(data: &[u8]) {
    let file = TempFile::new("event.json", data);
    let path = file.path.display().to_string();
    let env = |name: &str| match name {
        "GITHUB_ACTIONS" => Some("true".to_owned()),
        "GITHUB_EVENT_NAME" => Some("pull_request".to_owned()),
        "GITHUB_EVENT_PATH" => Some(path.clone()),
        "GITHUB_REPOSITORY" => Some("octo/repo".to_owned()),
        _ => None,
    };
    match gate::diff::ci::detect(&env) {
        Ok(context) => drop(format!("{context:?}")),
        Err(e) => drop(e.to_string()),
    }
    drop(gate::publish::actions::Event::read(&env));
}

/// A Java source file through every built-in Java rule.
pub fn java(data: &[u8]) {
    source(Language::Java, data);
}

/// A Rust source file through every built-in Rust rule.
pub fn rust(data: &[u8]) {
    source(Language::Rust, data);
}

fn source(language: Language, data: &[u8]) {
    let Ok(text) = std::str::from_utf8(data) else {
        return; // Not valid UTF-8: a diagnostic before any parser runs.
    };
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    let analyzer = ANALYZER.get_or_init(|| {
        let rules = Loaded::parse(String::new(), PathBuf::from("gate.toml"))
            .expect("the empty configuration loads")
            .enabled_rules(builtin_rules())
            .expect("the built-in rules are enabled");
        Analyzer::new(rules, false).expect("the built-in rules compile")
    });
    let _ = analyse(analyzer, language, text);
}

/// Runs `text` through the analyzer on the same kind of thread `gate check` uses
/// (its stack size), so a depth the binary survives is not reported as a crash.
fn analyse(analyzer: &Analyzer, language: Language, text: &str) -> usize {
    static POOL: OnceLock<rayon::ThreadPool> = OnceLock::new();
    let pool = POOL.get_or_init(|| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .stack_size(gate::analysis::STACK_BYTES)
            .build()
            .expect("a one-thread pool")
    });
    let rel = match language {
        Language::Java => "src/main/java/Fuzz.java",
        _ => "src/fuzz.rs",
    };
    let file = SourceFile {
        abs: PathBuf::from(rel),
        rel: rel.to_owned(),
        language,
    };
    let analysis = pool.install(|| analyzer.analyze(&[], &[(file, text.to_owned())], &|| {}));
    analysis.base_findings.len()
}

fn builtin_rules() -> Vec<gate::rules::Rule> {
    gate::rules::builtin().expect("the built-in rules parse")
}

/// A file holding the input, removed when dropped; unique per call so that the
/// replay test's threads do not share one.
struct TempFile {
    path: PathBuf,
}

impl TempFile {
    fn new(name: &str, data: &[u8]) -> TempFile {
        static DIR: OnceLock<PathBuf> = OnceLock::new();
        static COUNT: AtomicUsize = AtomicUsize::new(0);
        let dir = DIR.get_or_init(|| {
            let dir = std::env::temp_dir().join(format!("gate-fuzz-{}", std::process::id()));
            std::fs::create_dir_all(&dir).expect("a temporary folder");
            dir
        });
        let n = COUNT.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!("{n}-{name}"));
        std::fs::write(&path, data).expect("the input is written");
        TempFile { path }
    }

    fn dir(&self) -> &Path {
        self.path.parent().expect("a file in a folder")
    }
}

impl Drop for TempFile {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
