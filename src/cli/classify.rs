//! `tocsin classify [FILE|-]`: one text, or a JSON-lines corpus with `--jsonl`.

use std::io::Write;
use std::path::PathBuf;

use anyhow::{Context, Result};
use clap::Args;

use super::{badge, in_context, load_pipeline};
use std::io::BufRead;

use crate::classify::Classifier;
use crate::config::Levels;
use crate::lexicon::{LexiconSet, format_errors};
use crate::model::Assessment;

/// `tocsin classify`.
#[derive(Debug, Args)]
pub struct ClassifyArgs {
    /// File to read, or `-` for standard input.
    #[arg(default_value = "-")]
    pub input: String,
    /// Language of the text (ISO 639-1); detected when absent.
    #[arg(long)]
    pub lang: Option<String>,
    /// Lexicon folders or files.
    #[arg(long = "lexicons", default_value = "lexicons")]
    pub lexicons: Vec<PathBuf>,
    /// Take level thresholds (and lexicons) from this pipeline.
    #[arg(long)]
    pub pipeline: Option<PathBuf>,
    /// Print the assessment as JSON.
    #[arg(long, conflicts_with = "jsonl")]
    pub json: bool,
    /// Batch mode: input is JSON lines {"id", "text", "lang"?}; output one assessment per line.
    #[arg(long)]
    pub jsonl: bool,
    /// Print each piece of evidence with its sentence, the match highlighted, and its weight.
    #[arg(long)]
    pub explain: bool,
}

pub(super) fn classifier_for(args: &ClassifyArgs) -> Result<Classifier> {
    let (paths, levels) = match &args.pipeline {
        Some(p) => {
            let c = load_pipeline(p)?;
            (c.pipeline.lexicons.clone(), c.levels)
        }
        None => (args.lexicons.clone(), Levels::default()),
    };
    let set = LexiconSet::load_paths(&paths).map_err(|e| anyhow::anyhow!(format_errors(&e)))?;
    Classifier::build(&set, levels).map_err(|e| anyhow::anyhow!(format_errors(&e)))
}

pub(super) fn open_input(input: &str) -> Result<Box<dyn BufRead>> {
    if input == "-" {
        return Ok(Box::new(std::io::stdin().lock()));
    }
    let file = std::fs::File::open(input).with_context(|| format!("cannot open {input}"))?;
    Ok(Box::new(std::io::BufReader::new(file)))
}

pub(super) fn classify(args: ClassifyArgs) -> Result<()> {
    let classifier = classifier_for(&args)?;
    let mut input = open_input(&args.input)?;
    if args.jsonl {
        return super::batch::classify_jsonl(&classifier, input, args.lang.as_deref(), &args.input);
    }
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes).context("cannot read the input")?;
    let text = String::from_utf8_lossy(&bytes);
    let lang = match &args.lang {
        Some(l) => l.clone(),
        None => crate::lang::detect(&text).lang,
    };
    // Parts in another language (a quote) are read with that language's lexicons.
    let runs = crate::lang::runs::runs(&text, &lang, &classifier);
    let assessment = classifier.classify_runs(&text, &runs);
    let mut out = std::io::stdout().lock();
    if args.json {
        let runs: Vec<_> = runs
            .iter()
            .map(|r| serde_json::json!({ "start": r.range.start, "end": r.range.end, "lang": r.lang }))
            .collect();
        let v = serde_json::json!({ "lang": lang, "level": assessment.level, "score": assessment.score,
            "categories": assessment.categories, "evidence": assessment.evidence, "runs": runs });
        serde_json::to_writer_pretty(&mut out, &v)?;
        writeln!(out)?;
        return Ok(());
    }
    print_assessment(&mut out, &assessment, &lang, args.explain)?;
    if args.explain && runs.len() > 1 {
        writeln!(out, "Read in their own language:")?;
        for r in runs.iter().filter(|r| r.lang != lang) {
            let part: String = text[r.range.clone()].chars().take(80).collect();
            writeln!(out, "  {} (bytes {}..{}): {}", r.lang, r.range.start, r.range.end, part.trim())?;
        }
    }
    Ok(())
}

pub(super) fn print_assessment(out: &mut impl Write, a: &Assessment, lang: &str, explain: bool) -> Result<()> {
    writeln!(out, "{} score {:.2} (language {lang})", badge(a.level).trim_end(), a.score)?;
    for (c, s) in a.top_categories() {
        writeln!(out, "  {c:<22} {s:.2}")?;
    }
    if a.evidence.is_empty() {
        writeln!(out, "No evidence.")?;
        return Ok(());
    }
    writeln!(out, "Evidence:")?;
    for e in &a.evidence {
        if explain {
            writeln!(
                out,
                "  {} {:?} ({}, {}) — {} speech, weight {:.2}",
                match e.kind {
                    crate::model::EvidenceKind::Term => "term",
                    crate::model::EvidenceKind::Rule => "rule",
                },
                e.term_or_rule,
                e.category,
                e.lexicon,
                e.speech,
                e.weight
            )?;
            writeln!(out, "      {}  (bytes {}..{})", in_context(e, 400), e.start, e.end)?;
        } else {
            writeln!(out, "  {:<20} {:<9} {:.2}  {}", e.category, e.speech.as_str(), e.weight, in_context(e, 40))?;
        }
    }
    Ok(())
}
