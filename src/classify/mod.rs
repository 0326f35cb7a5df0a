//! The classifier: lexicons compiled once into automata, then text → [`Assessment`].
//!
//! Data flow for one text:
//! 1. [`normalize`](normalize::views) it (case, compatibility forms, invisible characters,
//!    punctuation runs → one space), keeping a map to original bytes — in one pass, the
//!    literal view, and when the text's language needs them a diacritic-folded view and a
//!    regex view that keeps punctuation;
//! 2. find every literal term word by word ([`words`]; an Aho-Corasick automaton for scripts
//!    without spaces) and every regex term through a `RegexSet`, keep matches that sit on word boundaries and whose
//!    lexicon's language is the text's (or is universal), then drop a match that lies inside a
//!    longer match of the same category — leftmost-longest, but decided after the language
//!    and boundary checks, so a longer term that cannot count never hides a shorter one;
//! 3. split the matches into context cues (reporting, condemnation, negation) and signals;
//! 4. give each signal its speech context from its sentence, its quotation marks and the cues;
//! 5. fire rules over co-occurring signals in a sentence;
//! 6. [`score`] the evidence into category scores, an article score and a level.
//!
//! A [`Classifier`] is immutable and `Send + Sync`: build it once, share it by `Arc`.

pub mod context;
pub mod examples;
pub mod expand;
pub mod normalize;
pub mod score;
pub mod spelling;
pub mod words;

#[cfg(test)]
mod tests;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::OnceLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use rayon::prelude::*;
use regex::{RegexSet, RegexSetBuilder};
use regex_automata::meta::Regex as MetaRegex;
use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{FileError, Levels};
use crate::lang::runs::{LangRun, Languages};
use crate::lexicon::categories::{
    CUE_CONDEMNATION, CUE_NEGATION, CUE_REFERENCE, CUE_REPORTING, DEROGATION, TARGET_GROUP,
};
use crate::lexicon::{LexiconSet, Negates};
use crate::model::{Assessment, Evidence, EvidenceKind, Speech};
use context::Layout;
use normalize::{Normalized, is_unspaced_script, normalize};
use unicode_normalization::char::is_combining_mark;

/// How many tokens before a match a negation cue may stand to govern it (within one clause:
/// "Ce ne sont pas des voisins : ce sont des cafards" is not negated).
pub const NEGATION_REACH: usize = 4;

/// How many tokens after a match a negation cue that negates what precedes it may stand
/// (`negates = "preceding"` or `"both"`): the predicate it negates stands next to it, or with
/// one filler word between ("asalak falan değil", "बेवकूफ़ बिलकुल नहीं"). Further back are the
/// subject and object, which a negation of the verb does not deny ("चूतिया औरतें कुछ नहीं
/// समझतीं", f— women understand nothing).
pub const NEGATION_REACH_AFTER: usize = 2;

/// How many words may precede a reference word ("they") in its sentence for it to point back
/// at a group in the previous sentence. A reference of several words ("your kind", "these
/// people") is unambiguous and points back from anywhere in its sentence.
pub const REFERENCE_REACH: usize = 5;

/// How many tokens after a reference a group may follow for the sentence to say who the
/// reference is ("They are women after all.", "Needless to say they are all Muslims."); such a
/// sentence binds its group to the previous sentence's words (see
/// `Classifier::resolve_references`).
pub const IDENTIFY_REACH: usize = 3;

/// How many letters a question may have besides its group for the group to be the topic of
/// the next sentence ("Refugees? Nothing but vermin.", "And the Roma? …", "难民？…"): a longer
/// question says something of its own.
pub const TOPIC_QUESTION_LETTERS: usize = 10;

/// What kind of thing a category is for the classifier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Signal,
    Reporting,
    Condemnation,
    Negation,
    /// A word that refers back to a group named earlier ("they"); see [`CUE_REFERENCE`].
    Reference,
    /// A cue category the classifier does not interpret (declared by analysts for rules).
    OtherCue,
}

#[derive(Debug, Clone)]
struct CategoryInfo {
    name: String,
    alerts_alone: bool,
    cap: f64,
    role: Role,
}

#[derive(Debug, Clone)]
struct LexiconInfo {
    id: String,
    language: String,
    universal: bool,
    fold_diacritics: bool,
}

impl LexiconInfo {
    /// Whether the lexicon's terms count in text of `lang` (`None`: every lexicon applies).
    fn applies(&self, lang: Option<&str>) -> bool {
        // Byte by byte: language codes are a few bytes, and this runs for every term found,
        // where a call to `memcmp` cost more than the comparison.
        self.universal
            || lang.is_none_or(|lang| {
                lang.len() == self.language.len() && lang.bytes().zip(self.language.bytes()).all(|(a, b)| a == b)
            })
    }
}

#[derive(Debug, Clone)]
struct CompiledTerm {
    lexicon: usize,
    category: usize,
    weight: f64,
    label: String,
    id: Option<String>,
    /// `word*`: the match may continue to the end of the word.
    stem: bool,
    /// Check word boundaries (false for scripts written without spaces).
    boundaries: bool,
    /// Index in `Classifier::regexes` of a term left as a regex; `None` for a literal (or a
    /// finite regex spelled out as literals), which spells every word it matches.
    regex: Option<usize>,
    /// A harmless phrase that hides the matches of its category inside it (see
    /// [`Classifier::silence`]).
    silence: bool,
    /// For a negation cue, the side it negates.
    negates: Negates,
}

#[derive(Debug, Clone)]
enum Part {
    Category(usize),
    TermId(String),
}

#[derive(Debug, Clone)]
struct CompiledRule {
    lexicon: usize,
    category: usize,
    weight: f64,
    id: String,
    all: Vec<Part>,
    any: Vec<Part>,
    within: Option<usize>,
    unless: Vec<usize>,
}

/// A term found in a text, before any scoring.
#[derive(Debug, Clone, PartialEq)]
pub struct TermMatch {
    /// Byte offset of the match in the original text.
    pub start: usize,
    /// End byte offset of the match in the original text.
    pub end: usize,
    /// The term's `match` or `regex`.
    pub label: String,
    /// Id of its lexicon.
    pub lexicon: String,
    /// Its category.
    pub category: String,
}

/// One term match, in both coordinate systems.
#[derive(Debug, Clone)]
struct Hit {
    term: usize,
    /// Range in the original text.
    orig: Range<usize>,
    /// Index of the first token in the normalised text.
    token: usize,
    /// Index of the last token.
    last: usize,
    sentence: usize,
    /// A group named in another sentence, standing at a reference or over a sentence's words
    /// (see `Classifier::resolve_references`): it spells nothing of the text it covers.
    bound: bool,
}

impl Hit {
    fn new(term: usize, orig: Range<usize>) -> Self {
        Hit { term, orig, token: 0, last: 0, sentence: 0, bound: false }
    }

    /// Tokens from the end of the earlier of two matches to the start of the later one: 1 for
    /// neighbours, 0 when they overlap. A long phrase does not use up a rule's `within`.
    fn gap(&self, other: &Hit) -> usize {
        if other.token > self.last { other.token - self.last } else { self.token.saturating_sub(other.last) }
    }

    fn contains(&self, range: &Range<usize>) -> bool {
        self.orig.start <= range.start && range.end <= self.orig.end
    }
}

/// The regex terms of one language, prefiltered together.
#[derive(Debug)]
struct RegexGroup {
    language: String,
    /// Whether the set runs on the literal view (else on the regex view).
    literal_view: bool,
    set: RegexSet,
    /// For each regex of `set`, its index in `Classifier::regexes`.
    members: Vec<usize>,
}

/// A regex term, compiled on first use: the set of its language says when it matched, most
/// never match a given stream of text, and compiling hundreds of them up front was half of the
/// classifier's build time.
#[derive(Debug)]
struct LazyRegex {
    source: String,
    compiled: OnceLock<Option<MetaRegex>>,
}

impl LazyRegex {
    fn new(source: String) -> Self {
        LazyRegex { source, compiled: OnceLock::new() }
    }

    /// The compiled regex; `None` only if it cannot compile, which loading a lexicon rules out.
    /// (A `regex_automata` regex, for anchored searches where a trigger word stands.)
    fn get(&self) -> Option<&MetaRegex> {
        self.compiled
            .get_or_init(|| {
                let config = regex_automata::meta::Config::new().nfa_size_limit(Some(crate::lexicon::REGEX_SIZE_LIMIT));
                MetaRegex::builder().configure(config).build(&self.source).ok()
            })
            .as_ref()
    }
}

/// A term that stays a regex.
#[derive(Debug)]
struct RegexTerm {
    regex: LazyRegex,
    term: usize,
    /// When it runs only where one of its trigger words stands (see
    /// [`expand::trigger_words`]), the form it runs there ([`expand::anchored_form`]); else
    /// its language's `RegexSet` says when.
    anchored: Option<LazyRegex>,
    /// Else, when it runs on the literal view of a spaced script, the form searched in the
    /// texts its `RegexSet` lets through (see [`expand::spaced_form`]).
    spaced: Option<LazyRegex>,
    /// Its guard parts (see [`expand::guard_words`]), as a range of part ids, which
    /// [`Classifier::guards`] maps words to: it runs at its trigger words only in texts that
    /// hold a word of each, for its trigger words are often common ones ("are", "we"). Empty
    /// when it has none.
    guard_parts: std::ops::Range<u32>,
    /// Whether it runs on the literal view, rewritten for it (see
    /// [`expand::literal_view_regex`]); else on the regex view, which keeps symbols.
    literal_view: bool,
}

/// Largest compiled size of one language's `RegexSet`.
const REGEX_SET_SIZE_LIMIT: usize = 256 * 1024 * 1024;

