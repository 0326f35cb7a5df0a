//! Lint on small lexicons written to a temp dir with the shipped categories.

use std::collections::HashSet;
use std::path::Path;

use super::*;

/// A lexicon file with complete metadata, then `body`.
fn lex(id: &str, language: &str, body: &str) -> String {
    format!("[lexicon]\nid = \"{id}\"\nlanguage = \"{language}\"\nsources = [\"tests\"]\nlicence = \"CC0-1.0\"\n{body}")
}

/// A documented term.
fn term(pattern: &str, category: &str) -> String {
    let key = if pattern.starts_with("re:") { "regex" } else { "match" };
    let pattern = pattern.trim_start_matches("re:");
    format!("\n[[term]]\n{key} = '{pattern}'\ncategory = \"{category}\"\nnote = \"n\"\nexamples = [\"e\"]\n")
}

/// A finding as `(file relative to the temp dir, line, code)`.
type Found = (String, Option<usize>, Code);

/// Lint files written to a temp dir with the shipped categories; findings as
/// `(file, line, code)` with the dir stripped, and the messages.
fn lint(files: &[(&str, String)]) -> (Vec<Found>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::copy(root.join("lexicons/categories.toml"), dir.path().join("categories.toml")).unwrap();
    for (name, body) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, body).unwrap();
    }
    let report = lint_paths(&[dir.path().to_path_buf()]);
    let strip = |p: &Path| p.strip_prefix(dir.path()).unwrap_or(p).display().to_string();
    let found = report.diagnostics.iter().map(|d| (strip(&d.file), d.line, d.code)).collect();
    (found, report.diagnostics.iter().map(|d| d.message.clone()).collect())
}

fn only(found: &[Found], code: Code) -> Vec<(String, Option<usize>)> {
    found.iter().filter(|f| f.2 == code).map(|f| (f.0.clone(), f.1)).collect()
}

#[test]
fn a_clean_lexicon_has_no_findings() {
    let body = term("kill*", "violence") + &term("re:wipe (them|\\w+) out", "violence");
    let (found, messages) = lint(&[("en/a.toml", lex("en-a", "en", &body))]);
    assert!(found.is_empty(), "{messages:?}");
}

#[test]
fn duplicates_are_found_within_and_across_files_by_normalised_pattern() {
    let a = term("Kill them", "violence") + &term("kill-them!", "violence") + &term("slay", "violence");
    let b = term("SLAY*", "violence") + &term("slay", "threat") + &term("re:x+y", "violence");
    let c = term("kill them", "violence") + &term("re:x+y", "violence");
    let (found, messages) = lint(&[
        ("en/a.toml", lex("en-a", "en", &a)),
        ("en/b.toml", lex("en-b", "en", &b)),
        ("fr/c.toml", lex("fr-c", "fr", &c)),
    ]);
    let dups = only(&found, Code::DuplicateTerm);
    assert_eq!(dups, [("en/a.toml".into(), Some(13)), ("en/b.toml".into(), Some(7))], "{messages:?}");
    assert_eq!(only(&found, Code::DuplicatePattern), [("en/b.toml".into(), Some(13))]);
    assert!(messages.iter().any(|m| m.contains("a trailing `*` only widens one of them")), "{messages:?}");
}

#[test]
fn a_regex_that_matches_a_whole_literal_duplicates_it() {
    let body = term("kill them", "violence")
        + &term("re:kill (them|all)", "violence")
        + &term("re:kill", "threat")
        + &term("re:kill them now", "violence");
    let (found, messages) = lint(&[("en/a.toml", lex("en-a", "en", &body))]);
    assert_eq!(only(&found, Code::DuplicateTerm), [("en/a.toml".into(), Some(13))], "{messages:?}");
    assert!(only(&found, Code::DuplicatePattern).is_empty(), "{messages:?}");
}

#[test]
fn a_universal_lexicon_duplicates_every_language() {
    let u = "[lexicon]\nid = \"names\"\nlanguage = \"en\"\nuniversal = true\nsources = [\"t\"]\nlicence = \"t\"\n"
        .to_string()
        + &term("zed", "slur");
    let (found, _) = lint(&[("u.toml", u), ("fr/a.toml", lex("fr-a", "fr", &term("ZED", "slur")))]);
    assert_eq!(only(&found, Code::DuplicateTerm).len(), 1);
}

