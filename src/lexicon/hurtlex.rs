//! HurtLex rows → a tocsin lexicon file, for analysts who want a broad starting list.
//!
//! HurtLex (Bassignana, Basile & Patti, CLiC-it 2018; <https://github.com/valeriobasile/hurtlex>)
//! lists offensive words in 50+ languages as TSV rows `id pos category stereotype lemma level`.
//! Its 17 categories are mapped onto tocsin's ([`HurtlexCategory::mapping`], table in
//! `lexicons/README.md`), its `level` (conservative: offensive senses only; inclusive: every
//! sense) selects the rows and halves the weight of inclusive-only words, and each term's
//! `note` keeps the provenance: HurtLex ids, categories, levels and lemma.
//!
//! A lemma often has several rows (the English "rat" has seven: animal, derogatory, moral
//! defect, prostitution …). Rows are grouped by the pattern the classifier would compile, and
//! the group becomes one term with its strongest mapping, so the output has no duplicates.
//!
//! HurtLex is CC BY-NC-SA 4.0: the generated file says so in its header and its `licence`, and
//! is not for `lexicons/` (tocsin ships under other terms). Data enters as TSV text
//! ([`parse_tsv`]) and leaves as TOML text ([`Import::to_toml`]); no I/O here.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::str::FromStr;

use super::lint::literal_pattern;

/// HurtLex's two levels.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Level {
    /// Translations of the offensive senses only.
    Conservative,
    /// Translations of every potentially relevant sense (a superset, noisier).
    Inclusive,
}

impl Level {
    /// The name used in HurtLex files.
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Conservative => "conservative",
            Level::Inclusive => "inclusive",
        }
    }
}

impl FromStr for Level {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "conservative" => Ok(Level::Conservative),
            "inclusive" => Ok(Level::Inclusive),
            other => Err(format!("unknown HurtLex level {other:?}: expected conservative or inclusive")),
        }
    }
}

/// HurtLex's categories (README of HurtLex 1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[allow(missing_docs)]
pub enum HurtlexCategory {
    Ps,
    Rci,
    Pa,
    Ddf,
    Ddp,
    Dmc,
    Is,
    Or,
    An,
    Asm,
    Asf,
    Pr,
    Om,
    Qas,
    Cds,
    Re,
    Svp,
}

/// Where a HurtLex category goes in tocsin.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Mapping {
    /// tocsin category (from `lexicons/categories.toml`).
    pub category: &'static str,
    /// Weight of a word with a conservative row in this category; inclusive-only words get half.
    pub weight: f64,
}

impl Mapping {
    /// The weight for a word found at `level`.
    pub fn weight_at(self, level: Level) -> f64 {
        match level {
            Level::Conservative => self.weight,
            Level::Inclusive => self.weight / 2.0,
        }
    }
}

impl HurtlexCategory {
    /// Every category, in the order of HurtLex's README.
    pub const ALL: [HurtlexCategory; 17] = [
        Self::Ps,
        Self::Rci,
        Self::Pa,
        Self::Ddf,
        Self::Ddp,
        Self::Dmc,
        Self::Is,
        Self::Or,
        Self::An,
        Self::Asm,
        Self::Asf,
        Self::Pr,
        Self::Om,
        Self::Qas,
        Self::Cds,
        Self::Re,
        Self::Svp,
    ];

