//! Regex terms turned into something fast.
//!
//! Most regex terms in the shipped lexicons are finite word lists written compactly:
//! `\bszczur(y|[óo]w|ami|om)\b`, `\b(s[ąa]|jest) (plag[ąa]|zaraz[ąa])\b`. Run as regexes, their
//! Unicode `\b` keeps the regex engine off its DFA on any non-ASCII text, and the classifier
//! crawled at well under 1 MB/s. So, at build time:
//!
//! - [`literal_expansions`] spells out a finite regex as every string it matches; those
//!   strings join the literal terms (looked up word by word, see [`super::words`]), where
//!   they cost nothing extra per byte of text and are all found (a longer spelling that fails its
//!   boundary check never hides a shorter one, which a leftmost regex search would);
//! - [`prefilter_pattern`] drops the look-arounds of a regex that stays a regex (it has `+`,
//!   `*` or a big class), so the per-language `RegexSet` that decides which regexes to run can
//!   use the DFA; the regex itself, with its `\b`, then confirms the matches.

use regex_syntax::hir::{Capture, Class, ClassUnicode, ClassUnicodeRange, Hir, HirKind, Look, Repetition};
use unicode_normalization::char::is_combining_mark;

use super::normalize::normalize;

/// Most strings one regex may expand to; past this it stays a regex.
pub const MAX_EXPANSIONS: usize = 4096;
/// Largest character class spelled out one character at a time.
const MAX_CLASS: usize = 32;
/// Largest bounded repetition spelled out.
const MAX_REPEAT: u32 = 4;

/// One partial spelling: the text so far and where the regex asks for a word boundary.
#[derive(Clone, Default)]
struct Spelling {
    text: String,
    boundaries: Vec<usize>,
}

/// Every string `source` matches, in the classifier's literal view, or `None` when the regex
/// is not a small finite language that the literal view can represent exactly: it repeats
/// without bound, has big classes or uses look-arounds other than `\b`.
///
/// Each spelling is returned as [`normalize`] writes it, as a `match` term would be: the
/// literal view turns punctuation into spaces, so `house-to-house` also finds
/// `house to house` — the same leniency every literal term has.
///
/// A word boundary inside a spelling is checked here (`foo\bbar` never matches); the ones at
/// either end are left to the classifier's boundary check, as for any literal term, so every
/// spelling must begin and end with a word character.
pub fn literal_expansions(source: &str) -> Option<Vec<String>> {
    expansions_of(&regex_syntax::Parser::new().parse(source).ok()?)
}

