//! A scan of a Rust file's bytes for what syn's tree does not keep: comments (for
//! suppressions, `// SAFETY:`, TODO words and reasons) and how deep syn would
//! recurse (so a file that would exhaust the stack is reported, not parsed). It knows
//! just enough of Rust's lexical grammar to not mistake a `//` inside a string, a
//! raw string or a char literal for a comment.

/// A comment: `//…` up to the end of its line, or `/* … */` (nested ones included).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comment {
    /// Byte range in the file, markers included.
    pub start: usize,
    pub end: usize,
    /// 1-based lines of its first and last character.
    pub line: u32,
    pub end_line: u32,
    /// Nothing but whitespace precedes it on its line.
    pub own_line: bool,
}

/// What the scan found in one file.
#[derive(Debug, Default)]
pub struct Scan {
    pub comments: Vec<Comment>,
    /// Byte offset where each line starts; `line_starts[0] == 0`.
    pub line_starts: Vec<usize>,
    /// An upper bound of how deep syn's parser, its visitor and the tree's drop
    /// recurse (see [`Nesting`]), and the 1-based line and byte column where it
    /// was first reached.
    pub max_depth: u32,
    pub deepest_at: (u32, u32),
}

/// How deep the syntax tree may be at each token, counted from tokens alone.
/// Brackets and generic `<>` each open a level; within one level, every token
/// that may make the tree one deeper without a bracket is a link: prefix and
/// binary operators (`&&x`, `!!x`, `1 + 1 + …`, `a = b = …`), `.` of a method
/// chain or a float, `?`, `->`, closures' `|`, and `as`, `else`, `if`, `match`,
/// `while`, `for`, `in`, `return`, `break`, `yield`. A `,`, `;` or `=>` ends a
/// sibling and forgets its links, and so does a `}` that ends a statement or an
/// item (one not followed by `else`, `.`, `?`, `as` or an operator). The depth
/// is the levels open plus their links: it overcounts (`==` is two links, a
/// comparison's `<` opens a level until the statement ends) but never misses a
/// level syn recurses for.
#[derive(Debug, Default)]
struct Nesting {
    /// The open levels, innermost last: whether it is a `<`, and its links.
    /// The file's top level is not among them.
    open: Vec<(bool, u32)>,
    top_links: u32,
    depth: u32,
}

impl Nesting {
    fn links(&mut self) -> &mut u32 {
        match self.open.last_mut() {
            Some((_, links)) => links,
            None => &mut self.top_links,
        }
    }
    /// `(`, `[`, `{`, or (`angle`) `<`.
    fn open(&mut self, angle: bool) {
        self.open.push((angle, 0));
        self.depth += 1;
    }
    fn link(&mut self) {
        *self.links() += 1;
        self.depth += 1;
    }
    fn pop(&mut self) {
        if let Some((_, links)) = self.open.pop() {
            self.depth -= 1 + links;
        }
    }
    /// Closes the `<` levels a comparison left open, up to the innermost bracket.
    fn close_angles(&mut self) {
        while self.open.last().is_some_and(|(angle, _)| *angle) {
            self.pop();
        }
    }
    /// `)`, `]` or `}`.
    fn close(&mut self) {
        self.close_angles();
        self.pop();
    }
    /// `>`: closes a `<` level, or is a comparison.
    fn close_angle(&mut self) {
        if self.open.last().is_some_and(|(angle, _)| *angle) {
            self.pop();
        } else {
            self.link();
        }
    }
    /// `,`, `;` and `=>` (`statement`: also a comparison's `<` before them).
    fn separate(&mut self, statement: bool) {
        if statement {
            self.close_angles();
        }
        let links = std::mem::take(self.links());
        self.depth -= links;
    }
}

