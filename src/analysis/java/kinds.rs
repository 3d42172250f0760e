//! Node kind ids and field ids of tree-sitter-java, resolved once. The walk and
//! the built-in checks compare these numbers: `Node::kind()` measures and
//! validates a C string at every call, and `child_by_field_name` searches the
//! field names, both costly on a walk that visits every node.

use std::sync::LazyLock;
use tree_sitter::Language;

macro_rules! ids {
    ($name:ident, $lookup:ident, { $($field:ident = $text:literal,)* }) => {
        pub(crate) struct $name {
            $(pub $field: u16,)*
        }
        impl $name {
            fn new(language: &Language) -> Self {
                $name { $($field: $lookup(language, $text),)* }
            }
            /// Every (field, name) pair, for the test that each name resolves.
            #[cfg(test)]
            pub fn all(&self) -> Vec<(&'static str, u16)> {
                vec![$(($text, self.$field),)*]
            }
        }
    };
}

/// A kind's id.
fn kind(language: &Language, name: &str) -> u16 {
    language.id_for_node_kind(name, is_named(name))
}

/// Named kinds are plain words, anonymous ones (tokens) are not.
pub(crate) fn is_named(name: &str) -> bool {
    name.starts_with(|c: char| c.is_ascii_lowercase()) && !KEYWORDS.contains(&name)
}

fn field(language: &Language, name: &str) -> u16 {
    language.field_id_for_name(name).map_or(0, |id| id.get())
}

/// Anonymous tokens spelled like words.
const KEYWORDS: &[&str] = &[
    "case",
    "default",
    "final",
    "private",
    "synchronized",
    "static",
];

ids!(Kinds, kind, {
    and = "&&",
    annotation = "annotation",
    annotation_type_body = "annotation_type_body",
    annotation_type_declaration = "annotation_type_declaration",
    annotation_type_element_declaration = "annotation_type_element_declaration",
    argument_list = "argument_list",
    array_access = "array_access",
    array_creation_expression = "array_creation_expression",
    array_initializer = "array_initializer",
    assign = "=",
    assignment_expression = "assignment_expression",
    binary_expression = "binary_expression",
    binary_integer_literal = "binary_integer_literal",
    block = "block",
    block_comment = "block_comment",
    break_statement = "break_statement",
    case = "case",
    cast_expression = "cast_expression",
    catch_clause = "catch_clause",
    catch_formal_parameter = "catch_formal_parameter",
    character_literal = "character_literal",
    class_body = "class_body",
    class_declaration = "class_declaration",
    compact_constructor_declaration = "compact_constructor_declaration",
    constant_declaration = "constant_declaration",
    constructor_body = "constructor_body",
    constructor_declaration = "constructor_declaration",
    continue_statement = "continue_statement",
    decimal_floating_point_literal = "decimal_floating_point_literal",
    decimal_integer_literal = "decimal_integer_literal",
    do_statement = "do_statement",
    enhanced_for_statement = "enhanced_for_statement",
    enum_body = "enum_body",
    enum_body_declarations = "enum_body_declarations",
    enum_constant = "enum_constant",
    enum_declaration = "enum_declaration",
    expression_statement = "expression_statement",
    extends_interfaces = "extends_interfaces",
    false_ = "false",
    field_access = "field_access",
    field_declaration = "field_declaration",
    final_ = "final",
    for_statement = "for_statement",
    formal_parameter = "formal_parameter",
    hex_floating_point_literal = "hex_floating_point_literal",
    hex_integer_literal = "hex_integer_literal",
    identifier = "identifier",
    if_statement = "if_statement",
    import_declaration = "import_declaration",
    instanceof_expression = "instanceof_expression",
    interface_body = "interface_body",
    interface_declaration = "interface_declaration",
    labeled_statement = "labeled_statement",
    lambda_expression = "lambda_expression",
    line_comment = "line_comment",
    local_variable_declaration = "local_variable_declaration",
    marker_annotation = "marker_annotation",
    method_declaration = "method_declaration",
    method_invocation = "method_invocation",
    method_reference = "method_reference",
    minus = "-",
    modifiers = "modifiers",
    object_creation_expression = "object_creation_expression",
    octal_integer_literal = "octal_integer_literal",
    or = "||",
    package_declaration = "package_declaration",
    parenthesized_expression = "parenthesized_expression",
    plus = "+",
    plus_assign = "+=",
    private = "private",
    program = "program",
    record_declaration = "record_declaration",
    record_pattern_component = "record_pattern_component",
    resource = "resource",
    return_statement = "return_statement",
    scoped_identifier = "scoped_identifier",
    spread_parameter = "spread_parameter",
    static_ = "static",
    static_initializer = "static_initializer",
    string_fragment = "string_fragment",
    string_literal = "string_literal",
    switch_block = "switch_block",
    switch_block_statement_group = "switch_block_statement_group",
    switch_expression = "switch_expression",
    switch_label = "switch_label",
    switch_rule = "switch_rule",
    ternary_expression = "ternary_expression",
    this = "this",
    true_ = "true",
    try_statement = "try_statement",
    try_with_resources_statement = "try_with_resources_statement",
    type_identifier = "type_identifier",
    type_parameter = "type_parameter",
    type_pattern = "type_pattern",
    unary_expression = "unary_expression",
    update_expression = "update_expression",
    variable_declarator = "variable_declarator",
    while_statement = "while_statement",
});

ids!(Fields, field, {
    alternative = "alternative",
    arguments = "arguments",
    array = "array",
    body = "body",
    condition = "condition",
    consequence = "consequence",
    declarator = "declarator",
    dimensions = "dimensions",
    field = "field",
    interfaces = "interfaces",
    left = "left",
    name = "name",
    object = "object",
    operand = "operand",
    operator = "operator",
    parameters = "parameters",
    right = "right",
    superclass = "superclass",
    type_ = "type",
    value = "value",

});

static KINDS: LazyLock<Kinds> = LazyLock::new(|| Kinds::new(&tree_sitter_java::LANGUAGE.into()));
static FIELDS: LazyLock<Fields> = LazyLock::new(|| Fields::new(&tree_sitter_java::LANGUAGE.into()));

pub(crate) fn kinds() -> &'static Kinds {
    &KINDS
}

pub(crate) fn fields() -> &'static Fields {
    &FIELDS
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_and_field_name_resolves_to_its_only_id() {
        let language: Language = tree_sitter_java::LANGUAGE.into();
        for (name, id) in kinds().all() {
            assert_ne!(id, 0, "unknown kind {name}");
            assert_eq!(language.node_kind_for_id(id), Some(name));
            let same: Vec<u16> = (0..language.node_kind_count() as u16)
                .filter(|&i| {
                    language.node_kind_is_visible(i)
                        && language.node_kind_for_id(i) == Some(name)
                        && language.node_kind_is_named(i) == language.node_kind_is_named(id)
                })
                .collect();
            assert_eq!(same, [id], "kind {name} has several ids");
        }
        for (name, id) in fields().all() {
            assert_ne!(id, 0, "unknown field {name}");
        }
    }
}