/// A compiled, immutable classifier. Build with [`Classifier::build`].
#[derive(Debug)]
pub struct Classifier {
    categories: Vec<CategoryInfo>,
    lexicons: Vec<LexiconInfo>,
    terms: Vec<CompiledTerm>,
    /// Literal patterns of spaced scripts and trigger words, looked up word by word (see
    /// [`words`]).
    words: WordIndexes,
    /// Patterns of lexicons with `fold_diacritics`, looked up in the folded view.
    folded_words: WordIndexes,
    /// The words of the literal patterns of each language ("*": of universal lexicons): which
    /// spelling of an elongated or masked word ("kiiiill", "m*slims") counts
    /// (see [`normalize::unelongate`]). Per language, or the Dutch "moslims" would be
    /// taken for the English "m*slims".
    pattern_words: HashMap<String, words::Vocabulary>,
    /// Lexicons with `fold_diacritics` (few): text of their languages needs the folded view.
    folding_lexicons: Vec<usize>,
    /// Literal patterns of scripts without spaces, which match inside words.
    unspaced: AhoCorasick,
    /// For each pattern of `unspaced`, its index in `literal_terms`.
    unspaced_patterns: Vec<usize>,
    /// For each literal pattern, the terms (possibly in several lexicons) it stands for.
    literal_terms: PatternTerms,
    /// One `RegexSet` per lexicon language (`*` for universal lexicons): text runs only the
    /// sets of its language, and no single set grows past the regex size limits.
    regex_sets: Vec<RegexGroup>,
    /// Regex terms that stay regexes.
    regexes: Vec<RegexTerm>,
    /// Trigger words, indexed in `words` after the literal patterns (see [`RegexTerm`]): for
    /// each, the regexes it starts and whether as the start of a word, not all of it.
    triggers: Vec<Vec<(usize, bool)>>,
    /// Guard words, indexed in `words` after the trigger words: for each, the guard parts
    /// (see [`RegexTerm::guard_parts`]) it stands for.
    guards: Vec<Vec<usize>>,
    /// How many guard parts all regexes have.
    guard_parts: usize,
    rules: Vec<CompiledRule>,
    levels: Levels,
    /// Correctly spelt words per language (the lexicons' `dictionary`, shared with the
    /// speller): which sentences of an article may be in another language
    /// ([`crate::lang::runs`]).
    dictionaries: HashMap<String, std::sync::Arc<crate::lexicon::Dictionary>>,
    /// The most frequent words of each language (the lexicons' `common_words`): which
    /// sentences of an article are in another language although its dictionary knows their
    /// words ([`crate::lang::runs`]).
    common_words: std::sync::Arc<crate::lexicon::CommonWords>,
    /// One-typo corrections of the literal view, for lexicons with `typos = true`.
    speller: spelling::Speller,
}

impl Classifier {
    /// Compile every term and rule of `set`. Errors name the lexicon file and line.
    pub fn build(set: &LexiconSet, levels: Levels) -> Result<Self, Vec<FileError>> {
        let categories: Vec<CategoryInfo> = set
            .categories
            .iter()
            .map(|c| CategoryInfo {
                name: c.name.clone(),
                alerts_alone: c.alerts_alone,
                cap: c.cap,
                role: match (c.cue, c.name.as_str()) {
                    (false, _) => Role::Signal,
                    (true, CUE_REPORTING) => Role::Reporting,
                    (true, CUE_CONDEMNATION) => Role::Condemnation,
                    (true, CUE_NEGATION) => Role::Negation,
                    (true, CUE_REFERENCE) => Role::Reference,
                    (true, _) => Role::OtherCue,
                },
            })
            .collect();
        let cat_index = |name: &str| categories.iter().position(|c| c.name == name);
        // Only languages with a typo-tolerant lexicon need their vocabulary collected.
        let typo_languages = set.lexicons.iter().filter(|l| l.meta.typos).map(|l| l.meta.language.clone()).collect();
        let mut b = Builder { typo_languages, ..Builder::default() };
        // Spelling out finite regexes and planning the others is the costliest part of the
        // build: do it on every core, term by term (one big lexicon would keep one core busy).
        let expansions: Vec<Vec<Option<RegexForm>>> = set
            .lexicons
            .par_iter()
            .map(|lex| {
                let fold = lex.meta.fold_diacritics;
                let learn = b.learns(&lex.meta.language, lex.meta.universal);
                lex.terms.par_iter().map(|t| t.spec.regex.as_deref().map(|r| RegexForm::of(r, fold, learn))).collect()
            })
            .collect();
        for (lex, spellings) in set.lexicons.iter().zip(expansions) {
            let li = b.lexicons.len();
            b.lexicons.push(LexiconInfo {
                id: lex.meta.id.clone(),
                language: lex.meta.language.clone(),
                universal: lex.meta.universal,
                fold_diacritics: lex.meta.fold_diacritics,
            });
            for (t, spellings) in lex.terms.iter().zip(spellings) {
                let category = cat_index(&t.spec.category).expect("checked at load");
                b.add_term(li, category, t, spellings, lex.meta.typos);
            }
            for r in &lex.rules {
                let parts = |names: &[String]| -> Vec<Part> {
                    names.iter().map(|n| cat_index(n).map_or_else(|| Part::TermId(n.clone()), Part::Category)).collect()
                };
                b.rules.push(CompiledRule {
                    lexicon: li,
                    category: cat_index(&r.spec.category).expect("checked at load"),
                    weight: r.weight,
                    id: r.spec.id.clone(),
                    all: parts(&r.spec.all),
                    any: parts(&r.spec.any),
                    within: r.spec.within,
                    unless: r.spec.unless.iter().filter_map(|n| cat_index(n)).collect(),
                });
            }
        }
        // The speller's misspellings and the indexes are independent: made side by side.
        let mut speller = std::mem::take(&mut b.speller);
        let ((), c) = rayon::join(|| speller.finish(&set.dictionaries), || b.finish(categories, levels));
        let mut c = c?;
        c.speller = speller;
        c.dictionaries = set.dictionaries.clone();
        c.common_words = set.common_words.clone();
        Ok(c)
    }

    /// The level thresholds in use.
    pub fn levels(&self) -> Levels {
        self.levels
    }

    /// Number of compiled terms and rules.
    pub fn size(&self) -> (usize, usize) {
        (self.terms.len(), self.rules.len())
    }

    /// How the terms were compiled: literal patterns (looked up word by word, or in the
    /// automaton of unspaced scripts), and terms left as regexes (they cost far more per byte
    /// of text; see [`expand`]).
    pub fn engines(&self) -> (usize, usize) {
        (self.literal_terms.len(), self.regexes.len())
    }

    /// Assess one text. `lang` is the text's language (ISO 639-1); `None` or `"und"` lets
    /// every lexicon apply.
    pub fn classify(&self, text: &str, lang: Option<&str>) -> Assessment {
        self.assess(self.evidence_in(text, lang, None))
    }

    /// Assess a text of language `lang` (`und` when unknown), reading its parts in another
    /// language (a quote, a slogan: in another script, or a sentence with few words of the
    /// article language's dictionary) with their own language's lexicons:
    /// [`crate::lang::runs`] finds them, [`Classifier::classify_runs`] reads them. What the
    /// pipeline, `tocsin classify` and `tocsin eval` do; for nearly every text there is one
    /// run and this is [`Classifier::classify`].
    pub fn classify_mixed(&self, text: &str, lang: &str) -> Assessment {
        let runs = crate::lang::runs::runs(text, lang, self);
        self.classify_runs(text, &runs)
    }

    /// Assess a text whose parts are in different languages: `runs` are byte ranges that
    /// cover `text` in order, each with its language (see [`crate::lang::runs`]). Each run is
    /// read with the lexicons of its language, as a text of its own (rules and speech
    /// contexts do not reach across runs), and the evidence of all is scored together, with
    /// offsets into `text`. One judgement crosses runs: a condemnation cue of one run
    /// condemns the evidence of another in the same sentence of `text` ("The UN condemned the
    /// chant «…»"), or in the sentence after quoted or reported evidence, as within one
    /// language (see [`Classifier::speech`]). A single run is [`Classifier::classify`].
    pub fn classify_runs(&self, text: &str, runs: &[LangRun]) -> Assessment {
        if let [run] = runs
            && run.range == (0..text.len())
        {
            return self.classify(text, Some(&run.lang));
        }
        // Evidence and condemnation cues, each with its run.
        let (mut evidence, mut condemnations) = (Vec::new(), Vec::new());
        for (i, LangRun { range, lang }) in runs.iter().enumerate() {
            let mut cues = Vec::new();
            for mut e in self.evidence_in(&text[range.clone()], Some(lang), Some(&mut cues)) {
                e.start += range.start;
                e.end += range.start;
                evidence.push((i, e));
            }
            condemnations.extend(cues.into_iter().map(|at| (i, at + range.start)));
        }
        let judgeable = |e: &Evidence| matches!(e.speech, Speech::Direct | Speech::Reported);
        if !condemnations.is_empty() && evidence.iter().any(|(_, e)| judgeable(e)) {
            let layout = Layout::new(text);
            for (run, e) in evidence.iter_mut().filter(|(_, e)| judgeable(e)) {
                let sentence = layout.sentence_of(e.start);
                let judged = condemnations.iter().any(|&(r, at)| {
                    let cue = layout.sentence_of(at);
                    r != *run && (cue == sentence || (e.speech == Speech::Reported && cue == sentence + 1))
                });
                if judged {
                    e.weight = e.weight / score::speech_factor(e.speech) * score::speech_factor(Speech::Condemned);
                    e.speech = Speech::Condemned;
                }
            }
        }
        let mut evidence: Vec<Evidence> = evidence.into_iter().map(|(_, e)| e).collect();
        evidence.sort_by_key(|e| (e.start, e.kind == EvidenceKind::Term, e.end));
        self.assess(evidence)
    }

    /// Score `evidence` (in text order) with the categories' policies and the levels.
    fn assess(&self, evidence: Vec<Evidence>) -> Assessment {
        score::assess(evidence, &self.levels, |name| {
            let c = self.categories.iter().find(|c| c.name == name);
            score::CategoryPolicy { alerts_alone: c.is_some_and(|c| c.alerts_alone), cap: c.map_or(1.0, |c| c.cap) }
        })
    }

