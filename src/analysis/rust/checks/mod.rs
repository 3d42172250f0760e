//! Built-in Rust checks: what a list of names cannot express (counting, nesting,
//! comments beside code, the shape of a type). Each check subscribes to the kinds
//! of node it looks at and runs inside the engine's one walk, like clippy's lint
//! passes; a rule file names it with `[match] builtin = "..."`. A check returns
//! where and which values; the rule file's message does the wording.

mod allow_reason;
mod casts;
mod discard;
mod functions;
mod glob_import;
mod unsafe_comment;

use super::lexer::Scan;
use crate::rules::{Params, Rule};
use proc_macro2::Span;
use syn::{Attribute, Block, Expr, ExprCast, ItemUse, Signature, Visibility};

/// Named values a check offers to its rule's message (`{name}`).
pub type Values<'a> = &'a [(&'static str, String)];

/// Where a finding goes: the first and last token of what it flags.
pub type Range = (Span, Span);

/// The node kinds the walk dispatches on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Fn,
    Unsafe,
    Cast,
    Discard,
    Use,
    ModuleAttrs,
}

impl Kind {
    pub const COUNT: usize = 6;
}

/// A function with a signature: free, inherent or trait method, trait declaration.
pub struct FnNode<'a> {
    pub attrs: &'a [Attribute],
    /// `None` for trait items and methods of trait impls, whose visibility is the
    /// trait's.
    pub vis: Option<&'a Visibility>,
    pub sig: &'a Signature,
    pub block: Option<&'a Block>,
    /// A method of `impl Trait for Type`: its signature is the trait's to choose.
    pub in_trait_impl: bool,
}

/// What a check is shown.
pub enum Node<'a> {
    Fn(FnNode<'a>),
    /// An `unsafe { }` block (with its block) or `unsafe impl`: the `unsafe`
    /// keyword.
    Unsafe(Span, Option<&'a Block>),
    Cast(&'a ExprCast),
    /// The value dropped by `let _ = value;` or `_ = value;`, and the `_`.
    Discard(&'a Expr, Span),
    Use(&'a ItemUse),
    /// Attributes that apply to a whole module: a file's inner attributes
    /// (`#![...]`), an inline module's, and the outer ones on a `mod` item.
    ModuleAttrs(&'a [Attribute], Scope),
}

/// What a module-level attribute governs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Crate,
    Module,
}

/// What a check may know about where the node is.
pub struct Cx<'a> {
    pub text: &'a str,
    pub scan: &'a Scan,
    /// The first token of the statement holding the node.
    pub statement: Option<Span>,
}

impl Cx<'_> {
    /// The comments that speak for code on `line`: those on the line itself and
    /// the run of comments (and attributes) directly above it.
    pub fn comments_for(&self, line: u32) -> Vec<&str> {
        let comments = &self.scan.comments;
        let mut found: Vec<&str> = comments
            .iter()
            .filter(|c| c.line <= line && c.end_line >= line)
            .map(|c| &self.text[c.start..c.end])
            .collect();
        let mut above = line.saturating_sub(1);
        while above > 0 {
            let at = comments.partition_point(|c| c.end_line < above);
            match comments.get(at) {
                Some(c) if c.end_line == above && c.own_line => {
                    found.push(&self.text[c.start..c.end]);
                    above = c.line - 1;
                }
                _ if self
                    .scan
                    .line_text(self.text, above)
                    .trim_start()
                    .starts_with("#[") =>
                {
                    above -= 1;
                }
                _ => break,
            }
        }
        found
    }

    /// 1-based line of a span's start.
    pub fn line(&self, span: Span) -> u32 {
        span.start().line as u32
    }
}

pub trait Check: Send + Sync {
    /// The node kinds the check wants to see.
    fn kinds(&self) -> &'static [Kind];
    /// Names of the values it passes to `emit`, for message validation.
    fn values(&self) -> &'static [&'static str];
    fn check(&self, node: &Node, cx: &Cx, emit: &mut dyn FnMut(Range, Values));
}

/// Every built-in check by name, for docs and errors.
pub const NAMES: &[&str] = &[
    "allow-without-reason",
    "box-dyn-error-in-pub-fn",
    "cognitive-complexity",
    "discarded-result",
    "function-length",
    "glob-import",
    "nesting-depth",
    "numeric-cast",
    "parameter-count",
    "unsafe-without-safety-comment",
];

/// How a check reads its rule's parameters (defaults from the rule file, overrides
/// from `gate.toml`), with errors that say what to write.
pub struct ParamReader<'a> {
    name: &'a str,
    rule: &'a Rule,
    params: &'a Params,
}

impl ParamReader<'_> {
    pub fn int(&self, key: &str) -> Result<u32, String> {
        self.rule
            .int_param(self.params, key)
            .and_then(|v| u32::try_from(v).ok())
            .ok_or_else(|| {
                format!(
                    "built-in `{}` needs a non-negative integer parameter `{key}` in [params]",
                    self.name
                )
            })
    }

    pub fn strings(&self, key: &str) -> Result<Vec<String>, String> {
        let value = self.params.get(key).or_else(|| self.rule.params.get(key));
        let list = value.and_then(toml::Value::as_array).and_then(|a| {
            a.iter()
                .map(|v| v.as_str().map(str::to_string))
                .collect::<Option<Vec<_>>>()
        });
        list.ok_or_else(|| {
            format!(
                "built-in `{}` needs a parameter `{key}` in [params]: a list of strings",
                self.name
            )
        })
    }
}

pub fn build(name: &str, rule: &Rule, params: &Params) -> Result<Box<dyn Check>, String> {
    let p = ParamReader { name, rule, params };
    Ok(match name {
        "allow-without-reason" => Box::new(allow_reason::AllowWithoutReason),
        "box-dyn-error-in-pub-fn" => Box::new(functions::BoxDynErrorInPubFn),
        "cognitive-complexity" => Box::new(functions::CognitiveComplexity { max: p.int("max")? }),
        "discarded-result" => Box::new(discard::DiscardedResult {
            calls: p.strings("calls")?,
        }),
        "function-length" => Box::new(functions::FunctionLength { max: p.int("max")? }),
        "glob-import" => Box::new(glob_import::GlobImport),
        "nesting-depth" => Box::new(functions::NestingDepth { max: p.int("max")? }),
        "numeric-cast" => Box::new(casts::NumericCast),
        "parameter-count" => Box::new(functions::ParameterCount { max: p.int("max")? }),
        "unsafe-without-safety-comment" => Box::new(unsafe_comment::UnsafeWithoutSafetyComment),
        other => {
            let hint = crate::rules::did_you_mean(other, NAMES.iter().copied())
                .map(|s| format!(" (did you mean `{s}`?)"))
                .unwrap_or_default();
            return Err(format!(
                "unknown built-in `{other}`{hint}; the Rust built-ins are: {}",
                NAMES.join(", ")
            ));
        }
    })
}

/// A path as written, `a::b::c`, for messages.
pub fn path_text(path: &syn::Path) -> String {
    let names: Vec<String> = path.segments.iter().map(|s| s.ident.to_string()).collect();
    let lead = if path.leading_colon.is_some() {
        "::"
    } else {
        ""
    };
    format!("{lead}{}", names.join("::"))
}

/// The range of a whole node, for nodes without a cheaper first/last token.
pub fn range_of<T: syn::spanned::Spanned + ?Sized>(node: &T) -> Range {
    let span = node.span();
    (span, span)
}
