//! Where a match sits in the original text: its sentence, and whether it is inside quotation
//! marks. The speech decision itself (direct, reported, condemned, negated) is made in
//! [`super::Classifier`] from these facts and the lexicons' cue terms.

use std::ops::Range;

use unicode_segmentation::UnicodeSegmentation;

/// Sentence spans and quoted spans of one text, in original byte offsets.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    /// Start offsets of the sentences, increasing; sentence `i` ends where `i + 1` starts.
    sentence_starts: Vec<usize>,
    /// Byte length of the text.
    len: usize,
    /// Quoted spans (inside the marks), increasing and disjoint.
    quotes: Vec<Range<usize>>,
    /// Offsets of clause punctuation (, ; : — – and brackets), increasing.
    clause_marks: Vec<usize>,
}

/// Opening and closing quotation marks of many scripts. `"` (and its look-alikes) toggle.
const PAIRS: &[(char, char)] =
    &[('“', '”'), ('«', '»'), ('„', '“'), ('‚', '‘'), ('「', '」'), ('『', '』'), ('‹', '›'), ('《', '》')];

impl Layout {
    /// Analyse a text: sentences by Unicode sentence boundaries (UAX #29) and blank lines,
    /// quotes by pairs of marks within a paragraph.
    pub fn new(text: &str) -> Self {
        let mut sentence_starts = Vec::new();
        for (start, _) in text.split_sentence_bound_indices() {
            sentence_starts.push(start);
        }
        if sentence_starts.first() != Some(&0) {
            sentence_starts.insert(0, 0);
        }
        let clause_marks = text
            .char_indices()
            .filter(|(_, c)| {
                matches!(c, ',' | ';' | ':' | '—' | '–' | '(' | ')' | '،' | '؛' | '、' | '，' | '；' | '：')
            })
            .map(|(i, _)| i)
            .collect();
        Layout { sentence_starts, len: text.len(), quotes: quoted_spans(text), clause_marks }
    }

    /// Index of the sentence holding byte `pos`.
    pub fn sentence_of(&self, pos: usize) -> usize {
        self.sentence_starts.partition_point(|&s| s <= pos).saturating_sub(1)
    }

    /// Byte range of sentence `i`.
    pub fn sentence_range(&self, i: usize) -> Range<usize> {
        let start = self.sentence_starts[i];
        let end = self.sentence_starts.get(i + 1).copied().unwrap_or(self.len);
        start..end
    }

    /// Whether clause punctuation stands between two original offsets (`from <= to`).
    pub fn clause_break_between(&self, from: usize, to: usize) -> bool {
        let i = self.clause_marks.partition_point(|&m| m < from);
        self.clause_marks.get(i).is_some_and(|&m| m < to)
    }

    /// Whether the original range lies inside quotation marks.
    pub fn is_quoted(&self, range: &Range<usize>) -> bool {
        let i = self.quotes.partition_point(|q| q.end < range.end);
        self.quotes.get(i).is_some_and(|q| q.start <= range.start && range.end <= q.end)
    }
}

/// Quoted spans: paired marks, and straight double quotes toggling; a paragraph break closes
/// any open quote so one stray mark cannot mark the rest of an article as quoted.
fn quoted_spans(text: &str) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut open: Option<(usize, char)> = None;
    let mut prev_newline = false;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            if prev_newline {
                open = None;
            }
            prev_newline = true;
            continue;
        }
        prev_newline = false;
        match open {
            Some((start, close)) if c == close || (close == '"' && c == '"') => {
                spans.push(start..i);
                open = None;
            }
            Some(_) => {}
            None => {
                if c == '"' {
                    open = Some((i + 1, '"'));
                } else if let Some(&(_, close)) = PAIRS.iter().find(|(o, _)| *o == c) {
                    open = Some((i + c.len_utf8(), close));
                }
            }
        }
    }
    spans
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_split_on_punctuation_and_blank_lines() {
        let t = "Title here\n\nFirst one. Second one? Third.";
        let l = Layout::new(t);
        let s = l.sentence_of(t.find("Second").unwrap());
        assert_eq!(t[l.sentence_range(s)].trim(), "Second one?");
        assert_ne!(l.sentence_of(0), l.sentence_of(t.find("First").unwrap()));
    }

    #[test]
    fn quotes_of_many_scripts() {
        for t in [
            "He said “kill them all” yesterday.",
            "Il a dit « kill them all » hier.",
            "Er sagte „kill them all“ gestern.",
            "He said \"kill them all\" yesterday.",
            "彼は「kill them all」と言った。",
        ] {
            let l = Layout::new(t);
            let s = t.find("kill").unwrap();
            assert!(l.is_quoted(&(s..s + 13)), "{t}");
            let y = t.len() - 3;
            assert!(!l.is_quoted(&(y..y + 1)), "{t}");
        }
    }

    #[test]
    fn clause_breaks_are_found_between_offsets() {
        let t = "Ce ne sont pas des voisins : ce sont des cafards";
        let l = Layout::new(t);
        assert!(l.clause_break_between(t.find("pas").unwrap(), t.find("cafards").unwrap()));
        assert!(!l.clause_break_between(t.find("ne").unwrap(), t.find("voisins").unwrap()));
    }

    #[test]
    fn an_unclosed_quote_stops_at_the_paragraph() {
        let t = "He said \"kill\n\nThey must kill them.";
        let l = Layout::new(t);
        let s = t.rfind("kill").unwrap();
        assert!(!l.is_quoted(&(s..s + 4)));
    }
}