#[test]
fn literals_that_normalisation_empties_or_bends_are_reported() {
    let body = term("!!!", "violence")
        + &term("ext*rminate", "violence")
        + &term("kill (them|him)", "violence")
        + &term("🔪 them", "violence")
        + &term("qu’ils « partent »", "violence");
    let (found, messages) = lint(&[("en/a.toml", lex("en-a", "en", &body))]);
    assert_eq!(only(&found, Code::NeverMatches), [("en/a.toml".into(), Some(7))]);
    assert_eq!(only(&found, Code::WildcardNotAtEnd), [("en/a.toml".into(), Some(13))]);
    assert_eq!(only(&found, Code::RegexSyntaxInMatch), [("en/a.toml".into(), Some(19))]);
    assert_eq!(only(&found, Code::RemovedCharacters), [("en/a.toml".into(), Some(25))], "{messages:?}");
    assert!(messages.iter().any(|m| m.contains("\"kill them him\"")), "{messages:?}");
}

#[test]
fn regexes_spelling_what_the_text_never_contains_are_reported() {
    for (regex, flagged) in [
        ("Kill them", true),
        ("qu’ils", true),
        ("اقتُلوهم", true),
        ("e\u{301}trangers", true),
        ("stra(ß|ss)e", true),
        ("kill\\tthem", true),
        ("[A-Z]+ out", true),
        ("(?i)Kill them", false),
        ("qu'ils|tuez-les", false),
        ("\\bkill\\b", false),
        ("[ée]trangers?", false),
    ] {
        assert_eq!(!unnormalised_regex_parts(regex).is_empty(), flagged, "{regex}");
    }
    let (found, _) = lint(&[("en/a.toml", lex("en-a", "en", &term("re:Kill", "violence")))]);
    assert_eq!(only(&found, Code::RegexUnnormalised), [("en/a.toml".into(), Some(7))]);
}

#[test]
fn bad_entries_get_their_own_codes_and_lines() {
    let body = term("kill", "violense")
        + "\n[[term]]\nmatch = \"a\"\nregex = \"b\"\ncategory = \"violence\"\n"
        + "\n[[term]]\nmatch = \"burn\"\ncategory = \"violence\"\nweight = 1.5\n"
        + &term("re:(unclosed", "violence")
        + &term("re:x*", "violence")
        + "\n[[rule]]\nid = \"r\"\ncategory = \"threat\"\n";
    let (found, _) = lint(&[
        ("en/a.toml", lex("en-a", "en", &body)),
        (
            "en/b.toml",
            "[lexicon]\nid = \"en-b\"\nlanguage = \"en\"\n\n[[term]]\nmatch = \"x\"\ncategori = \"violence\"\n".into(),
        ),
    ]);
    let codes: Vec<(Option<usize>, Code)> = found.iter().filter(|f| f.0 == "en/a.toml").map(|f| (f.1, f.2)).collect();
    for expected in [
        (Some(7), Code::UnknownCategory),
        (Some(13), Code::BadTerm),
        (Some(18), Code::BadWeight),
        (Some(23), Code::RegexInvalid),
        (Some(29), Code::RegexMatchesEmpty),
        (Some(35), Code::BadRule),
    ] {
        assert!(codes.contains(&expected), "{expected:?} not in {codes:?}");
    }
    assert_eq!(only(&found, Code::Parse), [("en/b.toml".into(), Some(7))]);
}

#[test]
fn shadowing_follows_word_boundaries_stems_and_scripts() {
    let en = term("kill", "violence")
        + &term("kill them", "violence")
        + &term("skill set", "derogation")
        + &term("extermin*", "violence")
        + &term("exterminate the vermin", "call_to_action")
        + &term("jews", "target_group")
        + &term("gas the jews", "call_to_action");
    let zh = term("杀", "violence") + &term("杀光", "violence");
    let fr = term("kill bill", "violence");
    let (found, messages) = lint(&[
        ("en/a.toml", lex("en-a", "en", &en)),
        ("zh/a.toml", lex("zh-a", "zh", &zh)),
        ("fr/a.toml", lex("fr-a", "fr", &fr)),
    ]);
    let shadowed = only(&found, Code::Shadowed);
    assert_eq!(
        shadowed,
        // `extermin*` and `jews` sit inside terms of other categories, which hide nothing;
        // `kill bill` is French and hides nothing in English text.
        [("en/a.toml".into(), Some(7)), ("zh/a.toml".into(), Some(7))],
        "{messages:?}"
    );
    assert!(only(&found, Code::ShadowedByOtherLanguage).is_empty());
}

