//! Reading a labelled dataset: CSV, TSV or JSON lines → [`Example`]s.
//!
//! Each file's header (or the spec's `columns`) is checked once against the columns the spec
//! reads, so a misspelt column stops before any work, naming the file and the columns it has.
//! After that a bad row (too few fields, a non-number where a number was expected, empty text,
//! malformed JSON) is skipped and reported with its line; it never stops the rest.

use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};

use serde::Serialize;

use super::EvalError;
use super::spec::{DatasetSpec, Format, LangSource, lang_from_file_name};

/// One labelled text.
#[derive(Debug, Clone, PartialEq)]
pub struct Example {
    /// Index of its file in [`Dataset::files`].
    pub file: usize,
    /// Line in the file where its record starts (1-based; the header is line 1).
    pub line: u64,
    /// The text to classify.
    pub text: String,
    /// Its language, or `None` to detect it.
    pub lang: Option<String>,
    /// Gold label: positive (hateful, inciting …) or not.
    pub gold: bool,
    /// Gold category (from the spec's rules or column), e.g. `threat`, `offensive`.
    pub category: String,
    /// Values of the spec's group columns, in the spec's order.
    pub groups: Vec<String>,
}

/// A row that was left out, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Skipped {
    /// The file.
    pub file: PathBuf,
    /// Its line.
    pub line: u64,
    /// Why it was skipped.
    pub reason: String,
}

/// Every example of a dataset's files, and the rows that could not be used.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// The files read, in order.
    pub files: Vec<PathBuf>,
    /// The examples, in file order.
    pub examples: Vec<Example>,
    /// Rows that could not be used (not those left out on purpose by `exclude`).
    pub skipped: Vec<Skipped>,
    /// Rows left out by the spec's `exclude` conditions.
    pub excluded: usize,
}

/// Read every file of `spec`.
pub fn load(spec: &DatasetSpec) -> Result<Dataset, EvalError> {
    let mut data = Dataset { files: spec.files.clone(), ..Dataset::default() };
    for (index, path) in spec.files.iter().enumerate() {
        let file_lang = match &spec.lang {
            LangSource::FileName => Some(lang_from_file_name(path).ok_or_else(|| EvalError::NoLanguage(path.clone()))?),
            LangSource::Fixed(l) => Some(l.clone()),
            _ => None,
        };
        let names = std::iter::once(spec.text.as_str()).chain(spec.referenced_columns()).collect();
        let mut reader = RowReader { spec, index, path, file_lang, names, data: &mut data };
        match spec.format.unwrap_or_else(|| Format::from_path(path)) {
            Format::Jsonl => reader.read_jsonl()?,
            format => reader.read_delimited(format)?,
        }
    }
    Ok(data)
}

/// Reads one file's rows into the dataset.
struct RowReader<'a> {
    spec: &'a DatasetSpec,
    index: usize,
    path: &'a Path,
    file_lang: Option<String>,
    /// The columns read: the text first, then every other column the spec reads.
    names: Vec<&'a str>,
    data: &'a mut Dataset,
}

