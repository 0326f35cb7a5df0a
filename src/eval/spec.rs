//! What a labelled dataset looks like: its files and format, which column holds the text,
//! which rows are positive, where the language comes from, and which columns to break the
//! results down by.
//!
//! A [`DatasetSpec`] is plain data: a preset ([`super::presets`]) fills one in, command-line
//! flags override its fields, and [`super::load`] reads the files with it.

use std::path::{Path, PathBuf};

use super::condition::{CategoryRule, Condition};

/// File format of a dataset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// Comma-separated values (or another `delimiter`), with a header row unless `columns`.
    Csv,
    /// Tab-separated values.
    Tsv,
    /// One JSON object per line; columns are top-level keys.
    Jsonl,
}

impl Format {
    /// Guess from the file name: `.jsonl`/`.ndjson`/`.json` → JSONL, `.tsv`/`.tab`/`.txt` →
    /// TSV, anything else CSV.
    pub fn from_path(path: &Path) -> Format {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("jsonl" | "ndjson" | "json") => Format::Jsonl,
            Some("tsv" | "tab" | "txt") => Format::Tsv,
            _ => Format::Csv,
        }
    }
}

/// Where each example's language comes from.
#[derive(Debug, Clone, PartialEq)]
pub enum LangSource {
    /// Detect it from the text (tocsin's language identification).
    Detect,
    /// The same for every example.
    Fixed(String),
    /// A column; an empty cell falls back to detection.
    Column(String),
    /// A two- or three-letter token in the file name (`train_en.tsv`, `fr_dataset.csv`), or
    /// the folder named by its ISO 639-3 code (`eng/dev.tsv`): see [`lang_from_file_name`].
    FileName,
}

/// A labelled dataset: how to read it and what its labels mean.
#[derive(Debug, Clone)]
pub struct DatasetSpec {
    /// Short name shown in reports (the preset name, or the first file's name).
    pub name: String,
    /// Files to read, in order; their examples are concatenated.
    pub files: Vec<PathBuf>,
    /// Format; guessed from each file's extension when `None`.
    pub format: Option<Format>,
    /// Field delimiter for CSV (default `,`); TSV is always tab.
    pub delimiter: u8,
    /// Whether `"` quotes fields. `None`: yes for CSV, no for TSV (most NLP TSVs are raw text
    /// in which a `"` is just a character).
    pub quoting: Option<bool>,
    /// The quote character, when quoting (`"`; 10kGNAD quotes with `'`).
    pub quote: u8,
    /// Column names for files without a header row; `None` means the first row is the header.
    pub columns: Option<Vec<String>>,
    /// Column holding the text to classify.
    pub text: String,
    /// A row is positive when any of these holds.
    pub positive: Vec<Condition>,
    /// Rows for which any of these holds are left out.
    pub exclude: Vec<Condition>,
    /// Where the language comes from.
    pub lang: LangSource,
    /// Gold category: the first rule that holds names it.
    pub category_rules: Vec<CategoryRule>,
    /// Gold category: this column's value (used when no rule holds, or when there are none).
    pub category_column: Option<String>,
    /// Columns to break the results down by (HateCheck: `functionality`, `target_ident`).
    pub groups: Vec<String>,
}

impl DatasetSpec {
    /// A spec for `files` with the usual column names `text` and `label`, positive when
    /// `label=1`, language detected.
    pub fn new(files: Vec<PathBuf>) -> Self {
        let name = files
            .first()
            .and_then(|f| f.file_name())
            .map_or_else(|| "dataset".to_string(), |n| n.to_string_lossy().into_owned());
        DatasetSpec {
            name,
            files,
            format: None,
            delimiter: b',',
            quoting: None,
            quote: b'"',
            columns: None,
            text: "text".into(),
            positive: vec!["label=1".parse().expect("valid condition")],
            exclude: Vec::new(),
            lang: LangSource::Detect,
            category_rules: Vec::new(),
            category_column: None,
            groups: Vec::new(),
        }
    }

    /// Every column the spec reads besides the text, each once, in a stable order.
    pub fn referenced_columns(&self) -> Vec<&str> {
        let mut cols: Vec<&str> = Vec::new();
        let conditions = self.positive.iter().chain(&self.exclude).chain(self.category_rules.iter().map(|r| &r.when));
        let named = conditions.flat_map(|c| c.columns().collect::<Vec<_>>());
        let lang = match &self.lang {
            LangSource::Column(c) => Some(c.as_str()),
            _ => None,
        };
        let extra =
            self.category_column.as_deref().into_iter().chain(lang).chain(self.groups.iter().map(String::as_str));
        for c in named.chain(extra) {
            if c != self.text && !cols.contains(&c) {
                cols.push(c);
            }
        }
        cols
    }
}

/// The language token in a file name: `train_en.tsv` → `en`, `fr_dataset.csv` → `fr`; or,
/// when the name has none, the name of its folder as an ISO 639-3 code, as MasakhaNEWS
/// lays its files out: `eng/dev.tsv` → `en`.
///
/// The token must be a known ISO 639-1 code among those datasets use (or the 639-3 code of
/// one), so that `dev` or `all` is never taken for a language.
pub fn lang_from_file_name(path: &Path) -> Option<String> {
    const CODES: &[&str] = &[
        "am", "ar", "bn", "de", "el", "en", "es", "fa", "fr", "ha", "hi", "id", "it", "ja", "ko", "nl", "pl", "pt",
        "ru", "so", "sw", "tr", "uk", "ur", "yo", "zh",
    ];
    const FOLDERS: &[(&str, &str)] = &[
        ("amh", "am"),
        ("ara", "ar"),
        ("deu", "de"),
        ("eng", "en"),
        ("fra", "fr"),
        ("hau", "ha"),
        ("som", "so"),
        ("spa", "es"),
        ("swa", "sw"),
        ("yor", "yo"),
    ];
    let stem = path.file_stem()?.to_str()?.to_ascii_lowercase();
    let in_name = stem.split(|c: char| !c.is_ascii_alphanumeric()).find(|t| CODES.contains(t));
    let folder = || {
        let name = path.parent()?.file_name()?.to_str()?.to_ascii_lowercase();
        FOLDERS.iter().find(|(f, _)| *f == name).map(|(_, code)| *code)
    };
    in_name.or_else(folder).map(str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_name_languages() {
        assert_eq!(lang_from_file_name(Path::new("a/train_en.tsv")).as_deref(), Some("en"));
        assert_eq!(lang_from_file_name(Path::new("fr_dataset.csv")).as_deref(), Some("fr"));
        assert_eq!(lang_from_file_name(Path::new("dev.csv")), None);
        assert_eq!(lang_from_file_name(Path::new("data/swa/dev.tsv")).as_deref(), Some("sw"));
        assert_eq!(lang_from_file_name(Path::new("data/ibo/dev.tsv")), None, "no lexicons, no code");
    }

    #[test]
    fn referenced_columns_are_unique_and_skip_the_text() {
        let mut spec = DatasetSpec::new(vec!["x.csv".into()]);
        spec.positive = vec!["label=1".parse().unwrap(), "label=2 & text~kill".parse().unwrap()];
        spec.groups = vec!["target".into(), "label".into()];
        assert_eq!(spec.referenced_columns(), ["label", "target"]);
    }
}