/// [`literal_expansions`] of a parsed regex.
pub fn expansions_of(hir: &Hir) -> Option<Vec<String>> {
    let spellings = spell(hir)?;
    let mut out: Vec<String> = Vec::with_capacity(spellings.len());
    for s in spellings {
        let inner_boundary_holds = |at: usize| {
            let before = s.text[..at].chars().next_back();
            let after = s.text[at..].chars().next();
            match (before, after) {
                (Some(b), Some(a)) => is_word(b) != is_word(a),
                _ => true,
            }
        };
        if !s.boundaries.iter().all(|&at| inner_boundary_holds(at)) {
            continue;
        }
        let (first, last) = (s.text.chars().next()?, s.text.chars().next_back()?);
        if !is_word(first) || !is_word(last) {
            return None;
        }
        // The literal view of a spelling, as for a `match` term: `house-to-house` is found
        // as `house to house` in a text's literal view, where the hyphen became a space. Most
        // spellings are their own view already and are kept as they are, without the view's
        // map and a second copy (a few percent of the expansion time).
        let literal = if super::normalize::is_normal_already(&s.text, false) {
            s.text
        } else {
            normalize(&s.text, false).text.trim().to_string()
        };
        let ends_in_words =
            literal.chars().next().is_some_and(is_word) && literal.chars().next_back().is_some_and(is_word);
        if !ends_in_words {
            return None;
        }
        out.push(literal);
    }
    out.sort();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

fn is_word(c: char) -> bool {
    c.is_alphanumeric() || is_combining_mark(c)
}

/// All spellings of `hir`, or `None` past the limits.
fn spell(hir: &Hir) -> Option<Vec<Spelling>> {
    match hir.kind() {
        HirKind::Empty => Some(vec![Spelling::default()]),
        HirKind::Literal(lit) => {
            let text = std::str::from_utf8(&lit.0).ok()?.to_string();
            Some(vec![Spelling { text, boundaries: Vec::new() }])
        }
        HirKind::Class(Class::Unicode(class)) => {
            let chars: Vec<char> = class.iter().flat_map(|r| r.start()..=r.end()).take(MAX_CLASS + 1).collect();
            (chars.len() <= MAX_CLASS)
                .then(|| chars.into_iter().map(|c| Spelling { text: c.to_string(), boundaries: Vec::new() }).collect())
        }
        HirKind::Class(Class::Bytes(_)) => None,
        HirKind::Look(Look::WordUnicode | Look::WordAscii) => {
            Some(vec![Spelling { text: String::new(), boundaries: vec![0] }])
        }
        HirKind::Look(_) => None,
        HirKind::Capture(c) => spell(&c.sub),
        HirKind::Repetition(r) => {
            let max = r.max?;
            if max > MAX_REPEAT {
                return None;
            }
            let once = spell(&r.sub)?;
            let mut out = Vec::new();
            let mut copies = vec![Spelling::default()];
            for count in 0..=max {
                if count >= r.min {
                    out.extend(copies.iter().cloned());
                }
                copies = product(&copies, &once)?;
            }
            (out.len() <= MAX_EXPANSIONS).then_some(out)
        }
        HirKind::Concat(parts) => {
            let parts: Vec<Vec<Spelling>> = parts.iter().map(spell).collect::<Option<_>>()?;
            concat_all(&parts)
        }
        HirKind::Alternation(parts) => {
            let mut out = Vec::new();
            for part in parts {
                out.extend(spell(part)?);
                if out.len() > MAX_EXPANSIONS {
                    return None;
                }
            }
            Some(out)
        }
    }
}

/// Every spelling of the first part followed by every spelling of the next and so on, or
/// `None` past [`MAX_EXPANSIONS`]: each string made once, at its length, rather than through
/// the products of the first parts (a regex of word lists in a row spells thousands).
fn concat_all(parts: &[Vec<Spelling>]) -> Option<Vec<Spelling>> {
    let total = parts.iter().try_fold(1usize, |n, p| n.checked_mul(p.len()).filter(|&n| n <= MAX_EXPANSIONS))?;
    let mut out = Vec::with_capacity(total);
    // Which spelling of each part: an odometer, the last part turning fastest.
    let mut at = vec![0usize; parts.len()];
    if total == 0 {
        return Some(out);
    }
    loop {
        let chosen = || parts.iter().zip(&at).map(|(p, &i)| &p[i]);
        let mut text = String::with_capacity(chosen().map(|s| s.text.len()).sum());
        let mut boundaries = Vec::new();
        for s in chosen() {
            boundaries.extend(s.boundaries.iter().map(|b| b + text.len()));
            text.push_str(&s.text);
        }
        out.push(Spelling { text, boundaries });
        let mut k = parts.len();
        loop {
            if k == 0 {
                return Some(out);
            }
            k -= 1;
            at[k] += 1;
            if at[k] < parts[k].len() {
                break;
            }
            at[k] = 0;
        }
    }
}

/// Every `a` followed by every `b`, or `None` past [`MAX_EXPANSIONS`].
fn product(a: &[Spelling], b: &[Spelling]) -> Option<Vec<Spelling>> {
    if a.len().saturating_mul(b.len()) > MAX_EXPANSIONS {
        return None;
    }
    let mut out = Vec::with_capacity(a.len() * b.len());
    for x in a {
        for y in b {
            let shift = x.text.len();
            let mut boundaries = x.boundaries.clone();
            boundaries.extend(y.boundaries.iter().map(|at| at + shift));
            let mut text = String::with_capacity(x.text.len() + y.text.len());
            text.push_str(&x.text);
            text.push_str(&y.text);
            out.push(Spelling { text, boundaries });
        }
    }
    Some(out)
}

/// One-typo misspellings of a single word (no space in it): every swap of two neighbouring
/// letters after the first (words of 4+ letters), every drop of one letter strictly inside
/// (6+ letters). The first letter always stays, which keeps most real words out ("black" never
/// becomes "back"); the caller also drops variants that are words of some lexicon.
pub fn typo_variants(word: &str) -> Vec<String> {
    let chars: Vec<char> = word.chars().collect();
    if !chars.iter().all(|&c| super::normalize::is_spelling_char(c)) || chars.len() < 4 {
        return Vec::new();
    }
    let mut out = Vec::new();
    for i in 1..chars.len() - 1 {
        if chars[i] != chars[i + 1] {
            let mut v = chars.clone();
            v.swap(i, i + 1);
            out.push(v.into_iter().collect());
        }
    }
    if chars.len() >= 6 {
        for i in 1..chars.len() - 1 {
            if chars[i] != chars[i - 1] {
                let mut v = chars.clone();
                v.remove(i);
                out.push(v.into_iter().collect());
            }
        }
    }
    out.sort();
    out.dedup();
    out.retain(|v: &String| v != word);
    out
}

/// `source` without its look-arounds: it matches wherever `source` does (and more), and the
/// regex engine can run it on its DFA over any text. `None` when `source` does not parse.
pub fn prefilter_pattern(source: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    Some(without_looks(&hir).to_string())
}

fn without_looks(hir: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(_) => Hir::empty(),
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(without_looks(&c.sub)), ..c.clone() }),
        HirKind::Repetition(r) => Hir::repetition(Repetition { sub: Box::new(without_looks(&r.sub)), ..r.clone() }),
        HirKind::Concat(parts) => Hir::concat(parts.iter().map(without_looks).collect()),
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(without_looks).collect()),
        _ => hir.clone(),
    }
}

