//! Query rules: a rule's tree-sitter query is split into its patterns, and each
//! pattern is filed under the node kind it starts at. The engine then compiles one
//! query per kind and runs it only at nodes of that kind, anchored there, which
//! costs ~1.4× parse time instead of ~3.2× for one combined query over the whole
//! tree (ARCHITECTURE.md).
//!
//! Besides tree-sitter's own text predicates (`#eq?`, `#match?`, `#any-of?` …)
//! rules may use gate's structural predicates, listed in [`Predicate`].

use super::kinds::kinds;
use tree_sitter::{Language, Node, Query, QueryPredicateArg};

/// Where a pattern may start: node kinds by name (named or anonymous), or any node.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Root {
    Kinds(Vec<(String, bool)>),
    Any,
}

/// Structural predicates tree-sitter leaves to the host.
#[derive(Debug, Clone, PartialEq)]
pub enum Predicate {
    /// `(#empty? @c)`: the node has no named children, comments included.
    Empty { capture: u32, negate: bool },
    /// `(#blank? @c)`: the node has no named children but comments: a block with
    /// no statement, as Checkstyle's and PMD's empty-block checks see it.
    Blank { capture: u32, negate: bool },
    /// `(#inside? @c kind…)`: an ancestor of one of these kinds encloses the node
    /// within the same body of code (the search stops at lambdas and class bodies,
    /// so a `return` in a lambda is not "inside" the method's `finally`).
    Inside {
        capture: u32,
        kinds: KindSet,
        negate: bool,
    },
    /// `(#next-sibling? @c kind…)`: the next named sibling, comments skipped, is
    /// of one of these kinds (a `catch` clause followed by another one).
    NextSibling {
        capture: u32,
        kinds: KindSet,
        negate: bool,
    },
    /// `(#has-ancestor? @c kind…)`: any ancestor, however far.
    HasAncestor {
        capture: u32,
        kinds: KindSet,
        negate: bool,
    },
}

/// Node kinds by id: every visible kind id that has one of the names (a name
/// may have several ids).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindSet(Vec<u16>);

impl KindSet {
    pub fn of(names: &[String]) -> KindSet {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        KindSet(
            (0..language.node_kind_count() as u16)
                .filter(|&id| {
                    language.node_kind_is_visible(id)
                        && language
                            .node_kind_for_id(id)
                            .is_some_and(|k| names.iter().any(|n| n == k))
                })
                .collect(),
        )
    }

    pub fn contains(&self, id: u16) -> bool {
        self.0.contains(&id)
    }
}

/// Node kinds that start a new body of code: `inside?` does not look past them.
fn is_body_boundary(id: u16) -> bool {
    let k = kinds();
    id == k.lambda_expression
        || id == k.class_body
        || id == k.interface_body
        || id == k.enum_body
        || id == k.annotation_type_body
}

pub const PREDICATE_NAMES: &[&str] = &[
    "empty?",
    "not-empty?",
    "blank?",
    "not-blank?",
    "inside?",
    "not-inside?",
    "has-ancestor?",
    "not-has-ancestor?",
    "next-sibling?",
    "not-next-sibling?",
];

impl Predicate {
    /// A structural predicate by its base name (`inside?`, no `not-`).
    pub fn from_parts(base: &str, capture: u32, kinds: Vec<String>, negate: bool) -> Option<Self> {
        Some(match base {
            "empty?" if kinds.is_empty() => Predicate::Empty { capture, negate },
            "blank?" if kinds.is_empty() => Predicate::Blank { capture, negate },
            "inside?" if !kinds.is_empty() => Predicate::Inside {
                capture,
                kinds: KindSet::of(&kinds),
                negate,
            },
            "has-ancestor?" if !kinds.is_empty() => Predicate::HasAncestor {
                capture,
                kinds: KindSet::of(&kinds),
                negate,
            },
            "next-sibling?" if !kinds.is_empty() => Predicate::NextSibling {
                capture,
                kinds: KindSet::of(&kinds),
                negate,
            },
            _ => return None,
        })
    }

