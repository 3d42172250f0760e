//! Rules: a rule file (`rules/<language>/<id>.toml`) is the rule's single source of
//! truth — metadata, documentation, the match and the examples that are its tests.
//! This module loads and validates rule files; the language engines compile the
//! match. The built-in files are compiled into the binary (see `build.rs`), so users
//! need no rules folder; `[rules] extra` folders are loaded at run time with the
//! same validation.

pub mod file;
mod markdown;
mod select;

use crate::model::{Language, RuleType, Severity};
use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

pub use crate::toml_errors::did_you_mean;
pub use file::RuleFileError;
pub use select::{EnabledRule, RulesConfig};

/// What a rule matches: a tree-sitter query (Java), names of Rust macros, methods,
/// paths or comment words, or a check written in code for what neither can express
/// (counting, type-ish reasoning), named and parameterised.
#[derive(Debug, Clone, PartialEq)]
pub enum Matcher {
    Query(SourceText),
    Builtin(String),
    Names(NameMatch),
}

/// A declarative Rust match: every invocation (or comment) that names one of
/// `names`. Teams write these in their own rule files; no code, no recompiling.
#[derive(Debug, Clone, PartialEq)]
pub struct NameMatch {
    pub kind: NameKind,
    /// As written in the rule file: `todo`, `unwrap`, `std::process::exit`, `FIXME`.
    pub names: Vec<String>,
    /// Only invocations without arguments (`panic!()`, not `panic!("why")`).
    pub without_arguments: bool,
}

/// What a [`NameMatch`] names; the rule-file key is the lowercase name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NameKind {
    /// `macro = ["dbg"]`: `dbg!(..)`, `std::dbg!(..)`.
    Macro,
    /// `method = ["unwrap"]`: `x.unwrap()`.
    Method,
    /// `path = ["std::process::exit"]`: `std::process::exit(1)`, `process::exit(1)`,
    /// and `exit(1)` where the file imports it.
    Path,
    /// `comment = ["TODO"]`: the word in a comment.
    Comment,
}

/// Code a rule leaves alone (`[match] context`), whatever its matcher.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Context {
    /// `not-in-tests`: in Rust, `#[cfg(test)]` items, `#[test]` functions, and files
    /// under `tests/`, `benches/` or `examples/`; in Java, test source files
    /// (`src/test/`, `*Test.java`; see `model::is_test_path`).
    NotInTests,
    /// `not-in-bin`: `main.rs`, `build.rs` and files under a `bin/` folder.
    NotInBin,
    /// `not-in-main`: the body of a function named `main`.
    NotInMain,
}

impl Context {
    pub const ALL: [Context; 3] = [Context::NotInTests, Context::NotInBin, Context::NotInMain];

    pub fn as_str(self) -> &'static str {
        match self {
            Context::NotInTests => "not-in-tests",
            Context::NotInBin => "not-in-bin",
            Context::NotInMain => "not-in-main",
        }
    }
}

/// Text taken from a rule file, with where it starts so that errors inside it (a
/// query's syntax error) can name the file's own line and column.
#[derive(Debug, Clone, PartialEq)]
pub struct SourceText {
    pub text: String,
    /// 1-based line and column in the rule file where `text` begins.
    pub line: usize,
    pub column: usize,
}

/// A noncompliant or compliant snippet; the test suite runs every one.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    pub noncompliant: bool,
    pub code: String,
    /// Lines (1-based, within `code`) the rule must flag; empty for compliant code.
    pub flagged: Vec<u32>,
    /// Parameters to run this example with, on top of the rule's defaults.
    pub params: Params,
    /// The file the code is taken to be in, relative to the root (`src/main.rs`),
    /// for rules whose `context` depends on it; `None` means a library file.
    pub path: Option<String>,
}

/// Keys other tools use for the same check, so migrating teams find their rule.
#[derive(Debug, Clone, Default, PartialEq, serde::Deserialize, serde::Serialize)]
#[serde(deny_unknown_fields)]
pub struct Equivalents {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sonar: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pmd: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub checkstyle: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub clippy: Option<String>,
}

/// Parameter values by name (e.g. `max = 7`). Defaults come from the rule file;
/// `gate.toml` may override them.
pub type Params = BTreeMap<String, toml::Value>;

#[derive(Debug, Clone, PartialEq)]
pub struct Rule {
    pub id: String,
    pub title: String,
    pub language: Language,
    pub severity: Severity,
    pub rule_type: RuleType,
    pub tags: Vec<String>,
    /// Finding message; `{name}` is replaced by the text of capture `@name` (or a
    /// value a built-in check provides).
    pub message: String,
    /// Markdown: what it finds, `## Why it matters`, `## How to fix`.
    pub description: String,
    pub equivalent: Equivalents,
    pub matcher: Matcher,
    /// Where the rule does not apply (Rust only); empty means everywhere.
    pub context: Vec<Context>,
    pub params: Params,
    pub examples: Vec<Example>,
    /// Where the rule came from: `built-in` or the file's path.
    pub origin: Origin,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    BuiltIn(&'static str),
    File(PathBuf),
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Origin::BuiltIn(p) => write!(f, "built-in {p}"),
            Origin::File(p) => write!(f, "{}", p.display()),
        }
    }
}