/// `source` rewritten to run on the literal view, where every run of punctuation and spaces
/// is one space: punctuation it spells becomes that space (`qu'ils` → `qu ils`,
/// `pre-?emptive` → `pre ?emptive`), classes lose their punctuation (and keep a space if
/// they had whitespace: `[\w' -]` → `[\w ]`), a run of separators is one space (`,?\s+` →
/// ` `), and separators at either end of the pattern go (`kill them!` → `kill them`).
///
/// One view for every term means one normalisation pass per text, and regexes see the same
/// words as literals (typo corrections included). `None` when the regex spells a symbol
/// (emoji, currency sign, arrow …), which only the regex view keeps, or only separators.
pub fn literal_view_regex(source: &str) -> Option<String> {
    literal_view_of(&regex_syntax::Parser::new().parse(source).ok()?)
}

/// [`literal_view_regex`] of a parsed regex.
fn literal_view_of(hir: &Hir) -> Option<String> {
    if spells_symbol(hir) {
        return None;
    }
    let word = regex_syntax::Parser::new().parse(r"[\w--_]").ok()?;
    let HirKind::Class(Class::Unicode(word)) = word.kind() else { return None };
    let rewritten = literal_view(hir, word);
    let trimmed = match rewritten.kind() {
        HirKind::Alternation(branches) => Hir::alternation(branches.iter().map(trim_separators).collect()),
        _ => trim_separators(&rewritten),
    };
    // Nothing but separators (`[.!]+`) is nothing in the literal view.
    trimmed.properties().minimum_len().is_some_and(|n| n > 0).then(|| trimmed.to_string())
}

/// Whether `hir` spells a symbol the literal view drops, as a literal or in a small class.
fn spells_symbol(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => std::str::from_utf8(&lit.0).is_ok_and(|t| t.chars().any(is_symbol)),
        HirKind::Class(Class::Unicode(class)) => {
            let chars: Vec<char> = class.iter().flat_map(|r| r.start()..=r.end()).take(MAX_CLASS + 1).collect();
            chars.len() <= MAX_CLASS && chars.into_iter().any(is_symbol)
        }
        HirKind::Repetition(r) => spells_symbol(&r.sub),
        HirKind::Capture(c) => spells_symbol(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => parts.iter().any(spells_symbol),
        _ => false,
    }
}

/// A symbol: a character that is neither a word character, whitespace nor punctuation.
fn is_symbol(c: char) -> bool {
    !is_word(c) && !c.is_whitespace() && !super::normalize::is_punctuation(c)
}

fn literal_view(hir: &Hir, word: &ClassUnicode) -> Hir {
    match hir.kind() {
        HirKind::Literal(lit) => match std::str::from_utf8(&lit.0) {
            // One node per character, so that separators merge with their neighbours.
            Ok(text) => {
                Hir::concat(text.chars().map(|c| Hir::literal(view_char(c).to_string().into_bytes())).collect())
            }
            Err(_) => hir.clone(),
        },
        HirKind::Class(Class::Unicode(class)) => {
            let mut kept = class.clone();
            kept.intersect(word);
            // A class of spaces or of punctuation variants (`['ʼ]`, `[-–]`) allows a space
            // where it had them; a class of letters that allows an apostrophe (`[a-z']*`)
            // keeps to its word.
            let has_space = class.iter().any(|r| (r.start()..=r.end()).any(char::is_whitespace));
            let punctuation_variants = kept.iter().map(|r| r.len()).sum::<usize>() <= 4 && kept != *class;
            if has_space || punctuation_variants {
                kept.union(&ClassUnicode::new([ClassUnicodeRange::new(' ', ' ')]));
            }
            Hir::class(Class::Unicode(kept))
        }
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(literal_view(&c.sub, word)), ..c.clone() }),
        HirKind::Repetition(r) => {
            let sub = literal_view(&r.sub, word);
            if is_separator(&sub) {
                // A run of separators is one space; an optional one, an optional space.
                return if r.min == 0 { Hir::repetition(optional(space())) } else { space() };
            }
            Hir::repetition(Repetition { sub: Box::new(sub), ..r.clone() })
        }
        HirKind::Concat(parts) => {
            let mut out: Vec<Hir> = Vec::new();
            let mut run: Vec<Hir> = Vec::new();
            let flat = parts.iter().map(|p| literal_view(p, word)).flat_map(|p| match p.kind() {
                HirKind::Concat(inner) => inner.to_vec(),
                HirKind::Literal(lit) => split_literal(&lit.0),
                _ => vec![p],
            });
            for part in flat {
                if is_separator(&part) {
                    run.push(part);
                } else {
                    out.extend(merge_separators(std::mem::take(&mut run)));
                    out.push(part);
                }
            }
            out.extend(merge_separators(run));
            Hir::concat(out)
        }
        HirKind::Alternation(parts) => Hir::alternation(parts.iter().map(|p| literal_view(p, word)).collect()),
        _ => hir.clone(),
    }
}