    /// Every piece of evidence in `text`, in text order; and in `condemnations`, if given,
    /// where each condemnation cue starts (found even in a text without evidence).
    fn evidence_in(&self, text: &str, lang: Option<&str>, condemnations: Option<&mut Vec<usize>>) -> Vec<Evidence> {
        let lang = lang.filter(|l| !l.is_empty() && *l != "und");
        let mut hits = self.find_hits(text, lang);
        self.silence(&mut hits, false);
        if let Some(out) = condemnations {
            out.extend(hits.iter().filter(|h| self.role_of(h.term) == Role::Condemnation).map(|h| h.orig.start));
        }
        // Cues alone (a reporting verb, a negation) are no evidence: a text without a signal
        // has nothing to explain, and most news text has none.
        if !hits.iter().any(|h| self.role_of(h.term) == Role::Signal) {
            hits.clear();
        }
        // Sentence splitting costs as much as matching: only texts with a hit pay for it.
        let layout = if hits.is_empty() { Layout::default() } else { Layout::new(text) };
        for h in &mut hits {
            h.sentence = layout.sentence_of(h.orig.start);
        }
        // The views drop punctuation, so a phrase may have been found across a sentence end
        // ("… for murder. The …" as "murder the"): no term spans two sentences.
        hits.retain(|h| h.orig.is_empty() || layout.sentence_of(h.orig.end - 1) == h.sentence);
        let cues = Cues::collect(self, &hits);
        let mut evidence = Vec::new();
        // Rules see every hit; term evidence keeps only the longest of nested same-category hits.
        for h in self.longest_per_category(hits.clone()).iter().filter(|h| self.role_of(h.term) == Role::Signal) {
            let speech = self.speech(text, &cues, &layout, &h.orig, h.sentence, &[h]);
            evidence.push(self.term_evidence(text, &layout, h, speech));
        }
        let resolved = self.resolve_references(text, &layout, &hits, &cues);
        if resolved.is_empty() {
            self.fire_rules(text, &layout, &hits, &cues, lang, &mut evidence);
        } else {
            let mut rule_hits = hits.clone();
            rule_hits.extend(resolved);
            rule_hits.sort_by_key(|h| (h.orig.start, h.orig.end));
            self.fire_rules(text, &layout, &rule_hits, &cues, lang, &mut evidence);
        }
        evidence.sort_by_key(|e| (e.start, e.kind == EvidenceKind::Term, e.end));
        evidence
    }

    /// Every term match in `text`, context cues included, without speech or scoring: what
    /// `lexicon test` checks examples against.
    pub fn term_matches(&self, text: &str, lang: Option<&str>) -> Vec<TermMatch> {
        let lang = lang.filter(|l| !l.is_empty() && *l != "und");
        let mut hits = self.find_hits(text, lang);
        // A silencer's own examples must match it.
        self.silence(&mut hits, true);
        hits.into_iter()
            .map(|h| {
                let t = &self.terms[h.term];
                TermMatch {
                    start: h.orig.start,
                    end: h.orig.end,
                    label: t.label.clone(),
                    lexicon: self.lexicons[t.lexicon].id.clone(),
                    category: self.categories[t.category].name.clone(),
                }
            })
            .collect()
    }

    /// Assess many texts in parallel on the rayon pool.
    pub fn classify_batch<S: AsRef<str> + Sync>(&self, items: &[(S, Option<S>)]) -> Vec<Assessment> {
        items.par_iter().map(|(t, l)| self.classify(t.as_ref(), l.as_ref().map(|l| l.as_ref()))).collect()
    }

    /// Drop the hits that a silencer of their category covers (a harmless phrase: "kill
    /// time" around "kill"), and the silencers too unless `keep_silencers`. Done before
    /// anything else looks at the hits, so that neither term evidence nor rules see them: a
    /// weight-0 phrase hides a word's evidence (see [`Classifier::longest_per_category`]) but
    /// a rule would still see the word.
    fn silence(&self, hits: &mut Vec<Hit>, keep_silencers: bool) {
        let silencer = |h: &Hit| self.terms[h.term].silence;
        if !hits.iter().any(silencer) {
            return;
        }
        let covers: Vec<(usize, Range<usize>)> =
            hits.iter().filter(|h| silencer(h)).map(|h| (self.terms[h.term].category, h.orig.clone())).collect();
        hits.retain(|h| {
            if silencer(h) {
                return keep_silencers;
            }
            let category = self.terms[h.term].category;
            !covers.iter().any(|(c, r)| *c == category && r.start <= h.orig.start && h.orig.end <= r.end)
        });
    }

    fn role_of(&self, term: usize) -> Role {
        self.categories[self.terms[term].category].role
    }

    fn applies(&self, lexicon: usize, lang: Option<&str>) -> bool {
        self.lexicons[lexicon].applies(lang)
    }

    /// Every term hit in `text`, in text order, with `sentence` left at 0 for the caller.
    fn find_hits(&self, text: &str, lang: Option<&str>) -> Vec<Hit> {
        let want_folded = self.folding_lexicons.iter().any(|&l| self.applies(l, lang));
        let regex_sets =
            || self.regex_sets.iter().filter(|g| g.language == "*" || lang.is_none_or(|l| g.language == l));
        let want_regex_view = regex_sets().any(|g| !g.literal_view);
        let normalize::Views { literal: mut norm, word_starts, mut folded, regex: regex_view, unspaced } =
            normalize::views(text, want_folded, want_regex_view);
        // Letters written three times or more ("kiiiill") or masked ("m*slims"), spelled as a
        // word of some pattern has them (see [`Classifier::unobfuscate`]).
        if let Some(fixed) = self.unobfuscate(&norm, lang) {
            norm = fixed;
            if want_folded {
                folded = normalize::fold_diacritics(&norm);
            }
        }
        let mut word_starts = Some(word_starts);
        // The walk of the word index hands each word to the speller first; only a text with a
        // word it suspects is corrected, and then walked again.
        let suspects = self.speller.suspects(lang);
        let mut suspect = false;
        let mut found = if suspects.is_empty() {
            self.find_literal(&norm, lang, |_, _, _| {})
        } else {
            self.find_literal(&norm, lang, |h, start, end| {
                suspect = suspect || suspects.word(h, &norm.text, start, end);
            })
        };
        if suspect && let Some(corrected) = self.speller.correct(&norm, lang) {
            norm = corrected;
            word_starts = None;
            found = self.find_literal(&norm, lang, |_, _, _| {});
            // The folded view is made again from the corrected text, or the corrections would
            // be lost to the folding lexicons whenever the text has an accent anywhere.
            if want_folded {
                folded = normalize::fold_diacritics(&norm);
            }
        }
        let LiteralFinds { mut hits, triggers, armed } = found;
        if want_folded {
            // No folded view means folding changed nothing: the literal view stands for it.
            let folded = folded.as_ref().unwrap_or(&norm);
            let ids = &self.folded_words.ids;
            self.folded_words.of(lang).find(
                &folded.text,
                |p, start, end| self.literal_hit(ids[p] as usize, folded, start, end, lang, &mut hits),
                |_, _, _| {},
            );
        }
        if !self.unspaced_patterns.is_empty() && unspaced {
            for m in self.unspaced.find_overlapping_iter(&norm.text) {
                let pi = self.unspaced_patterns[m.pattern().as_usize()];
                self.literal_hit(pi, &norm, m.start(), m.end(), lang, &mut hits);
            }
        }
        let triggered = self.triggered(&norm, &triggers, &armed, lang);
        self.run_triggered(&norm, triggered, &mut hits);
        for g in regex_sets() {
            let Some(view) = (if g.literal_view { Some(&norm) } else { regex_view.as_ref() }) else { continue };
            for ri in g.set.matches(&view.text).into_iter().map(|i| g.members[i]) {
                let ti = self.regexes[ri].term;
                if !self.applies(self.terms[ti].lexicon, lang) {
                    continue;
                }
                if let Some(spaced) = self.regexes[ri].spaced.as_ref().and_then(LazyRegex::get) {
                    search_spaced(spaced, view, ti, &mut hits);
                    continue;
                }
                let Some(re) = self.regexes[ri].regex.get() else {
                    continue;
                };
                for m in re.find_iter(&view.text) {
                    if !m.is_empty()
                        && (!self.terms[ti].boundaries || on_word_boundaries(&view.text, m.start(), m.end()))
                    {
                        let (os, oe) = view.original_range(m.start(), m.end());
                        hits.push(Hit::new(ti, os..oe));
                    }
                }
            }
        }
        if !hits.is_empty() {
            // Token positions, as original offsets, so hits from both views share one count.
            let tokens = word_starts.unwrap_or_else(|| norm.original_word_starts());
            for h in &mut hits {
                h.token = tokens.partition_point(|&t| t <= h.orig.start).saturating_sub(1);
                h.last = tokens.partition_point(|&t| t < h.orig.end).saturating_sub(1).max(h.token);
            }
        }
        hits.sort_by_key(|h| (h.orig.start, h.orig.end));
        hits
    }

    /// `norm` (a literal view) with its elongated words ("kiiiill", see
    /// [`normalize::unelongate`]) and masked words ("m*slims", see [`normalize::unmask`])
    /// spelled as a word of some pattern of `lang` has them, or `None` when none changes.
    /// Apart from `find_hits`, whose hot loop it would only crowd: it finds nothing in most
    /// texts.
    #[inline(never)]
    fn unobfuscate(&self, norm: &Normalized, lang: Option<&str>) -> Option<Normalized> {
        // Text of no known language: every language's words.
        let vocabularies: Vec<&words::Vocabulary> = match lang {
            Some(l) => [l, "*"].iter().filter_map(|l| self.pattern_words.get(*l)).collect(),
            None => self.pattern_words.values().collect(),
        };
        let knows = |word: &str| vocabularies.iter().any(|v| v.knows(word));
        let unelongated = normalize::unelongate(norm, knows);
        let text = unelongated.as_ref().unwrap_or(norm);
        if text.text.contains(normalize::MASK) {
            return normalize::unmask(text, knows).or(unelongated);
        }
        unelongated
    }

