//! The second stage: the source files to analyse, and the base revisions of the
//! changed ones (for telling new findings from old).

use super::Error;
use crate::gate::measures::NewCode;
use crate::{config, diff, model, source};
use std::path::Path;

/// Source discovery with the configuration's include and exclude globs, plus every
/// file the change touches that the walk's heuristics skipped
/// ([`source::add_changed`]).
pub fn discover(
    root: &Path,
    config: &config::Loaded,
    jobs: usize,
    new_code: &NewCode,
) -> Result<source::Discovery, Error> {
    let sources = &config.config.sources;
    let mut found = source::discover(root, sources, jobs).map_err(|e| Error::Path {
        path: config
            .path
            .clone()
            .unwrap_or_else(|| Path::new(config::FILE_NAME).to_path_buf()),
        message: format!("bad glob: {e}"),
    })?;
    if let NewCode::Changed { lines, .. } = new_code {
        let present = lines
            .files()
            .filter(|f| f.status != diff::FileStatus::Deleted)
            .map(|f| f.path.as_str());
        source::add_changed(&mut found, root, sources, present);
    }
    Ok(found)
}

/// The base revision of every changed file gate analyses (or, for a deleted file,
/// would have analysed), to be analysed beside the head: what tracking tells new
/// and fixed findings by. Only the changed files, so the cost grows with the change.
pub fn base_sources(
    root: &Path,
    new_code: &NewCode,
    analysed: &dyn Fn(&str) -> bool,
    sources: &source::SourcesConfig,
) -> Result<Vec<(model::SourceFile, String)>, Error> {
    let NewCode::Changed { lines, base, .. } = new_code else {
        return Ok(Vec::new());
    };
    // Discovery compiled the same globs without error.
    let globs = source::Globs::new(sources).ok();
    let wanted = |file: &diff::ChangedFile, base_path: &str| {
        model::Language::from_path(base_path).is_some()
            && if file.status == diff::FileStatus::Deleted {
                globs.as_ref().is_some_and(|g| g.selects_changed(base_path))
            } else {
                analysed(&file.path)
            }
    };
    Ok(diff::base::read(root, lines, base, &wanted)?
        .into_iter()
        .filter_map(|f| {
            let language = model::Language::from_path(&f.path)?;
            let file = model::SourceFile {
                abs: root.join(&f.path),
                rel: f.path,
                language,
            };
            Some((file, f.text))
        })
        .collect())
}