impl Scan {
    pub fn of(text: &str) -> Scan {
        let b = text.as_bytes();
        let mut scan = Scan {
            line_starts: vec![0],
            ..Scan::default()
        };
        let mut nesting = Nesting::default();
        let mut i = 0;
        while i < b.len() {
            let at = i;
            match b[i] {
                b'\n' => {
                    scan.line_starts.push(i + 1);
                    i += 1;
                }
                b'/' if b.get(i + 1) == Some(&b'/') => {
                    let end = b[i..]
                        .iter()
                        .position(|&c| c == b'\n')
                        .map_or(b.len(), |p| i + p);
                    scan.push_comment(b, i, end);
                    i = end;
                }
                b'/' if b.get(i + 1) == Some(&b'*') => {
                    let end = block_comment_end(b, i);
                    scan.push_comment(b, i, end);
                    i = end;
                }
                b'"' => i = scan.string_end(b, i + 1, 0, false),
                b'\'' => i = char_or_lifetime_end(b, i),
                b'(' | b'[' | b'{' => {
                    nesting.open(false);
                    i += 1;
                }
                b'<' if b.get(i + 1) != Some(&b'=') => {
                    nesting.open(true);
                    i += 1;
                }
                b')' | b']' | b'}' => {
                    nesting.close();
                    i += 1;
                    let rest = next_token(b, i);
                    if is_trailer(rest) {
                        nesting.link();
                    } else if b[at] == b'}' && !continues_expression(rest) {
                        nesting.separate(true);
                    }
                }
                b'>' if b.get(i + 1) != Some(&b'=') => {
                    nesting.close_angle();
                    i += 1;
                }
                b',' => {
                    nesting.separate(false);
                    i += 1;
                }
                b';' => {
                    nesting.separate(true);
                    i += 1;
                }
                b'=' if b.get(i + 1) == Some(&b'>') => {
                    nesting.separate(true);
                    i += 2;
                }
                // `->` and `>=` are one token: their `>` closes no `<`.
                b'-' | b'>' if matches!(b.get(i + 1), Some(b'>' | b'=')) => {
                    nesting.link();
                    i += 2;
                }
                b'.' | b'&' | b'!' | b'*' | b'+' | b'-' | b'/' | b'%' | b'^' | b'|' | b'='
                | b'?' | b'@' | b'<' => {
                    nesting.link();
                    i += 1;
                }
                c if c == b'_' || c.is_ascii_alphabetic() => {
                    let end = i + b[i..]
                        .iter()
                        .position(|&c| !(c == b'_' || c.is_ascii_alphanumeric()))
                        .unwrap_or(b.len() - i);
                    i = match (&b[i..end], b.get(end)) {
                        // Raw strings: r"…", r#"…"#, br"…", cr"…".
                        (b"r" | b"br" | b"cr", Some(b'"' | b'#')) => scan.raw_string_end(b, end),
                        // Byte and C strings: b"…", c"…"; byte chars: b'x'.
                        (b"b" | b"c", Some(b'"')) => scan.string_end(b, end + 1, 0, false),
                        (b"b", Some(b'\'')) => char_or_lifetime_end(b, end),
                        (word, _) => {
                            if NESTING_WORDS.contains(&word) {
                                nesting.link();
                            }
                            end
                        }
                    };
                }
                _ => i += 1,
            }
            if nesting.depth > scan.max_depth {
                scan.max_depth = nesting.depth;
                let line_start = scan.line_starts.last().copied().unwrap_or(0);
                scan.deepest_at = (
                    scan.line_starts.len() as u32,
                    at.saturating_sub(line_start) as u32 + 1,
                );
            }
        }
        scan
    }

    /// The text of 1-based line `line`, without its line break.
    pub fn line_text<'t>(&self, text: &'t str, line: u32) -> &'t str {
        let Some(&start) = self.line_starts.get(line.saturating_sub(1) as usize) else {
            return "";
        };
        let end = self
            .line_starts
            .get(line as usize)
            .map_or(text.len(), |&e| e.saturating_sub(1));
        text.get(start..end.max(start))
            .unwrap_or("")
            .trim_end_matches('\r')
    }

    fn push_comment(&mut self, b: &[u8], start: usize, end: usize) {
        let line_start = self.line_starts.last().copied().unwrap_or(0);
        let own_line = b[line_start..start].iter().all(u8::is_ascii_whitespace);
        let line = self.line_starts.len() as u32;
        // A block comment may span lines: record their starts too.
        for (k, _) in b[start..end]
            .iter()
            .enumerate()
            .filter(|(_, &c)| c == b'\n')
        {
            self.line_starts.push(start + k + 1);
        }
        self.comments.push(Comment {
            start,
            end,
            line,
            end_line: self.line_starts.len() as u32,
            own_line,
        });
    }

    /// Skips a string body from `i` (after the opening quote) to after its
    /// closing quote followed by `hashes` `#`s; records line starts inside it.
    /// Backslashes escape only outside raw strings.
    fn string_end(&mut self, b: &[u8], mut i: usize, hashes: usize, raw: bool) -> usize {
        while i < b.len() {
            match b[i] {
                b'\\' if !raw => i += 2,
                b'\n' => {
                    self.line_starts.push(i + 1);
                    i += 1;
                }
                b'"' if b[i + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|&&c| c == b'#')
                    .count()
                    == hashes =>
                {
                    return i + 1 + hashes;
                }
                _ => i += 1,
            }
        }
        b.len()
    }

    /// From just after `r`/`br`/`cr` at `#…#"`: the end of the raw string.
    fn raw_string_end(&mut self, b: &[u8], i: usize) -> usize {
        let hashes = b[i..].iter().take_while(|&&c| c == b'#').count();
        if b.get(i + hashes) != Some(&b'"') {
            // `r#ident` (a raw identifier), not a string.
            return i + hashes;
        }
        self.string_end(b, i + hashes + 1, hashes, true)
    }
}

