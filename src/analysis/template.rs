//! Finding messages: a rule's `message` with `{name}` holes, filled per finding
//! with the text of a query capture (Java) or a value a matcher provides (Rust).
//! Every engine phrases its findings through this one type, so a message reads the
//! same whatever language found it.

/// A message with `{capture}` holes.
#[derive(Debug, Clone)]
pub struct Template {
    parts: Vec<(String, Option<String>)>,
}

impl Template {
    pub fn parse(message: &str) -> Template {
        let mut parts = Vec::new();
        let mut rest = message;
        while let Some(open) = rest.find('{') {
            match rest[open..].find('}') {
                Some(close) => {
                    let name = &rest[open + 1..open + close];
                    parts.push((rest[..open].to_string(), Some(name.to_string())));
                    rest = &rest[open + close + 1..];
                }
                None => break,
            }
        }
        parts.push((rest.to_string(), None));
        Template { parts }
    }

    pub fn holes(&self) -> impl Iterator<Item = &str> {
        self.parts.iter().filter_map(|(_, h)| h.as_deref())
    }

    /// Fills the holes; a value is cut to its first line and 60 characters so a
    /// message stays one readable line.
    pub fn render(&self, value: &dyn Fn(&str) -> Option<String>) -> String {
        let mut out = String::new();
        for (text, hole) in &self.parts {
            out.push_str(text);
            if let Some(name) = hole {
                let v = value(name).unwrap_or_default();
                let first = v.lines().next().unwrap_or("");
                if first.chars().count() > 60 || first.len() < v.len() {
                    out.extend(first.chars().take(60));
                    out.push('…');
                } else {
                    out.push_str(first);
                }
            }
        }
        out
    }
}
