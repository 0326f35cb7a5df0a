//! The classifier's reading of negation, references and rule distance, on a small invented
//! language (`xx`) so that each test shows one behaviour without the shipped vocabulary.

use super::*;
use crate::model::Level;

/// Cues, signals and rules of the invented language. `glims` is the group; `nie` negates
/// what follows it, `nae` what precedes it (as Turkish "değil"), `nix` either side.
const LEXICON: &str = r#"
[lexicon]
id = "xx-test"
language = "xx"

[[term]]
regex = '\b(nie|no)\b'
category = "negation"

[[term]]
match = "nae"
category = "negation"
negates = "preceding"

[[term]]
match = "nobody here thinks that"
category = "negation"

[[term]]
match = "hardly ever"
category = "negation"

[[term]]
match = "nix"
category = "negation"
negates = "both"

[[term]]
match = "condemned"
category = "condemnation"

[[term]]
regex = '\b(they|them|your kind|these people)\b'
category = "reference"

[[term]]
regex = '\bno \w+ (can|will) ever be (a )?(valuable|good)\b'
category = "rhetorical"

[[term]]
match = "glims"
category = "target_group"

[[term]]
match = "glim"
category = "target_group"

[[term]]
match = "nie-binary glims"
category = "target_group"
weight = 0

[[term]]
regex = '\bi will( \w+){0,3} hurt\b'
category = "threat"
weight = 0.6

[[term]]
match = "we will nie rest until"
category = "threat"
weight = 0.6

[[term]]
regex = '\bnie( \w+)? spare\b'
category = "threat"
weight = 0.6

[[term]]
match = "stupid"
category = "derogation"
weight = 0.2

[[term]]
regex = '\bglim-?haters?( \w+)?\b'
category = "derogation"
weight = 0.2

[[term]]
regex = '🔪+ \w+'
category = "threat"
weight = 0.6

[[term]]
match = "stupid question"
category = "derogation"
silence = true

[[term]]
match = "nothing worse than"
category = "derogation"
weight = 0.2

[[term]]
match = "can ever be a valuable"
category = "derogation"
weight = 0

[[rule]]
id = "xx-derogation-group"
all = ["derogation", "target_group"]
within = 2
unless = ["condemnation", "negation"]
category = "derogation"
weight = 0.5

[[rule]]
id = "xx-threat-group"
all = ["threat", "target_group"]
within = 4
unless = ["negation"]
category = "threat"
weight = 0.8
"#;

fn classifier() -> Classifier {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    std::fs::write(dir.path().join("xx.toml"), LEXICON).unwrap();
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_or_else(|e| panic!("{e:?}"));
    Classifier::build(&set, Levels::default()).unwrap()
}

/// Speech of the evidence whose matched text is `words`.
fn speech_of(c: &Classifier, text: &str, words: &str) -> Speech {
    let a = c.classify(text, Some("xx"));
    let e = a.evidence.iter().find(|e| e.text == words).unwrap_or_else(|| panic!("no {words:?} in {:?}", a.evidence));
    e.speech
}

fn rule_fires(c: &Classifier, text: &str) -> bool {
    fired(c, text, "xx-derogation-group")
}

fn fired(c: &Classifier, text: &str, rule: &str) -> bool {
    c.classify(text, Some("xx")).evidence.iter().any(|e| e.term_or_rule == rule)
}

#[test]
fn a_negation_in_the_gap_of_a_term_negates_it() {
    let c = classifier();
    // Verb-final order: the threat spans pronoun … verb, the negation sits inside.
    assert_eq!(speech_of(&c, "i will nie the glim hurt", "i will nie the glim hurt"), Speech::Negated);
    assert_eq!(speech_of(&c, "i will the glim hurt", "i will the glim hurt"), Speech::Direct);
}

#[test]
fn a_negation_the_term_spells_is_its_own() {
    let c = classifier();
    // A literal spells every word; a regex spells the words it cannot match without.
    assert_eq!(speech_of(&c, "we will nie rest until", "we will nie rest until"), Speech::Direct);
    assert_eq!(speech_of(&c, "nie one spare", "nie one spare"), Speech::Direct);
    assert!(c.classify("we will nie rest until", Some("xx")).level >= Level::Watch);
}

