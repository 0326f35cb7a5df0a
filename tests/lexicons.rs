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