#[test]
fn rules_must_reference_terms_of_their_language() {
    let en =
        "\n[[term]]\nid = \"en-kill\"\nmatch = \"kill\"\ncategory = \"violence\"\nnote = \"n\"\nexamples = [\"kill\"]\n"
            .to_string() + &term("not", "negation");
    let rule = |id: &str, parts: &str| {
        format!("\n[[rule]]\nid = \"{id}\"\n{parts}\ncategory = \"threat\"\nnote = \"n\"\nexamples = [\"e\"]\n")
    };
    let fr = term("tuer", "violence")
        + &rule("ok", "all = [\"violence\"]\nunless = [\"negation\"]")
        + &rule("no-group", "all = [\"violence\", \"target_group\"]")
        + &rule("foreign-id", "all = [\"en-kill\"]")
        + &rule("typo", "all = [\"violense\"]")
        + &rule("cue", "any = [\"negation\"]")
        + &rule("half-any", "any = [\"violence\", \"slur\"]")
        + &rule("bad-unless", "all = [\"violence\"]\nunless = [\"slur\"]");
    let (found, messages) = lint(&[("en/a.toml", lex("en-a", "en", &en)), ("fr/a.toml", lex("fr-a", "fr", &fr))]);
    let fr_codes: Vec<(Option<usize>, Code)> =
        found.iter().filter(|f| f.0 == "fr/a.toml").map(|f| (f.1, f.2)).collect();
    assert_eq!(
        fr_codes,
        [
            (Some(13), Code::UnlessWithoutCues),
            (Some(21), Code::RuleReferencesNothing),
            (Some(28), Code::RuleReferencesNothing),
            (Some(35), Code::UnknownReference),
            (Some(42), Code::RuleReferencesNothing),
            (Some(49), Code::AnyPartReferencesNothing),
            (Some(56), Code::UnlessNotCue),
        ],
        "{messages:?}"
    );
}

#[test]
fn ids_are_unique_and_not_category_names() {
    let t = |id: &str| {
        format!("\n[[term]]\nid = \"{id}\"\nmatch = \"w{id}\"\ncategory = \"slur\"\nnote = \"n\"\nexamples = [\"e\"]\n")
    };
    let body = t("x") + &t("x") + &t("slur");
    let (found, _) = lint(&[("en/a.toml", lex("en-a", "en", &body)), ("en/b.toml", lex("en-a", "en", ""))]);
    assert_eq!(
        only(&found, Code::DuplicateId),
        [("en/a.toml".into(), Some(14)), ("en/a.toml".into(), Some(21)), ("en/b.toml".into(), None)]
    );
}

#[test]
fn missing_documentation_is_a_warning() {
    let body = "\n[[term]]\nmatch = \"kill\"\ncategory = \"violence\"\n";
    let (found, _) = lint(&[("en/a.toml", format!("[lexicon]\nid = \"en-a\"\nlanguage = \"en\"\n{body}"))]);
    let codes: Vec<Code> = found.iter().map(|f| f.2).collect();
    assert_eq!(codes, [Code::MissingSources, Code::MissingLicence, Code::MissingNote, Code::MissingExamples]);
    assert!(codes.iter().all(|c| c.severity() == Severity::Warning));
}

#[test]
fn what_the_loader_refuses_lint_calls_an_error() {
    let cases = [
        term("kill", "violense"),
        term("re:(", "violence"),
        "\n[[rule]]\nid = \"r\"\nall = [\"nothing\"]\ncategory = \"threat\"\n".to_string(),
        "\n[[rule]]\nid = \"r\"\nall = [\"violence\"]\nunless = [\"slur\"]\ncategory = \"threat\"\n".to_string(),
        "\n[[term]]\nmatch = \"*\"\ncategory = \"violence\"\n".to_string(),
        "\nbroken".to_string(),
    ];
    for body in cases {
        let (found, _) = lint(&[("en/a.toml", lex("en-a", "en", &(term("kill", "violence") + &body)))]);
        assert!(found.iter().any(|f| f.2.severity() == Severity::Error), "no error for {body}");
    }
}

#[test]
fn every_code_has_a_distinct_name() {
    let names: HashSet<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
    assert_eq!(names.len(), Code::ALL.len());
}

#[test]
fn regexes_searched_in_every_text_are_reported() {
    for (regex, flagged) in [
        // No word to start at: a leading class, number or optional part.
        (r"\w+ must die", true),
        (r"\d[\d,]* (were|are) killed", true),
        (r"(\w+ )?them all\b", true),
        (r"(kill )?them all\b", false),
        // A finite list is spelled out (an optional word too); a leading word starts the search.
        (r"\b(kill|burn) them\b", false),
        (r"\bkill (\w+ ){0,3}them\b", false),
        // Scripts without spaces always run through their language's set.
        (r"杀光\w+", false),
    ] {
        assert_eq!(terms::runs_on_every_text(regex), flagged, "{regex}");
    }
    let (found, messages) = lint(&[("en/a.toml", lex("en-a", "en", &term(r"re:\w+ must die", "violence")))]);
    assert_eq!(only(&found, Code::RegexOnEveryText), [("en/a.toml".into(), Some(7))], "{messages:?}");
}