impl Rule {
    /// The integer parameter `name`, which load-time validation guarantees exists
    /// for the checks that ask for it.
    pub fn int_param(&self, params: &Params, name: &str) -> Option<i64> {
        params
            .get(name)
            .or_else(|| self.params.get(name))
            .and_then(toml::Value::as_integer)
    }
}

include!(concat!(env!("OUT_DIR"), "/builtin_rules.rs"));

/// The rules shipped inside the binary, sorted by language then id.
pub fn builtin() -> Result<Vec<Rule>, RuleFileError> {
    let mut rules = BUILTIN_RULES
        .iter()
        .map(|(path, text)| file::parse(text, Origin::BuiltIn(path), language_of_path(path)))
        .collect::<Result<Vec<_>, _>>()?;
    sort(&mut rules);
    Ok(rules)
}

/// Parses a folder's rule files, each given as where it is and its text.
pub fn parse_files(files: Vec<(PathBuf, String)>) -> Result<Vec<Rule>, RuleFileError> {
    files
        .into_iter()
        .map(|(path, text)| {
            let lang = language_of_path(&path.to_string_lossy());
            file::parse(&text, Origin::File(path), lang)
        })
        .collect()
}

/// Merges extra rules into the built-in ones; an id may be defined only once.
pub fn merge(mut rules: Vec<Rule>, extra: Vec<Rule>) -> Result<Vec<Rule>, RuleFileError> {
    for rule in extra {
        if let Some(existing) = rules.iter().find(|r| r.id == rule.id) {
            return Err(RuleFileError::at(
                &rule.origin,
                1,
                1,
                format!(
                    "rule id `{}` is already defined by {}; pick another id",
                    rule.id, existing.origin
                ),
            ));
        }
        rules.push(rule);
    }
    sort(&mut rules);
    Ok(rules)
}

fn sort(rules: &mut [Rule]) {
    rules.sort_by(|a, b| (a.language, &a.id).cmp(&(b.language, &b.id)));
}

/// The language a folder on the path names (`rules/java/x.toml` → Java).
fn language_of_path(path: &str) -> Option<Language> {
    path.split(['/', '\\'])
        .rev()
        .skip(1)
        .find_map(Language::parse)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builtin_rules_load_with_unique_ids_named_after_their_files() {
        let rules = builtin().expect("built-in rules are valid");
        assert!(rules.len() >= 10, "only {} rules", rules.len());
        // Ids are unique across languages: `[rules]` settings and `gate explain`
        // name a rule by its id alone.
        let mut ids: Vec<_> = rules.iter().map(|r| r.id.as_str()).collect();
        ids.sort_unstable();
        ids.dedup();
        assert_eq!(ids.len(), rules.len(), "duplicate rule ids");
        for rule in &rules {
            let Origin::BuiltIn(path) = &rule.origin else {
                panic!("{} is not built in", rule.id)
            };
            assert_eq!(
                *path,
                format!("rules/{}/{}.toml", rule.language, rule.id),
                "a rule's file is named after its id, in its language's folder"
            );
        }
    }

    #[test]
    fn every_rule_documents_why_and_how_and_has_both_kinds_of_example() {
        for rule in builtin().unwrap() {
            for heading in ["## Why it matters", "## How to fix"] {
                assert!(
                    rule.description.contains(heading),
                    "{}: description lacks `{heading}`",
                    rule.id
                );
            }
            assert!(
                rule.examples.iter().any(|e| e.noncompliant),
                "{}: no noncompliant example",
                rule.id
            );
            assert!(
                rule.examples.iter().any(|e| !e.noncompliant),
                "{}: no compliant example",
                rule.id
            );
        }
    }

    #[test]
    fn did_you_mean_finds_close_names_only() {
        let ids = ["empty-catch-block", "todo-comment"];
        assert_eq!(did_you_mean("empty-catch", ids), Some("empty-catch-block"));
        assert_eq!(did_you_mean("zzz", ids), None);
    }

    #[test]
    fn language_comes_from_the_folder() {
        assert_eq!(language_of_path("rules/java/x.toml"), Some(Language::Java));
        assert_eq!(
            language_of_path("team/rust/deep/x.toml"),
            Some(Language::Rust)
        );
        assert_eq!(language_of_path("team/x.toml"), None);
    }
}
