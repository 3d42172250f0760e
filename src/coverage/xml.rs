//! The XML layer under the JaCoCo and Cobertura parsers: a pull reader over a buffered
//! file that yields element starts and ends with the byte offset where each begins, so
//! every error can say where (reports are often one single line). A DOCTYPE is accepted
//! and never fetched; a DOCTYPE that declares entities, and any reference to an entity
//! other than the five XML built-ins, is an error: billion-laughs expansion and external
//! entities (XXE) cannot happen. One buffer is reused for every event, so memory does
//! not grow with the size of the report.

use std::borrow::Cow;
use std::io::{BufRead, Read};
use std::path::{Path, PathBuf};

use quick_xml::errors::{Error as XmlError, IllFormedError, SyntaxError};
use quick_xml::escape::{resolve_predefined_entity, EscapeError};
use quick_xml::events::attributes::Attribute;
use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::{CoverageError, Position};

pub(crate) struct XmlReader<R> {
    reader: Reader<R>,
    buf: Vec<u8>,
    path: PathBuf,
    /// Where the event last returned begins.
    at: u64,
}

/// What the parsers see of an XML document.
pub(crate) enum Node<'b> {
    /// `<x ...>` (`empty: false`) or `<x .../>` (`empty: true`).
    Start {
        element: BytesStart<'b>,
        empty: bool,
    },
    /// The end tag of the innermost open element (quick-xml checks that the names match).
    End,
    /// Character data that is not only whitespace, entity references resolved.
    Text(Cow<'b, str>),
    /// Whitespace, comments and processing instructions: nothing a parser reads.
    Ignored,
    Eof,
}

/// The root element, owned so that the reader can move on.
pub(crate) struct Root {
    pub(crate) element: BytesStart<'static>,
    pub(crate) empty: bool,
}

/// Where the event just returned came from: lets a parser build errors and read
/// attributes while the event still borrows the reader's buffer.
#[derive(Clone, Copy)]
pub(crate) struct Ctx<'p> {
    path: &'p Path,
    at: u64,
}

impl<R: BufRead> XmlReader<R> {
    /// Reads the prolog (XML declaration, DOCTYPE, comments) up to the root element.
    pub(crate) fn open(path: &Path, input: R) -> Result<(XmlReader<R>, Root), CoverageError> {
        let mut xml = XmlReader {
            reader: Reader::from_reader(input),
            buf: Vec::with_capacity(4096),
            path: path.to_path_buf(),
            at: 0,
        };
        loop {
            xml.buf.clear();
            xml.at = xml.reader.buffer_position();
            let cx = Ctx {
                path: &xml.path,
                at: xml.at,
            };
            let event = xml
                .reader
                .read_event_into(&mut xml.buf)
                .map_err(|e| read_error(cx, xml.reader.error_position(), e))?;
            let empty = matches!(event, Event::Empty(_));
            match event {
                Event::Start(e) | Event::Empty(e) => {
                    let element = e.into_owned();
                    return Ok((xml, Root { element, empty }));
                }
                Event::Decl(decl) => {
                    if let Some(encoding) = decl.encoding() {
                        let encoding = encoding.map_err(|e| cx.malformed(e.to_string()))?;
                        if !["utf-8", "utf8", "us-ascii"]
                            .iter()
                            .any(|ok| encoding.eq_ignore_ascii_case(ok))
                        {
                            return Err(cx.malformed(format!(
                                "the XML declaration says encoding=\"{encoding}\"; gate reads \
                                 UTF-8 reports only (set the report encoding to UTF-8)"
                            )));
                        }
                    }
                }
                Event::DocType(doctype) => {
                    if doctype.contains("<!ENTITY") {
                        return Err(cx.entity("the DOCTYPE declares entities".to_string()));
                    }
                }
                Event::Text(text) if is_blank(&text) => {}
                Event::Comment(_) | Event::PI(_) => {}
                Event::Eof => return Err(cx.malformed("no root element")),
                Event::Text(_) | Event::CData(_) | Event::GeneralRef(_) | Event::End(_) => {
                    return Err(cx.malformed("content before the root element"))
                }
            }
        }
    }