/// How the literal view writes `c` outside a word: punctuation and spaces are a space.
fn view_char(c: char) -> char {
    if is_word(c) { c } else { ' ' }
}

fn space() -> Hir {
    Hir::literal(*b" ")
}

fn optional(sub: Hir) -> Repetition {
    Repetition { min: 0, max: Some(1), greedy: true, sub: Box::new(sub) }
}

/// A literal as one node per character.
fn split_literal(bytes: &[u8]) -> Vec<Hir> {
    match std::str::from_utf8(bytes) {
        Ok(text) => text.chars().map(|c| Hir::literal(c.to_string().into_bytes())).collect(),
        Err(_) => vec![Hir::literal(bytes.to_vec())],
    }
}

/// Whether `hir` matches only spaces (or nothing).
fn is_separator(hir: &Hir) -> bool {
    match hir.kind() {
        HirKind::Literal(lit) => lit.0.iter().all(|&b| b == b' '),
        HirKind::Class(Class::Unicode(class)) => class.iter().all(|r| r.start() == ' ' && r.end() == ' '),
        HirKind::Repetition(r) => is_separator(&r.sub),
        HirKind::Capture(c) => is_separator(&c.sub),
        HirKind::Concat(parts) | HirKind::Alternation(parts) => !parts.is_empty() && parts.iter().all(is_separator),
        _ => false,
    }
}

/// A run of separators as the literal view has it: one space, optional if each part is.
fn merge_separators(run: Vec<Hir>) -> Option<Hir> {
    if run.is_empty() {
        return None;
    }
    let required = run.iter().any(|h| h.properties().minimum_len().is_some_and(|n| n > 0));
    Some(if required { space() } else { Hir::repetition(optional(space())) })
}

/// `hir` without separators at its start and end.
fn trim_separators(hir: &Hir) -> Hir {
    match hir.kind() {
        _ if is_separator(hir) => Hir::empty(),
        HirKind::Concat(parts) => {
            let start = parts.iter().position(|p| !is_separator(p)).unwrap_or(parts.len());
            let end = parts.iter().rposition(|p| !is_separator(p)).map_or(start, |e| e + 1);
            Hir::concat(parts[start..end].to_vec())
        }
        HirKind::Capture(c) => Hir::capture(Capture { sub: Box::new(trim_separators(&c.sub)), ..c.clone() }),
        _ => hir.clone(),
    }
}

/// Words that every match of `source` (a regex for the literal view, see
/// [`literal_view_regex`]) starts with: `(word, false)` for a whole first word, `(prefix,
/// true)` for the start of one. The classifier looks them up with the literal terms and
/// runs the regex only where one stands, anchored there, instead of searching every text
/// for it. `None` when a match may start with any word (`\w+ verrecke`) or too many.
pub fn trigger_words(source: &str) -> Option<Vec<(String, bool)>> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let mut extractor = regex_syntax::hir::literal::Extractor::new();
    extractor.kind(regex_syntax::hir::literal::ExtractKind::Prefix).limit_total(MAX_TRIGGERS);
    let seq = extractor.extract(&hir);
    let mut out = Vec::new();
    for literal in seq.literals()? {
        let bytes = literal.as_bytes();
        // A prefix cut inside a character keeps the characters before the cut.
        let (text, cut) = match std::str::from_utf8(bytes) {
            Ok(t) => (t, false),
            Err(e) => (std::str::from_utf8(&bytes[..e.valid_up_to()]).ok()?, true),
        };
        if text.starts_with(' ') {
            return None;
        }
        // As many whole words as the prefix has ("the virus", not "the": most texts have a
        // "the"), and a word it cuts as a stem when that is long enough to say something.
        let whole = literal.is_exact() && !cut;
        let (words, partial) = match text.rfind(' ') {
            _ if whole => (text, ""),
            Some(space) => (&text[..space], &text[space + 1..]),
            None => ("", text),
        };
        let first_word = text.split(' ').next().unwrap_or_default();
        let trigger = if partial.len() >= MIN_TRIGGER_PREFIX && first_word.len() >= MIN_TRIGGER_PREFIX {
            (text.to_string(), true)
        } else if !words.is_empty() {
            (words.to_string(), false)
        } else if partial.len() >= MIN_TRIGGER_PREFIX {
            (partial.to_string(), true)
        } else {
            // A short prefix would send most words to the regex.
            return None;
        };
        if !trigger.0.chars().all(|c| c == ' ' || is_word(c)) || trigger.0.contains("  ") {
            return None;
        }
        out.push(trigger);
    }
    out.sort();
    out.dedup();
    // A trigger that starts with another one adds nothing: the regex runs there already.
    let covers = |(a, a_stem): &(String, bool), b: &str| {
        b.len() > a.len() && b.starts_with(a.as_str()) && (*a_stem || b.as_bytes()[a.len()] == b' ')
    };
    let redundant: Vec<bool> = out.iter().map(|(b, _)| out.iter().any(|a| covers(a, b))).collect();
    let mut redundant = redundant.into_iter();
    out.retain(|_| !redundant.next().unwrap_or(false));
    (!out.is_empty()).then_some(out)
}

