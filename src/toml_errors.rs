//! Diagnostics for TOML files (gate.toml and rule files): byte spans to
//! `file:line:column`, serde's messages rewritten to say what to do, did-you-mean.
//! A leaf: every module that reads TOML uses it, and it uses none of them.

use std::ops::Range;

/// A mistake in one entry of the configuration: where (`None`: the entry as a
/// whole) and what is wrong.
pub type Problem = (Option<Range<usize>>, String);

/// For a key unknown in a table that takes `expected`: the table it was written in
/// and the one it belongs in, when the key is another table's.
pub type Misplaced = fn(&str, &[&str]) -> Option<(&'static str, &'static str)>;

/// A [`Misplaced`] for files whose tables are not easily mixed up.
pub fn nowhere_else(_: &str, _: &[&str]) -> Option<(&'static str, &'static str)> {
    None
}

/// Rewrites serde's messages into ones that say what to do: an unknown key gets a
/// did-you-mean from the keys serde says it expected, or, when `misplaced` knows
/// the table it belongs in (`(this table, that table)`), says so.
pub fn explain(message: &str, misplaced: Misplaced) -> String {
    let message = crate::guard::unquoted(message.trim());
    let message = message.as_str();
    let (what, rest) = if let Some(rest) = message.strip_prefix("unknown field `") {
        ("key", rest)
    } else if let Some(rest) = message.strip_prefix("unknown variant `") {
        ("value", rest)
    } else {
        return message.to_string();
    };
    let Some((unknown, expected)) = rest.split_once('`') else {
        return message.to_string();
    };
    let candidates: Vec<&str> = expected.split('`').skip(1).step_by(2).collect();
    let hint = did_you_mean(unknown, candidates.iter().copied())
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    if what == "key" {
        if let Some((here, there)) = misplaced(unknown, &candidates) {
            return format!(
                "`{unknown}` is a {there} key; a {here} takes: {}{hint}",
                candidates.join(", ")
            );
        }
    }
    format!(
        "unknown {what} `{unknown}`{hint}; expected one of: {}",
        candidates.join(", ")
    )
}

/// `value`, unless it is `nan` or infinite: TOML allows both, and no comparison
/// with a threshold of `nan` ever fails.
pub fn finite(key: &str, value: f64) -> Result<f64, String> {
    if value.is_finite() {
        Ok(value)
    } else {
        let written = if value.is_nan() {
            "nan".to_string()
        } else {
            value.to_string()
        };
        Err(format!("`{key}` must be a finite number, not {written}"))
    }
}

/// `file:line:column`, or just `file` when the problem has no position (line 0).
pub fn position(file: &str, line: usize, column: usize) -> String {
    if line == 0 {
        file.to_string()
    } else {
        format!("{file}:{line}:{column}")
    }
}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(text.len());
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    (line, before[line_start..].chars().count() + 1)
}

/// Closest candidate to `given`, for "did you mean" hints.
pub fn did_you_mean<'a>(
    given: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    candidates
        .into_iter()
        .map(|c| (strsim::jaro_winkler(given, c), c))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}
