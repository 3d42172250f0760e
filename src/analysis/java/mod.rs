//! The Java engine: tree-sitter-java parses each file once, and one `TreeCursor`
//! walk visits every node once. At each node the engine looks up the node's kind
//! and runs only what starts there: that kind's own compiled query (all query
//! rules' patterns rooted at this kind, anchored at the node) and the built-in
//! checks that subscribed to it; when the walk leaves a node, the checks that
//! asked for its end. A check that counts over a method or a file keeps its own
//! memory for the file (`Cx::memory`) instead of walking the tree again, and
//! a check that wants one token of a kind subscribes to the token (`==`, `/`)
//! rather than to every node of the kind. Children by field are looked up once
//! per node for all guards and checks (`Cx::child`). The
//! walk skips the inside of nodes under which nothing anyone asked for can
//! occur (`skip`). The same walk collects suppression comments and
//! `@SuppressWarnings`, and counts syntax-error regions.

mod checks;
mod guard;
mod kinds;
pub mod query;
mod skip;

use super::template::Template;
use super::{Engine, FileReport, Hit, Pos, Unparsed};
use crate::rules::EnabledRule;
use crate::rules::{Matcher, RuleFileError};
use query::{Predicate, Root};
use std::cell::RefCell;
use tree_sitter::{Language, Node, Parser, Query, QueryCursor, StreamingIterator};

pub use checks::{Check, Cx, Fields, Memory};
use kinds::kinds;

/// Deepest syntax tree (nodes from the root, as `deepest` counts them) whose
/// file gate analyses. The checks' helpers (`is_floating`, `evidence`,
/// `operands`, …) recurse once or more per level of an expression, and some
/// of them at every level, so depth costs stack and time; past this a file is
/// reported instead (30,000 levels overflowed an 8 MiB stack). Real code stays
/// far below: java.base's 3,102 files peak at 1,111 (a long `+` chain), all
/// but 13 (character tables, charset mappings) at 100 or less.
pub const MAX_DEPTH: u32 = 10_000;

/// The compiled Java rules of a run.
pub struct JavaEngine {
    language: Language,
    /// Indexed by node kind id: which entry of `kinds` runs at such nodes.
    dispatch: Vec<Option<u16>>,
    kinds: Vec<KindRules>,
    /// Built-in checks with the rule they serve and its message.
    checks: Vec<(usize, Box<dyn Check>, Template)>,
    comment_kinds: [u16; 2],
    /// Kinds whose inside the walk skips.
    closed: skip::Closed,
    /// Rules with `context = "not-in-tests"`: their hits in test files are dropped.
    not_in_tests: Vec<usize>,
}

/// What the checks of one file's walk share.
struct Walk<'a, 't> {
    text: &'a str,
    /// Per check.
    memories: &'a [Memory],
    fields: &'a RefCell<Fields<'t>>,
}

/// Everything that starts at one node kind.
struct KindRules {
    query: Option<Query>,
    /// The capture `@match` of `query`, where its hits are reported.
    match_capture: Option<u32>,
    /// Per pattern of `query`: whose it is and what to check.
    patterns: Vec<PatternInfo>,
    /// Indexes into the engine's `checks`.
    checks: Vec<usize>,
    /// The checks that want to see the end of such nodes.
    exits: Vec<usize>,
}

struct PatternInfo {
    /// Index of the rule in the analyzer's list.
    rule: usize,
    /// What must hold at a node for the pattern to match there.
    guard: guard::Guard,
    predicates: Vec<Predicate>,
    message: Template,
}

thread_local! {
    /// A parser and a query cursor per rayon worker: both are reused across files.
    static STATE: RefCell<(Parser, QueryCursor)> = RefCell::new((Parser::new(), QueryCursor::new()));
}