    /// The code used in HurtLex files (lowercase).
    pub fn code(self) -> &'static str {
        self.info().0
    }

    /// HurtLex's description.
    pub fn description(self) -> &'static str {
        self.info().1
    }

    /// The tocsin category and weight. Animal and plant words are how dehumanisation is
    /// spoken, but most are everyday words, so their weights stay low; slurs get the `slur`
    /// default; the rest are insults (`derogation`), weighted by how hateful rather than merely
    /// rude they are; demonyms are target groups (weight 0, used by rules).
    pub fn mapping(self) -> Mapping {
        let (_, _, category, weight) = self.info();
        Mapping { category, weight }
    }

    fn info(self) -> (&'static str, &'static str, &'static str, f64) {
        match self {
            Self::Ps => ("ps", "negative stereotypes, ethnic slurs", "slur", 0.5),
            Self::Rci => ("rci", "locations and demonyms", "target_group", 0.0),
            Self::Pa => ("pa", "professions and occupations", "derogation", 0.1),
            Self::Ddf => ("ddf", "physical disabilities and diversity", "derogation", 0.3),
            Self::Ddp => ("ddp", "cognitive disabilities and diversity", "derogation", 0.3),
            Self::Dmc => ("dmc", "moral and behavioural defects", "derogation", 0.2),
            Self::Is => ("is", "words related to social and economic disadvantage", "derogation", 0.2),
            Self::Or => ("or", "plants", "dehumanisation", 0.2),
            Self::An => ("an", "animals", "dehumanisation", 0.3),
            Self::Asm => ("asm", "male genitalia", "derogation", 0.1),
            Self::Asf => ("asf", "female genitalia", "derogation", 0.1),
            Self::Pr => ("pr", "words related to prostitution", "derogation", 0.3),
            Self::Om => ("om", "words related to homosexuality", "slur", 0.4),
            Self::Qas => ("qas", "with potential negative connotations", "derogation", 0.1),
            Self::Cds => ("cds", "derogatory words", "derogation", 0.3),
            Self::Re => ("re", "felonies and words related to crime and immoral behaviour", "derogation", 0.2),
            Self::Svp => {
                ("svp", "words related to the seven deadly sins of the Christian tradition", "derogation", 0.1)
            }
        }
    }

    /// When one word has rows in several categories of equal weight, the more telling tocsin
    /// category wins: slur, then dehumanisation, then derogation, then target group.
    fn priority(self) -> u8 {
        match self.mapping().category {
            "slur" => 3,
            "dehumanisation" => 2,
            "derogation" => 1,
            _ => 0,
        }
    }
}

impl FromStr for HurtlexCategory {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        let code = s.trim().trim_end_matches(':').to_ascii_lowercase();
        Self::ALL.into_iter().find(|c| c.code() == code).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|c| c.code()).collect();
            format!("unknown HurtLex category {s:?}: expected one of {}", known.join(", "))
        })
    }
}

/// One HurtLex row.
#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    /// 1-based line in the TSV file.
    pub line: usize,
    /// HurtLex lemma id, such as `EN1262`.
    pub id: String,
    /// Part of speech (`n`, `a`, `v`, `av`), empty when the file has no such column.
    pub pos: String,
    /// The category.
    pub category: HurtlexCategory,
    /// HurtLex's macro-category: whether a stereotype is involved.
    pub stereotype: bool,
    /// The word or phrase.
    pub lemma: String,
    /// Conservative or inclusive.
    pub level: Level,
}

/// A TSV file that is not HurtLex.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum HurtlexError {
    /// The header lacks a required column.
    #[error("line 1: the header has no {0:?} column (expected id, pos, category, stereotype, lemma, level)")]
    MissingColumn(&'static str),
    /// A row that cannot be read.
    #[error("line {line}: {message}")]
    Row {
        /// 1-based line.
        line: usize,
        /// What is wrong.
        message: String,
    },
}

/// Parse a HurtLex TSV file: a header naming the columns (`id`, `category`, `lemma`, `level`
/// required; `pos`, `stereotype` optional; any order), then one row per line.
pub fn parse_tsv(text: &str) -> Result<Vec<Row>, HurtlexError> {
    let mut lines = text.lines().enumerate().map(|(i, l)| (i + 1, l.trim_end_matches('\r')));
    let header: Vec<&str> = lines.next().map(|(_, l)| l.split('\t').map(str::trim).collect()).unwrap_or_default();
    let column = |name: &'static str| header.iter().position(|h| *h == name);
    let required = |name: &'static str| column(name).ok_or(HurtlexError::MissingColumn(name));
    let (id, category, lemma, level) = (required("id")?, required("category")?, required("lemma")?, required("level")?);
    let (pos, stereotype) = (column("pos"), column("stereotype"));
    let mut rows = Vec::new();
    for (line, text) in lines.filter(|(_, l)| !l.trim().is_empty()) {
        let cells: Vec<&str> = text.split('\t').collect();
        let bad = |message: String| HurtlexError::Row { line, message };
        let cell = |i: usize| {
            cells
                .get(i)
                .map(|c| c.trim())
                .ok_or_else(|| bad(format!("{} columns, expected {}", cells.len(), header.len())))
        };
        let lemma = cell(lemma)?;
        if lemma.is_empty() {
            return Err(bad("empty lemma".into()));
        }
        rows.push(Row {
            line,
            id: cell(id)?.to_string(),
            pos: pos.map(cell).transpose()?.unwrap_or("").to_string(),
            category: cell(category)?.parse().map_err(bad)?,
            stereotype: stereotype.map(cell).transpose()?.is_some_and(|s| s.eq_ignore_ascii_case("yes")),
            lemma: lemma.to_string(),
            level: cell(level)?.parse().map_err(bad)?,
        });
    }
    Ok(rows)
}

