//! `tocsin classify --jsonl`: a corpus classified in one process, in order, in parallel.

use std::io::{BufRead, Write};

use anyhow::{Context, Result};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::classify::Classifier;
use crate::model::{Evidence, Level};

/// One input line.
#[derive(Debug, Deserialize)]
pub struct BatchInput {
    /// Caller's id, echoed back (string or number).
    pub id: serde_json::Value,
    /// The text.
    pub text: String,
    /// Language; detected when absent.
    #[serde(default)]
    pub lang: Option<String>,
}

/// One output line.
#[derive(Debug, Serialize)]
pub struct BatchOutput {
    /// The input's id.
    pub id: serde_json::Value,
    /// Language used.
    pub lang: String,
    /// Level.
    pub level: Level,
    /// Score.
    pub score: f64,
    /// Category scores.
    pub categories: std::collections::BTreeMap<String, f64>,
    /// Evidence.
    pub evidence: Vec<Evidence>,
}

const CHUNK: usize = 2048;

/// Read JSON lines, classify them in chunks on the rayon pool, write results in input order.
/// A malformed line stops with its line number.
pub fn classify_jsonl(c: &Classifier, input: Box<dyn BufRead>, lang: Option<&str>, name: &str) -> Result<()> {
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut chunk: Vec<BatchInput> = Vec::with_capacity(CHUNK);
    for (n, line) in input.lines().enumerate() {
        let line = line.with_context(|| format!("{name}:{}: cannot read", n + 1))?;
        if line.trim().is_empty() {
            continue;
        }
        let item: BatchInput = serde_json::from_str(&line)
            .with_context(|| format!("{name}:{}: expected {{\"id\": …, \"text\": \"…\", \"lang\": \"xx\"}}", n + 1))?;
        chunk.push(item);
        if chunk.len() == CHUNK {
            flush(c, &mut chunk, lang, &mut out)?;
        }
    }
    flush(c, &mut chunk, lang, &mut out)?;
    out.flush()?;
    Ok(())
}

fn flush(c: &Classifier, chunk: &mut Vec<BatchInput>, lang: Option<&str>, out: &mut impl Write) -> Result<()> {
    let results: Vec<BatchOutput> = chunk
        .par_drain(..)
        .map(|item| {
            let lang = item.lang.or(lang.map(str::to_string)).unwrap_or_else(|| crate::lang::detect(&item.text).lang);
            let a = c.classify_mixed(&item.text, &lang);
            BatchOutput {
                id: item.id,
                lang,
                level: a.level,
                score: a.score,
                categories: a.categories,
                evidence: a.evidence,
            }
        })
        .collect();
    for r in results {
        serde_json::to_writer(&mut *out, &r)?;
        writeln!(out)?;
    }
    Ok(())
}