    /// Reads gate's predicates of `pattern`; an unknown operator or a wrong
    /// argument is an error message.
    pub fn parse_all(query: &Query, pattern: usize) -> Result<Vec<Predicate>, String> {
        query
            .general_predicates(pattern)
            .iter()
            .map(|p| {
                let op = &*p.operator;
                let negate = op.starts_with("not-");
                let base = op.strip_prefix("not-").unwrap_or(op);
                let capture = match p.args.first() {
                    Some(QueryPredicateArg::Capture(c)) => *c,
                    _ => return Err(format!("#{op} needs a capture as its first argument")),
                };
                let kinds = p.args[1..]
                    .iter()
                    .map(|a| match a {
                        QueryPredicateArg::String(s) => Ok(s.to_string()),
                        QueryPredicateArg::Capture(_) => {
                            Err(format!("#{op} takes node kinds after its capture, not captures"))
                        }
                    })
                    .collect::<Result<Vec<_>, _>>()?;
                match base {
                    "empty?" if kinds.is_empty() => Ok(Predicate::Empty { capture, negate }),
                    "blank?" if kinds.is_empty() => Ok(Predicate::Blank { capture, negate }),
                    "inside?" if !kinds.is_empty() => Ok(Predicate::Inside { capture, kinds: KindSet::of(&kinds), negate }),
                    "has-ancestor?" if !kinds.is_empty() => Ok(Predicate::HasAncestor { capture, kinds: KindSet::of(&kinds), negate }),
                    "next-sibling?" if !kinds.is_empty() => Ok(Predicate::NextSibling { capture, kinds: KindSet::of(&kinds), negate }),
                    "empty?" | "blank?" | "inside?" | "has-ancestor?" | "next-sibling?" => {
                        Err(format!("#{op} has the wrong arguments; see `gate explain` docs for rule files"))
                    }
                    _ => Err(format!(
                        "unknown predicate #{op}; gate knows tree-sitter's #eq?, #match?, #any-of? (and their not- forms) and #{}",
                        PREDICATE_NAMES.join(", #")
                    )),
                }
            })
            .collect()
    }

    /// Whether the predicate holds for a match anchored at `anchor`, whose
    /// ancestors (root first) are `ancestors`.
    pub fn holds<'t>(
        &self,
        nodes: &dyn Fn(u32) -> Option<Node<'t>>,
        anchor: Node<'t>,
        ancestors: &[Node<'t>],
    ) -> bool {
        let (Predicate::Empty { capture, .. }
        | Predicate::Blank { capture, .. }
        | Predicate::Inside { capture, .. }
        | Predicate::HasAncestor { capture, .. }
        | Predicate::NextSibling { capture, .. }) = self;
        nodes(*capture).is_some_and(|node| self.holds_at(node, anchor, ancestors, None))
    }

    /// On `node`, the anchor or one of its direct children (a guard's): its
    /// parent is known without `Node::parent`, which searches from the root.
    pub fn holds_near<'t>(&self, node: Node<'t>, anchor: Node<'t>, ancestors: &[Node<'t>]) -> bool {
        self.holds_at(node, anchor, ancestors, Some(anchor))
    }

    fn holds_at<'t>(
        &self,
        node: Node<'t>,
        anchor: Node<'t>,
        ancestors: &[Node<'t>],
        parent: Option<Node<'t>>,
    ) -> bool {
        let k = kinds();
        let is_comment = |n: Node| n.kind_id() == k.line_comment || n.kind_id() == k.block_comment;
        let up = || Ancestors::new(node, anchor, ancestors, parent);
        let (result, negate) = match self {
            Predicate::Empty { negate, .. } => (node.named_child_count() == 0, negate),
            // By index, not with a cursor (which allocates): most blocks that
            // are not blank say so at their first child.
            Predicate::Blank { negate, .. } => (
                (0..node.named_child_count())
                    .all(|i| node.named_child(i as u32).is_none_or(is_comment)),
                negate,
            ),
            Predicate::Inside { kinds, negate, .. } => {
                let mut found = false;
                for n in up() {
                    if kinds.contains(n.kind_id()) {
                        found = true;
                        break;
                    }
                    if is_body_boundary(n.kind_id()) {
                        break;
                    }
                }
                (found, negate)
            }
            Predicate::NextSibling { kinds, negate, .. } => {
                let mut next = node.next_named_sibling();
                while let Some(n) = next.filter(|n| is_comment(*n)) {
                    next = n.next_named_sibling();
                }
                (next.is_some_and(|n| kinds.contains(n.kind_id())), negate)
            }
            Predicate::HasAncestor { kinds, negate, .. } => {
                (up().any(|n| kinds.contains(n.kind_id())), negate)
            }
        };
        result != *negate
    }
}

