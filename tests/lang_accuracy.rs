//! Language identification accuracy per language on lingua's sentence test set
//! (../shared/data/lingua-testdata-sentences: ~1,000 web sentences per language), for the
//! languages tocsin ships or plans lexicons for. Prints the table (`--nocapture`) and holds a
//! floor per language so a regression shows. lingua is slow in a debug build, so the test reads
//! every 10th sentence; `TOCSIN_LANG_ALL=1` reads them all (the README's table). Amharic, Burmese, Hausa and Kinyarwanda have no
//! file in that set. Skipped when ../shared/data is absent.

use crate::util::shared_data;

const LANGS: [&str; 19] =
    ["en", "fr", "es", "pt", "ar", "de", "nl", "it", "pl", "ru", "uk", "tr", "hi", "ur", "bn", "zh", "sw", "so", "yo"];

#[test]
fn language_id_accuracy_per_language() {
    let Some(dir) = shared_data("lingua-testdata-sentences/language-testdata/sentences") else { return };
    let mut rows = Vec::new();
    for lang in LANGS {
        let text = std::fs::read_to_string(dir.join(format!("{lang}.txt"))).unwrap();
        let step = if std::env::var_os("TOCSIN_LANG_ALL").is_some() { 1 } else { 10 };
        let sentences: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).step_by(step).collect();
        let mut right = 0;
        let mut confident_right = 0;
        let mut confident = 0;
        let mut wrong: std::collections::BTreeMap<String, usize> = Default::default();
        for s in &sentences {
            let d = tocsin::lang::detect(s);
            let ok = d.lang == lang;
            right += usize::from(ok);
            if d.confidence >= tocsin::lang::CONFIDENT {
                confident += 1;
                confident_right += usize::from(ok);
            }
            if !ok {
                *wrong.entry(d.lang).or_default() += 1;
            }
        }
        let mut top: Vec<_> = wrong.into_iter().collect();
        top.sort_by_key(|(_, n)| std::cmp::Reverse(*n));
        let top: Vec<String> = top.iter().take(3).map(|(l, n)| format!("{l} {n}")).collect();
        let acc = right as f64 / sentences.len() as f64;
        let prec = if confident > 0 { confident_right as f64 / confident as f64 } else { 0.0 };
        let cover = confident as f64 / sentences.len() as f64;
        rows.push((lang, acc));
        eprintln!(
            "| {lang} | {} | {:.1}% | {:.1}% | {:.1}% | {} |",
            sentences.len(),
            acc * 100.0,
            cover * 100.0,
            prec * 100.0,
            top.join(", ")
        );
    }
    for (lang, acc) in rows {
        let floor = if matches!(lang, "hi" | "ur") { 0.85 } else { 0.9 };
        assert!(acc >= floor, "{lang}: accuracy {acc:.3} below {floor}");
    }
}
