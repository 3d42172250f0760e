//! LCOV tracefiles (stub).
use std::io::BufRead;
use std::path::Path;

use super::{CoverageError, ParsedReport};

pub(crate) fn parse<R: BufRead>(path: &Path, _input: R) -> Result<ParsedReport, CoverageError> {
    Err(CoverageError::UnknownFormat {
        path: path.to_path_buf(),
        found: "LCOV (not yet supported)".into(),
    })
}