/// The ancestors of a captured node, innermost first: by `Node::parent` up to
/// the node the match is anchored at, then from the walk's own list.
struct Ancestors<'a, 't> {
    below: Option<Node<'t>>,
    anchor: Node<'t>,
    on_walk: bool,
    walk: std::iter::Rev<std::slice::Iter<'a, Node<'t>>>,
}

impl<'a, 't> Ancestors<'a, 't> {
    /// `parent`: the node's parent, when the caller knows it.
    fn new(
        node: Node<'t>,
        anchor: Node<'t>,
        ancestors: &'a [Node<'t>],
        parent: Option<Node<'t>>,
    ) -> Self {
        let on_walk = node.id() == anchor.id();
        Ancestors {
            below: if on_walk {
                None
            } else {
                parent.or_else(|| node.parent())
            },
            anchor,
            on_walk,
            walk: ancestors.iter().rev(),
        }
    }
}

impl<'t> Iterator for Ancestors<'_, 't> {
    type Item = Node<'t>;
    fn next(&mut self) -> Option<Node<'t>> {
        if self.on_walk {
            return self.walk.next().copied();
        }
        let current = self.below?;
        if current.id() == self.anchor.id() {
            self.on_walk = true;
        } else {
            self.below = current.parent();
        }
        Some(current)
    }
}

/// The node kinds one pattern's text can start at.
pub fn pattern_root(pattern: &str) -> Result<Root, String> {
    Scanner { s: pattern, i: 0 }.item()
}

/// Just enough of tree-sitter's query syntax to find where a pattern starts;
/// tree-sitter itself has already checked the syntax.
struct Scanner<'a> {
    s: &'a str,
    i: usize,
}