    /// The next event inside the root element.
    pub(crate) fn next(&mut self) -> Result<(Node<'_>, Ctx<'_>), CoverageError> {
        self.buf.clear();
        self.at = self.reader.buffer_position();
        let cx = Ctx {
            path: &self.path,
            at: self.at,
        };
        let event = self
            .reader
            .read_event_into(&mut self.buf)
            .map_err(|e| read_error(cx, self.reader.error_position(), e))?;
        let node = match event {
            Event::Start(element) => Node::Start {
                element,
                empty: false,
            },
            Event::Empty(element) => Node::Start {
                element,
                empty: true,
            },
            Event::End(_) => Node::End,
            Event::Text(text) if is_blank(&text) => Node::Ignored,
            Event::Text(text) => Node::Text(text.into_inner()),
            Event::CData(data) => Node::Text(data.into_inner()),
            Event::GeneralRef(reference) => {
                if let Some(c) = reference
                    .resolve_char_ref()
                    .map_err(|e| cx.malformed(e.to_string()))?
                {
                    Node::Text(Cow::Owned(c.to_string()))
                } else if let Some(s) = resolve_predefined_entity(&reference) {
                    Node::Text(Cow::Borrowed(s))
                } else {
                    return Err(cx.entity(format!("reference to the entity &{};", &*reference)));
                }
            }
            Event::Comment(_) | Event::PI(_) => Node::Ignored,
            Event::Decl(_) | Event::DocType(_) => {
                return Err(cx.malformed("XML declaration or DOCTYPE inside the document"))
            }
            Event::Eof => Node::Eof,
        };
        Ok((node, cx))
    }

    /// Skips the rest of the element whose start was just read (its end included).
    pub(crate) fn skip(&mut self, name: &str) -> Result<(), CoverageError> {
        let mut depth = 0usize;
        loop {
            match self.next()? {
                (Node::Start { empty: false, .. }, _) => depth += 1,
                (Node::End, _) if depth == 0 => return Ok(()),
                (Node::End, _) => depth -= 1,
                (Node::Eof, cx) => return Err(cx.truncated(name)),
                _ => {}
            }
        }
    }

    /// Reads the end of an element that must have no content (`<counter ...></counter>`).
    pub(crate) fn expect_end(&mut self, name: &str) -> Result<(), CoverageError> {
        loop {
            match self.next()? {
                (Node::End, _) => return Ok(()),
                (Node::Ignored, _) => {}
                (Node::Eof, cx) => return Err(cx.truncated(name)),
                (_, cx) => return Err(cx.malformed(format!("<{name}> must have no content"))),
            }
        }
    }

    /// The text of an element that holds only text (Cobertura's `<source>`).
    pub(crate) fn text(&mut self, name: &str) -> Result<String, CoverageError> {
        let mut text = String::new();
        loop {
            match self.next()? {
                (Node::End, _) => return Ok(text.trim().to_string()),
                (Node::Text(t), _) => text.push_str(&t),
                (Node::Ignored, _) => {}
                (Node::Eof, cx) => return Err(cx.truncated(name)),
                (Node::Start { .. }, cx) => {
                    return Err(cx.malformed(format!("<{name}> must hold only text")))
                }
            }
        }
    }

    /// Reads from the end of the root element to the end of the file, where only
    /// whitespace, comments and processing instructions may be: a second report
    /// appended to the first, or anything else, would otherwise go unread.
    pub(crate) fn finish(&mut self, root: &str) -> Result<(), CoverageError> {
        loop {
            match self.next()? {
                (Node::Ignored, _) => {}
                (Node::Eof, _) => return Ok(()),
                (Node::Start { element, .. }, cx) => {
                    let name = element.name();
                    let name = name.as_ref();
                    return Err(cx.malformed(format!(
                        "<{name}> after the end of <{root}>: a file holds one report \
                         (were two written into one file?)"
                    )));
                }
                (node @ (Node::Text(_) | Node::End), cx) => {
                    // A text node starts with the whitespace before what is wrong.
                    let blank = match node {
                        Node::Text(text) => text.len() - text.trim_start().len(),
                        _ => 0,
                    };
                    let cx = Ctx {
                        at: cx.at + blank as u64,
                        ..cx
                    };
                    return Err(cx.malformed(format!(
                        "content after the end of <{root}>, where only comments may follow"
                    )));
                }
            }
        }
    }

