//! The integration tests: one binary, real components (a loopback HTTP server, an on-disk
//! tantivy index and SQLite file in a temp dir), never any address but 127.0.0.1.

mod alerts;
mod api;
mod cli;
mod daemon;
mod demo;
mod eval;
mod feed_fixtures;
mod fetch;
mod fetch_cli;
mod lang_accuracy;
mod lexicon_tools;
mod lexicons;
mod pipeline;
mod real_feeds;
mod search;
mod trends;
mod util;
mod web;