/// Keywords that may nest the tree one deeper without a bracket: `x as T as
/// U`, `else if`, `if if c {…} else {…} {…}`, `return return x`.
const NESTING_WORDS: &[&[u8]] = &[
    b"as", b"else", b"if", b"match", b"while", b"for", b"in", b"return", b"break", b"yield",
];

/// The rest of the file from `i`, past whitespace and comments.
fn next_token(b: &[u8], mut i: usize) -> &[u8] {
    loop {
        while b.get(i).is_some_and(u8::is_ascii_whitespace) {
            i += 1;
        }
        match (b.get(i), b.get(i + 1)) {
            (Some(b'/'), Some(b'/')) => {
                i = b[i..]
                    .iter()
                    .position(|&c| c == b'\n')
                    .map_or(b.len(), |p| i + p);
            }
            (Some(b'/'), Some(b'*')) => i = block_comment_end(b, i),
            _ => return &b[i.min(b.len())..],
        }
    }
}

/// Whether a bracket closed just before `rest` is followed by another that
/// nests the tree one deeper: a call or an index of what it closed (`f()()`,
/// `a[0][0]`).
fn is_trailer(rest: &[u8]) -> bool {
    matches!(rest.first(), Some(b'(' | b'['))
}

/// Whether the expression a `}` ends goes on after it (`} else`, `}.f()`,
/// `} + 1`, `} as T`, `}()`), rather than a statement or an item ending there.
fn continues_expression(rest: &[u8]) -> bool {
    let word = |w: &[u8]| {
        rest.starts_with(w)
            && !rest
                .get(w.len())
                .is_some_and(|&c| c == b'_' || c.is_ascii_alphanumeric())
    };
    is_trailer(rest)
        || matches!(
            rest.first(),
            Some(
                b'.' | b'?'
                    | b'&'
                    | b'|'
                    | b'+'
                    | b'-'
                    | b'*'
                    | b'/'
                    | b'%'
                    | b'^'
                    | b'='
                    | b'<'
                    | b'>'
                    | b'!'
            )
        )
        || word(b"else")
        || word(b"as")
}

fn block_comment_end(b: &[u8], start: usize) -> usize {
    let mut depth = 0;
    let mut i = start;
    while i + 1 < b.len() {
        match (b[i], b[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    b.len()
}

/// At a `'`: past a char literal (`'x'`, `'\n'`, `'\u{1F600}'`, `'é'`), or past the
/// quote alone for a lifetime or label (`'a`, `'static`).
fn char_or_lifetime_end(b: &[u8], i: usize) -> usize {
    match b.get(i + 1) {
        Some(b'\\') => {
            // An escape: the literal ends at the next quote after it.
            b[i + 3.min(b.len() - i)..]
                .iter()
                .position(|&c| c == b'\'')
                .map_or(b.len(), |p| i + 3 + p + 1)
        }
        Some(&c) => {
            // One character, maybe several bytes long, then a quote.
            let len = match c {
                0x00..=0x7f => 1,
                0xc0..=0xdf => 2,
                0xe0..=0xef => 3,
                _ => 4,
            };
            if b.get(i + 1 + len) == Some(&b'\'') {
                i + 2 + len
            } else {
                i + 1
            }
        }
        None => b.len(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn comments(text: &str) -> Vec<&str> {
        Scan::of(text)
            .comments
            .iter()
            .map(|c| &text[c.start..c.end])
            .collect()
    }

    #[test]
    fn finds_comments_but_not_inside_strings_chars_or_raw_strings() {
        let text = r####"let a = "// no"; // yes 1
let b = r##"/* no "# "##; /* yes /* nested */ 2 */
let c = '"'; let d = b'\''; let e: &'static str = "\"//"; // yes 3
fn f<'a>(x: &'a str) {} let g = br##"x"#y"##; let h = '\u{2f}'; // yes 4
let r#type = 1; // yes 5
let s = r"\"; // yes 6
"####;
        assert_eq!(
            comments(text),
            [
                "// yes 1",
                "/* yes /* nested */ 2 */",
                "// yes 3",
                "// yes 4",
                "// yes 5",
                "// yes 6"
            ]
        );
    }

    #[test]
    fn lines_own_line_and_depth() {
        let text = "fn f() {\n    // own\n    g(); /* trailing\n spans */\n    h([1]);\n}\n";
        let scan = Scan::of(text);
        let c = &scan.comments;
        assert_eq!((c[0].line, c[0].end_line, c[0].own_line), (2, 2, true));
        assert_eq!((c[1].line, c[1].end_line, c[1].own_line), (3, 4, false));
        assert_eq!(scan.line_starts.len(), 7);
        assert_eq!(scan.line_text(text, 5), "    h([1]);");
        assert_eq!((scan.max_depth, scan.deepest_at), (3, (5, 7)));
        let deep = "(".repeat(5000) + &")".repeat(5000);
        assert_eq!(Scan::of(&deep).max_depth, 5000);
    }
}
