//! Cobertura XML (stub).
use std::io::BufRead;

use super::xml::{Root, XmlReader};
use super::{CoverageError, ParsedReport};

pub(crate) fn parse<R: BufRead>(
    xml: &mut XmlReader<R>,
    _root: &Root,
) -> Result<ParsedReport, CoverageError> {
    Err(CoverageError::UnknownFormat {
        path: xml.path().to_path_buf(),
        found: "Cobertura (not yet supported)".into(),
    })
}
