//! Canonical URLs and stable article ids.
//!
//! The same article reached through `?utm_source=…`, a `#comments` fragment or an upper-case
//! host is one article: we lowercase the host (the `url` crate does), drop the fragment and
//! tracking parameters, and hash the result into the id. The same story republished under a
//! new URL by the same outlet is caught by its [`title_key`] instead.

use sha2::{Digest, Sha256};

/// Query parameters that only track clicks and never change the page.
fn is_tracking(key: &str) -> bool {
    let k = key.to_ascii_lowercase();
    k.starts_with("utm_")
        || matches!(
            k.as_str(),
            "fbclid"
                | "gclid"
                | "dclid"
                | "msclkid"
                | "mc_cid"
                | "mc_eid"
                | "igshid"
                | "yclid"
                | "_ga"
                | "ref_src"
                | "ocid"
                | "cmpid"
                | "at_medium"
                | "at_campaign"
                | "__twitter_impression"
        )
}

/// The canonical form of a URL, or the input unchanged when it is not an absolute URL.
pub fn canonical_url(raw: &str) -> String {
    let Ok(mut url) = url::Url::parse(raw.trim()) else {
        return raw.trim().to_string();
    };
    url.set_fragment(None);
    let kept: Vec<(String, String)> =
        url.query_pairs().filter(|(k, _)| !is_tracking(k)).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    if kept.is_empty() {
        url.set_query(None);
    } else {
        url.query_pairs_mut().clear().extend_pairs(kept);
    }
    url.to_string()
}

/// A stable id: the first 16 bytes of SHA-256 of `key`, in hex.
pub fn stable_id(key: &str) -> String {
    let digest = Sha256::digest(key.as_bytes());
    digest[..16].iter().map(|b| format!("{b:02x}")).collect()
}

/// The key under which two articles of one outlet count as the same story: the outlet and the
/// title, case-folded with spaces collapsed. `None` for an empty title (never a duplicate).
pub fn title_key(outlet: &str, title: &str) -> Option<String> {
    let folded: Vec<String> = title.split_whitespace().map(str::to_lowercase).collect();
    if folded.is_empty() {
        return None;
    }
    Some(stable_id(&format!("{}\u{0}{}", outlet.trim().to_lowercase(), folded.join(" "))))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tracking_and_fragments_go() {
        assert_eq!(
            canonical_url("https://News.Example/a?id=3&utm_source=x&fbclid=y#top"),
            "https://news.example/a?id=3"
        );
        assert_eq!(canonical_url("https://news.example/a?utm_medium=rss"), "https://news.example/a");
    }

    #[test]
    fn ids_are_stable_and_distinct() {
        assert_eq!(stable_id("a"), stable_id("a"));
        assert_ne!(stable_id("a"), stable_id("b"));
        assert_eq!(stable_id("a").len(), 32);
    }

    #[test]
    fn title_keys_fold_case_and_space() {
        assert_eq!(title_key("Herald", "Market  reopens"), title_key("herald", "market reopens "));
        assert_ne!(title_key("Herald", "Market reopens"), title_key("Echo", "Market reopens"));
        assert_eq!(title_key("Herald", "  "), None);
    }
}