/// How to import.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// ISO 639-1 code of the lexicon (`--lang`).
    pub language: String,
    /// Conservative keeps conservative rows; inclusive keeps every row.
    pub level: Level,
    /// Name of the TSV file, for provenance.
    pub source_name: String,
    /// HurtLex version, when known (from the `lexica/XX/1.2/` folder).
    pub version: Option<String>,
}

/// One generated term: one normalised pattern, all its HurtLex rows.
#[derive(Debug, Clone)]
pub struct ImportedTerm {
    /// The literal written as `match` (the group's first lowercase lemma, or its first).
    pub lemma: String,
    /// tocsin category.
    pub category: &'static str,
    /// Weight.
    pub weight: f64,
    /// Provenance: HurtLex ids, categories, levels and lemmas.
    pub note: String,
}

/// A row left out, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Skipped {
    /// 1-based line in the TSV.
    pub line: usize,
    /// The lemma.
    pub lemma: String,
    /// Why.
    pub reason: &'static str,
}

/// The result of an import.
#[derive(Debug, Clone)]
pub struct Import {
    /// The options used.
    pub options: ImportOptions,
    /// Rows in the file.
    pub rows_read: usize,
    /// Rows at the chosen level.
    pub rows_used: usize,
    /// Rows at the chosen level that cannot become a literal.
    pub skipped: Vec<Skipped>,
    /// Terms, sorted by category and lemma.
    pub terms: Vec<ImportedTerm>,
}

/// Turn rows into terms: keep the rows of the chosen level, group them by normalised pattern,
/// map each group to its strongest tocsin category.
pub fn import(rows: &[Row], options: ImportOptions) -> Import {
    let mut groups: BTreeMap<String, Vec<&Row>> = BTreeMap::new();
    let mut skipped = Vec::new();
    let used: Vec<&Row> =
        rows.iter().filter(|r| options.level == Level::Inclusive || r.level == Level::Conservative).collect();
    for row in &used {
        let (pattern, stem) = literal_pattern(&row.lemma);
        let reason = if row.lemma.contains('*') || stem {
            Some("contains `*`, which a literal reads as a wildcard or a space")
        } else if pattern.is_empty() {
            Some("has no letters or digits left after normalisation")
        } else {
            None
        };
        match reason {
            Some(reason) => skipped.push(Skipped { line: row.line, lemma: row.lemma.clone(), reason }),
            None => groups.entry(pattern).or_default().push(row),
        }
    }
    // Groups come in pattern order; a stable sort keeps it within each category.
    let mut terms: Vec<ImportedTerm> = groups.into_values().map(|group| term_of(&group)).collect();
    terms.sort_by_key(|t| t.category);
    Import { options, rows_read: rows.len(), rows_used: used.len(), skipped, terms }
}

fn term_of(group: &[&Row]) -> ImportedTerm {
    let strongest = group
        .iter()
        .max_by(|a, b| {
            let key = |r: &Row| {
                (r.category.mapping().weight_at(r.level), r.category.priority(), r.level == Level::Conservative)
            };
            key(a).partial_cmp(&key(b)).unwrap_or(std::cmp::Ordering::Equal)
        })
        .expect("groups are never empty");
    let mapping = strongest.category.mapping();
    let lowercase = group.iter().find(|r| r.lemma.to_lowercase() == r.lemma).unwrap_or(&group[0]);
    ImportedTerm {
        lemma: lowercase.lemma.clone(),
        category: mapping.category,
        weight: mapping.weight_at(strongest.level),
        note: provenance(group, strongest),
    }
}