    /// The hits of literal patterns in `norm` (a literal view), the regexes their trigger words
    /// call for and the guarded regexes armed. `each_word` sees every word with its hash.
    fn find_literal(
        &self,
        norm: &Normalized,
        lang: Option<&str>,
        each_word: impl FnMut(u64, usize, usize),
    ) -> LiteralFinds {
        let mut out =
            LiteralFinds { hits: Vec::with_capacity(32), triggers: Vec::with_capacity(64), armed: Vec::new() };
        // Every pattern that starts at a word, overlaps included: a longer term that fails its
        // language or word-boundary check must not hide a shorter one at the same place
        // ("kill them" in "kill themselves").
        let mut armed_by = Vec::new();
        let found = |p: usize, start: usize, end: usize| {
            let pi = self.words.ids[p] as usize;
            let Some(k) = pi.checked_sub(self.literal_terms.len()) else {
                return self.literal_hit(pi, norm, start, end, lang, &mut out.hits);
            };
            if let Some(g) = k.checked_sub(self.triggers.len()) {
                // Common guard words ("us", "out") stand many times in a text: arm once.
                if !armed_by.contains(&g) && word_match(&norm.text, start, end, false, true).is_some() {
                    armed_by.push(g);
                    // Most texts hold no guard word: the bits are made for the first.
                    out.armed.resize(self.guard_parts.div_ceil(64), 0);
                    for &part in &self.guards[g] {
                        out.armed[part / 64] |= 1 << (part % 64);
                    }
                }
                return;
            }
            // Which of its regexes the trigger word calls for is settled after the walk, when
            // the guard words of the whole text are known: common trigger words ("the", "is")
            // stand hundreds of times in a text whose regexes are rarely armed.
            out.triggers.push((k as u32, start as u32, end as u32));
        };
        self.words.of(lang).find(&norm.text, found, each_word);
        out
    }

    /// The regexes that the trigger words found in `norm` call for, as (regex, offset) pairs:
    /// those of the text's language whose guard parts are all `armed` and whose trigger word
    /// stands whole (or begins a word, for a stem).
    fn triggered(
        &self,
        norm: &Normalized,
        triggers: &[(u32, u32, u32)],
        armed: &[u64],
        lang: Option<&str>,
    ) -> Vec<(usize, usize)> {
        let seen = |part: u32| armed.get(part as usize / 64).is_some_and(|bits| bits & (1 << (part % 64)) != 0);
        let mut triggered = Vec::new();
        for &(k, start, end) in triggers {
            let (start, end) = (start as usize, end as usize);
            for &(ri, stem) in &self.triggers[k as usize] {
                let r = &self.regexes[ri];
                if r.guard_parts.clone().all(seen)
                    && self.applies(self.terms[r.term].lexicon, lang)
                    && word_match(&norm.text, start, end, stem, true).is_some()
                {
                    triggered.push((ri, start));
                }
            }
        }
        triggered
    }

    /// Run each triggered regex anchored where its trigger words stand (`(regex, offset)`
    /// pairs), skipping offsets inside its previous match, as a search from the start would.
    fn run_triggered(&self, view: &Normalized, mut triggered: Vec<(usize, usize)>, hits: &mut Vec<Hit>) {
        triggered.sort_unstable();
        triggered.dedup();
        let mut previous: Option<(usize, usize)> = None;
        for (ri, at) in triggered {
            if previous.is_some_and(|(r, end)| r == ri && at < end) {
                continue;
            }
            let r = &self.regexes[ri];
            let Some(re) = r.anchored.as_ref().and_then(LazyRegex::get) else { continue };
            let input = regex_automata::Input::new(&view.text).range(at..).anchored(regex_automata::Anchored::Yes);
            let Some(m) = re.search(&input) else { continue };
            if let Some(words) = edge_spaces_trimmed(view, m.start(), m.end()) {
                previous = Some((ri, words.end));
                let (os, oe) = view.original_range(words.start, words.end);
                hits.push(Hit::new(r.term, os..oe));
            }
        }
    }

    /// The hits of literal pattern `pi` found at `start..end` of `view`: one per term of the
    /// text's language whose word boundaries hold there.
    fn literal_hit(
        &self,
        pi: usize,
        view: &Normalized,
        start: usize,
        end: usize,
        lang: Option<&str>,
        hits: &mut Vec<Hit>,
    ) {
        for ti in self.literal_terms.of(pi) {
            let t = &self.terms[ti];
            if self.applies(t.lexicon, lang)
                && let Some(end) = word_match(&view.text, start, end, t.stem, t.boundaries)
            {
                let (os, oe) = view.original_range(start, end);
                hits.push(Hit::new(ti, os..oe));
            }
        }
    }

    /// Whether `h` (a negation) is spelled inside a longer term that owns it: a rhetorical
    /// frame ("isn't it obvious that") or a derogation ("aren't worth shit", "have no right
    /// to live"), where the negation is the insult; or a group's name ("no binarias",
    /// "não-binárias", "non-believers"), where it negates nothing. A negation inside a
    /// violence or call term still negates ("不应该杀害" is "should not kill").
    fn inside_longer_term(&self, i: usize, hits: &[Hit]) -> bool {
        let h = &hits[i];
        // Hits are in text order: a covering hit starts at or before `h`, and no term spans
        // more than a few hundred bytes, so look back only that far.
        let upto = i + hits[i..].iter().take_while(|o| o.orig.start == h.orig.start).count();
        hits[..upto].iter().rev().take_while(|o| o.orig.start + 512 >= h.orig.start).any(|o| {
            let category = &self.categories[self.terms[o.term].category];
            let owns_negation =
                category.role == Role::OtherCue || category.name == DEROGATION || category.name == TARGET_GROUP;
            owns_negation && o.orig.start <= h.orig.start && h.orig.end <= o.orig.end && o.orig.len() > h.orig.len()
        })
    }

    /// A reference word ("they", "their kind") stands for a group in rules when the group is
    /// named before it in the same sentence, or in the previous sentence if the reference
    /// points back — it opens its own sentence (within [`REFERENCE_REACH`] words of its start)
    /// or has several words ("your kind", "these people") — and the previous sentence does not
    /// condemn what it reports: "Some immigrants got into government. They are still trash to
    /// me." A lone pronoun deep in a later sentence more often points at something else ("those
    /// words prepare people to kill; I have seen where they lead"). These hits carry the group's
    /// term at the reference word's place, so a rule's evidence points at the sentence that
    /// fired it.
    ///
    /// The other direction: a sentence that says who a pointing-back reference is, the group
    /// within [`IDENTIFY_REACH`] tokens after it ("They are all complete assholes. **Needless to
    /// say they are Muslims.**"), binds that group to the previous sentence: a hit of the group
    /// spans the previous sentence's signals, so its rules see the group near each of them. At
    /// most one such binding per sentence, and none from a condemning sentence.
    ///
    /// A third: a question that only names a group, the topic of what follows ("Refugees?
    /// Nothing but vermin."), binds the group to the next sentence (see
    /// [`Classifier::topic_question`]).
    ///
    /// Only rules see the returned hits: the group is not counted twice. Linear time: each
    /// reference looks back over its own and the previous sentence, or a few tokens ahead.
    fn resolve_references(&self, text: &str, layout: &Layout, hits: &[Hit], cues: &Cues) -> Vec<Hit> {
        let is_group = |h: &Hit| self.categories[self.terms[h.term].category].name == TARGET_GROUP;
        let points_back = |r: &Hit| {
            let start = layout.sentence_range(r.sentence).start;
            r.last > r.token || text[start..r.orig.start].split_whitespace().count() < REFERENCE_REACH
        };
        let mut resolved = Vec::new();
        let mut identified = None;
        for (i, r) in hits.iter().enumerate().filter(|(_, h)| self.role_of(h.term) == Role::Reference) {
            // Hits are in text order: look back over this sentence and the one before only.
            let reach = hits[..i].iter().rev().take_while(|g| g.sentence + 1 >= r.sentence);
            let antecedent = reach.into_iter().find(|g| {
                is_group(g)
                    && g.orig.end <= r.orig.start
                    && (g.sentence == r.sentence
                        || (g.sentence + 1 == r.sentence && points_back(r) && !cues.condemnation.contains(&g.sentence)))
            });
            if let Some(g) = antecedent {
                resolved.push(Hit { term: g.term, bound: true, ..r.clone() });
            }
            if r.sentence == 0 || identified == Some(r.sentence) || cues.condemnation.contains(&r.sentence) {
                continue;
            }
            let ahead =
                hits[i + 1..].iter().take_while(|g| g.sentence == r.sentence && g.token <= r.last + IDENTIFY_REACH);
            if let Some(g) = ahead.into_iter().find(|g| is_group(g) && g.token > r.last)
                && points_back(r)
            {
                identified = Some(r.sentence);
                resolved.extend(self.bind_to_sentence(g.term, r.sentence - 1, &hits[..i]));
            }
        }
        for g in hits.iter().filter(|g| is_group(g) && self.topic_question(text, layout, g, cues)) {
            let next = g.sentence + 1;
            resolved.extend(self.bind_to_sentence(g.term, next, &hits[..hits.partition_point(|h| h.sentence <= next)]));
        }
        resolved
    }

    /// Whether group hit `g` is the topic of a question that says nothing else: its sentence
    /// ends with a question mark and has at most [`TOPIC_QUESTION_LETTERS`] letters besides
    /// the group ("Refugees?", "And the Roma?", "Women in charge?"), and neither it nor the
    /// next sentence condemns. What the next sentence says is then said of the group, as if
    /// it were named there.
    fn topic_question(&self, text: &str, layout: &Layout, g: &Hit, cues: &Cues) -> bool {
        let range = layout.sentence_range(g.sentence);
        let sentence = text[range.clone()].trim_end();
        if !sentence.ends_with(['?', '？', '؟']) {
            return false;
        }
        // Counted up to one letter past the bar: a long sentence costs no more than a short one.
        let letters = |s: &str| s.chars().filter(|c| c.is_alphabetic()).take(TOPIC_QUESTION_LETTERS + 1).count();
        let after = text.get(g.orig.end..range.start + sentence.len()).unwrap_or("");
        letters(&text[range.start..g.orig.start]) + letters(after) <= TOPIC_QUESTION_LETTERS
            && !cues.condemnation.contains(&g.sentence)
            && !cues.condemnation.contains(&(g.sentence + 1))
    }

