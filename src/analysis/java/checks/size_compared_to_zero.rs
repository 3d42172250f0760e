//! `size-compared-to-zero`: `x.size()` compared with 0 or 1 so that the
//! comparison means "empty" or "not empty", on a receiver that may be a
//! collection: one the file declares with a `java.util` collection or map type,
//! or one whose type the file does not show.

use super::super::kinds::{fields, kinds};
use super::binary_parts;
use super::types::{declared_type, field_type, is_type};
use super::{text_of, Check, Cx, Values};
use tree_sitter::Node;

pub(super) struct SizeComparedToZero;

/// `java.util` (and `java.util.concurrent`) types that have `isEmpty()`.
const COLLECTIONS: &[&str] = &[
    "Collection",
    "List",
    "Set",
    "Map",
    "Queue",
    "Deque",
    "SortedSet",
    "NavigableSet",
    "SortedMap",
    "NavigableMap",
    "SequencedCollection",
    "SequencedSet",
    "SequencedMap",
    "ArrayList",
    "LinkedList",
    "HashSet",
    "LinkedHashSet",
    "TreeSet",
    "HashMap",
    "LinkedHashMap",
    "TreeMap",
    "Hashtable",
    "Properties",
    "Vector",
    "Stack",
    "ArrayDeque",
    "PriorityQueue",
    "EnumSet",
    "EnumMap",
    "IdentityHashMap",
    "WeakHashMap",
    "AbstractCollection",
    "AbstractList",
    "AbstractSequentialList",
    "AbstractSet",
    "AbstractMap",
    "AbstractQueue",
    "ConcurrentMap",
    "ConcurrentNavigableMap",
    "ConcurrentHashMap",
    "ConcurrentSkipListMap",
    "ConcurrentSkipListSet",
    "CopyOnWriteArrayList",
    "CopyOnWriteArraySet",
    "BlockingQueue",
    "BlockingDeque",
    "TransferQueue",
    "ArrayBlockingQueue",
    "LinkedBlockingQueue",
    "LinkedBlockingDeque",
    "LinkedTransferQueue",
    "PriorityBlockingQueue",
    "DelayQueue",
    "SynchronousQueue",
    "ConcurrentLinkedQueue",
    "ConcurrentLinkedDeque",
];

impl Check for SizeComparedToZero {
    fn kinds(&self) -> &'static [&'static str] {
        &["identifier"]
    }
    fn values(&self) -> &'static [&'static str] {
        &[]
    }
    /// At the name `size`: most comparisons call no `size()`, and the walk
    /// meets every name anyway.
    fn check<'t>(&self, name: Node<'t>, cx: &Cx<'_, 't>, emit: &mut dyn FnMut(Node<'t>, Values)) {
        let text = cx.text;
        let (k, f) = (kinds(), fields());
        if text_of(name, text) != "size" {
            return;
        }
        let depth = cx.ancestors.len();
        let (Some(call), Some(node)) = (cx.ancestor(0), cx.ancestor(1)) else {
            return;
        };
        if call.kind_id() != k.method_invocation || node.kind_id() != k.binary_expression {
            return;
        }
        let ancestors = &cx.ancestors[..depth - 2];
        let Some((left, op, right)) = binary_parts(node) else {
            return;
        };
        // Read every comparison as `size() op n`, swapping the sides if needed.
        let (n, op) = if left == call {
            (right, op.kind())
        } else if right == call {
            let mirrored = match op.kind() {
                "<" => ">",
                ">" => "<",
                "<=" => ">=",
                ">=" => "<=",
                other => other,
            };
            (left, mirrored)
        } else {
            return;
        };
        let means_empty = n.kind_id() == k.decimal_integer_literal
            && matches!(
                (op, text_of(n, text)),
                ("==" | "!=" | ">" | "<=", "0") | ("<" | ">=", "1")
            );
        if !means_empty
            || cx
                .child(call, f.name)
                .is_none_or(|m| text_of(m, text) != "size")
            || cx
                .child(call, f.arguments)
                .is_none_or(|a| a.named_child_count() > 0)
        {
            return;
        }
        // An unqualified `size()` is the class's own, maybe inside `isEmpty()`.
        let Some(receiver) = cx.child(call, f.object) else {
            return;
        };
        let declared = match receiver.kind() {
            "identifier" => declared_type(node, ancestors, text_of(receiver, text), text),
            "field_access"
                if cx
                    .child(receiver, f.object)
                    .is_some_and(|o| o.kind() == "this") =>
            {
                cx.child(receiver, f.field)
                    .and_then(|n| field_type(ancestors, text_of(n, text), text))
            }
            _ => None,
        };
        if declared.is_none_or(|t| !is_type(t) || is_collection(text_of(t, text))) {
            emit(node, &[]);
        }
    }
}

/// `java.util.List<String>` → `List`, then looked up.
fn is_collection(ty: &str) -> bool {
    let raw = ty.split('<').next().unwrap_or(ty).trim();
    COLLECTIONS.contains(&raw.rsplit('.').next().unwrap_or(raw))
}