#[test]
fn a_negation_voids_a_rule_unless_one_of_its_terms_spells_it() {
    let c = classifier();
    assert!(fired(&c, "we will nie rest until the glims leave", "xx-threat-group"));
    assert!(!fired(&c, "i will nie the glims hurt", "xx-threat-group"));
    assert!(fired(&c, "i will the glims hurt", "xx-threat-group"));
    assert!(!rule_fires(&c, "glims nie stupid"));
}

#[test]
fn a_negation_in_a_group_name_negates_nothing() {
    let c = classifier();
    assert!(rule_fires(&c, "nie-binary glims are stupid"));
    assert_eq!(speech_of(&c, "nie-binary glims are stupid", "stupid"), Speech::Direct);
    // Outside the name the same word negates, as before.
    assert!(!rule_fires(&c, "nie glims are stupid"));
}

#[test]
fn a_quantifier_spelled_in_a_longer_term_is_not_a_denial() {
    let c = classifier();
    // "no" inside a rhetorical frame belongs to it: the frame says no glim has worth.
    assert!(rule_fires(&c, "no glim can ever be a valuable member"));
    // Elsewhere "no" before a group still negates what follows.
    assert!(!rule_fires(&c, "no glim stupid"));
}

#[test]
fn rule_distance_runs_between_the_nearest_ends() {
    let c = classifier();
    // The phrase is three words; the group stands two tokens after its end.
    assert!(rule_fires(&c, "nothing worse than those glims"));
    assert!(!rule_fires(&c, "nothing worse than the old glims"));
    assert!(rule_fires(&c, "glims are stupid"));
    assert!(!rule_fires(&c, "glims are so very stupid"));
}

#[test]
fn a_sentence_naming_who_they_are_binds_the_group_to_the_sentence_before() {
    let c = classifier();
    assert!(rule_fires(&c, "Of course they are stupid. They are glims after all."));
    assert!(rule_fires(&c, "So stupid and loud every single day of the week. Needless to say they are glims."));
    // No reference: a group in the next sentence is just another topic.
    assert!(!rule_fires(&c, "Of course it is stupid. Some glims came later."));
    // The group must follow the reference closely, and only the previous sentence is bound.
    assert!(!rule_fires(&c, "Of course they are stupid. They met with many of the glims."));
    assert!(!rule_fires(&c, "It is stupid. The vote was close. They are glims after all."));
    // A condemning sentence binds nothing.
    assert!(!rule_fires(&c, "It is stupid. They are glims, the mayor condemned."));
}

#[test]
fn a_reference_of_several_words_points_back_from_anywhere_in_its_sentence() {
    let c = classifier();
    assert!(rule_fires(&c, "You glims keep acting up. There really is nothing worse than your kind."));
    assert!(rule_fires(&c, "You glims keep acting up. There really is nothing worse than these people."));
    // A lone pronoun deep in its sentence does not.
    assert!(!rule_fires(&c, "You glims keep acting up. There really is nothing worse than them."));
}

#[test]
fn regexes_see_the_words_literals_see_and_symbols_where_they_spell_them() {
    let c = classifier();
    // On the literal view: punctuation in the text is a space, as for literals.
    let a = c.classify("The glim–haters, again.", Some("xx"));
    assert!(a.evidence.iter().any(|e| e.text == "glim–haters, again"), "{:?}", a.evidence);
    // A regex that spells a symbol runs on the view that keeps it.
    let a = c.classify("So: 🔪🔪 glims!", Some("xx"));
    assert!(a.evidence.iter().any(|e| e.text == "🔪🔪 glims"), "{:?}", a.evidence);
    assert!(!c.classify("So: glims!", Some("xx")).evidence.iter().any(|e| e.category == "threat"));
}

