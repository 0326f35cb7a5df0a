//! Label conditions: how an analyst says which rows are positive, which to leave out and which
//! gold category a row belongs to, without writing code.
//!
//! A [`Condition`] is one or more clauses joined by `&`, each comparing a column with a value:
//! `label_gold=hateful`, `class=0|1` (either value), `class!=2`, `sentiment~hateful`
//! (contains), `isHate>=0.5`, `HS=1 & AG=1`. Numeric operators (`>=`, `>`, `<=`, `<`) read
//! the cell as a number. Conditions are parsed once, then resolved against a file's columns
//! into indices, so testing a row is a few string comparisons.

use std::fmt;
use std::str::FromStr;

/// How a clause compares a cell with its value.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `=`: equals one of the `|`-separated values.
    Eq,
    /// `!=`: equals none of the `|`-separated values.
    Ne,
    /// `~`: contains the value as a substring.
    Contains,
    /// `>=`, numeric.
    Ge,
    /// `>`, numeric.
    Gt,
    /// `<=`, numeric.
    Le,
    /// `<`, numeric.
    Lt,
}

impl Op {
    fn symbol(self) -> &'static str {
        match self {
            Op::Eq => "=",
            Op::Ne => "!=",
            Op::Contains => "~",
            Op::Ge => ">=",
            Op::Gt => ">",
            Op::Le => "<=",
            Op::Lt => "<",
        }
    }

    fn is_numeric(self) -> bool {
        matches!(self, Op::Ge | Op::Gt | Op::Le | Op::Lt)
    }
}

/// One comparison: `column OP value`.
#[derive(Debug, Clone, PartialEq)]
pub struct Clause {
    /// Column (CSV/TSV header, or JSON key) the clause reads.
    pub column: String,
    /// The comparison.
    pub op: Op,
    /// The value as written (alternatives still joined by `|`).
    pub value: String,
    number: f64,
}

/// Clauses that must all hold (`a=1 & b>=2`).
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The clauses, in the order written.
    pub clauses: Vec<Clause>,
}

impl FromStr for Condition {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let clauses = s.split('&').map(|c| c.parse()).collect::<Result<Vec<Clause>, _>>()?;
        Ok(Condition { clauses })
    }
}

impl FromStr for Clause {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let expected = || format!("{s:?}: expected COLUMN=VALUE (or !=, ~, >=, >, <=, <), e.g. label_gold=hateful");
        let at = s.find(['=', '!', '<', '>', '~']).ok_or_else(expected)?;
        let rest = &s[at..];
        let op = [
            ("!=", Op::Ne),
            (">=", Op::Ge),
            ("<=", Op::Le),
            ("=", Op::Eq),
            ("~", Op::Contains),
            (">", Op::Gt),
            ("<", Op::Lt),
        ]
        .into_iter()
        .find(|(sym, _)| rest.starts_with(sym));
        let (sym, op) = op.ok_or_else(expected)?;
        let column = s[..at].trim().to_string();
        let value = rest[sym.len()..].trim().to_string();
        if column.is_empty() {
            return Err(expected());
        }
        let number = if op.is_numeric() {
            value.parse::<f64>().map_err(|_| format!("{s:?}: {:?} is not a number", value))?
        } else {
            f64::NAN
        };
        Ok(Clause { column, op, value, number })
    }
}

impl Clause {
    /// Whether `cell` satisfies the clause; `Err` when a numeric clause meets a non-number.
    pub fn holds(&self, cell: &str) -> Result<bool, String> {
        let cell = cell.trim();
        match self.op {
            Op::Eq => Ok(self.value.split('|').any(|v| v == cell)),
            Op::Ne => Ok(!self.value.split('|').any(|v| v == cell)),
            Op::Contains => Ok(cell.contains(self.value.as_str())),
            _ => {
                let x: f64 = cell.parse().map_err(|_| format!("column {:?}: {cell:?} is not a number", self.column))?;
                Ok(match self.op {
                    Op::Ge => x >= self.number,
                    Op::Gt => x > self.number,
                    Op::Le => x <= self.number,
                    _ => x < self.number,
                })
            }
        }
    }
}