/// The guard parts of `source` (a regex for the literal view, whose matches end at a word
/// end): parts after the first that are small word lists after a space, each as the words one
/// of which every match holds (`\b(are|is) (so |just )*(vile|a disgrace)\b`: `[vile,
/// disgrace]`; see [`part_guards`]). A regex whose trigger words are common (`are`, `is`) then
/// runs only in texts that hold a word of every part.
///
/// The part whose shortest word is longest is always a guard: "want to (kill|wipe out) us"
/// is guarded by "kill" and "wipe", not by "us", which news writes in every other text (as
/// "US" too). Other parts guard too when all their words are long enough to be rare in text
/// (`(they|the \w+) (want|plan) to (kill|wipe out) us` needs "want" or "plan", and "kill" or
/// "wipe"); a part of common words ("to", "us") would only send every text's "to" to the
/// index. `None` when no part is a small word list.
pub fn guard_words(source: &str) -> Option<Vec<Vec<String>>> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let parts = match hir.kind() {
        HirKind::Concat(parts) => parts.clone(),
        _ => return None,
    };
    let first = parts.iter().position(|p| !matches!(p.kind(), HirKind::Look(_)))?;
    let shortest = |ws: &[String]| ws.iter().map(|w| w.chars().count()).min().unwrap_or(0);
    let parts: Vec<Vec<String>> =
        (first + 1..parts.len()).filter_map(|i| part_guards(&parts[..i], &parts[i], &parts[i + 1..])).collect();
    // The best part: the later of equals.
    let best = parts.iter().enumerate().max_by_key(|(_, g)| shortest(g)).map(|(i, _)| i)?;
    let mut guards: Vec<Vec<String>> = parts
        .into_iter()
        .enumerate()
        .filter(|(i, g)| *i == best || shortest(g) >= MIN_EXTRA_GUARD)
        .map(|(_, g)| g)
        .collect();
    guards.sort();
    guards.dedup();
    Some(guards)
}

/// Fewest characters every word of a guard part other than the best must have.
const MIN_EXTRA_GUARD: usize = 4;

/// The guard words of `part` of a regex (see [`guard_words`]) between `before` and `after`:
/// the longest whole word of each literal it may start with (the last of equals). `None` when
/// it is no small list of words, or may be empty.
fn part_guards(before: &[Hir], part: &Hir, after: &[Hir]) -> Option<Vec<String>> {
    use regex_syntax::hir::literal::{ExtractKind, Extractor};
    if matches!(part.kind(), HirKind::Look(_)) {
        return None;
    }
    let mut extractor = Extractor::new();
    extractor.kind(ExtractKind::Prefix).limit_total(MAX_TRIGGERS);
    let words = extractor.extract(part);
    // The part starts a word when whatever comes before it ends with a space.
    extractor.kind(ExtractKind::Suffix).limit_literal_len(8);
    let after_space = extractor
        .extract(&Hir::concat(before.to_vec()))
        .literals()
        .is_some_and(|ls| !ls.is_empty() && ls.iter().all(|l| l.as_bytes().ends_with(b" ")));
    // A word ends with the part when what follows starts with a space or is the match's end
    // (whose word boundary the literal view's matches keep).
    extractor.kind(ExtractKind::Prefix);
    let word_ends = extractor.extract(&Hir::concat(after.to_vec())).literals().is_some_and(|ls| {
        !ls.is_empty() && ls.iter().all(|l| l.as_bytes().starts_with(b" ") || (l.is_empty() && l.is_exact()))
    });
    let mut out = Vec::new();
    for literal in words.literals()? {
        let text = std::str::from_utf8(literal.as_bytes()).ok()?;
        if !literal.is_exact() || text.trim().is_empty() {
            return None;
        }
        // Its whole words: the first one only if a space comes before the part, the last
        // one only if the part ends there (a word may go on after a trailing letter).
        let mut words: Vec<&str> = text.split(' ').collect();
        if !after_space {
            words.remove(0);
        }
        if !text.ends_with(' ') && !word_ends {
            words.pop();
        }
        // The longest is the rarest in text as a rule: "get rid of" is guarded by "rid", not
        // by "of", which nearly every text holds.
        let word = words.into_iter().filter(|w| !w.is_empty()).max_by_key(|w| w.chars().count())?;
        if !word.chars().all(is_word) {
            return None;
        }
        out.push(word.to_string());
    }
    out.sort();
    out.dedup();
    (!out.is_empty()).then_some(out)
}

/// `source` (a regex for the literal view) as run anchored at a trigger word: its word
/// boundaries rewritten for a text of words and single spaces, where Unicode `\b` (which
/// sends the regex engine off its DFA on the first non-ASCII letter) is never needed. A
/// leading `\b` always holds at a word start and goes; a trailing one becomes "a space or the
/// end" (the caller trims that space off the match); one beside a space goes. Others stay.
pub fn anchored_form(source: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    Some(without_edge_boundaries(&hir, true, true, &Hir::empty()).to_string())
}

