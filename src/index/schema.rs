//! The index schema (DESIGN §3): which fields an article document has and how each is indexed.
//!
//! Text is indexed once, in the field pair of the article's analyser (see
//! [`super::analysis`]); filters are exact `STRING` fields, fast where trends aggregate on
//! them; dates, level and score are fast for sorting and histograms. The whole
//! [`crate::model::AssessedArticle`] is stored as one JSON `record`, so the index can always be
//! rebuilt from itself when the schema changes.

use tantivy::schema::{
    DateOptions, DateTimePrecision, FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing,
    TextOptions,
};

use super::analysis::{ANALYZER_COUNT, Analyzer};

/// The fields of the schema.
#[derive(Debug, Clone, Copy)]
pub struct Fields {
    /// Article id (exact).
    pub id: Field,
    /// Canonical URL (exact).
    pub url: Field,
    /// Outlet name (exact, fast).
    pub outlet: Field,
    /// Feed id (exact).
    pub feed_id: Field,
    /// Title, default analyser (analysed, positions).
    pub title: Field,
    /// Body text, default analyser (analysed, positions).
    pub text: Field,
    /// Language code (exact, fast).
    pub lang: Field,
    /// Country code, uppercase (exact, fast).
    pub country: Field,
    /// Publication date (fast).
    pub published: Field,
    /// Fetch date (fast).
    pub fetched: Field,
    /// Level rank 0..3 (fast).
    pub level: Field,
    /// Score 0..1 (fast).
    pub score: Field,
    /// Categories with evidence (multi-valued, exact, fast).
    pub category: Field,
    /// Evidence terms and rule ids (multi-valued, exact).
    pub term: Field,
    /// Speech kinds of the evidence (multi-valued, exact, fast).
    pub speech: Field,
    /// The whole [`crate::model::AssessedArticle`] as JSON (stored only).
    pub record: Field,
    /// Title fields, one per analyser, in [`Analyzer::all`] order.
    pub titles: [Field; ANALYZER_COUNT],
    /// Text fields, one per analyser, in [`Analyzer::all`] order.
    pub texts: [Field; ANALYZER_COUNT],
}

impl Fields {
    /// The (title, text) fields of an analyser.
    pub fn text_fields(&self, analyzer: Analyzer) -> (Field, Field) {
        (self.titles[analyzer.slot()], self.texts[analyzer.slot()])
    }

    /// The (title, text) fields where an article in `lang` is indexed.
    pub fn for_lang(&self, lang: &str) -> (Field, Field) {
        self.text_fields(Analyzer::for_lang(lang))
    }
}

/// Build the schema.
pub fn schema() -> (Schema, Fields) {
    let mut b = Schema::builder();
    let exact_fast = STRING | STORED | FAST;
    let text = |analyzer: Analyzer| {
        TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(&analyzer.tokenizer_name())
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        )
    };
    let date = DateOptions::from(INDEXED).set_stored().set_fast().set_precision(DateTimePrecision::Seconds);
    let mut titles = Vec::with_capacity(ANALYZER_COUNT);
    let mut texts = Vec::with_capacity(ANALYZER_COUNT);
    for a in Analyzer::all() {
        let suffix = a.field_suffix();
        titles.push(b.add_text_field(&format!("title{suffix}"), text(a)));
        texts.push(b.add_text_field(&format!("text{suffix}"), text(a)));
    }
    let titles: [Field; ANALYZER_COUNT] = titles.try_into().expect("one title field per analyser");
    let texts: [Field; ANALYZER_COUNT] = texts.try_into().expect("one text field per analyser");
    let fields = Fields {
        id: b.add_text_field("id", STRING | STORED),
        url: b.add_text_field("url", STRING | STORED),
        outlet: b.add_text_field("outlet", exact_fast.clone()),
        feed_id: b.add_text_field("feed_id", STRING | STORED),
        title: titles[0],
        text: texts[0],
        lang: b.add_text_field("lang", exact_fast.clone()),
        country: b.add_text_field("country", exact_fast.clone()),
        published: b.add_date_field("published", date.clone()),
        fetched: b.add_date_field("fetched", date),
        level: b.add_u64_field("level", INDEXED | STORED | FAST),
        score: b.add_f64_field("score", INDEXED | STORED | FAST),
        category: b.add_text_field("category", exact_fast.clone()),
        term: b.add_text_field("term", STRING),
        speech: b.add_text_field("speech", STRING | FAST),
        record: b.add_text_field("record", STORED),
        titles,
        texts,
    };
    (b.build(), fields)
}
