//! Errors that point into a data file: `path:line:column: message`.
//!
//! Analysts and monitors edit TOML by hand; a typo must name the file, the line and the field,
//! and say what was expected. Both pipeline files and lexicons report through [`FileError`].

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// A problem in a data file, located by line and column (both 1-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileError {
    /// The file.
    pub path: PathBuf,
    /// 1-based line, when known.
    pub line: Option<usize>,
    /// 1-based column, when known.
    pub column: Option<usize>,
    /// What is wrong and what was expected.
    pub message: String,
}

impl FileError {
    /// An error about the whole file (it cannot be read, say).
    pub fn whole(path: &Path, message: impl Into<String>) -> Self {
        FileError { path: path.to_path_buf(), line: None, column: None, message: message.into() }
    }

    /// An error at a byte offset of the file's text.
    pub fn at(path: &Path, source: &str, offset: usize, message: impl Into<String>) -> Self {
        let (line, column) = line_col(source, offset);
        FileError { path: path.to_path_buf(), line: Some(line), column: Some(column), message: message.into() }
    }

    /// An error at a span of the file when one is known, or about the whole file.
    pub fn at_span(path: &Path, source: &str, span: Option<Range<usize>>, message: impl Into<String>) -> Self {
        match span {
            Some(span) => FileError::at(path, source, span.start, message),
            None => FileError::whole(path, message),
        }
    }

    /// Turn a TOML deserialisation error into a located error.
    ///
    /// The toml crate's message already names the field ("unknown field `polll`, expected one
    /// of …"); we keep its first line and add our location.
    pub fn from_toml(path: &Path, source: &str, err: &toml::de::Error) -> Self {
        let message = err.message().trim().to_string();
        FileError::at_span(path, source, err.span(), message)
    }
}

impl fmt::Display for FileError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if let Some(line) = self.line {
            write!(f, ":{line}")?;
            if let Some(col) = self.column {
                write!(f, ":{col}")?;
            }
        }
        write!(f, ": {}", self.message)
    }
}

impl std::error::Error for FileError {}

/// 1-based line and column (in characters) of a byte offset.
pub fn line_col(source: &str, offset: usize) -> (usize, usize) {
    let offset = offset.min(source.len());
    let before = &source[..floor_char_boundary(source, offset)];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let column = before[line_start..].chars().count() + 1;
    (line, column)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    while i > 0 && !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based() {
        let src = "a = 1\nbé = 2\n";
        assert_eq!(line_col(src, 0), (1, 1));
        assert_eq!(line_col(src, 6), (2, 1));
        assert_eq!(line_col(src, 9), (2, 3));
    }

    #[test]
    fn toml_errors_name_file_line_and_field() {
        #[derive(serde::Deserialize, Debug)]
        #[serde(deny_unknown_fields)]
        #[allow(dead_code)]
        struct S {
            name: String,
        }
        let src = "name = \"x\"\npolll = 3\n";
        let err = toml::from_str::<S>(src).unwrap_err();
        let e = FileError::from_toml(Path::new("p.toml"), src, &err);
        let shown = e.to_string();
        assert!(shown.starts_with("p.toml:2:"), "{shown}");
        assert!(shown.contains("polll"), "{shown}");
    }
}
