//! The feeds a pipeline polls: its `[[feed]]` tables, its `[feeds] opml` file, and the feeds
//! imported into its state with `tocsin feeds import`, in that order, each URL once.

use std::collections::HashSet;

use crate::config::{FeedConfig, PipelineConfig};
use crate::store::Store;

use super::RunError;

/// Every feed of the pipeline, configuration first; a URL listed twice keeps its first entry.
pub fn all_feeds(config: &PipelineConfig, store: &Store) -> Result<Vec<FeedConfig>, RunError> {
    let mut feeds = config.feed.clone();
    if let Some(path) = config.feeds.as_ref().and_then(|f| f.opml.as_ref()) {
        let text = std::fs::read_to_string(path)
            .map_err(|e| RunError::Opml(format!("cannot read {}: {e}", path.display())))?;
        let listed =
            crate::parse::opml::read_opml(&text).map_err(|e| RunError::Opml(format!("{}: {e}", path.display())))?;
        feeds.extend(listed);
    }
    feeds.extend(store.subscriptions()?);
    let mut seen = HashSet::new();
    feeds.retain(|f| seen.insert(f.url.clone()));
    Ok(feeds)
}
