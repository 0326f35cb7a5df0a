//! A plain-text table with aligned columns: numbers right-aligned, words left-aligned.

use std::fmt::Write;

/// A table being built row by row.
#[derive(Debug, Clone, Default)]
pub struct Table {
    header: Vec<String>,
    rows: Vec<Vec<String>>,
}

impl Table {
    /// A table with these column headings.
    pub fn new<S: AsRef<str>>(header: &[S]) -> Self {
        Table { header: header.iter().map(|h| h.as_ref().to_string()).collect(), rows: Vec::new() }
    }

    /// Add a row (as many cells as headings).
    pub fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }

    /// The table as text, each line indented by `indent` spaces.
    pub fn render(&self, indent: usize) -> String {
        let cols = self.header.len();
        let width = |i: usize| {
            self.rows
                .iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .chain([self.header[i].chars().count()])
                .max()
                .unwrap_or(0)
        };
        let widths: Vec<usize> = (0..cols).map(width).collect();
        let numeric: Vec<bool> = (0..cols)
            .map(|i| !self.rows.is_empty() && self.rows.iter().all(|r| r.get(i).is_none_or(|c| looks_numeric(c))))
            .collect();
        let mut out = String::new();
        for cells in std::iter::once(&self.header).chain(&self.rows) {
            let mut line = " ".repeat(indent);
            for (i, w) in widths.iter().enumerate() {
                let c = cells.get(i).map_or("", String::as_str);
                let pad = w - c.chars().count();
                if i > 0 {
                    line.push_str("  ");
                }
                if numeric[i] {
                    let _ = write!(line, "{}{c}", " ".repeat(pad));
                } else {
                    let _ = write!(line, "{c}{}", " ".repeat(pad));
                }
            }
            out.push_str(line.trim_end());
            out.push('\n');
        }
        out
    }
}

/// Whether a cell holds a number (or `–`), to be right-aligned.
pub fn looks_numeric(cell: &str) -> bool {
    cell == "–" || cell.chars().all(|c| c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | ',' | '%'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aligns_numbers_right_and_words_left() {
        let mut t = Table::new(&["lang", "n", "F1"]);
        t.row(vec!["en".into(), "1200".into(), "0.512".into()]);
        t.row(vec!["fr".into(), "7".into(), "–".into()]);
        assert_eq!(t.render(2), "  lang     n     F1\n  en    1200  0.512\n  fr       7      –\n");
    }
}
