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

/// Lexicon examples are their authors' own sentences: a copy of a suite row would let
/// `lexicon test` pass by memorising the suite, and say nothing about other wordings.
#[test]
fn lexicon_examples_are_not_copies_of_suite_rows() {
    let key = |s: &str| s.trim().to_lowercase();
    let mut rows = std::collections::HashMap::new();
    for entry in std::fs::read_dir(repo().join("tests/fixtures/functional")).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "tsv") {
            for line in std::fs::read_to_string(&path).unwrap().lines().skip(1) {
                if let Some(text) = line.split('\t').nth(3) {
                    rows.insert(key(text), path.display().to_string());
                }
            }
        }
    }
    if let Some(dir) = crate::util::shared_data("hatecheck-en") {
        let mut cases = csv::Reader::from_path(dir.join("test_suite_cases.csv")).unwrap();
        let column = cases.headers().unwrap().iter().position(|h| h == "test_case").unwrap();
        for case in cases.records() {
            rows.insert(key(&case.unwrap()[column]), "HateCheck".to_string());
        }
    }
    let set = LexiconSet::load_paths(&[repo().join("lexicons")]).unwrap();
    let mut copies = Vec::new();
    for lexicon in &set.lexicons {
        let entries = lexicon.terms.iter().map(|t| (&t.origin, &t.spec.examples, &t.spec.counter_examples));
        let rules = lexicon.rules.iter().map(|r| (&r.origin, &r.spec.examples, &r.spec.counter_examples));
        for (origin, examples, counter) in entries.chain(rules) {
            for example in examples.iter().chain(counter) {
                if let Some(suite) = rows.get(&key(example)) {
                    copies.push(format!("{}:{}: a row of {suite}", origin.path.display(), origin.line));
                }
            }
        }
    }
    assert!(copies.is_empty(), "{} examples copy suite rows:\n{}", copies.len(), copies.join("\n"));
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
    // "signes" (signs) is a swap of "singes" (monkeys, a dehumanising term): the French
    // dictionary knows it, so it stays a word of its own; a swap that is no French word is
    // read as the term it misspells.
    let text = "Les signes de la maladie sont visibles chez les Africains; une partie de la population.";
    let a = c.classify(text, Some("fr"));
    assert!(a.evidence.iter().all(|e| e.category != "dehumanisation"), "{:?}", a.evidence);
    assert!(!c.classify("Ce sont des singes.", Some("fr")).evidence.is_empty());
    let typo = c.classify("Les migrants sont des vremines.", Some("fr"));
    assert!(typo.evidence.iter().any(|e| e.category == "dehumanisation"), "{:?}", typo.evidence);
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

/// Lowest accuracy each language's functional suite (`tests/fixtures/functional`, see its
/// README) may fall to: what the shipped lexicons score, less about five cases. A lexicon edit
/// that loses more than that fails here, with the cases it lost.
const FUNCTIONAL_FLOORS: [(&str, f64); 12] = [
    ("ar", 0.935),
    ("de", 0.96),
    ("es", 0.97),
    ("fr", 0.94),
    ("hi", 0.965),
    ("it", 0.955),
    ("nl", 0.945),
    ("pl", 0.955),
    ("pt", 0.97),
    ("ru", 0.925),
    ("tr", 0.91),
    ("zh", 0.965),
];

/// A word cut in two by a space ("pa rásitos") counts as the word, in every language with
/// typo-tolerant lexicons (two real words are never glued: see `spelling`'s own tests).
#[test]
fn a_word_cut_in_two_counts_as_the_whole_word() {
    let c = shipped();
    for (lang, whole, cut) in [
        ("en", "Those immigrants are parasites", "Those immi grants are parasites"),
        ("es", "Los musulmanes son parásitos", "Los musulmanes son pa rásitos"),
        ("nl", "Marokkanen zijn ongedierte", "Marokkanen zijn onge dierte"),
    ] {
        let (w, k) = (c.classify(whole, Some(lang)), c.classify(cut, Some(lang)));
        assert!(w.level >= tocsin::model::Level::Warning, "{whole}: {:?}", w.level);
        assert_eq!(k.level, w.level, "{cut}");
    }
}

#[test]
fn functional_suites_hold_their_accuracy() {
    let c = shipped();
    for (lang, floor) in FUNCTIONAL_FLOORS {
        let path = repo().join(format!("tests/fixtures/functional/{lang}.tsv"));
        let suite = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let (mut right, mut wrong) = (0, Vec::new());
        for (n, line) in suite.lines().enumerate().skip(1) {
            let fields: Vec<&str> = line.split('\t').collect();
            let [functionality, label, _split, text] = fields[..] else {
                panic!("{}:{}: four tab-separated fields expected", path.display(), n + 1)
            };
            let hateful = c.classify(text, Some(lang)).level >= tocsin::model::Level::Watch;
            if hateful == (label == "1") {
                right += 1;
            } else {
                wrong.push(format!("  {functionality} (label {label}): {text}"));
            }
        }
        let accuracy = right as f64 / (right + wrong.len()) as f64;
        assert!(right + wrong.len() >= 320, "{lang}: the suite lost cases");
        assert!(accuracy >= floor, "{lang}: accuracy {accuracy:.3} < {floor}; wrong:\n{}", wrong.join("\n"));
    }
}