    /// A hit of group term `group` spanning the signals of `sentence`, found at the end of
    /// `before` (hits in text order); `None` when the sentence has no signal.
    fn bind_to_sentence(&self, group: usize, sentence: usize, before: &[Hit]) -> Option<Hit> {
        let signals =
            before.iter().rev().skip_while(|h| h.sentence > sentence).take_while(|h| h.sentence == sentence).filter(
                |h| {
                    self.role_of(h.term) == Role::Signal
                        && self.categories[self.terms[h.term].category].name != TARGET_GROUP
                },
            );
        let mut bound: Option<Hit> = None;
        for h in signals {
            let b = bound.get_or_insert_with(|| Hit { term: group, bound: true, ..h.clone() });
            b.orig = b.orig.start.min(h.orig.start)..b.orig.end.max(h.orig.end);
            b.token = b.token.min(h.token);
            b.last = b.last.max(h.last);
        }
        bound
    }

    /// Drop a hit that lies strictly inside a longer hit of the same category ("kill" inside
    /// "kill them"): the longer, more specific term speaks for those words. Returns the hits
    /// in text order.
    fn longest_per_category(&self, mut hits: Vec<Hit>) -> Vec<Hit> {
        let category = |h: &Hit| self.terms[h.term].category;
        hits.sort_by_key(|h| (category(h), h.orig.start, std::cmp::Reverse(h.orig.end)));
        let mut kept: Vec<Hit> = Vec::with_capacity(hits.len());
        let mut cover: Option<(usize, Range<usize>)> = None;
        for h in hits {
            if let Some((c, r)) = &cover
                && *c == category(&h)
                && h.orig.end <= r.end
                && h.orig != *r
            {
                continue;
            }
            if cover.as_ref().is_none_or(|(c, r)| *c != category(&h) || h.orig.end > r.end) {
                cover = Some((category(&h), h.orig.clone()));
            }
            kept.push(h);
        }
        kept.sort_by_key(|h| (h.orig.start, h.orig.end));
        kept
    }

    /// Direct, reported, condemned or negated, decided in that order of strength:
    /// a condemnation cue in the sentence; a negation just before the words `orig` (of the hits
    /// `parts`), or among them but not spelled by the term that holds it ("Ich würde
    /// **niemals** einem Schwulen wehtun" negates the threat around it, "we will **not** rest
    /// until" is the threat); quotation marks or a reporting cue in the sentence.
    fn speech(
        &self,
        text: &str,
        cues: &Cues,
        layout: &Layout,
        orig: &Range<usize>,
        sentence: usize,
        parts: &[&Hit],
    ) -> Speech {
        let first = parts.iter().map(|h| h.token).min().unwrap_or(0);
        let last = parts.iter().map(|h| h.last).max().unwrap_or(first);
        let governs = |n: &Negation| {
            let inside = orig.start <= n.orig.start && n.orig.end <= orig.end && n.orig != *orig;
            (n.before(first) && !layout.clause_break_between(n.orig.end, orig.start))
                || (n.after(last) && !layout.clause_break_between(orig.end, n.orig.start))
                || (inside && !self.spelled_by_part(text, n, parts))
        };
        let reported = layout.is_quoted(orig) || cues.reporting.contains(&sentence);
        // Words quoted or reported, then judged in the next sentence ('"Muslims are rats," he
        // wrote. Shameful.'): the judgement is on them. Direct speech followed by a sentence
        // of disgust is left direct: "They are rats. Disgusting." is the speaker's own.
        if cues.condemnation.contains(&sentence) || (reported && cues.condemnation.contains(&(sentence + 1))) {
            Speech::Condemned
        } else if cues.negations(sentence).iter().any(governs) {
            Speech::Negated
        } else if reported {
            Speech::Reported
        } else {
            Speech::Direct
        }
    }

    /// Whether one of `parts` holds the negation `n` in its own words.
    fn spelled_by_part(&self, text: &str, n: &Negation, parts: &[&Hit]) -> bool {
        parts.iter().any(|p| p.contains(&n.orig) && self.spells(text, p, &n.orig))
    }

    /// Whether hit `h` spells the negation at `neg` as part of its meaning ("geen mensen",
    /// "we will not rest until"): a literal term spells every word it matches; a regex term
    /// spells the negation when it no longer matches without it — a negation that only fills a
    /// gap such as `(\w+ ){0,4}` is not the term's. A weight-0 term (a silencer such as
    /// "不应该…") and a group bound from another sentence spell nothing: their negation negates.
    fn spells(&self, text: &str, h: &Hit, neg: &Range<usize>) -> bool {
        let t = &self.terms[h.term];
        if h.bound || t.weight == 0.0 {
            return false;
        }
        let Some(ri) = t.regex else { return true };
        let without = format!("{}{}", &text[h.orig.start..neg.start], &text[neg.end..h.orig.end]);
        let r = &self.regexes[ri];
        let view = if r.literal_view {
            normalize::normalize(&without, false)
        } else {
            normalize::normalize_for_regex(&without)
        };
        let Some(re) = r.regex.get() else { return true };
        !re.find_iter(&view.text)
            .any(|m| !m.is_empty() && (!t.boundaries || on_word_boundaries(&view.text, m.start(), m.end())))
    }

    fn term_evidence(&self, text: &str, layout: &Layout, h: &Hit, speech: Speech) -> Evidence {
        let t = &self.terms[h.term];
        self.evidence(
            text,
            layout,
            h.orig.clone(),
            h.sentence,
            &t.label,
            EvidenceKind::Term,
            t.lexicon,
            t.category,
            t.weight,
            speech,
        )
    }

    #[allow(clippy::too_many_arguments)]
    fn evidence(
        &self,
        text: &str,
        layout: &Layout,
        orig: Range<usize>,
        sentence: usize,
        label: &str,
        kind: EvidenceKind,
        lexicon: usize,
        category: usize,
        weight: f64,
        speech: Speech,
    ) -> Evidence {
        let lex = &self.lexicons[lexicon];
        Evidence {
            start: orig.start,
            end: orig.end,
            text: text[orig.clone()].to_string(),
            sentence: text[layout.sentence_range(sentence)].trim().to_string(),
            term_or_rule: label.to_string(),
            kind,
            lexicon: lex.id.clone(),
            category: self.categories[category].name.clone(),
            language: if lex.universal { "*".into() } else { lex.language.clone() },
            speech,
            weight: weight * score::speech_factor(speech),
        }
    }

    fn part_matches(&self, part: &Part, hit: &Hit) -> bool {
        let t = &self.terms[hit.term];
        match part {
            Part::Category(c) => t.category == *c,
            Part::TermId(id) => t.id.as_deref() == Some(id.as_str()),
        }
    }

    /// Fire each rule at most once per sentence: the first anchor whose partners all lie
    /// within `within` tokens (counted between the nearest ends of two matches, see
    /// [`Hit::gap`]), unless a listed cue voids it.
    fn fire_rules(
        &self,
        text: &str,
        layout: &Layout,
        hits: &[Hit],
        cues: &Cues,
        lang: Option<&str>,
        out: &mut Vec<Evidence>,
    ) {
        // Hits are in text order, so each sentence's signals are one run.
        let signals: Vec<&Hit> = hits.iter().filter(|h| self.role_of(h.term) == Role::Signal).collect();
        if signals.is_empty() {
            return;
        }
        let by_sentence: Vec<&[&Hit]> = signals.chunk_by(|a, b| a.sentence == b.sentence).collect();
        for rule in self.rules.iter().filter(|r| self.applies(r.lexicon, lang)) {
            for in_sentence in &by_sentence {
                let s = in_sentence[0].sentence;
                let Some(parts) = self.rule_match(rule, in_sentence) else { continue };
                let start = parts.iter().map(|h| h.orig.start).min().unwrap_or(0);
                let end = parts.iter().map(|h| h.orig.end).max().unwrap_or(0);
                let orig = start..end;
                if self.voided(text, layout, rule, cues, s, &parts) {
                    continue;
                }
                let speech = self.speech(text, cues, layout, &orig, s, &parts);
                out.push(self.evidence(
                    text,
                    layout,
                    orig,
                    s,
                    &rule.id,
                    EvidenceKind::Rule,
                    rule.lexicon,
                    rule.category,
                    rule.weight,
                    speech,
                ));
            }
        }
    }

    /// Whether one of the rule's `unless` cues voids it: anywhere in the sentence, except
    /// negation, which must stand at most [`NEGATION_REACH`] tokens before the rule's words (or
    /// after them, for a negation that negates what precedes it) or among them, and not be
    /// spelled by one of its terms ("Ze verdienen het **niet** om te leven" is the call itself).
    fn voided(
        &self,
        text: &str,
        layout: &Layout,
        rule: &CompiledRule,
        cues: &Cues,
        sentence: usize,
        parts: &[&Hit],
    ) -> bool {
        let end = parts.iter().map(|h| h.orig.end).max().unwrap_or(0);
        let first = parts.iter().map(|h| h.token).min().unwrap_or(0);
        let last = parts.iter().map(|h| h.last).max().unwrap_or(0);
        rule.unless.iter().any(|&u| {
            if self.categories[u].role == Role::Negation {
                cues.negations(sentence).iter().any(|n| {
                    // Before the words, even across a comma: "Nigdy nie powiedziałbym, że
                    // kobiety są głupsze" (I would never say that women are dumber).
                    let stands = (first..=last).contains(&n.token)
                        || n.before(first)
                        || (n.after(last) && !layout.clause_break_between(end, n.orig.start));
                    stands && !self.spelled_by_part(text, n, parts)
                })
            } else {
                cues.all.contains(&(sentence, u))
            }
        })
    }