    pub(crate) fn path(&self) -> &Path {
        &self.path
    }

    /// The error context of the last event, for errors found after it was dropped.
    pub(crate) fn ctx(&self) -> Ctx<'_> {
        Ctx {
            path: &self.path,
            at: self.at,
        }
    }
}

/// Adds the line to an XML error's byte offset. Counted only once there is an error,
/// by reading the report again up to it, so that parsing never counts lines.
pub(crate) fn with_line(error: CoverageError) -> CoverageError {
    let (CoverageError::Malformed { path, at, .. }
    | CoverageError::Truncated { path, at, .. }
    | CoverageError::Entity { path, at, .. }) = &error
    else {
        return error;
    };
    let Position::Byte(byte) = *at else {
        return error;
    };
    let Some(line) = line_of(path, byte) else {
        return error;
    };
    let at = Position::LineAndByte { line, byte };
    match error {
        CoverageError::Malformed { path, what, .. } => CoverageError::Malformed { path, at, what },
        CoverageError::Truncated { path, open, .. } => CoverageError::Truncated { path, at, open },
        CoverageError::Entity { path, what, .. } => CoverageError::Entity { path, at, what },
        other => other,
    }
}

/// The 1-based line of byte `byte` of the file at `path`.
fn line_of(path: &Path, byte: u64) -> Option<u64> {
    let mut input = std::io::BufReader::new(std::fs::File::open(path).ok()?).take(byte);
    let mut newlines = 0u64;
    loop {
        let chunk = input.fill_buf().ok()?;
        if chunk.is_empty() {
            return Some(newlines + 1);
        }
        newlines += chunk.iter().filter(|&&b| b == b'\n').count() as u64;
        let n = chunk.len();
        input.consume(n);
    }
}

/// `<` is where the event begins; quick-xml's error position is where it failed.
fn read_error(cx: Ctx<'_>, error_at: u64, error: XmlError) -> CoverageError {
    let cx = Ctx { at: error_at, ..cx };
    match error {
        XmlError::Syntax(SyntaxError::InvalidBangMarkup) => cx.malformed(error.to_string()),
        XmlError::Syntax(unclosed) => cx.truncated_in(&format!("unfinished markup ({unclosed})")),
        XmlError::IllFormed(IllFormedError::MissingEndTag(name)) => cx.truncated(&name),
        XmlError::Io(io) => cx.malformed(format!("read failed: {io}")),
        other => cx.malformed(format!("not well-formed XML: {other}")),
    }
}

fn is_blank(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_whitespace())
}

impl<'p> Ctx<'p> {
    pub(crate) fn position(self) -> Position {
        Position::Byte(self.at)
    }

    pub(crate) fn malformed(self, what: impl Into<String>) -> CoverageError {
        CoverageError::Malformed {
            path: self.path.to_path_buf(),
            at: self.position(),
            what: what.into(),
        }
    }

    fn entity(self, what: String) -> CoverageError {
        CoverageError::Entity {
            path: self.path.to_path_buf(),
            at: self.position(),
            what,
        }
    }

    /// The document ended while `<name>` was open.
    pub(crate) fn truncated(self, name: &str) -> CoverageError {
        self.truncated_in(&format!("<{name}>"))
    }

    fn truncated_in(self, open: &str) -> CoverageError {
        CoverageError::Truncated {
            path: self.path.to_path_buf(),
            at: self.position(),
            open: open.to_string(),
        }
    }

    /// An element the format does not allow where it was found.
    pub(crate) fn unexpected(self, element: &BytesStart<'_>, parent: &str) -> CoverageError {
        let name = element.name();
        let name = name.as_ref();
        self.malformed(format!("unexpected <{name}> inside <{parent}>"))
    }

    pub(crate) fn unexpected_text(self, parent: &str) -> CoverageError {
        self.malformed(format!("unexpected text inside <{parent}>"))
    }