impl JavaEngine {
    /// Compiles the Java rules: `(index in the analyzer's list, rule)`.
    pub fn new(rules: &[(usize, &EnabledRule)]) -> Result<JavaEngine, RuleFileError> {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        let kind_count = language.node_kind_count();
        // Per kind id: pattern texts with their info, and checks.
        let mut pattern_texts: Vec<Vec<(String, PatternInfo)>> =
            (0..kind_count).map(|_| Vec::new()).collect();
        let mut kind_checks: Vec<Vec<usize>> = (0..kind_count).map(|_| Vec::new()).collect();
        let mut kind_exits: Vec<Vec<usize>> = (0..kind_count).map(|_| Vec::new()).collect();
        let mut check_impls: Vec<(usize, Box<dyn Check>, Template)> = Vec::new();

        for &(index, enabled) in rules {
            let rule = &enabled.rule;
            let fail = |line: usize, column: usize, message: String| {
                RuleFileError::at(&rule.origin, line, column, message)
            };
            let template = Template::parse(&rule.message);
            match &rule.matcher {
                Matcher::Query(source) => {
                    let query = Query::new(&language, &source.text).map_err(|e| {
                        let column = if e.row == 0 {
                            source.column + e.column
                        } else {
                            e.column + 1
                        };
                        fail(
                            source.line + e.row,
                            column,
                            format!("invalid query: {}", query_error(&e)),
                        )
                    })?;
                    let at = |byte: usize| {
                        let before = &source.text[..byte];
                        let row = before.matches('\n').count();
                        let col = byte - before.rfind('\n').map_or(0, |i| i + 1);
                        (
                            source.line + row,
                            if row == 0 {
                                source.column + col
                            } else {
                                col + 1
                            },
                        )
                    };
                    for hole in template.holes() {
                        if query.capture_index_for_name(hole).is_none() {
                            return Err(fail(
                                source.line,
                                source.column,
                                format!("the message uses `{{{hole}}}` but the query has no capture `@{hole}`"),
                            ));
                        }
                    }
                    for p in 0..query.pattern_count() {
                        let (start, end) = (
                            query.start_byte_for_pattern(p),
                            query.end_byte_for_pattern(p),
                        );
                        let text = &source.text[start..end];
                        let (line, column) = at(start);
                        let predicates =
                            Predicate::parse_all(&query, p).map_err(|m| fail(line, column, m))?;
                        let root = query::pattern_root(text).map_err(|m| fail(line, column, m))?;
                        let ids = kind_ids(&language, &root);
                        if ids.is_empty() {
                            return Err(fail(
                                line,
                                column,
                                "this pattern can start at no Java node".to_string(),
                            ));
                        }
                        for id in ids {
                            pattern_texts[id].push((
                                text.to_string(),
                                PatternInfo {
                                    rule: index,
                                    guard: guard::Guard::of(text, &language),
                                    predicates: predicates.clone(),
                                    message: template.clone(),
                                },
                            ));
                        }
                    }
                }
                // The rule-file parser admits name lists only for Rust.
                Matcher::Names(_) => {
                    return Err(fail(
                        1,
                        1,
                        "a Java rule matches with `query` or `builtin`".to_string(),
                    ))
                }
                Matcher::Builtin(name) => {
                    let check =
                        checks::build(name, rule, &enabled.params).map_err(|m| fail(1, 1, m))?;
                    for hole in template.holes() {
                        if !check.values().contains(&hole) {
                            return Err(fail(
                                1,
                                1,
                                format!(
                                    "the message uses `{{{hole}}}` but built-in `{name}` provides only: {}",
                                    check.values().join(", ")
                                ),
                            ));
                        }
                    }
                    let slot = check_impls.len();
                    let ids = |kind: &&str| {
                        let named = kinds::is_named(kind);
                        kind_ids(&language, &Root::Kinds(vec![(kind.to_string(), named)]))
                    };
                    for id in check.kinds().iter().flat_map(ids) {
                        kind_checks[id].push(slot);
                    }
                    for id in check.exit_kinds().iter().flat_map(ids) {
                        kind_exits[id].push(slot);
                    }
                    check_impls.push((index, check, template));
                }
            }
        }

        let mut dispatch = vec![None; kind_count];
        let mut kinds = Vec::new();
        for id in 0..kind_count {
            let texts = std::mem::take(&mut pattern_texts[id]);
            let checks = std::mem::take(&mut kind_checks[id]);
            let exits = std::mem::take(&mut kind_exits[id]);
            if texts.is_empty() && checks.is_empty() && exits.is_empty() {
                continue;
            }
            let query = if texts.is_empty() {
                None
            } else {
                let combined: String = texts
                    .iter()
                    .map(|(t, _)| t.as_str())
                    .collect::<Vec<_>>()
                    .join("\n");
                Some(Query::new(&language, &combined).map_err(|e| {
                    RuleFileError::at(
                        &crate::rules::Origin::BuiltIn("(combined)"),
                        e.row + 1,
                        e.column + 1,
                        e.message,
                    )
                })?)
            };
            let mut patterns: Vec<PatternInfo> = texts.into_iter().map(|(_, info)| info).collect();
            if let Some(query) = &query {
                // A rule's own predicates name its own query's capture indexes;
                // the combined query numbers captures afresh, so read them again.
                for (index, info) in patterns.iter_mut().enumerate() {
                    info.predicates = Predicate::parse_all(query, index).map_err(|m| {
                        RuleFileError::at(&crate::rules::Origin::BuiltIn("(combined)"), 1, 1, m)
                    })?;
                }
            }
            dispatch[id] = Some(kinds.len() as u16);
            kinds.push(KindRules {
                match_capture: query
                    .as_ref()
                    .and_then(|q| q.capture_index_for_name("match")),
                query,
                patterns,
                checks,
                exits,
            });
        }
        let comment_kinds = [
            language.id_for_node_kind("line_comment", true),
            language.id_for_node_kind("block_comment", true),
        ];
        let annotations = [kinds::kinds().annotation, kinds::kinds().marker_annotation];
        let interesting: Vec<bool> = (0..kind_count)
            .map(|id| {
                dispatch[id].is_some()
                    || annotations.contains(&(id as u16))
                    || comment_kinds.contains(&(id as u16))
            })
            .collect();
        Ok(JavaEngine {
            closed: skip::Closed::new(&language, &interesting),
            language,
            dispatch,
            kinds,
            checks: check_impls,
            comment_kinds,
            not_in_tests: rules
                .iter()
                .filter(|(_, r)| r.rule.context.contains(&crate::rules::Context::NotInTests))
                .map(|(index, _)| *index)
                .collect(),
        })
    }

