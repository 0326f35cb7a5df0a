//! Every shipped lexicon loads, compiles, and passes its own examples and counter-examples.

use tocsin::classify::Classifier;
use tocsin::classify::examples::check_examples;
use tocsin::config::Levels;
use tocsin::lexicon::LexiconSet;

use crate::util::repo;

#[test]
fn shipped_lexicons_pass_their_examples() {
    let set = LexiconSet::load_paths(&[repo().join("lexicons")])
        .unwrap_or_else(|e| panic!("{}", tocsin::lexicon::format_errors(&e)));
    for lang in ["en", "fr", "sw", "ar"] {
        assert!(set.lexicons.iter().any(|l| l.meta.language == lang), "no lexicon for {lang}");
    }
    let classifier = Classifier::build(&set, Levels::default()).unwrap();
    let (checked, failures) = check_examples(&classifier, &set);
    assert!(checked > 100, "only {checked} examples");
    let shown: Vec<String> = failures.iter().map(|f| f.to_string()).collect();
    assert!(failures.is_empty(), "{} of {checked} examples fail:\n{}", failures.len(), shown.join("\n"));
}

#[test]
fn terms_of_one_language_do_not_fire_in_another() {
    let set = LexiconSet::load_paths(&[repo().join("lexicons")]).unwrap();
    let c = Classifier::build(&set, Levels::default()).unwrap();
    let fr = "Ces étrangers sont des cafards, tuez-les tous.";
    assert!(!c.classify(fr, Some("fr")).evidence.is_empty());
    assert!(c.classify(fr, Some("en")).evidence.iter().all(|e| e.language != "fr"));
}

#[test]
fn ordinary_french_words_are_not_read_as_terms_one_swap_away() {
    let c = shipped();
    // "signes" (signs) is a swap of "singes" (monkeys, a dehumanising term); French has no
    // dictionary, so no word of French text is corrected.
    let text = "Les signes de la maladie sont visibles chez les Africains; une partie de la population.";
    let a = c.classify(text, Some("fr"));
    assert!(a.evidence.iter().all(|e| e.category != "dehumanisation"), "{:?}", a.evidence);
    assert!(!c.classify("Ce sont des singes.", Some("fr")).evidence.is_empty());
}

fn shipped() -> Classifier {
    let set = LexiconSet::load_paths(&[repo().join("lexicons")]).unwrap();
    Classifier::build(&set, Levels::default()).unwrap()
}

fn rules_fired(c: &Classifier, text: &str) -> Vec<String> {
    let a = c.classify(text, Some("en"));
    a.evidence.iter().filter(|e| e.kind == tocsin::model::EvidenceKind::Rule).map(|e| e.term_or_rule.clone()).collect()
}

#[test]
fn a_pronoun_carries_the_group_of_the_previous_sentence_into_a_rule() {
    let c = shipped();
    let hateful = "Some immigrants got into government. They are still just trash to me.";
    assert!(rules_fired(&c, hateful).iter().any(|r| r == "en-derogation-against-group"), "{hateful}");
    assert!(c.classify(hateful, Some("en")).level >= tocsin::model::Level::Watch);
    // No group before the pronoun: nothing to refer to.
    let no_group = "The old chairs were thrown out. They are still just trash to me.";
    assert!(rules_fired(&c, no_group).is_empty(), "{no_group}");
    // A group two sentences back is out of reach.
    let far = "Some immigrants got into government. The vote was close. They are still just trash to me.";
    assert!(rules_fired(&c, far).is_empty(), "{far}");
    // Deep in its sentence, after a condemned report, "they" points elsewhere.
    let elsewhere = "The bishop condemned a radio station that called the refugees vermin. \
                     Those words prepare people to kill; I have seen where they lead.";
    assert!(!rules_fired(&c, elsewhere).iter().any(|r| r == "en-violence-against-group"), "{elsewhere}");
}

#[test]
fn a_negation_inside_an_insult_or_a_rhetorical_frame_negates_nothing() {
    let c = shipped();
    for hateful in ["Immigrant lives aren't worth shit.", "Isn't it obvious that immigrants are disgusting?"] {
        assert!(rules_fired(&c, hateful).iter().any(|r| r == "en-derogation-against-group"), "{hateful}");
    }
    // A real negation of the insult still voids the rule.
    let negated = "Immigrants are not disgusting.";
    assert!(rules_fired(&c, negated).is_empty(), "{negated}");
}
