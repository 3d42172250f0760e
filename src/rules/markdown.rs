//! A rule's documentation, rendered from its rule file: `gate explain` prints it,
//! and any other place that documents rules can.

use super::{Matcher, NameKind, Rule};
use crate::model::Language;

impl Rule {
    /// The rule's documentation as Markdown, from its rule file alone: what
    /// `gate explain` prints.
    pub fn to_markdown(&self) -> String {
        let rule = self;
        let mut s = format!("# {}: {}\n\n", rule.id, rule.title);
        s.push_str(&format!(
            "Language: {} · Severity: {} · Type: {}",
            rule.language, rule.severity, rule.rule_type
        ));
        if !rule.tags.is_empty() {
            s.push_str(&format!(" · Tags: {}", rule.tags.join(", ")));
        }
        s.push('\n');
        let eq = &rule.equivalent;
        let same: Vec<String> = [
            ("SonarQube", &eq.sonar),
            ("PMD", &eq.pmd),
            ("Checkstyle", &eq.checkstyle),
            ("Clippy", &eq.clippy),
        ]
        .iter()
        .filter_map(|(tool, key)| key.as_ref().map(|k| format!("{tool} `{k}`")))
        .collect();
        if !same.is_empty() {
            s.push_str(&format!("Equivalent to: {}\n", same.join(" · ")));
        }
        if !rule.params.is_empty() {
            let params: Vec<String> = rule
                .params
                .iter()
                .map(|(k, v)| format!("`{k} = {v}`"))
                .collect();
            s.push_str(&format!("Parameters (defaults): {}\n", params.join(", ")));
        }
        s.push_str(&format!("Defined in: {}\n\n", rule.origin));
        s.push_str(rule.description.trim());
        s.push_str("\n\n");
        let fence = rule.language.as_str();
        for (heading, noncompliant) in [("Noncompliant", true), ("Compliant", false)] {
            let examples: Vec<_> = rule
                .examples
                .iter()
                .filter(|e| e.noncompliant == noncompliant)
                .collect();
            if examples.is_empty() {
                continue;
            }
            s.push_str(&format!("## {heading}\n\n"));
            for e in examples {
                let marked: Vec<String> = e
                    .code
                    .trim_end()
                    .lines()
                    .enumerate()
                    .map(|(i, line)| {
                        if e.flagged.contains(&(i as u32 + 1)) {
                            format!("{line}  // ← flagged")
                        } else {
                            line.to_string()
                        }
                    })
                    .collect();
                s.push_str(&format!("```{fence}\n{}\n```\n\n", marked.join("\n")));
            }
        }
        s.push_str("## How it matches\n\n");
        match &rule.matcher {
            Matcher::Query(q) => s.push_str(&format!(
                "tree-sitter query:\n\n```scheme\n{}\n```\n",
                q.text.trim_end()
            )),
            Matcher::Builtin(name) => s.push_str(&format!("Built-in check `{name}`.\n")),
            Matcher::Names(names) => {
                let listed: Vec<String> = names.names.iter().map(|n| format!("`{n}`")).collect();
                let kind = match names.kind {
                    NameKind::Macro => "Invocations of the macros",
                    NameKind::Method => "Calls of the methods",
                    NameKind::Path => "Calls of the functions",
                    NameKind::Comment => "Comments containing the words",
                };
                let args = if names.without_arguments {
                    ", without arguments"
                } else {
                    ""
                };
                s.push_str(&format!("{kind} {}{args}.\n", listed.join(", ")));
            }
        }
        if !rule.context.is_empty() {
            let skipped: Vec<&str> = rule.context.iter().map(|c| c.as_str()).collect();
            s.push_str(&format!("Context: {}.\n", skipped.join(", ")));
        }
        let id = &rule.id;
        // Rust has no annotation a rule could read: `#[allow]` takes rustc's lints only.
        let annotation = if rule.language == Language::Java {
            format!(", or on a declaration with `@SuppressWarnings(\"gate:{id}\")`")
        } else {
            String::new()
        };
        s.push_str(&format!(
            "\nSuppress one finding with `// gate:ignore[{id}] reason` on the line or the line above{annotation}; \
             turn the rule off with `{id} = \"off\"` under `[rules]` in gate.toml.\n"
        ));
        s
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_rule_renders_from_its_file_alone() {
        let rules = super::super::builtin().unwrap();
        let rule = rules.iter().find(|r| r.id == "empty-catch-block").unwrap();
        let md = rule.to_markdown();
        assert!(md.starts_with("# empty-catch-block: "), "{md}");
        for part in [
            "## Noncompliant",
            "## Compliant",
            "## How it matches",
            "// ← flagged",
        ] {
            assert!(md.contains(part), "{part} missing in {md}");
        }
        assert!(md.contains("@SuppressWarnings(\"gate:empty-catch-block\")"));
    }
}