    fn rule_match<'h>(&self, rule: &CompiledRule, hits: &[&'h Hit]) -> Option<Vec<&'h Hit>> {
        let near = |a: &Hit, b: &Hit| rule.within.is_none_or(|w| a.gap(b) <= w);
        let anchors: Vec<&Hit> = match rule.all.first().or(rule.any.first()) {
            Some(_) if !rule.all.is_empty() => {
                hits.iter().copied().filter(|h| self.part_matches(&rule.all[0], h)).collect()
            }
            _ => hits.iter().copied().filter(|h| rule.any.iter().any(|p| self.part_matches(p, h))).collect(),
        };
        'anchor: for anchor in anchors {
            let mut found = vec![anchor];
            for part in rule.all.iter().skip(1) {
                match hits.iter().find(|h| !std::ptr::eq(**h, anchor) && self.part_matches(part, h) && near(anchor, h))
                {
                    Some(h) => found.push(h),
                    None => continue 'anchor,
                }
            }
            if !rule.all.is_empty() && !rule.any.is_empty() {
                let fresh = |h: &Hit| !found.iter().any(|f| std::ptr::eq(*f, h));
                match hits
                    .iter()
                    .find(|h| fresh(h) && rule.any.iter().any(|p| self.part_matches(p, h)) && near(anchor, h))
                {
                    Some(h) => found.push(h),
                    None => continue 'anchor,
                }
            }
            return Some(found);
        }
        None
    }
}

/// What the walk of the word index finds in a literal view.
#[derive(Debug, Default)]
struct LiteralFinds {
    /// Hits of literal patterns.
    hits: Vec<Hit>,
    /// Trigger words found, as (trigger, start, end) in the view.
    triggers: Vec<(u32, u32, u32)>,
    /// The guard parts a word of which the text holds, as bits (none when empty).
    armed: Vec<u64>,
}

/// Context cues found in one text, by sentence.
#[derive(Debug, Default)]
struct Cues {
    /// Sentences with a reporting cue.
    reporting: FxHashSet<usize>,
    /// Sentences with a condemnation cue.
    condemnation: FxHashSet<usize>,
    /// Per sentence, its negation cues.
    negation: FxHashMap<usize, Vec<Negation>>,
    /// (sentence, category) of every cue, for `unless`.
    all: FxHashSet<(usize, usize)>,
}

impl Cues {
    fn collect(c: &Classifier, hits: &[Hit]) -> Self {
        let mut cues = Cues::default();
        for (i, h) in hits.iter().enumerate() {
            let category = c.terms[h.term].category;
            match c.categories[category].role {
                Role::Signal => continue,
                Role::Reporting => {
                    cues.reporting.insert(h.sentence);
                }
                Role::Condemnation => {
                    cues.condemnation.insert(h.sentence);
                }
                // A negation spelled inside a longer term is that term's own meaning ("aren't
                // worth shit", "isn't it obvious that"), not a negation of what follows.
                Role::Negation if c.inside_longer_term(i, hits) => continue,
                Role::Negation => cues.negation.entry(h.sentence).or_default().push(Negation {
                    token: h.token,
                    last: h.last,
                    orig: h.orig.clone(),
                    negates: c.terms[h.term].negates,
                }),
                Role::Reference | Role::OtherCue => {}
            }
            cues.all.insert((h.sentence, category));
        }
        cues
    }

    /// Negation cues of one sentence.
    fn negations(&self, sentence: usize) -> &[Negation] {
        self.negation.get(&sentence).map_or(&[], Vec::as_slice)
    }
}

/// A negation cue: its first and last tokens, its range in the original text and the side it
/// negates.
#[derive(Debug, Clone)]
struct Negation {
    token: usize,
    last: usize,
    orig: Range<usize>,
    negates: Negates,
}

impl Negation {
    /// Whether it negates what follows and stands at most [`NEGATION_REACH`] tokens before
    /// the token `first`. A cue of three words or more ("nobody here thinks that", "ninguém
    /// aqui acha que") counts from its last word, so that it reaches as far as a word of one;
    /// a shorter one from its first ("don't" is two tokens, and "women don't know how to
    /// kill" does not deny the killing).
    fn before(&self, first: usize) -> bool {
        let from = if self.last >= self.token + 2 { self.last } else { self.token };
        self.negates.following() && self.token < first && first.saturating_sub(from) <= NEGATION_REACH
    }

    /// Whether it negates what precedes and stands at most [`NEGATION_REACH_AFTER`] tokens
    /// after the token `last`.
    fn after(&self, last: usize) -> bool {
        self.negates.preceding() && self.token > last && self.token - last <= NEGATION_REACH_AFTER
    }
}

/// Whether a regex match in the regex view neither starts nor ends inside a word.
fn on_word_boundaries(text: &str, start: usize, end: usize) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || is_combining_mark(c);
    let before = text[..start].chars().next_back().is_none_or(|c| !is_word(c));
    let after = text[end..].chars().next().is_none_or(|c| !is_word(c));
    before && after
}

/// Check word boundaries of a match in the normalised text and return its end (extended to the
/// end of the word for stems), or `None` when it sits inside a word.
fn word_match(text: &str, start: usize, end: usize, stem: bool, boundaries: bool) -> Option<usize> {
    if !boundaries {
        return Some(end);
    }
    let bytes = text.as_bytes();
    if start > 0 && bytes[start - 1] != b' ' {
        return None;
    }
    if stem {
        return Some(text[end..].find(' ').map_or(text.len(), |i| end + i));
    }
    (end == bytes.len() || bytes[end] == b' ').then_some(end)
}

/// Every match of `re` (a [`expand::spaced_form`]) in `view`, as hits of term `ti`: each
/// without the spaces its ends took, and the search going on from its last letter, so the
/// space after one match can start the next.
fn search_spaced(re: &MetaRegex, view: &Normalized, ti: usize, hits: &mut Vec<Hit>) {
    let mut at = 0;
    while at <= view.text.len() {
        let Some(m) = re.search(&regex_automata::Input::new(&view.text).range(at..)) else { break };
        if let Some(words) = edge_spaces_trimmed(view, m.start(), m.end()) {
            let (os, oe) = view.original_range(words.start, words.end);
            hits.push(Hit::new(ti, os..oe));
        }
        // On from the match's last letter: the space after it may start the next one.
        let last_letter_end = m.end() - usize::from(m.end() > m.start() && view.text.as_bytes()[m.end() - 1] == b' ');
        at = last_letter_end.max(m.start() + 1);
    }
}

/// The words of a match of an [`expand::anchored_form`] or [`expand::spaced_form`] in `view`:
/// without the space its start or end took in place of a word boundary, if they are words
/// (not empty, on word boundaries).
fn edge_spaces_trimmed(view: &Normalized, start: usize, end: usize) -> Option<Range<usize>> {
    let bytes = view.text.as_bytes();
    let start = start + usize::from(bytes.get(start) == Some(&b' ') && end > start);
    let end = if end > start && bytes[end - 1] == b' ' { end - 1 } else { end };
    (end > start && on_word_boundaries(&view.text, start, end)).then_some(start..end)
}

/// The patterns of one view (plain or diacritic-folded), with their ids among all literal
/// patterns, before they are indexed.
#[derive(Default)]
struct WordIndexBuilder {
    patterns: words::PatternList,
    is_stem: Vec<bool>,
    ids: Vec<u32>,
}

/// The key of a literal pattern in [`Builder::pattern_ids`].
fn pattern_hash(pattern: &str, fold: bool) -> u64 {
    use std::hash::Hasher;
    let mut h = rustc_hash::FxHasher::default();
    h.write(pattern.as_bytes());
    h.write_u8(u8::from(fold));
    h.finish()
}

/// The terms each literal pattern stands for, all in one array: most of the hundreds of
/// thousands of patterns stand for one term, and a `Vec` of terms each cost an allocation and
/// a header apiece, more than the terms.
#[derive(Debug, Default)]
struct PatternTerms {
    /// Where the terms of each pattern start in `terms`, and after the last, where they end.
    starts: Vec<u32>,
    terms: Vec<u32>,
}

impl PatternTerms {
    /// From (pattern, term) pairs, in any order, repeats allowed; `patterns` patterns in all.
    fn new(patterns: usize, mut pairs: Vec<(u32, u32)>) -> Self {
        pairs.sort_unstable();
        pairs.dedup();
        let mut starts = Vec::with_capacity(patterns + 1);
        let mut next = pairs.iter().peekable();
        starts.push(0);
        let mut terms = Vec::with_capacity(pairs.len());
        for p in 0..patterns as u32 {
            while let Some(&(_, t)) = next.next_if(|(q, _)| *q == p) {
                terms.push(t);
            }
            starts.push(terms.len() as u32);
        }
        PatternTerms { starts, terms }
    }

    /// Number of patterns.
    fn len(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }

    /// The terms of pattern `pi`, in the order they were added (term ids grow as terms come).
    fn of(&self, pi: usize) -> impl Iterator<Item = usize> + Clone + '_ {
        let range = self.starts[pi] as usize..self.starts[pi + 1] as usize;
        self.terms[range].iter().map(|&t| t as usize)
    }
}

/// What language runs ([`crate::lang::runs`]) ask: the lexicons' languages, dictionaries and
/// common words.
impl Languages for Classifier {
    fn has_lexicons(&self, lang: &str) -> bool {
        self.lexicons.iter().any(|l| !l.universal && l.language == lang)
    }

    fn dictionary(&self, lang: &str) -> Option<&crate::lexicon::Dictionary> {
        self.dictionaries.get(lang).map(|d| &**d)
    }

    fn dictionaries(&self) -> Vec<(&str, &crate::lexicon::Dictionary)> {
        self.dictionaries.iter().map(|(l, d)| (l.as_str(), &**d)).collect()
    }

    fn common_words(&self) -> &crate::lexicon::CommonWords {
        &self.common_words
    }
}