/// `HurtLex EN1262 "rat": an conservative, cds conservative+inclusive, …; stereotype. Mapped
/// from an (conservative: animals). …`
fn provenance(group: &[&Row], strongest: &Row) -> String {
    let mut by_lemma: BTreeMap<(&str, &str), BTreeMap<&str, Vec<Level>>> = BTreeMap::new();
    for r in group {
        let levels = by_lemma.entry((&r.id, &r.lemma)).or_default().entry(r.category.code()).or_default();
        if !levels.contains(&r.level) {
            levels.push(r.level);
            levels.sort();
        }
    }
    let mut note = String::from("HurtLex");
    for (i, ((id, lemma), categories)) in by_lemma.iter().enumerate() {
        let shown: Vec<String> = categories
            .iter()
            .map(|(c, levels)| {
                let levels: Vec<&str> = levels.iter().map(|l| l.as_str()).collect();
                format!("{c} {}", levels.join("+"))
            })
            .collect();
        let _ = write!(note, "{} {id} {lemma:?}: {}", if i == 0 { "" } else { ";" }, shown.join(", "));
    }
    if group.iter().any(|r| r.stereotype) {
        note.push_str("; stereotype");
    }
    let _ = write!(
        note,
        ". Mapped from {} ({}: {}). Machine-translated entry: check its senses before relying on it.",
        strongest.category.code(),
        strongest.level.as_str(),
        strongest.category.description()
    );
    note
}

impl Import {
    /// Id of the generated lexicon: `<lang>-hurtlex-<level>`.
    pub fn lexicon_id(&self) -> String {
        format!("{}-hurtlex-{}", self.options.language, self.options.level.as_str())
    }

    /// Terms per tocsin category.
    pub fn counts(&self) -> BTreeMap<&'static str, usize> {
        let mut counts = BTreeMap::new();
        for t in &self.terms {
            *counts.entry(t.category).or_default() += 1;
        }
        counts
    }

    /// The lexicon file: a licence header, `[lexicon]`, then one `[[term]]` per word.
    pub fn to_toml(&self) -> String {
        let o = &self.options;
        let version = o.version.as_deref().map(|v| format!(" {v}")).unwrap_or_default();
        let mut out = String::new();
        let _ =
            writeln!(out, "# Imported from HurtLex{version} ({}) by `tocsin lexicon import-hurtlex`.", o.source_name);
        out.push_str(HEADER);
        let _ = writeln!(
            out,
            "# This import: level {}, {} rows read, {} at this level, {} skipped, {} terms.\n#",
            o.level.as_str(),
            self.rows_read,
            self.rows_used,
            self.skipped.len(),
            self.terms.len()
        );
        out.push_str("# HurtLex category → tocsin category, weight (conservative; inclusive-only words get half):\n");
        for c in HurtlexCategory::ALL {
            let m = c.mapping();
            let _ = writeln!(out, "#   {:<4} {:<66} → {:<15} {}", c.code(), c.description(), m.category, m.weight);
        }
        out.push_str("\n[lexicon]\n");
        let _ = writeln!(out, "id = {}", quote(&self.lexicon_id()));
        let _ = writeln!(out, "language = {}", quote(&o.language));
        let _ = writeln!(out, "version = {}", quote(&format!("hurtlex{}", version.replace(' ', "-"))));
        let description = format!(
            "HurtLex words ({} level) for {}, mapped to tocsin categories; unreviewed",
            o.level.as_str(),
            o.language
        );
        let _ = writeln!(out, "description = {}", quote(&description));
        let source = format!(
            "HurtLex{version}, {}: E. Bassignana, V. Basile, V. Patti, Hurtlex: A Multilingual Lexicon of Words to Hurt, CLiC-it 2018, https://github.com/valeriobasile/hurtlex",
            o.source_name
        );
        let _ = writeln!(out, "sources = [{}]", quote(&source));
        out.push_str("licence = \"CC-BY-NC-SA-4.0\"\n");
        for t in &self.terms {
            let _ = write!(
                out,
                "\n[[term]]\nmatch = {}\ncategory = {}\nweight = {:?}\nnote = {}\n",
                quote(&t.lemma),
                quote(t.category),
                t.weight,
                quote(&t.note)
            );
        }
        out
    }
}