/// `source` (a regex for the literal view) as searched in a whole text when no trigger word
/// starts it: as [`anchored_form`], but a leading `\b` becomes "the start or a space" (the
/// caller trims that space off the match too, and searches on from the match's last letter,
/// so the space after one match can start the next). With no Unicode `\b` left at its ends,
/// the regex engine stays on its DFA in text with letters beyond ASCII instead of falling
/// back to a far slower engine.
pub fn spaced_form(source: &str) -> Option<String> {
    let hir = regex_syntax::Parser::new().parse(source).ok()?;
    let lead = Hir::alternation(vec![Hir::look(Look::Start), space()]);
    Some(without_edge_boundaries(&hir, true, true, &lead).to_string())
}

fn is_word_boundary(hir: &Hir) -> bool {
    matches!(hir.kind(), HirKind::Look(Look::WordUnicode))
}

/// `hir` with its leading word boundaries replaced by `lead` and its trailing ones by "a
/// space or the end"; boundaries beside a space inside it go.
fn without_edge_boundaries(hir: &Hir, at_start: bool, at_end: bool, lead: &Hir) -> Hir {
    match hir.kind() {
        HirKind::Look(Look::WordUnicode) if at_start => lead.clone(),
        HirKind::Look(Look::WordUnicode) if at_end => Hir::alternation(vec![space(), Hir::look(Look::End)]),
        HirKind::Capture(c) => Hir::capture(Capture {
            sub: Box::new(without_edge_boundaries(&c.sub, at_start, at_end, lead)),
            ..c.clone()
        }),
        HirKind::Alternation(parts) => {
            Hir::alternation(parts.iter().map(|p| without_edge_boundaries(p, at_start, at_end, lead)).collect())
        }
        HirKind::Concat(parts) => {
            // Zero-width parts at either end are all at that end.
            let first = parts.iter().position(|p| !is_word_boundary(p)).unwrap_or(parts.len());
            let last = parts.iter().rposition(|p| !is_word_boundary(p));
            let mut out = Vec::with_capacity(parts.len());
            for (i, part) in parts.iter().enumerate() {
                let space = |h: &Hir| is_separator(h) && h.properties().minimum_len().is_some_and(|n| n > 0);
                let beside_space = is_word_boundary(part)
                    && (i.checked_sub(1).is_some_and(|j| space(&parts[j])) || parts.get(i + 1).is_some_and(space));
                if beside_space && i > first && last.is_some_and(|l| i < l) {
                    continue;
                }
                let start = at_start && i <= first;
                let end = at_end && last.is_none_or(|l| i >= l);
                // Of several boundaries at the end, one becomes "space or end".
                if end && is_word_boundary(part) && i + 1 < parts.len() {
                    continue;
                }
                // Of several boundaries at the start, one becomes `lead`.
                if start && is_word_boundary(part) && i > 0 && is_word_boundary(&parts[i - 1]) {
                    continue;
                }
                out.push(without_edge_boundaries(part, start, end, lead));
            }
            Hir::concat(out)
        }
        _ => hir.clone(),
    }
}

/// How a regex term that stays a regex runs (see [`literal_view_regex`], [`trigger_words`],
/// [`anchored_form`]): its source for the literal view (`None`: it keeps the regex view),
/// and when words start every match, those words and the form run anchored at them.
pub struct RegexPlan {
    pub literal_view: Option<String>,
    pub triggered: Option<(Vec<(String, bool)>, String)>,
    /// With trigger words, lists of words every match holds one word of each (see
    /// [`guard_words`]).
    pub guards: Option<Vec<Vec<String>>>,
    /// Without trigger words, on the literal view of a spaced script: the [`spaced_form`]
    /// searched in every text of its language that its `RegexSet` lets through.
    pub spaced: Option<String>,
}

/// Whether regex `source` is searched in every text of its language: it is no finite word list
/// (see [`literal_expansions`]) and has no trigger words to start at (see [`regex_plan`]).
/// `lexicon stats` counts such regexes, `lexicon lint` warns of them.
pub fn searched_in_every_text(source: &str) -> bool {
    literal_expansions(source).is_none() && regex_plan(source).triggered.is_none()
}

/// The [`RegexPlan`] of regex `source`. Regexes of scripts written without spaces have no
/// words to start at and run through their language's `RegexSet`.
pub fn regex_plan(source: &str) -> RegexPlan {
    match regex_syntax::Parser::new().parse(source) {
        Ok(hir) => plan_of(source, &hir),
        Err(_) => RegexPlan { literal_view: None, triggered: None, guards: None, spaced: None },
    }
}

