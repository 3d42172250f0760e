//! Which subtrees the walk may skip. A quarter of the nodes of real Java sit
//! under string literals and qualified names (`java.util.List`), and most rules
//! look at none of them; tree-sitter-java's node types say which kinds can
//! hold which, so the walk need not enter a node under which no kind that
//! anything subscribed to can occur.

use tree_sitter::{Language, Node};

/// Per node kind id: nothing of interest can occur below such a node.
pub struct Closed(Vec<bool>);

impl Closed {
    /// `interesting`: per kind id, whether the walk must visit such nodes.
    pub fn new(language: &Language, interesting: &[bool]) -> Closed {
        let types: serde_json::Value =
            serde_json::from_str(tree_sitter_java::NODE_TYPES).unwrap_or_default();
        let types = types.as_array().map(Vec::as_slice).unwrap_or_default();
        let key = |t: &serde_json::Value| {
            (
                t["type"].as_str().unwrap_or_default().to_string(),
                t["named"].as_bool().unwrap_or(false),
            )
        };
        // Every kind a node of each kind may have as a child (a supertype
        // stands for its subtypes, so it "has" them as children).
        let mut below: std::collections::HashMap<(String, bool), Vec<(String, bool)>> =
            Default::default();
        for t in types {
            let children = t["fields"]
                .as_object()
                .into_iter()
                .flat_map(|f| f.values())
                .chain(std::iter::once(&t["children"]))
                .flat_map(|c| c["types"].as_array().into_iter().flatten())
                .chain(t["subtypes"].as_array().into_iter().flatten())
                .map(key)
                // A template's `\{…}` is ruled out by the text (see `skips`).
                .filter(|(name, _)| name != "string_interpolation")
                .collect();
            below.insert(key(t), children);
        }
        let ids = |(name, named): &(String, bool)| -> Vec<u16> {
            (0..language.node_kind_count() as u16)
                .filter(|&id| {
                    language.node_kind_is_named(id) == *named
                        && language.node_kind_for_id(id) == Some(name.as_str())
                })
                .collect()
        };
        let mut reaches: std::collections::HashMap<&(String, bool), bool> = below
            .keys()
            .map(|k| {
                (
                    k,
                    ids(k)
                        .into_iter()
                        .any(|id| interesting.get(id as usize) == Some(&true)),
                )
            })
            .collect();
        // A kind reaches what its children reach: iterate to the fixpoint.
        loop {
            let mut changed = false;
            for (kind, children) in &below {
                if !reaches[kind] && children.iter().any(|c| reaches.get(c) == Some(&true)) {
                    reaches.insert(kind, true);
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        let mut closed = vec![false; language.node_kind_count()];
        for (kind, children) in &below {
            // A kind not in the node types (an alias, an unknown child) is
            // assumed to reach everything.
            let open = children.iter().any(|c| reaches.get(c).is_none_or(|&r| r));
            if !open {
                for id in ids(kind) {
                    closed[id as usize] = true;
                }
            }
        }
        Closed(closed)
    }

    /// Whether the walk may skip what is below `node`. Three things are not
    /// in the node types: comments, which can stand between any two tokens,
    /// a string template's `\{…}`, and error subtrees, which hold anything. A
    /// node is skipped only without any of them (a comment starts with `/`).
    pub fn skips(&self, node: Node, marks: &Marks) -> bool {
        self.0.get(node.kind_id() as usize) == Some(&true)
            && !node.has_error()
            && !marks.within(node.byte_range())
    }
}

/// Where a file has a `/` or a `{`, found once: asking each node's text
/// again would read a deep nest's inside once per level. tree-sitter's
/// offsets are 32-bit, so are these.
pub struct Marks(Vec<u32>);

impl Marks {
    pub fn of(src: &[u8]) -> Marks {
        Marks(
            src.iter()
                .enumerate()
                .filter(|&(_, &b)| b == b'/' || b == b'{')
                .map(|(i, _)| i as u32)
                .collect(),
        )
    }

    /// Whether a `/` or a `{` lies in `range`.
    fn within(&self, range: std::ops::Range<usize>) -> bool {
        let first = self.0.partition_point(|&i| (i as usize) < range.start);
        self.0.get(first).is_some_and(|&i| (i as usize) < range.end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn closed(interesting_names: &[&str]) -> Vec<String> {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        let interesting: Vec<bool> = (0..language.node_kind_count() as u16)
            .map(|id| {
                language.node_kind_is_named(id)
                    && interesting_names.contains(&language.node_kind_for_id(id).unwrap_or(""))
            })
            .collect();
        let c = Closed::new(&language, &interesting);
        let mut names: Vec<String> = (0..language.node_kind_count() as u16)
            .filter(|&id| c.0[id as usize] && language.node_kind_is_named(id))
            .filter_map(|id| language.node_kind_for_id(id).map(str::to_string))
            .collect();
        names.sort_unstable();
        names.dedup();
        names
    }

    #[test]
    fn marks_are_found_in_a_range_only() {
        let marks = Marks::of(b"a / b { c");
        assert!(marks.within(0..3));
        assert!(marks.within(6..7));
        assert!(!marks.within(0..2));
        assert!(!marks.within(3..6));
        assert!(!marks.within(7..9));
        assert!(!Marks::of(b"").within(0..0));
    }

    #[test]
    fn names_and_literals_are_closed_unless_something_inside_is_wanted() {
        let c = closed(&["method_invocation", "annotation", "marker_annotation"]);
        assert!(c.iter().any(|n| n == "scoped_identifier"));
        assert!(c.iter().any(|n| n == "integral_type"));
        // A string template's `\{…}` is left to the text check.
        assert!(c.iter().any(|n| n == "string_literal"));
        assert!(!c.iter().any(|n| n == "block"));
        // Types may carry annotations.
        assert!(!c.iter().any(|n| n == "type_arguments"));

        // An annotation in a type argument may hold any expression in its
        // argument, and so any statement in a lambda.
        let c = closed(&["method_invocation"]);
        assert!(!c.iter().any(|n| n == "type_arguments"));
        assert!(c.iter().any(|n| n == "scoped_identifier"));

        let c = closed(&["escape_sequence"]);
        assert!(!c.iter().any(|n| n == "string_literal"));
        assert!(c.iter().any(|n| n == "scoped_identifier"));
    }
}