    fn walk(&self, root: Node, text: &str, cursor: &mut QueryCursor, report: &mut FileReport) {
        let src = text.as_bytes();
        let marks = skip::Marks::of(src);
        let has_errors = root.has_error();
        let k = kinds();
        let mut walker = root.walk();
        // The nodes from the root down to the current node's parent: checks and
        // predicates read ancestors here instead of `Node::parent`, which searches
        // down from the root at every call.
        let mut ancestors: Vec<Node> = Vec::with_capacity(64);
        let memories: Vec<Memory> = self.checks.iter().map(|_| RefCell::default()).collect();
        let fields = RefCell::new(Fields::default());
        checks::forget_declarations();
        let state = Walk {
            text,
            memories: &memories,
            fields: &fields,
        };
        loop {
            let node = walker.node();
            let kind = node.kind_id();
            let entry = self.entry(kind);
            if let Some(entry) = entry {
                self.run_kind(entry, (node, kind), &ancestors, &state, cursor, report);
            }
            if self.comment_kinds.contains(&kind) {
                self.comment(node, src, text, report);
            } else if kind == k.annotation || kind == k.marker_annotation {
                suppress_warnings(node, &ancestors, text, report);
            }
            if has_errors && (node.is_error() || node.is_missing()) {
                report
                    .syntax_errors
                    .push(node.start_position().row as u32 + 1);
            }
            // Error subtrees are still walked: tree-sitter recovered around them.
            if !self.closed.skips(node, &marks) && walker.goto_first_child() {
                ancestors.push(node);
                continue;
            }
            if let Some(entry) = entry {
                self.run_checks(&entry.exits, true, (node, kind), &ancestors, &state, report);
            }
            loop {
                if walker.goto_next_sibling() {
                    break;
                }
                if !walker.goto_parent() {
                    return;
                }
                let Some(parent) = ancestors.pop() else {
                    return;
                };
                let kind = parent.kind_id();
                if let Some(entry) = self.entry(kind) {
                    self.run_checks(
                        &entry.exits,
                        true,
                        (parent, kind),
                        &ancestors,
                        &state,
                        report,
                    );
                }
            }
        }
    }

    fn entry(&self, kind: u16) -> Option<&KindRules> {
        match self.dispatch.get(kind as usize) {
            Some(&Some(entry)) => Some(&self.kinds[entry as usize]),
            _ => None,
        }
    }