/// [`regex_plan`] of regex `source`, parsed as `hir`.
pub fn plan_of(source: &str, hir: &Hir) -> RegexPlan {
    let literal_view = literal_view_of(hir);
    let spaced = !source.chars().any(super::normalize::is_unspaced_script);
    let triggered =
        literal_view.as_deref().filter(|_| spaced).and_then(|view| Some((trigger_words(view)?, anchored_form(view)?)));
    let spaced = literal_view.as_deref().filter(|_| spaced && triggered.is_none()).and_then(spaced_form);
    let guards = literal_view.as_deref().filter(|_| triggered.is_some()).and_then(guard_words);
    RegexPlan { literal_view, triggered, guards, spaced }
}

/// Most trigger words one regex may have.
const MAX_TRIGGERS: usize = 256;
/// Shortest word start (bytes) that triggers a regex.
const MIN_TRIGGER_PREFIX: usize = 3;

#[cfg(test)]
mod tests {
    use super::*;

    fn expand(source: &str) -> Option<Vec<String>> {
        literal_expansions(source)
    }

    #[test]
    fn finite_word_lists_are_spelled_out() {
        assert_eq!(expand(r"\bszczur(y|[óo]w)?\b").unwrap(), vec!["szczur", "szczurow", "szczury", "szczurów"]);
        assert_eq!(expand(r"\bkill (them|all)\b|\bwipe out\b").unwrap(), vec!["kill all", "kill them", "wipe out"]);
        assert_eq!(expand(r"\bcockroach(es)?\b").unwrap(), vec!["cockroach", "cockroaches"]);
    }

    #[test]
    fn what_the_literal_view_cannot_hold_stays_a_regex() {
        assert_eq!(expand(r"\bkill\s+them\b"), None, "unbounded");
        assert_eq!(expand(r"\bkill\w\b"), None, "big class");
        assert_eq!(expand(r"^kill\b"), None, "other look-around");
        assert_eq!(expand(r"\b(kill )\b"), None, "must end on a word character");
        assert_eq!(expand(r"(a|b){9}"), None, "too many");
    }

    #[test]
    fn spellings_are_written_as_the_literal_view_writes_text() {
        assert_eq!(expand(r"\bhouse[- ]to[- ]house\b").unwrap(), vec!["house to house"]);
        assert_eq!(expand(r"\bKill\b").unwrap(), vec!["kill"]);
    }

    #[test]
    fn regexes_are_rewritten_for_the_literal_view() {
        let matches = |source: &str, text: &str| {
            let view = literal_view_regex(source).unwrap_or_else(|| panic!("{source} stays on the regex view"));
            regex::Regex::new(&view).unwrap().is_match(&normalize(text, false).text)
        };
        assert!(matches(r"\bqu'ils\b \w+", "Qu’ils partent!"));
        assert!(matches(r"\bpre-?emptive\b", "pre-emptive"));
        assert!(matches(r"\bpre-?emptive\b", "preemptive"));
        assert!(matches(r"\bkill,?\s+them\b", "kill,  them"));
        assert!(matches(r"\b(kill|end) (them|\w+)!", "kill them"));
        assert!(matches(r"\bзв['ʼ]?язаними\b", "зв'язаними"));
        assert!(matches(r"\bvalise[ ,—–-]+gare\b", "valise — gare"));
        // A letter class that allows an apostrophe keeps to its word.
        assert!(!matches(r"\bkurt[a-z']* foo\b", "kurt bar foo"));
        assert!(matches(r"\bkiristaan[a-z']*\b", "kiristaan's"));
        // Whatever stands between words in the text, the view has one space.
        assert_eq!(literal_view_regex(r"\ba\s*[,;]\s+b").unwrap(), literal_view_regex(r"\ba b").unwrap());
    }

    #[test]
    fn regexes_are_triggered_by_their_first_words() {
        let triggers = |source: &str| trigger_words(&literal_view_regex(source).unwrap());
        assert_eq!(
            triggers(r"\b(they|the \w+) (want|plan) to kill us\b").unwrap(),
            [("the", false), ("they plan to kill us", false), ("they want to kill us", false)]
                .map(|(t, stem)| (t.to_string(), stem))
        );
        // As many words as every match starts with: "the" alone would stand in most texts.
        assert_eq!(
            triggers(r"\b(a|the) (virus|plague) (\w+ )?on\b").unwrap(),
            ["a plague", "a virus", "the plague", "the virus"].map(|t| (t.to_string(), false))
        );
        assert_eq!(triggers(r"\bthe vermin\w* (\w+ )?must\b").unwrap(), vec![("the vermin".to_string(), true)]);
        assert_eq!(
            triggers(r"\bwip(e|es|ing) (them|\w+) out\b").unwrap(),
            vec![("wipe".to_string(), false), ("wipes".to_string(), false), ("wiping".to_string(), false)]
        );
        assert_eq!(triggers(r"\bkiristaan[a-z']*\b").unwrap(), vec![("kiristaan".to_string(), true)]);
        assert_eq!(triggers(r"\b[a-zäöü]+ verrecke\b"), None, "any word may start it");
        assert_eq!(triggers(r"\bk\w+ them\b"), None, "too short a start");
    }