impl RowReader<'_> {
    fn read_delimited(&mut self, format: Format) -> Result<(), EvalError> {
        let file = File::open(self.path).map_err(|e| EvalError::Io { path: self.path.to_path_buf(), source: e })?;
        let delimiter = if format == Format::Tsv { b'\t' } else { self.spec.delimiter };
        let mut csv = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .quoting(self.spec.quoting.unwrap_or(format == Format::Csv))
            .quote(self.spec.quote)
            .has_headers(self.spec.columns.is_none())
            .flexible(true)
            .from_reader(BufReader::new(file));
        let header: Vec<String> = match &self.spec.columns {
            Some(names) => names.clone(),
            None => {
                let h = csv.byte_headers().map_err(|e| EvalError::Csv { path: self.path.to_path_buf(), source: e })?;
                h.iter().map(|f| String::from_utf8_lossy(f).trim().to_string()).collect()
            }
        };
        let wanted = self.column_indices(&header)?;
        let mut record = csv::ByteRecord::new();
        loop {
            let line = csv.position().line();
            match csv.read_byte_record(&mut record) {
                Ok(false) => break,
                Ok(true) => {
                    let cells: Option<Vec<String>> = wanted
                        .iter()
                        .map(|&i| record.get(i).map(|b| String::from_utf8_lossy(b).into_owned()))
                        .collect();
                    match cells {
                        Some(cells) => self.add(line, cells),
                        None => self.skip(line, format!("{} fields, expected at least {}", record.len(), header.len())),
                    }
                }
                Err(e) if e.is_io_error() => return Err(EvalError::Csv { path: self.path.to_path_buf(), source: e }),
                Err(e) => self.skip(line, e.to_string()),
            }
        }
        Ok(())
    }

    fn read_jsonl(&mut self) -> Result<(), EvalError> {
        let file = File::open(self.path).map_err(|e| EvalError::Io { path: self.path.to_path_buf(), source: e })?;
        let names = self.names.clone();
        for (n, line) in BufReader::new(file).lines().enumerate() {
            let line_no = n as u64 + 1;
            let line = line.map_err(|e| EvalError::Io { path: self.path.to_path_buf(), source: e })?;
            if line.trim().is_empty() {
                continue;
            }
            let object = match serde_json::from_str::<serde_json::Map<String, serde_json::Value>>(&line) {
                Ok(o) => o,
                Err(e) => {
                    self.skip(line_no, format!("not a JSON object: {e}"));
                    continue;
                }
            };
            let cells: Result<Vec<String>, String> = names
                .iter()
                .map(|k| match object.get(*k) {
                    Some(serde_json::Value::String(s)) => Ok(s.clone()),
                    Some(serde_json::Value::Null) | None => Err(format!("no field {k:?}")),
                    Some(v) => Ok(v.to_string()),
                })
                .collect();
            match cells {
                Ok(cells) => self.add(line_no, cells),
                Err(reason) => self.skip(line_no, reason),
            }
        }
        Ok(())
    }

    fn column_indices(&self, header: &[String]) -> Result<Vec<usize>, EvalError> {
        self.names
            .iter()
            .map(|&name| {
                header.iter().position(|h| h == name).ok_or_else(|| EvalError::MissingColumn {
                    path: self.path.to_path_buf(),
                    column: name.to_string(),
                    available: header.to_vec(),
                })
            })
            .collect()
    }

    /// Turn the wanted cells of one row (in the order of `names`) into an example.
    fn add(&mut self, line: u64, cells: Vec<String>) {
        match self.example(line, cells) {
            Ok(Some(e)) => self.data.examples.push(e),
            Ok(None) => self.data.excluded += 1,
            Err(reason) => self.skip(line, reason),
        }
    }

    fn example(&self, line: u64, mut cells: Vec<String>) -> Result<Option<Example>, String> {
        let spec = self.spec;
        let names = &self.names;
        let cell = |col: &str| names.iter().position(|n| *n == col).map_or("", |i| cells[i].as_str());
        for c in &spec.exclude {
            if c.holds(cell)? {
                return Ok(None);
            }
        }
        let mut gold = false;
        for c in &spec.positive {
            gold |= c.holds(cell)?;
        }
        let mut category = None;
        for r in &spec.category_rules {
            if r.when.holds(cell)? {
                category = Some(r.name.clone());
                break;
            }
        }
        let category = category
            .or_else(|| spec.category_column.as_deref().map(|c| cell(c).trim().to_string()))
            .unwrap_or_else(|| if gold { "positive".into() } else { "negative".into() });
        let lang = match &spec.lang {
            LangSource::Column(c) => Some(cell(c).trim().to_string()).filter(|l| !l.is_empty()),
            _ => self.file_lang.clone(),
        };
        let groups = spec.groups.iter().map(|g| cell(g).trim().to_string()).collect();
        let text = std::mem::take(&mut cells[0]);
        if text.trim().is_empty() {
            return Err("empty text".into());
        }
        Ok(Some(Example { file: self.index, line, text, lang, gold, category, groups }))
    }

    fn skip(&mut self, line: u64, reason: String) {
        self.data.skipped.push(Skipped { file: self.path.to_path_buf(), line, reason });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, body: &str) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, body).unwrap();
        p
    }

    #[test]
    fn csv_with_conditions_categories_groups_and_bad_rows() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "d.csv",
            "id,text,label,target\n1,\"Kill them, all\",2,women\n2,hello,0,\n3,,1,x\n4,x,high,y\n5,bye,1,men\n",
        );
        let mut spec = DatasetSpec::new(vec![p]);
        spec.positive = vec!["label>=1".parse().unwrap()];
        spec.exclude = vec!["id=5".parse().unwrap()];
        spec.category_rules = vec!["label=2 => threat".parse().unwrap()];
        spec.category_column = Some("label".into());
        spec.groups = vec!["target".into()];
        spec.lang = LangSource::Fixed("en".into());
        let d = load(&spec).unwrap();
        assert_eq!(d.examples.len(), 2);
        assert_eq!(d.excluded, 1);
        let e = &d.examples[0];
        assert_eq!((e.text.as_str(), e.gold, e.category.as_str(), e.line), ("Kill them, all", true, "threat", 2));
        assert_eq!(e.groups, ["women"]);
        assert_eq!(e.lang.as_deref(), Some("en"));
        assert_eq!((d.examples[1].gold, d.examples[1].category.as_str()), (false, "0"));
        let reasons: Vec<(u64, &str)> = d.skipped.iter().map(|s| (s.line, s.reason.as_str())).collect();
        assert_eq!(reasons, [(4, "empty text"), (5, "column \"label\": \"high\" is not a number")]);
    }

    #[test]
    fn tsv_without_header_keeps_quotes_as_text() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "g.txt", "\"Sie\" sind Pack\tOFFENSE\tABUSE\nHallo\tOTHER\tOTHER\n");
        let mut spec = DatasetSpec::new(vec![p]);
        spec.columns = Some(vec!["text".into(), "coarse".into(), "fine".into()]);
        spec.positive = vec!["fine=ABUSE".parse().unwrap()];
        let d = load(&spec).unwrap();
        assert_eq!(d.examples.len(), 2);
        assert_eq!(d.examples[0].text, "\"Sie\" sind Pack");
        assert!(d.examples[0].gold && !d.examples[1].gold);
        assert_eq!(d.examples[1].line, 2);
    }

    #[test]
    fn the_news_presets_unquote_their_fields() {
        // MasakhaNEWS: TSV whose fields are quoted as in CSV, quotes inside doubled, the
        // language from the folder; 10kGNAD: `;`-separated, quoted with `'`.
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("swa")).unwrap();
        let tsv = write(
            &dir.path().join("swa"),
            "dev.tsv",
            "category\theadline\ttext\turl\nhealth\tH\t\"Alisema \"\"hapana\"\" leo.\"\tu\n",
        );
        let d = load(&crate::eval::presets::find("masakhane-news").unwrap().spec(vec![tsv], dir.path())).unwrap();
        assert_eq!(d.examples[0].text, "Alisema \"hapana\" leo.");
        assert_eq!((d.examples[0].lang.as_deref(), d.examples[0].gold), (Some("sw"), false));
        let csv = write(dir.path(), "test.csv", "Inland;'Er sagte: \"Nein; nie\".'\nSport;'Tor!'\n");
        let d = load(&crate::eval::presets::find("10kgnad").unwrap().spec(vec![csv], dir.path())).unwrap();
        let texts: Vec<&str> = d.examples.iter().map(|e| e.text.as_str()).collect();
        assert_eq!(texts, ["Er sagte: \"Nein; nie\".", "Tor!"]);
        assert_eq!(d.examples[0].category, "Inland");
    }

    #[test]
    fn jsonl_numbers_and_missing_fields() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(
            dir.path(),
            "d.jsonl",
            "{\"text\": \"a\", \"label\": 1, \"lang\": \"fr\"}\n\n{\"text\": \"b\"}\nnot json\n{\"text\": \"c\", \"label\": 0, \"lang\": \"\"}\n",
        );
        let mut spec = DatasetSpec::new(vec![p]);
        spec.lang = LangSource::Column("lang".into());
        let d = load(&spec).unwrap();
        assert_eq!(d.examples.len(), 2);
        assert_eq!((d.examples[0].gold, d.examples[0].lang.as_deref()), (true, Some("fr")));
        assert_eq!(d.examples[1].lang, None, "an empty language cell means detect");
        assert_eq!(d.skipped.len(), 2);
        assert_eq!(d.skipped[0].line, 3);
    }

    #[test]
    fn a_missing_column_names_the_file_and_its_columns() {
        let dir = tempfile::tempdir().unwrap();
        let p = write(dir.path(), "d.csv", "tweet,class\nhi,0\n");
        let err = load(&DatasetSpec::new(vec![p])).unwrap_err().to_string();
        assert!(err.contains("d.csv") && err.contains("\"text\"") && err.contains("tweet, class"), "{err}");
    }
}