/// Turkish capital "İ" reads as "i": "İğrenç" (disgusting) is the term "iğrenç" (Unicode's
/// lowercase, "i" and a combining dot, matched nothing).
#[test]
fn turkish_dotted_capital_i_matches_terms_written_with_i() {
    let c = shipped();
    let level = |t: &str| c.classify(t, Some("tr")).level;
    assert!(level("İğrenç Suriyeliler.") >= tocsin::model::Level::Watch);
    assert_eq!(level("İğrenç Suriyeliler."), level("iğrenç Suriyeliler."));
}

#[test]
fn verb_final_negations_deny_the_words_before_them() {
    use tocsin::model::Level;
    let c = shipped();
    let level = |t: &str, lang: &str| c.classify(t, Some(lang)).level;
    // Turkish değil negates the predicate before it, with a filler word between…
    assert!(level("Suriyeliler asalak.", "tr") >= Level::Watch);
    assert_eq!(level("Suriyeliler bence asalak falan değil.", "tr"), Level::None);
    // …but not across a comma: the tag question "değil mi?" asks for agreement.
    assert!(level("Suriyeliler asalak, değil mi?", "tr") >= Level::Watch);
    // Hindi नहीं after a predicate ("are not insects"); "कुछ नहीं" (nothing) denies no one.
    assert_eq!(level("मुसलमान कीड़े नहीं हैं।", "hi"), Level::None);
    assert!(level("चूतिया औरतें कुछ नहीं समझतीं।", "hi") >= Level::Watch);
}

#[test]
fn look_alike_letters_of_another_script_do_not_hide_a_word() {
    let c = shipped();
    // Cyrillic "і" and "а" in English words; a Latin "a" and leet in Russian ones.
    let en = |t: &str| c.classify(t, Some("en")).level;
    assert!(en("Kill all Muslims now.") >= tocsin::model::Level::Warning);
    assert_eq!(en("Kіll аll Muslіms now."), en("Kill all Muslims now."));
    let ru = |t: &str| c.classify(t, Some("ru")).level;
    assert!(ru("Мусульмане — тараканы.") >= tocsin::model::Level::Watch);
    assert_eq!(ru("Мусульмaне — т@раканы."), ru("Мусульмане — тараканы."));
}

#[test]
fn letters_written_three_times_do_not_hide_a_word() {
    let c = shipped();
    let en = |t: &str| c.classify(t, Some("en")).level;
    assert!(en("We will kill them all.") >= tocsin::model::Level::Warning);
    assert_eq!(en("We will kiiiill them aaaall."), en("We will kill them all."));
    assert_eq!(en("They are raaaaats."), en("They are rats."));
}

#[test]
fn masked_and_bang_letters_do_not_hide_a_word() {
    let c = shipped();
    let en = |t: &str| c.classify(t, Some("en")).level;
    let plain = en("Kill all Muslims now.");
    assert!(plain >= tocsin::model::Level::Warning);
    // "*" for a vowel, filled from the English words only (not the Dutch "moslims").
    assert_eq!(en("Kill all m*slims now."), plain);
    // "!" for i, which also ends no sentence inside a word.
    assert_eq!(en("Kill all musl!ms now."), plain);
    assert_eq!(en("K!ll all Muslims now."), plain);
}

