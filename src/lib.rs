//! # tocsin — an alarm bell for incitement in the news
//!
//! tocsin watches news feeds for incitement to violence and early signs of mass atrocities.
//! Data flows one way, and the modules read in that order:
//!
//! | stage | module | in → out |
//! |---|---|---|
//! | configure | [`config`] | pipeline TOML → [`config::Pipeline`] (lexicons compiled) |
//! | fetch | [`fetch`] | feed URLs → HTTP bodies (conditional GET, limits, politeness) |
//! | parse | [`parse`] | bodies → [`model::Article`]s (feed-rs, HTML → text, canonical URLs, ids) |
//! | language | [`lang`] | article → language and confidence (metadata first, then text) |
//! | classify | [`lexicon`], [`classify`] | text → [`model::Assessment`] with [`model::Evidence`] |
//! | index | [`index`] | assessed articles → tantivy index on disk (per-language analysers, upsert by id) |
//! | query | [`query`] | queries and filters → hits with snippets and evidence; trends, spikes, export |
//! | state | [`store`] | SQLite: per-feed fetch state, seen articles, the alert log |
//! | alert | [`alert`] | assessed articles and trend spikes → alerts → Atom, JSON Feed, CAP, webhooks, JSONL |
//! | serve | [`serve`] | the HTTP API (axum): search, trends, articles, feeds, alerts, health, metrics; the web page for monitors |
//! | evaluate | [`eval`] | labelled datasets → precision, recall, F1, per-term false alarms; HTML reports |
//!
//! [`markup`] holds what the HTML, SVG and XML writers share: the one escaping function and the
//! inline SVG charts.
//!
//! [`run`] ties the stages together for one pass over a pipeline's feeds; [`demo`] serves the
//! bundled demo outlets on loopback and runs that same pass against them; [`daemon`] runs
//! passes on the feeds' schedules for several pipelines at once, raises and delivers alerts,
//! serves the API, reloads on change and shuts down cleanly.

pub mod alert;
pub mod classify;
pub mod cli;
pub mod config;
pub mod daemon;
pub mod demo;
pub mod eval;
pub mod fetch;
pub mod index;
pub mod lang;
pub mod lexicon;
pub mod markup;
pub mod model;
pub mod parse;
pub mod query;
pub mod run;
pub mod serve;
pub mod store;