impl Condition {
    /// The columns the condition reads.
    pub fn columns(&self) -> impl Iterator<Item = &str> {
        self.clauses.iter().map(|c| c.column.as_str())
    }

    /// Whether every clause holds; `cell` gives a column's value in the row being tested.
    pub fn holds<'a>(&self, cell: impl Fn(&str) -> &'a str) -> Result<bool, String> {
        for c in &self.clauses {
            if !c.holds(cell(&c.column))? {
                return Ok(false);
            }
        }
        Ok(true)
    }
}

impl fmt::Display for Clause {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}{}{}", self.column, self.op.symbol(), self.value)
    }
}

impl fmt::Display for Condition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self.clauses.iter().map(|c| c.to_string()).collect();
        f.write_str(&parts.join(" & "))
    }
}

/// A gold category given by a condition: `COND => NAME`, e.g.
/// `functionality=threat_dir_h => threat`.
#[derive(Debug, Clone, PartialEq)]
pub struct CategoryRule {
    /// When the rule applies.
    pub when: Condition,
    /// The category name it gives.
    pub name: String,
}

impl FromStr for CategoryRule {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let (when, name) =
            s.split_once("=>").ok_or_else(|| format!("{s:?}: expected CONDITION => NAME, e.g. class=0 => hate"))?;
        let name = name.trim();
        if name.is_empty() {
            return Err(format!("{s:?}: the category name after => is empty"));
        }
        Ok(CategoryRule { when: when.trim().parse()?, name: name.to_string() })
    }
}

impl fmt::Display for CategoryRule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} => {}", self.when, self.name)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn holds(cond: &str, row: &[(&str, &str)]) -> Result<bool, String> {
        let c: Condition = cond.parse().unwrap();
        c.holds(|col| row.iter().find(|(k, _)| *k == col).map_or("", |(_, v)| v))
    }

    #[test]
    fn operators() {
        assert!(holds("label_gold=hateful", &[("label_gold", "hateful")]).unwrap());
        assert!(!holds("label_gold=hateful", &[("label_gold", "non-hateful")]).unwrap());
        assert!(holds("label=1|2", &[("label", "2")]).unwrap());
        assert!(holds("class!=2", &[("class", "0")]).unwrap());
        assert!(!holds("class!=0|1", &[("class", "1")]).unwrap());
        assert!(holds("sentiment~hateful", &[("sentiment", "fearful_hateful")]).unwrap());
        assert!(holds("isHate>=0.5", &[("isHate", "0.5")]).unwrap());
        assert!(!holds("isHate>0.5", &[("isHate", "0.5")]).unwrap());
        assert!(holds("x<=2", &[("x", " 2.0 ")]).unwrap());
        assert!(holds("x<2", &[("x", "1")]).unwrap());
        assert!(holds("HS=1 & AG=1", &[("HS", "1"), ("AG", "1")]).unwrap());
        assert!(!holds("HS=1 & AG=1", &[("HS", "1"), ("AG", "0")]).unwrap());
        assert!(holds("x>=1", &[("x", "n/a")]).is_err());
    }

    #[test]
    fn parse_errors_say_what_was_expected() {
        assert!("hateful".parse::<Condition>().unwrap_err().contains("expected COLUMN=VALUE"));
        assert!("=x".parse::<Condition>().is_err());
        assert!("x>=high".parse::<Condition>().unwrap_err().contains("not a number"));
        assert!("class=0".parse::<CategoryRule>().unwrap_err().contains("=>"));
    }

    #[test]
    fn display_round_trips() {
        for s in ["HS=1 & AG=1", "sentiment~hateful", "isHate>=0.5", "label!=0"] {
            assert_eq!(s.parse::<Condition>().unwrap().to_string(), s);
        }
        let r: CategoryRule = "functionality=threat_dir_h => threat".parse().unwrap();
        assert_eq!(r.name, "threat");
        assert_eq!(r.to_string(), "functionality=threat_dir_h => threat");
    }
}