#[test]
fn a_quote_in_another_script_is_read_with_the_lexicons_of_its_language() {
    use tocsin::model::Level;
    let c = shipped();
    // An English report quoting an Arabic banner, a French one an Amharic chant: the article's
    // lexicons do not know the quote's words, the quote's language's do.
    let en = "Supporters gathered outside the court on Monday. One banner read \"اذبحوهم جميعا، اقتلوهم أينما وجدتموهم\" and the crowd cheered.";
    assert_eq!(c.classify(en, Some("en")).level, Level::None, "English lexicons alone");
    let a = c.classify_mixed(en, "en");
    assert!(a.level >= Level::Warning, "{a:?}");
    let arabic = en.find('"').unwrap()..en.rfind('"').unwrap();
    assert!(a.evidence.iter().all(|e| e.language == "ar" && arabic.contains(&e.start) && en[e.start..e.end] == e.text));
    assert!(a.evidence.iter().all(|e| e.speech == tocsin::model::Speech::Reported), "inside quotation marks");

    let fr = "Lors du rassemblement, des militants ont scandé « ሞት ለወያኔ! መጥፋት አለባቸው። » devant la préfecture.";
    assert_eq!(c.classify(fr, Some("fr")).level, Level::None);
    let a = c.classify_mixed(fr, "fr");
    assert!(a.evidence.iter().any(|e| e.language == "am"), "{a:?}");
    assert!(a.level >= Level::Watch);

    // A Swahili quote in an English report: one script, but few English words.
    let sw = "Supporters gathered in the market on Saturday. A speaker told the crowd: \"Chukueni silaha zenu, noeni mapanga yenu na tuwaue kabla ya alfajiri.\" Police later dispersed the meeting.";
    assert_eq!(c.classify(sw, Some("en")).level, Level::None);
    let a = c.classify_mixed(sw, "en");
    assert!(a.level >= Level::Warning, "{a:?}");
    assert!(a.evidence.iter().all(|e| e.language == "sw" && e.speech == tocsin::model::Speech::Reported), "{a:?}");

    // A condemnation in the article's language judges the quote in another: condemned, and
    // weighing far less than the same quote reported.
    let condemned =
        "The prosecutor condemned the banner that read \"اذبحوهم جميعا، اقتلوهم أينما وجدتموهم\" outside the court.";
    let reported =
        "The prosecutor described the banner that read \"اذبحوهم جميعا، اقتلوهم أينما وجدتموهم\" outside the court.";
    let (condemned, reported) = (c.classify_mixed(condemned, "en"), c.classify_mixed(reported, "en"));
    assert!(!condemned.evidence.is_empty() && condemned.evidence.len() == reported.evidence.len(), "{condemned:?}");
    assert!(condemned.evidence.iter().all(|e| e.language == "ar" && e.speech == tocsin::model::Speech::Condemned));
    assert!(reported.evidence.iter().all(|e| e.speech == tocsin::model::Speech::Reported), "{reported:?}");
    assert!(condemned.score < reported.score && condemned.level < reported.level, "{condemned:?} {reported:?}");
    // The condemnation of the next sentence judges quoted words too.
    let next = "One banner read \"اذبحوهم جميعا، اقتلوهم أينما وجدتموهم\". Religious leaders condemned it.";
    let next = c.classify_mixed(next, "en");
    assert!(next.evidence.iter().all(|e| e.speech == tocsin::model::Speech::Condemned), "{next:?}");

    // An English sentence in a Swahili report: Swahili has no dictionary, but most words of
    // the sentence are in the English one.
    let en_in_sw = "Wananchi wote wanapaswa kujitokeza kupiga kura kwa amani na utulivu. We will burn their houses and kill every one of them before the election. Polisi walisema uchunguzi unaendelea.";
    assert!(c.classify(en_in_sw, Some("sw")).evidence.iter().all(|e| e.language != "en"));
    let a = c.classify_mixed(en_in_sw, "sw");
    assert!(a.level >= Level::Warning && a.evidence.iter().any(|e| e.language == "en"), "{a:?}");

    // An English sentence in a French report: the French dictionary (wordfreq's list of web
    // text) knows its words, but they are English's common words, not French's.
    let en_in_fr = "Le rassemblement a eu lieu samedi devant la mairie. Sur une banderole, on pouvait lire: We will burn their houses and kill every one of them before the election. La police a ouvert une enquête.";
    assert!(c.classify(en_in_fr, Some("fr")).evidence.iter().all(|e| e.language != "en"));
    let a = c.classify_mixed(en_in_fr, "fr");
    let english = en_in_fr.find("We will").unwrap()..en_in_fr.find("La police").unwrap();
    assert!(a.level >= Level::Warning, "{a:?}");
    assert!(a.evidence.iter().all(|e| e.language == "en" && english.contains(&e.start)), "{a:?}");
    // The same French report without the English sentence reads as French, with nothing to
    // flag, and a French sentence naming an English title stays French.
    let fr_only = "Le rassemblement a eu lieu samedi devant la mairie. La police a ouvert une enquête sur le concert « The Voice of the People » donné la veille.";
    assert_eq!(c.classify_mixed(fr_only, "fr"), c.classify(fr_only, Some("fr")));

    // A Hausa sentence in an English report: the detector has no Hausa model (it says Yoruba
    // or Swahili), so Hausa's common words name it.
    let ha_in_en = "Supporters gathered in Kano on Friday. One speaker shouted: Za mu kashe su duka kuma mu kona gidajensu, domin su ba mutanenmu ba ne. Police dispersed the crowd.";
    assert_eq!(c.classify(ha_in_en, Some("en")).level, Level::None);
    let a = c.classify_mixed(ha_in_en, "en");
    assert!(a.level >= Level::Warning && a.evidence.iter().all(|e| e.language == "ha"), "{a:?}");

    // A text in one script is read as one: the same as `classify`.
    let plain = "We will kill them all, every last one of them.";
    assert_eq!(c.classify_mixed(plain, "en"), c.classify(plain, Some("en")));
}