    #[test]
    fn guard_words_stand_in_every_match() {
        let guards = |source: &str| guard_words(&literal_view_regex(source).unwrap());
        assert_eq!(
            guards(r"\b(are|is) (so |just )*(vile|a disgrace|scum(bags)?)\b").unwrap(),
            [["disgrace", "scum", "scumbags", "vile"]]
        );
        // Every part of long words guards; the best part guards even when its words are short.
        assert_eq!(guards(r"\b(they|the \w+) (want|plan) to kill us\b").unwrap(), [vec!["kill"], vec!["plan", "want"]]);
        assert_eq!(
            guards(r"\b(they|the \w+) (want|plan) to (kill|wipe out) us\b").unwrap(),
            [["kill", "wipe"], ["plan", "want"]]
        );
        assert_eq!(guards(r"\b(we|they) (kill|hunt)\w* them\b").unwrap(), [["them"]], "a word that may go on");
        assert_eq!(guards(r"\b(should|must) (get rid of|round up|kill)\b").unwrap(), [["kill", "rid", "round"]]);
        assert_eq!(
            guards(r"\bwipe \w+ off the (face of the earth|map)\b").unwrap(),
            [["earth", "map"]],
            "later of equals"
        );
        assert_eq!(guards(r"\bwe will \w+ing\b"), None, "an open end");
        assert_eq!(guards(r"\bkill\w*(them|all)\b"), None, "no word starts the last part");
    }

    #[test]
    fn spaced_forms_find_words_between_spaces() {
        let spaced = |source: &str| {
            let re = regex::Regex::new(&spaced_form(&literal_view_regex(source).unwrap()).unwrap()).unwrap();
            assert!(!re.as_str().contains(r"\b"), "{}", re.as_str());
            re
        };
        let re = spaced(r"\b(a|wa)?laani\b");
        assert_eq!(re.find("walaani wao").map(|m| m.as_str()), Some("walaani "));
        assert_eq!(re.find("na alaani").map(|m| m.as_str()), Some(" alaani"));
        assert!(re.find("kulaani").is_none() && re.find("laanix").is_none());
        assert_eq!(spaced(r"\b\b[ɗƙ]\w+ ne\b").find("shi ɗan ne").map(|m| m.as_str()), Some(" ɗan ne"));
    }

    #[test]
    fn anchored_forms_need_no_unicode_boundaries() {
        let anchored = |source: &str| {
            let view = literal_view_regex(source).unwrap();
            regex::Regex::new(&format!("^(?:{})", anchored_form(&view).unwrap())).unwrap()
        };
        let re = anchored(r"\b(kill|killers)\b (them|all)\b");
        assert!(!re.as_str().contains(r"\b"));
        assert_eq!(re.find("killers all of them").map(|m| m.as_str()), Some("killers all "));
        assert_eq!(re.find("killers them").map(|m| m.as_str()), Some("killers them"));
        assert!(re.find("killersthem").is_none());
        assert!(anchored(r"\bé\w+ tués\b").is_match("étrangers tués"));
        assert!(!anchored(r"\bé\w+ tués\b").is_match("étrangers tuésx"));
    }

    #[test]
    fn symbols_keep_a_regex_on_the_regex_view() {
        assert_eq!(literal_view_regex(r"🔪+ them"), None);
        assert_eq!(literal_view_regex(r"[€$] \d+"), None);
        assert_eq!(literal_view_regex(r"[.!?]+"), None, "only separators");
        assert!(literal_view_regex(r"\w+!+").is_some());
    }

    #[test]
    fn an_inner_boundary_is_checked_on_the_spelling() {
        assert_eq!(expand(r"\bfoo\b ?\bbar\b").unwrap(), vec!["foo bar"]);
    }

    #[test]
    fn typos_swap_neighbours_and_drop_inner_letters_but_keep_the_first() {
        let v = typo_variants("threat");
        for typo in ["thraet", "threta", "thret", "trhea"] {
            assert_eq!(v.contains(&typo.to_string()), typo != "trhea", "{typo}");
        }
        assert!(!v.iter().any(|t| !t.starts_with('t')));
        assert!(typo_variants("war").is_empty(), "short words have too many real neighbours");
        assert!(typo_variants("kill").contains(&"klil".to_string()));
        assert!(typo_variants("kill them").is_empty(), "single words only");
        assert!(!typo_variants("black").contains(&"back".to_string()));
        // A virama is a mark, not a letter: "मुस्लिम" is a word all the same.
        assert!(typo_variants("अश्वेत").contains(&"अश्वते".to_string()));
    }

    #[test]
    fn the_prefilter_keeps_the_words_and_drops_the_boundaries() {
        let p = prefilter_pattern(r"\bkill\s+(them|all)\b").unwrap();
        let re = regex::Regex::new(&p).unwrap();
        assert!(re.is_match("skill  them"));
        assert!(!p.contains(r"\b"));
    }
}