#[test]
fn each_language_looks_up_its_own_terms_and_the_universal_ones() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    std::fs::write(dir.path().join("xx.toml"), LEXICON).unwrap();
    let universal = "[lexicon]\nid = \"names\"\nlanguage = \"xx\"\nuniversal = true\n\n\
                     [[term]]\nmatch = \"zorblat\"\ncategory = \"target_group\"\n";
    std::fs::write(dir.path().join("names.toml"), universal).unwrap();
    let yy = "[lexicon]\nid = \"yy-test\"\nlanguage = \"yy\"\n\n\
              [[term]]\nmatch = \"stupid glims\"\ncategory = \"derogation\"\nweight = 0.3\n";
    std::fs::write(dir.path().join("yy.toml"), yy).unwrap();
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_or_else(|e| panic!("{e:?}"));
    let c = Classifier::build(&set, Levels::default()).unwrap();
    let found = |text: &str, lang: Option<&str>| -> Vec<String> {
        c.term_matches(text, lang).into_iter().map(|m| format!("{}:{}", m.lexicon, &text[m.start..m.end])).collect()
    };
    let text = "stupid glims and zorblat; i will surely hurt";
    // Text of xx: its terms (a literal, a regex started by its first words), the universal one.
    let xx = found(text, Some("xx"));
    for want in ["xx-test:stupid", "xx-test:glims", "names:zorblat", "xx-test:i will surely hurt"] {
        assert!(xx.iter().any(|f| f == want), "{want} not in {xx:?}");
    }
    assert!(!xx.iter().any(|f| f.starts_with("yy-test")), "{xx:?}");
    // Text of yy: its phrase and the universal term only.
    assert_eq!(found(text, Some("yy")), ["yy-test:stupid glims", "names:zorblat"]);
    // A language without lexicons: the universal term only. Unknown language: everything.
    assert_eq!(found(text, Some("zz")), ["names:zorblat"]);
    let any = found(text, None);
    assert!(any.contains(&"yy-test:stupid glims".to_string()) && any.contains(&"xx-test:glims".to_string()));
}

#[test]
fn quoted_words_judged_in_the_next_sentence_are_condemned() {
    let c = classifier();
    // Quoted, then condemned a sentence later: the judgement is on the quote.
    assert_eq!(speech_of(&c, "\"Glims are stupid.\" He was condemned.", "stupid"), Speech::Condemned);
    assert_eq!(speech_of(&c, "\"Glims are stupid.\" Nothing more.", "stupid"), Speech::Reported);
    // The speaker's own words stay direct whatever the next sentence says.
    assert_eq!(speech_of(&c, "Glims are stupid. He was condemned.", "stupid"), Speech::Direct);
    // Only the next sentence judges: two sentences later is another matter.
    assert_eq!(speech_of(&c, "\"Glims are stupid.\" Then we left. He was condemned.", "stupid"), Speech::Reported);
}

#[test]
fn corrections_reach_the_folding_lexicons_in_text_with_accents() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    std::fs::write(dir.path().join("words.txt"), "glims\nare\nqué\npena\n").unwrap();
    let lexicon = r#"
[lexicon]
id = "xx-fold"
language = "xx"
fold_diacritics = true
typos = true
dictionary = "words.txt"

[[term]]
match = "parásites"
category = "dehumanisation"
weight = 0.6
"#;
    std::fs::write(dir.path().join("xx.toml"), lexicon).unwrap();
    let set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_or_else(|e| panic!("{e:?}"));
    let c = Classifier::build(&set, Levels::default()).unwrap();
    // One swap away from the term; the accent elsewhere makes the text's folded view differ
    // from its literal one, and the correction must reach both.
    for text in ["glims are parasties", "glims are parasties, qué pena", "glims are parásties, qué pena"] {
        let a = c.classify(text, Some("xx"));
        assert!(a.evidence.iter().any(|e| e.category == "dehumanisation"), "{text}: {:?}", a.evidence);
    }
}

#[test]
fn no_term_spans_two_sentences() {
    let c = classifier();
    // The views drop punctuation: "… until. The …" reads "until the" in them.
    assert!(fired(&c, "We will nie rest until the end.", "we will nie rest until"));
    assert!(!fired(&c, "We will nie rest. Until the end.", "we will nie rest until"));
    assert!(c.classify("We will nie rest. Until the end.", Some("xx")).evidence.is_empty());
}

#[test]
fn a_silencer_hides_its_category_inside_it_from_evidence_and_rules() {
    let c = classifier();
    assert!(rule_fires(&c, "glims stupid"));
    // "stupid question" is harmless: neither "stupid" nor the silencer is evidence, and the
    // group rule no longer sees "stupid".
    let a = c.classify("glims stupid question", Some("xx"));
    assert!(a.evidence.iter().all(|e| e.category == "target_group"), "{:?}", a.evidence);
    assert_eq!(a.level, Level::None);
    // The group word is another category: a silencer hides nothing of it.
    let labels = |t: &str| c.term_matches(t, Some("xx")).into_iter().map(|m| m.label).collect::<Vec<_>>();
    assert_eq!(labels("glims stupid question"), ["glims", "stupid question"]);
    assert_eq!(labels("glims stupid"), ["glims", "stupid"]);
}

