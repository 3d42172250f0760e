//! Parsing one rule file. Every mistake is reported with the file, line and column
//! and a sentence that says how to fix it, because rule files are written by
//! teams, not only by us.

use super::{
    Context, Equivalents, Example, Matcher, NameKind, NameMatch, Origin, Params, Rule, SourceText,
};
use crate::model::{Language, RuleType, Severity};
use crate::toml_errors::{self, line_col, position};
use serde::Deserialize;
use std::path::Path;
use toml::Spanned;

/// A rule file that cannot be used, and where.
#[derive(Debug, thiserror::Error)]
#[error("{}: {message}", position(origin, *line, *column))]
pub struct RuleFileError {
    pub origin: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl RuleFileError {
    pub fn at(origin: &Origin, line: usize, column: usize, message: String) -> Self {
        RuleFileError {
            origin: origin.to_string(),
            line,
            column,
            message,
        }
    }

    pub fn io(path: &Path, message: String) -> Self {
        RuleFileError {
            origin: path.display().to_string(),
            line: 0,
            column: 0,
            message,
        }
    }
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRule {
    id: Spanned<String>,
    title: String,
    language: Option<Spanned<String>>,
    severity: Spanned<String>,
    #[serde(rename = "type")]
    rule_type: Spanned<String>,
    #[serde(default)]
    tags: Vec<String>,
    message: String,
    description: String,
    #[serde(default)]
    equivalent: Equivalents,
    #[serde(rename = "match")]
    matcher: Spanned<RawMatch>,
    #[serde(default)]
    params: Params,
    #[serde(default, rename = "example")]
    examples: Vec<Spanned<RawExample>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawMatch {
    query: Option<Spanned<String>>,
    builtin: Option<String>,
    #[serde(rename = "macro")]
    macros: Option<Spanned<Vec<String>>>,
    method: Option<Spanned<Vec<String>>>,
    path: Option<Spanned<Vec<String>>>,
    comment: Option<Spanned<Vec<String>>>,
    args: Option<Spanned<String>>,
    context: Option<Spanned<OneOrMany>>,
}

/// `context = "not-in-tests"` or `context = ["not-in-tests", "not-in-bin"]`.
#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany {
    One(String),
    Many(Vec<String>),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawExample {
    kind: Spanned<String>,
    code: String,
    #[serde(default)]
    flagged: Vec<u32>,
    #[serde(default)]
    params: Params,
    path: Option<String>,
}

/// Parses a rule file's text. `folder_language` is the language implied by the
/// folder the file sits in, used when the file has no `language` key.
pub fn parse(
    text: &str,
    origin: Origin,
    folder_language: Option<Language>,
) -> Result<Rule, RuleFileError> {
    let err = |span: std::ops::Range<usize>, message: String| {
        let (line, column) = line_col(text, span.start);
        RuleFileError::at(&origin, line, column, message)
    };
    let raw: RawRule = toml::from_str(text).map_err(|e| {
        err(
            e.span().unwrap_or(0..0),
            toml_errors::explain(e.message(), toml_errors::nowhere_else),
        )
    })?;

    let id = raw.id.get_ref();
    if !is_kebab_case(id) {
        return Err(err(
            raw.id.span(),
            format!("rule id `{id}` must be kebab-case (lowercase letters, digits and `-`)"),
        ));
    }
    let language = match &raw.language {
        Some(lang) => Language::parse(lang.get_ref()).ok_or_else(|| {
            err(
                lang.span(),
                format!(
                    "unknown language `{}`; expected `java` or `rust`",
                    lang.get_ref()
                ),
            )
        })?,
        None => folder_language.ok_or_else(|| {
            err(
                0..0,
                "no `language` key and the file is not in a `java` or `rust` folder".to_string(),
            )
        })?,
    };
    let severity = Severity::parse(raw.severity.get_ref()).ok_or_else(|| {
        err(
            raw.severity.span(),
            format!(
                "unknown severity `{}`; expected blocker, critical, major, minor or info",
                raw.severity.get_ref()
            ),
        )
    })?;
    let rule_type = parse_type(raw.rule_type.get_ref()).ok_or_else(|| {
        err(
            raw.rule_type.span(),
            format!(
                "unknown type `{}`; expected bug, vulnerability, code-smell or security-hotspot",
                raw.rule_type.get_ref()
            ),
        )
    })?;
    let match_span = raw.matcher.span();
    let (matcher, context) = parse_match(text, raw.matcher.into_inner(), language)
        .map_err(|(span, message)| err(span.unwrap_or(match_span), message))?;
    let mut examples = Vec::with_capacity(raw.examples.len());
    for example in raw.examples {
        let span = example.span();
        let ex = example.into_inner();
        let noncompliant = match ex.kind.get_ref().as_str() {
            "noncompliant" => true,
            "compliant" => false,
            other => {
                return Err(err(
                    ex.kind.span(),
                    format!("example kind `{other}`; expected `noncompliant` or `compliant`"),
                ))
            }
        };
        if noncompliant == ex.flagged.is_empty() {
            return Err(err(
                span,
                if noncompliant {
                    "a noncompliant example must list the lines it flags: `flagged = [3]`"
                } else {
                    "a compliant example flags nothing: remove `flagged`"
                }
                .to_string(),
            ));
        }
        let lines = ex.code.lines().count() as u32;
        if let Some(bad) = ex.flagged.iter().find(|l| **l == 0 || **l > lines) {
            return Err(err(
                span,
                format!("flagged line {bad} is outside the example's {lines} lines"),
            ));
        }
        examples.push(Example {
            noncompliant,
            code: ex.code,
            flagged: ex.flagged,
            params: ex.params,
            path: ex.path,
        });
    }
    Ok(Rule {
        id: raw.id.into_inner(),
        title: raw.title,
        language,
        severity,
        rule_type,
        tags: raw.tags,
        message: raw.message,
        description: raw.description,
        equivalent: raw.equivalent,
        matcher,
        context,
        params: raw.params,
        examples,
        origin,
    })
}

type Span = std::ops::Range<usize>;

/// The `[match]` table: a tree-sitter query or a built-in for Java; for Rust a
/// built-in or one list of names (`macro`, `method`, `path`, `comment`), with
/// `args` and `context` to narrow it. A mistake comes back with its span, when it
/// has one, and a sentence that says what to write instead.
fn parse_match(
    file: &str,
    raw: RawMatch,
    language: Language,
) -> Result<(Matcher, Vec<Context>), (Option<Span>, String)> {
    let names = [
        (NameKind::Macro, "macro", raw.macros),
        (NameKind::Method, "method", raw.method),
        (NameKind::Path, "path", raw.path),
        (NameKind::Comment, "comment", raw.comment),
    ];
    let mut given: Vec<(NameKind, &str, Spanned<Vec<String>>)> = names
        .into_iter()
        .filter_map(|(kind, key, list)| list.map(|l| (kind, key, l)))
        .collect();
    if language == Language::Java {
        let rust_only = given
            .first()
            .map(|(_, key, list)| (*key, list.span()))
            .or_else(|| raw.args.as_ref().map(|a| ("args", a.span())));
        if let Some((key, span)) = rust_only {
            return Err((
                Some(span),
                format!("`{key}` is for Rust rules; a Java rule matches with `query` or `builtin`"),
            ));
        }
        let matcher = match (raw.query, raw.builtin) {
            (Some(query), None) => {
                let span = query.span();
                Matcher::Query(source_text(file, span, query.into_inner()))
            }
            (None, Some(name)) => Matcher::Builtin(name),
            _ => {
                return Err((
                    None,
                    "[match] needs exactly one of `query` (a tree-sitter query) or `builtin` (a named check)"
                        .to_string(),
                ))
            }
        };
        let context = match raw.context {
            Some(c) => {
                let span = c.span();
                let context = parse_context(c)?;
                if context.iter().any(|c| *c != Context::NotInTests) {
                    return Err((
                        Some(span),
                        "a Java rule's context can only be `not-in-tests`".to_string(),
                    ));
                }
                context
            }
            None => Vec::new(),
        };
        return Ok((matcher, context));
    }
    if let Some(query) = &raw.query {
        return Err((
            Some(query.span()),
            "Rust rules have no tree-sitter query: match with `macro`, `method`, `path`, `comment` or `builtin`"
                .to_string(),
        ));
    }
    let context = match raw.context {
        Some(c) => parse_context(c)?,
        None => Vec::new(),
    };
    let matcher = match (raw.builtin, given.len()) {
        (Some(name), 0) => Matcher::Builtin(name),
        (None, 1) => {
            let (kind, key, list) = given.remove(0);
            let span = list.span();
            let names = list.into_inner();
            if names.is_empty() {
                return Err((Some(span), format!("`{key}` lists no names")));
            }
            if let Some(bad) = names.iter().find(|n| !is_valid_name(kind, n)) {
                return Err((Some(span), format!("`{bad}` is not a valid {key} name: {}", name_hint(kind))));
            }
            let without_arguments = match &raw.args {
                None => false,
                Some(a) if kind == NameKind::Comment => {
                    return Err((Some(a.span()), "`args` does not apply to `comment`".to_string()))
                }
                Some(a) if a.get_ref() == "none" => true,
                Some(a) => {
                    return Err((
                        Some(a.span()),
                        format!("`args = \"{}\"`: the only value is \"none\" (invocations without arguments); leave `args` out to match all", a.get_ref()),
                    ))
                }
            };
            Matcher::Names(NameMatch {
                kind,
                names,
                without_arguments,
            })
        }
        _ => {
            return Err((
                None,
                "[match] of a Rust rule needs exactly one of `macro`, `method`, `path`, `comment` (lists of names) or `builtin` (a named check)"
                    .to_string(),
            ))
        }
    };
    if raw.args.is_some() && !matches!(matcher, Matcher::Names(_)) {
        return Err((
            None,
            "`args` narrows `macro`, `method` or `path`; a built-in takes [params]".to_string(),
        ));
    }
    Ok((matcher, context))
}

fn parse_context(raw: Spanned<OneOrMany>) -> Result<Vec<Context>, (Option<Span>, String)> {
    let span = raw.span();
    let values = match raw.into_inner() {
        OneOrMany::One(v) => vec![v],
        OneOrMany::Many(v) => v,
    };
    values
        .iter()
        .map(|v| {
            Context::ALL
                .into_iter()
                .find(|c| c.as_str() == v)
                .ok_or_else(|| {
                    let names = Context::ALL.map(Context::as_str);
                    let hint = toml_errors::did_you_mean(v, names)
                        .map(|s| format!(" (did you mean `{s}`?)"))
                        .unwrap_or_default();
                    (
                        Some(span.clone()),
                        format!("unknown context `{v}`{hint}; expected {}", names.join(", ")),
                    )
                })
        })
        .collect()
}

fn is_identifier(s: &str) -> bool {
    s.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && s.chars().all(|c| c.is_alphanumeric() || c == '_')
}

fn is_valid_name(kind: NameKind, name: &str) -> bool {
    match kind {
        NameKind::Method => is_identifier(name),
        NameKind::Macro | NameKind::Path => name.split("::").all(is_identifier),
        NameKind::Comment => !name.trim().is_empty(),
    }
}

fn name_hint(kind: NameKind) -> &'static str {
    match kind {
        NameKind::Macro => {
            "write the macro's name without `!`, optionally with its path (`dbg`, `log::warn`)"
        }
        NameKind::Method => "write the method's name alone (`unwrap`)",
        NameKind::Path => "write the function's full path (`std::process::exit`)",
        NameKind::Comment => "write a non-empty word (`FIXME`)",
    }
}

fn parse_type(s: &str) -> Option<RuleType> {
    [
        RuleType::Bug,
        RuleType::Vulnerability,
        RuleType::SecurityHotspot,
        RuleType::CodeSmell,
    ]
    .into_iter()
    .find(|t| t.as_str() == s)
}

fn is_kebab_case(id: &str) -> bool {
    !id.is_empty()
        && id.starts_with(|c: char| c.is_ascii_lowercase())
        && id
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// Where a string value's content starts: after its opening quotes, and after the
/// newline that TOML trims right after `'''`/`"""`.
fn source_text(file: &str, span: std::ops::Range<usize>, text: String) -> SourceText {
    let raw = &file[span.clone()];
    let mut start = span.start;
    if raw.starts_with("'''") || raw.starts_with("\"\"\"") {
        start += 3;
        if file[start..].starts_with("\r\n") {
            start += 2;
        } else if file[start..].starts_with('\n') {
            start += 1;
        }
    } else {
        start += 1;
    }
    let (line, column) = line_col(file, start);
    SourceText { text, line, column }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"id = "x-rule"
title = "X"
severity = "major"
type = "bug"
message = "m"
description = "d"
[match]
query = '''
(identifier) @match'''
[[example]]
kind = "noncompliant"
code = "a\nb"
flagged = [2]
"#;

    fn parse_str(text: &str) -> Result<Rule, RuleFileError> {
        parse(text, Origin::File("t.toml".into()), Some(Language::Java))
    }

    #[test]
    fn parses_a_minimal_rule_and_locates_its_query() {
        let rule = parse_str(GOOD).unwrap();
        assert_eq!(rule.id, "x-rule");
        let Matcher::Query(q) = rule.matcher else {
            panic!()
        };
        assert_eq!((q.line, q.column), (9, 1));
        assert_eq!(rule.examples[0].flagged, vec![2]);
    }

    #[test]
    fn errors_name_line_column_and_the_fix() {
        let bad = GOOD.replace("severity = \"major\"", "severity = \"huge\"");
        let e = parse_str(&bad).unwrap_err().to_string();
        assert!(e.starts_with("t.toml:3:12: unknown severity `huge`"), "{e}");

        let bad = GOOD.replace("title", "titel");
        let e = parse_str(&bad).unwrap_err().to_string();
        assert!(
            e.contains("t.toml:2:1") && e.contains("did you mean `title`"),
            "{e}"
        );

        let bad = GOOD.replace("flagged = [2]", "flagged = [9]");
        let e = parse_str(&bad).unwrap_err().to_string();
        assert!(e.contains("flagged line 9 is outside"), "{e}");

        let bad = GOOD.replace("id = \"x-rule\"", "id = \"X_rule\"");
        assert!(parse_str(&bad)
            .unwrap_err()
            .to_string()
            .contains("kebab-case"));
    }
}