/// The word indexes of one view: one of all patterns, for text of unknown language, and one
/// per language with only the patterns of the lexicons that count in its text (its own and
/// the universal ones; `*`: a language without lexicons of its own). Most words of a text are
/// no pattern of its language but some of another ("to", "die", "la"): each such look-up
/// would cost a table probe and a comparison for nothing. The indexes share one list of
/// patterns and report a pattern by its place in it.
#[derive(Debug, Default)]
struct WordIndexes {
    /// Every pattern, for text of no known language: made the first time one is classified
    /// (as the regexes are compiled on first use), since most pipelines name the language of
    /// every text, and it would take a tenth of the build.
    all: OnceLock<words::WordIndex>,
    /// What `all` is made of.
    patterns: std::sync::Arc<words::PatternList>,
    is_stem: Vec<bool>,
    by_language: HashMap<String, words::WordIndex>,
    /// For each pattern, its id: an index in `literal_terms`, or past their end a trigger word
    /// (see [`Classifier::triggers`]) and past those a guard word (see
    /// [`Classifier::guards`]).
    ids: Vec<u32>,
}

impl WordIndexes {
    /// Index the patterns of `all`, each standing for the lexicons `lexicons_of(id)` gives:
    /// each goes to the index of every language one of its lexicons counts in, in one pass.
    fn build(all: WordIndexBuilder, lexicons: &[LexiconInfo], lexicons_of: impl Fn(usize) -> Vec<usize>) -> Self {
        let mut languages: Vec<&str> = lexicons.iter().filter(|l| !l.universal).map(|l| l.language.as_str()).collect();
        languages.sort_unstable();
        languages.dedup();
        languages.push("*");
        let slot: HashMap<&str, usize> = languages.iter().enumerate().map(|(i, l)| (*l, i)).collect();
        let mut members: Vec<Vec<u32>> = vec![Vec::new(); languages.len()];
        let mut slots = Vec::new();
        for (k, &id) in all.ids.iter().enumerate() {
            let of = lexicons_of(id as usize);
            slots.clear();
            if of.iter().any(|&l| lexicons[l].universal) {
                // A universal lexicon counts in every language ("*" included).
                slots.extend(0..languages.len());
            } else {
                slots.extend(of.iter().map(|&l| slot[lexicons[l].language.as_str()]));
                slots.sort_unstable();
                slots.dedup();
            }
            for &s in &slots {
                members[s].push(k as u32);
            }
        }
        let WordIndexBuilder { mut patterns, is_stem, mut ids } = all;
        patterns.shrink_to_fit();
        ids.shrink_to_fit();
        let patterns = std::sync::Arc::new(patterns);
        let by_language = languages
            .par_iter()
            .zip(members)
            .map(|(l, m)| (l.to_string(), words::WordIndex::new(patterns.clone(), &is_stem, m)))
            .collect();
        WordIndexes { all: OnceLock::new(), patterns, is_stem, by_language, ids }
    }

    /// The index for text of `lang`.
    fn of(&self, lang: Option<&str>) -> &words::WordIndex {
        match lang.and_then(|l| self.by_language.get(l).or_else(|| self.by_language.get("*"))) {
            Some(index) => index,
            None => self
                .all
                .get_or_init(|| words::WordIndex::new(self.patterns.clone(), &self.is_stem, 0..self.ids.len() as u32)),
        }
    }
}

/// One `RegexSet` per language and view, of the regexes (`by_language`, indexes into
/// `sources`) that no trigger word starts.
fn regex_sets(
    by_language: std::collections::BTreeMap<(String, bool), Vec<usize>>,
    sources: &[String],
) -> Result<Vec<RegexGroup>, FileError> {
    by_language
        .into_par_iter()
        .map(|((language, literal_view), members)| {
            let set = RegexSetBuilder::new(members.iter().map(|&ri| &sources[ri]))
                .size_limit(REGEX_SET_SIZE_LIMIT)
                .dfa_size_limit(REGEX_SET_SIZE_LIMIT)
                .build()
                .map_err(|e| {
                    FileError::whole(
                        std::path::Path::new("lexicons"),
                        format!("cannot build the regex set of language {language}: {e}"),
                    )
                })?;
            Ok(RegexGroup { language, literal_view, set, members })
        })
        .collect()
}

/// What a regex term becomes (see [`expand`]).
enum RegexForm {
    /// A finite word list, spelled out: literal patterns, each with its diacritic-folded
    /// form when its lexicon folds, and for the speller (if its language has one) their
    /// distinct words. Made here, on every core, not while the patterns are filed one by one:
    /// the thousands of spellings of a regex share a few dozen words.
    Spelled { spellings: Vec<(String, Option<String>)>, words: Vec<String> },
    /// A regex: how it runs, and the look-free pattern of its language's `RegexSet`.
    Stays { plan: expand::RegexPlan, prefilter: String },
    /// Why the regex does not parse. Loading a lexicon compiled each regex once to check it
    /// (size, empty match), but a set may be built otherwise: the parse that spells a regex
    /// out still names the file and line of a bad one.
    Invalid(String),
}

impl RegexForm {
    /// The form of regex `source` of a lexicon that folds diacritics or not (`fold`), with
    /// the words of its spellings if the speller `learn`s them.
    fn of(source: &str, fold: bool, learn: bool) -> Self {
        let hir = match regex_syntax::Parser::new().parse(source) {
            Ok(hir) => hir,
            Err(e) => return RegexForm::Invalid(e.to_string()),
        };
        if let Some(spellings) = expand::expansions_of(&hir) {
            let with_folded = |s: String| {
                let folded = fold.then(|| normalize(&s, true).text);
                (s, folded)
            };
            let spellings: Vec<(String, Option<String>)> = spellings.into_iter().map(with_folded).collect();
            let mut words = FxHashSet::default();
            if learn {
                for (s, folded) in &spellings {
                    words.extend(s.split(' ').chain(folded.iter().flat_map(|f| f.split(' '))));
                }
                words.remove("");
            }
            let words = words.into_iter().map(str::to_string).collect();
            return RegexForm::Spelled { spellings, words };
        }
        let plan = expand::plan_of(source, &hir);
        let run = plan.literal_view.as_deref().unwrap_or(source);
        let prefilter = expand::prefilter_pattern(run).unwrap_or_else(|| run.to_string());
        RegexForm::Stays { plan, prefilter }
    }
}

/// A regex term that stays a regex, before compiling.
struct SlowRegex {
    /// As written.
    source: String,
    /// Rewritten for the literal view (see [`RegexTerm::literal_view`]).
    literal_view: Option<String>,
    /// The form run at its trigger words, if it has them (see [`RegexTerm::anchored`]).
    anchored: Option<String>,
    /// The form searched in whole texts, if it has one (see [`RegexTerm::spaced`]).
    spaced: Option<String>,
    /// Its guard parts (see [`RegexTerm::guard_parts`]).
    guard_parts: std::ops::Range<u32>,
    term: usize,
}

#[derive(Default)]
struct Builder {
    lexicons: Vec<LexiconInfo>,
    terms: Vec<CompiledTerm>,
    /// Literal patterns, end to end, and whether each is matched in the diacritic-folded
    /// view.
    patterns: words::PatternList,
    folds: Vec<bool>,
    /// Each pattern's place in `patterns`, filed by [`pattern_hash`]: hundreds of thousands
    /// of patterns as map keys of their own (a second copy of each) made the build's peak
    /// memory.
    pattern_ids: hashbrown::HashTable<u32>,
    /// (pattern, term) pairs, made [`PatternTerms`] at the end.
    pattern_terms: Vec<(u32, u32)>,
    /// Words of the lexicons, for one-typo corrections (see [`spelling`]).
    speller: spelling::Speller,
    /// Languages that have a lexicon with `typos = true`.
    typo_languages: HashSet<String>,
    regex_sources: Vec<String>,
    /// Regex terms that stay regexes.
    slow_regexes: Vec<SlowRegex>,
    /// Trigger words and what they start (see [`Classifier::triggers`]).
    triggers: FxHashMap<String, Vec<(usize, bool)>>,
    /// Guard words and the guard parts they stand for (see [`Classifier::guards`]).
    guards: FxHashMap<String, Vec<usize>>,
    /// The regex of each guard part.
    part_regex: Vec<usize>,
    rules: Vec<CompiledRule>,
    errors: Vec<FileError>,
}

impl Builder {
    /// Compile term `t`; `spellings` are its regex spelled out (see [`expand`]), when finite.
    fn add_term(
        &mut self,
        lexicon: usize,
        category: usize,
        t: &crate::lexicon::Term,
        form: Option<RegexForm>,
        typos: bool,
    ) {
        let origin = &t.origin;
        let ti = self.terms.len();
        let mut term = CompiledTerm {
            lexicon,
            category,
            weight: t.weight,
            label: t.label().to_string(),
            id: t.spec.id.clone(),
            stem: false,
            boundaries: true,
            regex: None,
            silence: t.spec.silence,
            negates: t.spec.negates.unwrap_or_default(),
        };
        if let Some(literal) = &t.spec.literal {
            let stem = literal.trim_end().ends_with('*');
            let fold = self.lexicons[lexicon].fold_diacritics;
            let pattern = normalize(literal.trim_end().trim_end_matches('*'), fold).text.trim().to_string();
            if pattern.is_empty() {
                self.errors.push(
                    origin.error(format!("term {literal:?} can never match: nothing is left after normalisation")),
                );
                return;
            }
            term.stem = stem;
            term.boundaries = !pattern.chars().any(is_unspaced_script);
            if fold {
                // The speller corrects the text as written, accents included ("parásties"):
                // it learns the term's words as written too, not only folded.
                let written = normalize(literal.trim_end().trim_end_matches('*'), false).text;
                self.learn_words(lexicon, written.split(' '), typos && !stem);
            }
            self.learn_words(lexicon, pattern.split(' '), typos && !stem);
            self.add_pattern(&pattern, fold, ti);
        } else if let (Some(source), Some(form)) = (&t.spec.regex, form) {
            term.boundaries = !source.chars().any(is_unspaced_script);
            match form {
                // A finite word list joins the literals (it parsed, and every spelling starts
                // with a word character, so it is a valid regex that never matches empty text).
                RegexForm::Spelled { spellings, words } => {
                    let fold = self.lexicons[lexicon].fold_diacritics;
                    self.learn_words(lexicon, words.iter().map(String::as_str), typos);
                    for (s, folded) in spellings {
                        self.add_pattern(folded.as_deref().unwrap_or(&s), fold, ti);
                    }
                }
                // Anything else stays a regex, run where its trigger words stand or found
                // through a boundary-free prefilter set; compiled in `finish`, all at once
                // on every core (`regexes` keeps this order).
                RegexForm::Invalid(e) => self.errors.push(origin.error(format!("invalid regex {source:?}: {e}"))),
                RegexForm::Stays { plan, prefilter } => {
                    self.regex_sources.push(prefilter);
                    let ri = self.slow_regexes.len();
                    term.regex = Some(ri);
                    let anchored = plan.triggered.map(|(words, anchored)| {
                        for (word, stem) in words {
                            self.triggers.entry(word).or_default().push((ri, stem));
                        }
                        anchored
                    });
                    let first_part = self.part_regex.len() as u32;
                    for words in plan.guards.into_iter().flatten() {
                        for word in words {
                            self.guards.entry(word).or_default().push(self.part_regex.len());
                        }
                        self.part_regex.push(ri);
                    }
                    let guard_parts = first_part..self.part_regex.len() as u32;
                    self.slow_regexes.push(SlowRegex {
                        source: source.clone(),
                        literal_view: plan.literal_view,
                        anchored,
                        spaced: plan.spaced,
                        guard_parts,
                        term: ti,
                    });
                }
            }
        }
        self.terms.push(term);
    }

