//! The Rust engine: syn parses each file once into a full syntax tree, and one
//! `syn::visit` pass over it serves every Rust rule. At each node the walk runs
//! only what listens there: the name lists of declarative rules (macros, methods,
//! paths; see `rules::NameMatch`) and the built-in checks subscribed to that kind
//! of node (`checks`). syn drops comments, so a byte scan of the file (`lexer`)
//! finds them, for suppressions, TODO words and `// SAFETY:` notes, and measures
//! how deep the file nests before syn recurses into it.
//!
//! Test code is known from the path (`tests/`, `benches/`, `examples/`) and from
//! `#[cfg(test)]` and `#[test]`-like attributes; binaries from `main.rs`,
//! `build.rs` and `bin/`. A rule's `context` says where it does not apply.

mod checks;
mod lexer;
mod walk;

use super::template::Template;
use super::{Engine, FileReport, Unparsed};
use crate::rules::EnabledRule;
use crate::rules::{Context, Matcher, NameKind, RuleFileError};
use checks::{Check, Kind};
use lexer::Scan;

/// Deepest nesting (as `lexer::Scan` counts it) syn is given. syn's parser, its
/// visitor and the tree's drop recurse once or more per level, a debug build
/// using up to about 64 KiB of stack per level (a `Box<dyn Fn() -> …>` chain);
/// past this a file is reported instead of risking the stack. Real code stays
/// far below: the 9,600 files of the crates this project builds on peak at 217
/// (a 140-value or-pattern), most under 60.
pub const MAX_DEPTH: u32 = 1000;

/// The compiled Rust rules of a run.
pub struct RustEngine {
    rules: Vec<Compiled>,
    macros: Vec<NameEntry>,
    methods: Vec<NameEntry>,
    paths: Vec<NameEntry>,
    words: Vec<NameEntry>,
    /// Built-in checks with the rule (index into `rules`) they serve.
    checks: Vec<(usize, Box<dyn Check>)>,
    /// Per [`Kind`]: indexes into `checks`.
    by_kind: [Vec<usize>; Kind::COUNT],
}

/// One rule as the walk needs it.
struct Compiled {
    /// Index of the rule in the analyzer's list.
    index: usize,
    context: Vec<Context>,
    message: Template,
}

/// One name of a declarative rule, split into path segments.
struct NameEntry {
    /// Index into the engine's `rules`.
    rule: usize,
    segments: Vec<String>,
    without_arguments: bool,
}

impl NameEntry {
    /// Whether an invocation with (or without) arguments may match.
    fn admits(&self, has_arguments: bool) -> bool {
        !(self.without_arguments && has_arguments)
    }
}

impl RustEngine {
    /// Compiles the Rust rules: `(index in the analyzer's list, rule)`.
    pub fn new(rules: &[(usize, &EnabledRule)]) -> Result<RustEngine, RuleFileError> {
        let mut engine = RustEngine {
            rules: Vec::new(),
            macros: Vec::new(),
            methods: Vec::new(),
            paths: Vec::new(),
            words: Vec::new(),
            checks: Vec::new(),
            by_kind: Default::default(),
        };
        for &(index, enabled) in rules {
            let rule = &enabled.rule;
            let fail = |message: String| RuleFileError::at(&rule.origin, 1, 1, message);
            let message = Template::parse(&rule.message);
            let local = engine.rules.len();
            match &rule.matcher {
                Matcher::Names(names) => {
                    if let Some(hole) = message.holes().find(|h| *h != "name") {
                        return Err(fail(format!(
                            "the message uses `{{{hole}}}` but a name match provides only `{{name}}`"
                        )));
                    }
                    let list = match names.kind {
                        NameKind::Macro => &mut engine.macros,
                        NameKind::Method => &mut engine.methods,
                        NameKind::Path => &mut engine.paths,
                        NameKind::Comment => &mut engine.words,
                    };
                    list.extend(names.names.iter().map(|n| NameEntry {
                        rule: local,
                        segments: if names.kind == NameKind::Comment {
                            vec![n.clone()]
                        } else {
                            n.split("::").map(str::to_string).collect()
                        },
                        without_arguments: names.without_arguments,
                    }));
                }
                Matcher::Builtin(name) => {
                    let check = checks::build(name, rule, &enabled.params).map_err(fail)?;
                    if let Some(hole) = message.holes().find(|h| !check.values().contains(h)) {
                        return Err(fail(format!(
                            "the message uses `{{{hole}}}` but built-in `{name}` provides only: {}",
                            check.values().join(", ")
                        )));
                    }
                    let slot = engine.checks.len();
                    for kind in check.kinds() {
                        engine.by_kind[*kind as usize].push(slot);
                    }
                    engine.checks.push((local, check));
                }
                // The rule-file parser admits queries only for Java.
                Matcher::Query(_) => {
                    return Err(fail(
                        "a Rust rule matches with names or a `builtin`, not a query".to_string(),
                    ))
                }
            }
            engine.rules.push(Compiled {
                index,
                context: rule.context.clone(),
                message,
            });
        }
        Ok(engine)
    }
}

impl Engine for RustEngine {
    fn analyze(&self, text: &str, path: &str, parse_only: bool) -> FileReport {
        let mut report = FileReport::default();
        let scan = Scan::of(text);
        if scan.max_depth > MAX_DEPTH {
            let (line, column) = scan.deepest_at;
            report.unparsed = Some(Unparsed {
                line,
                column,
                message: super::too_deep(scan.max_depth, MAX_DEPTH),
            });
            return report;
        }
        match syn::parse_file(text) {
            Ok(file) => {
                if !parse_only {
                    walk::Walk::run(self, &file, text, path, &scan, &mut report);
                }
            }
            Err(e) => {
                let at = e.span().start();
                let line_text = scan.line_text(text, at.line as u32);
                report.unparsed = Some(Unparsed {
                    line: at.line as u32,
                    // syn counts characters from 0; a line past the text clamps.
                    column: at.column.min(line_text.chars().count()) as u32 + 1,
                    message: format!("syn cannot parse it: {e}"),
                });
            }
        }
        // The span table proc-macro2 keeps per thread grows with every file
        // parsed; nothing refers to this file's spans any more.
        proc_macro2::extra::invalidate_current_thread_spans();
        report
    }
}

#[cfg(test)]
mod tests;
