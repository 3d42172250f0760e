//! A byte scan of Java code that skips comments and string, character and
//! text-block literals: the complexity checks bound a method's score from its
//! tokens before paying for a walk of its tree.

/// A token outside comments and literals, at its byte index.
pub(super) enum Token<'a> {
    /// An identifier or keyword.
    Word(&'a [u8]),
    /// Any other byte (operators, brackets), one at a time.
    Byte(u8),
}

/// Calls `on` with each token of `code`. An unclosed literal or comment ends
/// the scan early.
pub(super) fn scan(code: &[u8], mut on: impl FnMut(usize, Token)) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80;
    let skip_past = |from: usize, end: &[u8]| {
        code[from.min(code.len())..]
            .windows(end.len())
            .position(|w| w == end)
            .map_or(code.len(), |p| from + p + end.len())
    };
    // Past the closing `quote`, honouring backslash escapes.
    let skip_literal = |mut i: usize, quote: &[u8]| {
        while i < code.len() {
            if code[i] == b'\\' {
                i += 2;
            } else if code[i..].starts_with(quote) {
                return i + quote.len();
            } else {
                i += 1;
            }
        }
        code.len()
    };
    let mut i = 0;
    while i < code.len() {
        let b = code[i];
        let next = code.get(i + 1).copied();
        match b {
            b'/' if next == Some(b'/') => i = skip_past(i, b"\n"),
            b'/' if next == Some(b'*') => i = skip_past(i + 2, b"*/"),
            b'"' if code[i + 1..].starts_with(b"\"\"") => i = skip_literal(i + 3, b"\"\"\""),
            b'"' | b'\'' => i = skip_literal(i + 1, &[b]),
            _ if is_word(b) => {
                let start = i;
                while i < code.len() && is_word(code[i]) {
                    i += 1;
                }
                on(start, Token::Word(&code[start..i]));
            }
            _ => {
                on(i, Token::Byte(b));
                i += 1;
            }
        }
    }
}