    /// The vocabularies of [`Classifier::pattern_words`].
    fn vocabularies(&self, literal_terms: &PatternTerms) -> HashMap<String, words::Vocabulary> {
        fn key(l: &LexiconInfo) -> &str {
            if l.universal { "*" } else { l.language.as_str() }
        }
        let mut names: Vec<&str> = self.lexicons.iter().map(key).collect();
        names.sort_unstable();
        names.dedup();
        let slot: Vec<usize> =
            self.lexicons.iter().map(|l| names.binary_search(&key(l)).expect("listed above")).collect();
        let mut members: Vec<Vec<usize>> = vec![Vec::new(); names.len()];
        let mut slots = Vec::new();
        for pi in 0..self.patterns.len() {
            slots.clear();
            slots.extend(literal_terms.of(pi).map(|ti| slot[self.terms[ti].lexicon]));
            slots.sort_unstable();
            slots.dedup();
            for &s in &slots {
                members[s].push(pi);
            }
        }
        let is_stem = |pi: usize| literal_terms.of(pi).any(|ti| self.terms[ti].stem);
        names
            .into_par_iter()
            .zip(members)
            .map(|(l, m)| (l.to_string(), words::Vocabulary::new(&self.patterns, &m, is_stem)))
            .collect()
    }

    /// Whether the speller learns the words of a lexicon of `language`: if the language has
    /// a typo-tolerant lexicon (universal lexicons teach no language's vocabulary).
    fn learns(&self, language: &str, universal: bool) -> bool {
        !universal && self.typo_languages.contains(language)
    }

    /// Let the speller know `words` of a pattern of `lexicon`, if it [`Builder::learns`] them.
    fn learn_words<'w>(&mut self, lexicon: usize, words: impl Iterator<Item = &'w str>, tolerant: bool) {
        let info = &self.lexicons[lexicon];
        if self.learns(&info.language, info.universal) {
            self.speller.add_words(&info.language, words, tolerant);
        }
    }

    /// Make `pattern` (normalised) a literal pattern standing for term `ti`.
    fn add_pattern(&mut self, pattern: &str, fold: bool, ti: usize) {
        let pi = self.pattern_id(pattern, fold);
        self.pattern_terms.push((pi as u32, ti as u32));
    }

    /// Index of literal pattern `pattern` (normalised), added if new.
    fn pattern_id(&mut self, pattern: &str, fold: bool) -> usize {
        let hash = pattern_hash(pattern, fold);
        let (patterns, folds) = (&self.patterns, &self.folds);
        let same = |&pi: &u32| folds[pi as usize] == fold && patterns.get(pi as usize) == pattern;
        if let Some(&pi) = self.pattern_ids.find(hash, same) {
            return pi as usize;
        }
        let pi = self.patterns.len();
        self.patterns.push(pattern);
        self.folds.push(fold);
        let (patterns, folds) = (&self.patterns, &self.folds);
        let rehash = |&pi: &u32| pattern_hash(patterns.get(pi as usize), folds[pi as usize]);
        self.pattern_ids.insert_unique(hash, pi as u32, rehash);
        pi
    }

    fn finish(mut self, categories: Vec<CategoryInfo>, levels: Levels) -> Result<Classifier, Vec<FileError>> {
        // The patterns are known: their look-up (a second copy of every pattern) would only
        // add to the peak memory of the indexes built below.
        drop(std::mem::take(&mut self.pattern_ids));
        let literal_terms = PatternTerms::new(self.patterns.len(), std::mem::take(&mut self.pattern_terms));
        let regexes: Vec<RegexTerm> = std::mem::take(&mut self.slow_regexes)
            .into_iter()
            .map(|SlowRegex { source, literal_view, anchored, spaced, guard_parts, term }| RegexTerm {
                literal_view: literal_view.is_some(),
                anchored: anchored.map(LazyRegex::new),
                spaced: spaced.map(LazyRegex::new),
                guard_parts,
                regex: LazyRegex::new(literal_view.unwrap_or(source)),
                term,
            })
            .collect();
        if !self.errors.is_empty() {
            return Err(self.errors);
        }

        // A pattern goes to a word index (plain or folded) unless one of its terms matches
        // inside words.
        let mut plain = WordIndexBuilder::default();
        let mut folded = WordIndexBuilder::default();
        let (mut unspaced, mut unspaced_patterns) = (Vec::new(), Vec::new());
        for (pi, &fold) in self.folds.iter().enumerate() {
            let pattern = self.patterns.get(pi);
            let terms = literal_terms.of(pi).map(|ti| &self.terms[ti]);
            if terms.clone().all(|t| t.boundaries) {
                let index = if fold { &mut folded } else { &mut plain };
                index.is_stem.push(terms.clone().any(|t| t.stem));
                index.patterns.push(pattern);
                index.ids.push(pi as u32);
            } else {
                unspaced.push(pattern.to_string());
                unspaced_patterns.push(pi);
            }
        }
        let pattern_words = self.vocabularies(&literal_terms);
        drop(std::mem::take(&mut self.patterns));
        // Trigger words follow the literal patterns in the plain index.
        let mut triggers: Vec<_> = std::mem::take(&mut self.triggers).into_iter().collect();
        triggers.sort_unstable();
        for (k, (word, starts)) in triggers.iter().enumerate() {
            plain.is_stem.push(starts.iter().any(|&(_, stem)| stem));
            plain.patterns.push(word);
            plain.ids.push((literal_terms.len() + k) as u32);
        }
        let triggers: Vec<Vec<(usize, bool)>> = triggers.into_iter().map(|(_, starts)| starts).collect();
        // Guard words follow the trigger words.
        let mut guards: Vec<_> = std::mem::take(&mut self.guards).into_iter().collect();
        guards.sort_unstable();
        for (g, (word, _)) in guards.iter().enumerate() {
            plain.is_stem.push(false);
            plain.patterns.push(word);
            plain.ids.push((literal_terms.len() + triggers.len() + g) as u32);
        }
        let guards: Vec<Vec<usize>> = guards.into_iter().map(|(_, regexes)| regexes).collect();
        // Per language, the patterns of the lexicons that count in its text.
        let (lexicons, terms, part_regex) = (&self.lexicons, &self.terms, &self.part_regex);
        let terms_of = &literal_terms;
        let lexicons_of = |id: usize| -> Vec<usize> {
            match id.checked_sub(terms_of.len()) {
                None => terms_of.of(id).map(|ti| terms[ti].lexicon).collect(),
                Some(k) => match k.checked_sub(triggers.len()) {
                    None => triggers[k].iter().map(|&(ri, _)| terms[regexes[ri].term].lexicon).collect(),
                    Some(g) => guards[g].iter().map(|&part| terms[regexes[part_regex[part]].term].lexicon).collect(),
                },
            }
        };
        let mut by_language: std::collections::BTreeMap<(String, bool), Vec<usize>> = std::collections::BTreeMap::new();
        for (ri, r) in regexes.iter().enumerate().filter(|(_, r)| r.anchored.is_none()) {
            let lex = &self.lexicons[self.terms[r.term].lexicon];
            let language = if lex.universal { "*".to_string() } else { lex.language.clone() };
            by_language.entry((language, r.literal_view)).or_default().push(ri);
        }
        // The regex sets, the word indexes and the automaton of unspaced patterns are
        // independent: build them side by side.
        let regex_sources = &self.regex_sources;
        let ((regex_sets, unspaced), (words, folded_words)) = rayon::join(
            || {
                rayon::join(
                    || regex_sets(by_language, regex_sources),
                    || AhoCorasickBuilder::new().match_kind(MatchKind::Standard).build(&unspaced),
                )
            },
            || {
                rayon::join(
                    || WordIndexes::build(plain, lexicons, lexicons_of),
                    || WordIndexes::build(folded, lexicons, lexicons_of),
                )
            },
        );
        let regex_sets = regex_sets.map_err(|e| vec![e])?;
        let unspaced = unspaced.map_err(|e| {
            vec![FileError::whole(std::path::Path::new("lexicons"), format!("cannot build the term automaton: {e}"))]
        })?;
        let folding_lexicons =
            self.lexicons.iter().enumerate().filter(|(_, l)| l.fold_diacritics).map(|(i, _)| i).collect();
        Ok(Classifier {
            categories,
            lexicons: self.lexicons,
            terms: self.terms,
            words,
            folded_words,
            pattern_words,
            folding_lexicons,
            unspaced,
            unspaced_patterns,
            literal_terms,
            regex_sets,
            regexes,
            triggers,
            guards,
            guard_parts: self.part_regex.len(),
            rules: self.rules,
            levels,
            // Finished beside this (see `Classifier::build`).
            speller: spelling::Speller::default(),
            dictionaries: HashMap::new(),
            common_words: Default::default(),
        })
    }
}