#[test]
fn a_negation_after_the_words_negates_them_when_its_term_says_so() {
    let c = classifier();
    // "nae" negates what precedes it, in reach and in the same clause.
    assert_eq!(speech_of(&c, "glims are stupid nae", "stupid"), Speech::Negated);
    assert!(!rule_fires(&c, "glims are stupid nae"));
    assert_eq!(speech_of(&c, "nae glims are stupid", "stupid"), Speech::Direct);
    assert!(rule_fires(&c, "nae glims are stupid"));
    assert_eq!(speech_of(&c, "glims are stupid, nae", "stupid"), Speech::Direct);
    assert!(rule_fires(&c, "glims are stupid, nae"));
    assert_eq!(speech_of(&c, "glims are stupid one nae", "stupid"), Speech::Negated);
    assert_eq!(speech_of(&c, "glims are stupid one two nae", "stupid"), Speech::Direct);
    // "nix" negates either side; "nie" only what follows, as before.
    assert_eq!(speech_of(&c, "glims are stupid nix", "stupid"), Speech::Negated);
    assert_eq!(speech_of(&c, "nix glims are stupid", "stupid"), Speech::Negated);
    assert_eq!(speech_of(&c, "glims are stupid nie", "stupid"), Speech::Direct);
    assert!(rule_fires(&c, "glims are stupid nie"));
}

#[test]
fn a_negation_of_three_words_or_more_reaches_from_its_last_word() {
    let c = classifier();
    // "stupid" is four words after the cue's last word, eight after its first.
    assert_eq!(speech_of(&c, "nobody here thinks that the glims are stupid", "stupid"), Speech::Negated);
    assert_eq!(speech_of(&c, "nobody here thinks that the glims are so very stupid", "stupid"), Speech::Direct);
    // A cue of two words reaches from its first, as a contraction ("don't") does.
    assert_eq!(speech_of(&c, "hardly ever know how stupid", "stupid"), Speech::Negated);
    assert_eq!(speech_of(&c, "hardly ever know how so stupid", "stupid"), Speech::Direct);
}

#[test]
fn a_regex_that_does_not_parse_is_named_with_its_file_and_line_at_build() {
    // Loading checks every regex; a set changed after loading is checked again by the build.
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    std::fs::write(dir.path().join("xx.toml"), LEXICON).unwrap();
    let mut set = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap();
    let term = set.lexicons[0].terms.iter_mut().find(|t| t.spec.regex.is_some()).unwrap();
    term.spec.regex = Some(r"\b(glim".to_string());
    let line = term.origin.line;
    let errors = Classifier::build(&set, Levels::default()).unwrap_err();
    let shown = crate::lexicon::format_errors(&errors);
    assert!(shown.contains(&format!("xx.toml:{line}")) && shown.contains("invalid regex"), "{shown}");
}

#[test]
fn negates_belongs_to_negation_cues() {
    let dir = tempfile::tempdir().unwrap();
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    let lexicon = "[lexicon]\nid = \"xx-bad\"\nlanguage = \"xx\"\n\n[[term]]\nmatch = \"stupid\"\n\
                   category = \"derogation\"\nnegates = \"preceding\"\n";
    std::fs::write(dir.path().join("xx.toml"), lexicon).unwrap();
    let errors = LexiconSet::load_paths(&[dir.path().to_path_buf()]).unwrap_err();
    let shown = format!("{errors:?}");
    assert!(shown.contains("xx.toml") && shown.contains("negates"), "{shown}");
}

#[test]
fn a_question_naming_only_a_group_makes_it_the_topic_of_the_next_sentence() {
    let c = classifier();
    assert!(!rule_fires(&c, "So stupid, every single one."), "no group: nothing to bind");
    assert!(rule_fires(&c, "Glims? So stupid, every single one."));
    assert!(rule_fires(&c, "And the glims? So stupid, every single one."));
    // A question that says more is about something else; a statement names no topic; only
    // the next sentence is bound; a condemning sentence binds nothing.
    assert!(!rule_fires(&c, "Did the mayor meet the glims at the market? So stupid, every single one."));
    assert!(!rule_fires(&c, "Glims. So stupid, every single one."));
    assert!(!rule_fires(&c, "Glims? The vote was close. So stupid, every single one."));
    assert!(!rule_fires(&c, "Glims? Calling them stupid was condemned."));
}