const HEADER: &str = "#
# HurtLex: E. Bassignana, V. Basile, V. Patti, \"Hurtlex: A Multilingual Lexicon of Words to
# Hurt\", CLiC-it 2018, https://github.com/valeriobasile/hurtlex
#
# Licence: CC BY-NC-SA 4.0 (https://creativecommons.org/licenses/by-nc-sa/4.0/). This file is
# an adaptation of HurtLex and carries its licence: credit the authors, non-commercial use
# only, share alike. Changes: rows mapped to tocsin categories and weights, rows of one word
# merged into one term, HurtLex ids, categories and levels kept in each note. Do not commit it
# to tocsin's lexicons/ or ship it with tocsin: it is for an analyst's own pipeline.
#
# The words are mostly machine translations of an English and Italian core; they are lemmas
# (add inflected forms or stems yourself) and many are harmless in most contexts. Review,
# give examples, and run `tocsin lexicon lint` and `tocsin lexicon test` before relying on it.
#
";

/// A TOML basic string.
fn quote(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    const TSV: &str = "id\tpos\tcategory\tstereotype\tlemma\tlevel\n\
        XX1\tn\tan\tno\tgrub\tconservative\n\
        XX1\tn\tcds\tno\tgrub\tinclusive\n\
        XX2\tn\tps\tyes\tblorp\tconservative\n\
        XX3\tn\tqas\tno\tGrub\tinclusive\n\
        XX4\tn\trci\tyes\tvalemonians\tinclusive\n\
        XX5\tn\tcds\tno\t!!!\tconservative\n";

    fn options(level: Level) -> ImportOptions {
        ImportOptions {
            language: "xx".into(),
            level,
            source_name: "hurtlex_XX.tsv".into(),
            version: Some("1.2".into()),
        }
    }

    #[test]
    fn rows_parse_with_their_lines() {
        let rows = parse_tsv(TSV).unwrap();
        assert_eq!(rows.len(), 6);
        assert_eq!(rows[2].category, HurtlexCategory::Ps);
        assert!(rows[2].stereotype);
        assert_eq!((rows[3].line, rows[3].level), (5, Level::Inclusive));
    }

    #[test]
    fn bad_rows_name_their_line() {
        let err = parse_tsv("id\tcategory\tlemma\tlevel\nX1\tzz\tw\tconservative\n").unwrap_err();
        assert_eq!(err.to_string().split(':').next(), Some("line 2"), "{err}");
        assert!(matches!(parse_tsv("id\tlemma\n"), Err(HurtlexError::MissingColumn("category"))));
    }

    #[test]
    fn conservative_keeps_conservative_rows_and_merges_a_word() {
        let rows = parse_tsv(TSV).unwrap();
        let import = import(&rows, options(Level::Conservative));
        assert_eq!(import.rows_used, 3);
        assert_eq!(import.skipped.len(), 1);
        let lemmas: Vec<&str> = import.terms.iter().map(|t| t.lemma.as_str()).collect();
        assert_eq!(lemmas, ["grub", "blorp"], "dehumanisation, then slur");
        assert_eq!(import.terms[0].category, "dehumanisation");
        assert_eq!(import.terms[0].weight, 0.3);
    }

    #[test]
    fn inclusive_merges_case_variants_and_keeps_provenance() {
        let rows = parse_tsv(TSV).unwrap();
        let import = import(&rows, options(Level::Inclusive));
        let grub = import.terms.iter().find(|t| t.lemma == "grub").unwrap();
        assert!(grub.note.contains("XX1 \"grub\": an conservative, cds inclusive"), "{}", grub.note);
        assert!(grub.note.contains("XX3 \"Grub\": qas inclusive"), "{}", grub.note);
        let demonym = import.terms.iter().find(|t| t.lemma == "valemonians").unwrap();
        assert_eq!((demonym.category, demonym.weight), ("target_group", 0.0));
        let toml = import.to_toml();
        assert!(toml.contains("licence = \"CC-BY-NC-SA-4.0\""));
        assert!(toml.contains("id = \"xx-hurtlex-inclusive\""));
    }
}