impl Scanner<'_> {
    fn skip_trivia(&mut self) {
        loop {
            let rest = &self.s[self.i..];
            let trimmed = rest.trim_start();
            self.i += rest.len() - trimmed.len();
            if trimmed.starts_with(';') {
                self.i += trimmed.find('\n').unwrap_or(trimmed.len());
            } else {
                return;
            }
        }
    }

    fn peek(&self) -> Option<char> {
        self.s[self.i..].chars().next()
    }

    /// One whole item (node, group, alternation, string or wildcard) with its
    /// captures and quantifier; returns where it can start.
    fn item(&mut self) -> Result<Root, String> {
        self.skip_trivia();
        let root = match self.peek() {
            Some('(') => {
                self.i += 1;
                self.skip_trivia();
                if matches!(self.peek(), Some('(' | '[' | '"')) {
                    self.group_rest()?
                } else {
                    let name = self.identifier();
                    self.skip_to_close()?;
                    match name.as_str() {
                        "" => return Err("a pattern must start with a node kind".to_string()),
                        "_" => Root::Any,
                        _ => Root::Kinds(vec![(name, true)]),
                    }
                }
            }
            Some('[') => {
                self.i += 1;
                let mut kinds = Vec::new();
                let mut any = false;
                loop {
                    self.skip_trivia();
                    match self.peek() {
                        Some(']') => {
                            self.i += 1;
                            break;
                        }
                        None => return Err("unclosed `[`".to_string()),
                        _ => match self.item()? {
                            Root::Any => any = true,
                            Root::Kinds(k) => kinds.extend(k),
                        },
                    }
                }
                if any {
                    Root::Any
                } else {
                    Root::Kinds(kinds)
                }
            }
            Some('"') => Root::Kinds(vec![(self.string()?, false)]),
            Some('_') => {
                self.i += 1;
                Root::Any
            }
            _ => return Err("a pattern must start with `(`, `[` or a string".to_string()),
        };
        self.suffixes();
        Ok(root)
    }

    /// Captures (`@name`) and quantifiers after an item.
    fn suffixes(&mut self) {
        loop {
            let save = self.i;
            self.skip_trivia();
            match self.peek() {
                Some('@') => {
                    self.i += 1;
                    self.identifier();
                }
                Some('?' | '*' | '+') => self.i += 1,
                _ => {
                    self.i = save;
                    return;
                }
            }
        }
    }

    /// A parenthesised group after its `(`: the first item is the pattern; the
    /// rest may be predicates, but not a second sibling pattern, which could not
    /// match at a single node.
    fn group_rest(&mut self) -> Result<Root, String> {
        let root = self.item()?;
        loop {
            self.skip_trivia();
            match self.peek() {
                Some(')') => {
                    self.i += 1;
                    return Ok(root);
                }
                None => return Err("unclosed `(`".to_string()),
                Some('(') if self.s[self.i + 1..].trim_start().starts_with('#') => {
                    self.i += 1;
                    self.skip_to_close()?;
                }
                _ => {
                    return Err(
                        "a top-level group of sibling patterns cannot be anchored at one node; match their parent instead"
                            .to_string(),
                    )
                }
            }
        }
    }

    /// Skips to just past the `)` that closes the current parenthesis.
    fn skip_to_close(&mut self) -> Result<(), String> {
        let mut depth = 0u32;
        while let Some(c) = self.peek() {
            match c {
                '"' => {
                    self.string()?;
                    continue;
                }
                ';' => {
                    self.skip_trivia();
                    continue;
                }
                '(' | '[' => depth += 1,
                ')' | ']' if depth == 0 => {
                    self.i += 1;
                    return Ok(());
                }
                ')' | ']' => depth -= 1,
                _ => {}
            }
            self.i += c.len_utf8();
        }
        Err("unclosed `(`".to_string())
    }

    fn identifier(&mut self) -> String {
        let rest = &self.s[self.i..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '.' || c == '-'))
            .unwrap_or(rest.len());
        self.i += end;
        rest[..end].to_string()
    }

    fn string(&mut self) -> Result<String, String> {
        let rest = &self.s[self.i + 1..];
        let mut out = String::new();
        let mut chars = rest.char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '\\' => {
                    if let Some((_, e)) = chars.next() {
                        out.push(match e {
                            'n' => '\n',
                            't' => '\t',
                            other => other,
                        });
                    }
                }
                '"' => {
                    self.i += i + 2;
                    return Ok(out);
                }
                _ => out.push(c),
            }
        }
        Err("unclosed string".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(p: &str) -> Vec<String> {
        match pattern_root(p).unwrap() {
            Root::Kinds(k) => k.into_iter().map(|(k, _)| k).collect(),
            Root::Any => vec!["*".into()],
        }
    }

    #[test]
    fn finds_the_root_kind_of_each_pattern_shape() {
        assert_eq!(kinds("(catch_clause body: (block) @b)"), ["catch_clause"]);
        assert_eq!(
            kinds("; comment\n((line_comment) @c (#match? @c \"TODO\"))"),
            ["line_comment"]
        );
        assert_eq!(
            kinds("[(line_comment) (block_comment)] @c"),
            ["line_comment", "block_comment"]
        );
        assert_eq!(
            kinds("[(line_comment) @a (block_comment (x)) @b]"),
            ["line_comment", "block_comment"]
        );
        assert_eq!(kinds("\"==\" @op"), ["=="]);
        assert_eq!(kinds("(_) @any"), ["*"]);
        assert_eq!(
            kinds("(((method_invocation) @m) (#eq? @m \"x\"))"),
            ["method_invocation"]
        );
    }

    #[test]
    fn rejects_sibling_sequences_at_the_top() {
        let e = pattern_root("((comment) (method_declaration))").unwrap_err();
        assert!(e.contains("sibling patterns"), "{e}");
    }
}