    /// The built-in checks in `slots` at `node`: their `check`, or their `exit`
    /// once the walk has left the node.
    fn run_checks<'t>(
        &self,
        slots: &[usize],
        exit: bool,
        (node, kind): (Node<'t>, u16),
        ancestors: &[Node<'t>],
        state: &Walk<'_, 't>,
        report: &mut FileReport,
    ) {
        for &slot in slots {
            let (rule, check, template) = &self.checks[slot];
            let cx = Cx {
                text: state.text,
                kind,
                ancestors,
                memory: &state.memories[slot],
                fields: state.fields,
            };
            let mut emit = |target, values: checks::Values| {
                report
                    .hits
                    .push(hit(*rule, target, render(template, values)));
            };
            if exit {
                check.exit(node, &cx, &mut emit);
            } else {
                check.check(node, &cx, &mut emit);
            }
        }
    }

    fn run_kind<'t>(
        &self,
        entry: &KindRules,
        (node, kind): (Node<'t>, u16),
        ancestors: &[Node<'t>],
        state: &Walk<'_, 't>,
        cursor: &mut QueryCursor,
        report: &mut FileReport,
    ) {
        let text = state.text;
        let admitted = || {
            let mut fields = state.fields.borrow_mut();
            entry
                .patterns
                .iter()
                .any(|info| info.guard.admits(node, ancestors, text, &mut fields))
        };
        if let Some(query) = entry.query.as_ref().filter(|_| admitted()) {
            cursor.set_max_start_depth(Some(0));
            let mut matches = cursor.matches(query, node, text.as_bytes());
            while let Some(m) = matches.next() {
                let info = &entry.patterns[m.pattern_index];
                let capture = |c: u32| {
                    m.captures()
                        .iter()
                        .find(|cap| cap.index == c)
                        .map(|cap| cap.node)
                };
                if !info
                    .predicates
                    .iter()
                    .all(|p| p.holds(&capture, node, ancestors))
                {
                    continue;
                }
                let target = entry.match_capture.and_then(capture).unwrap_or(node);
                let message = info.message.render(&|name| {
                    let index = query.capture_index_for_name(name)?;
                    capture(index).map(|n| text[n.byte_range()].to_string())
                });
                report.hits.push(hit(info.rule, target, message));
            }
        }
        self.run_checks(&entry.checks, false, (node, kind), ancestors, state, report);
    }

    fn comment(&self, node: Node, src: &[u8], text: &str, report: &mut FileReport) {
        let start = node.start_byte();
        let line_start = src[..start]
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |i| i + 1);
        let own_line = src[line_start..start]
            .iter()
            .all(|b| b.is_ascii_whitespace());
        report.suppressions.comment(
            &text[node.byte_range()],
            node.start_position().row as u32 + 1,
            node.end_position().row as u32 + 1,
            own_line,
        );
    }
}

impl Engine for JavaEngine {
    fn analyze(&self, text: &str, path: &str, parse_only: bool) -> FileReport {
        let mut report = FileReport::default();
        STATE.with(|state| {
            let (parser, cursor) = &mut *state.borrow_mut();
            if parser.language().is_none() {
                // Setting the language fails only on an ABI mismatch, which the
                // test suite would catch; report it as an unparsed file anyway.
                if parser.set_language(&self.language).is_err() {
                    report.syntax_errors.push(1);
                    return;
                }
            }
            let Some(tree) = parser.parse(text, None) else {
                report.syntax_errors.push(1);
                return;
            };
            let root = tree.root_node();
            // A tree of fewer nodes than the bound cannot be deeper (O(1) to ask).
            let (depth, at) = if root.descendant_count() > MAX_DEPTH as usize {
                deepest(root)
            } else {
                (0, root)
            };
            if depth > MAX_DEPTH {
                let start = at.start_position();
                let line_start = at.start_byte() - start.column;
                report.unparsed = Some(Unparsed {
                    line: start.row as u32 + 1,
                    column: text[line_start..at.start_byte()].chars().count() as u32 + 1,
                    message: super::too_deep(depth, MAX_DEPTH),
                });
            } else if !parse_only {
                self.walk(root, text, cursor, &mut report);
            }
        });
        if !self.not_in_tests.is_empty() && crate::model::is_test_path(path) {
            report.hits.retain(|h| !self.not_in_tests.contains(&h.rule));
        }
        report
    }
}

/// tree-sitter's query errors as sentences (its messages are often a bare name).
fn query_error(e: &tree_sitter::QueryError) -> String {
    use tree_sitter::QueryErrorKind as K;
    let m = e.message.trim().trim_matches('"');
    match e.kind {
        K::NodeType => format!("unknown node kind `{m}` (Java's kinds: https://github.com/tree-sitter/tree-sitter-java/blob/master/src/node-types.json)"),
        K::Field => format!("unknown field `{m}`"),
        K::Capture => format!("unknown capture `@{m}`"),
        K::Predicate => format!("bad predicate: {m}"),
        K::Structure => format!("impossible pattern: this structure cannot occur in Java's syntax tree near `{}`", m.lines().next().unwrap_or(m)),
        K::Syntax => format!("syntax error near `{}`", m.lines().next().unwrap_or(m)),
        _ => m.to_string(),
    }
}

/// A check's message with its values.
fn render(template: &Template, values: checks::Values) -> String {
    template.render(&|name| {
        values
            .iter()
            .find(|(k, _)| *k == name)
            .map(|(_, v)| v.clone())
    })
}

fn hit(rule: usize, node: Node, message: String) -> Hit {
    let (s, e) = (node.start_position(), node.end_position());
    Hit {
        rule,
        start: Pos {
            line: s.row as u32,
            byte_column: s.column as u32,
        },
        end: Pos {
            line: e.row as u32,
            byte_column: e.column as u32,
        },
        message,
    }
}

/// Every kind id a pattern root names (a name may have several ids: aliases).
fn kind_ids(language: &Language, root: &Root) -> Vec<usize> {
    let count = language.node_kind_count();
    (0..count)
        .filter(|&id| {
            let id16 = id as u16;
            match root {
                Root::Any => language.node_kind_is_visible(id16),
                Root::Kinds(kinds) => kinds.iter().any(|(name, named)| {
                    language.node_kind_is_named(id16) == *named
                        && language.node_kind_is_visible(id16)
                        && language.node_kind_for_id(id16) == Some(name.as_str())
                }),
            }
        })
        .collect()
}

/// `@SuppressWarnings("gate:rule")` on a declaration: record the declaration's lines.
fn suppress_warnings(node: Node, ancestors: &[Node], text: &str, report: &mut FileReport) {
    let Some(name) = node.child_by_field_name("name") else {
        return;
    };
    let name = &text[name.byte_range()];
    if name != "SuppressWarnings" && name != "java.lang.SuppressWarnings" {
        return;
    }
    // annotation → modifiers → the declaration it annotates.
    let Some(&declaration) = ancestors.len().checked_sub(2).map(|i| &ancestors[i]) else {
        return;
    };
    let mut values = Vec::new();
    collect_strings(node, text, &mut values);
    report.suppressions.annotation(
        declaration.start_position().row as u32 + 1,
        declaration.end_position().row as u32 + 1,
        values.into_iter(),
    );
}

/// The string fragments under `node`, in order.
fn collect_strings<'t>(node: Node, text: &'t str, out: &mut Vec<&'t str>) {
    let mut cursor = node.walk();
    let mut depth = 0usize;
    loop {
        let here = cursor.node();
        if here.kind_id() == kinds().string_fragment {
            out.push(&text[here.byte_range()]);
        } else if cursor.goto_first_child() {
            depth += 1;
            continue;
        }
        while !cursor.goto_next_sibling() {
            if depth == 0 || !cursor.goto_parent() {
                return;
            }
            depth -= 1;
        }
    }
}

/// How deep the tree under `root` goes (the root's children are at 1), and
/// the first node that deep. tree-sitter builds even a million nested
/// parentheses without recursion; this walk does not recurse either.
fn deepest(root: Node) -> (u32, Node) {
    let mut cursor = root.walk();
    let (mut depth, mut max, mut at) = (0u32, 0u32, root);
    loop {
        if cursor.goto_first_child() {
            depth += 1;
            if depth > max {
                (max, at) = (depth, cursor.node());
            }
            continue;
        }
        while !cursor.goto_next_sibling() {
            if !cursor.goto_parent() {
                return (max, at);
            }
            depth -= 1;
        }
    }
}

#[cfg(test)]
mod tests;