    /// The element's attributes, each checked (quoted, not repeated).
    ///
    /// Repeats are checked here rather than by quick-xml, whose check allocates a
    /// vector for every element: with a million `<line>` and `<counter>` elements in a
    /// large report that was a tenth of the parse time. The names seen so far are kept
    /// on the stack (JaCoCo's elements have at most five attributes) and only a tag
    /// with more than [`INLINE_KEYS`] attributes spills to the heap.
    pub(crate) fn attributes<'e>(
        self,
        element: &'e BytesStart<'_>,
    ) -> impl Iterator<Item = Result<Attribute<'e>, CoverageError>> + use<'e, 'p> {
        let mut attributes = element.attributes();
        attributes.with_checks(false);
        let mut seen = SeenKeys::default();
        attributes.map(move |a| {
            let a = a.map_err(|e| self.malformed(format!("bad attribute: {e}")))?;
            let key: &'e str = a.key.into_inner();
            if !seen.insert(key) {
                return Err(self.malformed(format!(
                    "bad attribute: attribute `{key}` appears more than once"
                )));
            }
            Ok(a)
        })
    }

    /// An attribute's value with the built-in entities and character references
    /// resolved; any other entity is refused.
    pub(crate) fn text_value(self, attr: &Attribute<'_>) -> Result<String, CoverageError> {
        match attr.normalized_value(XmlVersion::Implicit1_0) {
            Ok(value) => Ok(value.into_owned()),
            Err(XmlError::Escape(
                e @ (EscapeError::UnrecognizedEntity(..) | EscapeError::TooManyNestedEntities),
            )) => Err(self.entity(format!("attribute {}: {e}", key(attr)))),
            Err(e) => Err(self.malformed(format!("attribute {}: {e}", key(attr)))),
        }
    }

    /// A whole, non-negative number written in plain digits, as every count in a
    /// report is; parsed straight from the bytes, without allocating.
    pub(crate) fn number(self, attr: &Attribute<'_>) -> Result<u64, CoverageError> {
        let digits = attr.value.as_bytes();
        let parsed = if digits.is_empty() {
            None
        } else {
            digits.iter().try_fold(0u64, |n, &b| {
                if b.is_ascii_digit() {
                    n.checked_mul(10)?.checked_add(u64::from(b - b'0'))
                } else {
                    None
                }
            })
        };
        parsed.ok_or_else(|| {
            self.malformed(format!(
                "attribute {}=\"{}\" is not a whole number from 0 to {}",
                key(attr),
                attr.value,
                u64::MAX
            ))
        })
    }

    /// A source line number: 1 to `u32::MAX`.
    pub(crate) fn line_number(self, attr: &Attribute<'_>) -> Result<u32, CoverageError> {
        let n = self.number(attr).map_err(|_| self.bad_line(attr))?;
        u32::try_from(n)
            .ok()
            .filter(|&n| n > 0)
            .ok_or_else(|| self.bad_line(attr))
    }

    fn bad_line(self, attr: &Attribute<'_>) -> CoverageError {
        self.malformed(format!(
            "attribute {}=\"{}\" is not a line number from 1 to {}",
            key(attr),
            attr.value,
            u32::MAX
        ))
    }

    /// An attribute the format requires was absent.
    pub(crate) fn required<T>(
        self,
        value: Option<T>,
        element: &str,
        attr: &str,
    ) -> Result<T, CoverageError> {
        value.ok_or_else(|| self.malformed(format!("<{element}> has no {attr} attribute")))
    }
}

fn key<'a>(attr: &'a Attribute<'_>) -> &'a str {
    attr.key.as_ref()
}

/// Attribute names on the stack before [`SeenKeys`] spills to the heap.
const INLINE_KEYS: usize = 8;

/// The attribute names of one tag seen so far, to refuse a repeated one.
#[derive(Default)]
struct SeenKeys<'e> {
    inline: [&'e str; INLINE_KEYS],
    len: usize,
    /// Hashed, so a hostile tag with a huge number of attributes stays linear.
    spilled: std::collections::HashSet<&'e str>,
}

impl<'e> SeenKeys<'e> {
    /// `false` if `key` was seen before.
    fn insert(&mut self, key: &'e str) -> bool {
        let stored = self.len.min(INLINE_KEYS);
        if self.inline[..stored].contains(&key) {
            return false;
        }
        if self.len < INLINE_KEYS {
            self.inline[self.len] = key;
        } else if !self.spilled.insert(key) {
            return false;
        }
        self.len += 1;
        true
    }
}
