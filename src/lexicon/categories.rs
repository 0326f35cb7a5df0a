//! `lexicons/categories.toml`: the closed list of categories terms and rules may use.
//!
//! Categories follow the Dangerous Speech hallmarks and atrocity indicators. Each one says its
//! default weight, whether it can raise an alert on its own, and whether it is a context cue
//! (reporting, condemnation, negation) rather than a signal.

use std::path::Path;

use serde::Deserialize;

use crate::config::FileError;

/// One category.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CategoryDef {
    /// Name used in lexicons, the index and JSON.
    pub name: String,
    /// What it means, for analysts.
    pub description: String,
    /// Default weight of its terms and rules.
    pub weight: f64,
    /// Whether evidence of this category alone can raise an article to `alert`.
    #[serde(default)]
    pub alerts_alone: bool,
    /// A context cue (reporting, condemnation, negation): never scored, used for speech context.
    #[serde(default)]
    pub cue: bool,
    /// The highest score the category can reach, however much evidence it has (default 1).
    /// Atrocity indicators are capped below `warning`: reporting a mass grave is an early
    /// warning signal, not incitement.
    #[serde(default = "one")]
    pub cap: f64,
}

fn one() -> f64 {
    1.0
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct CategoriesFile {
    category: Vec<CategoryDef>,
}

/// The loaded category list.
#[derive(Debug, Clone)]
pub struct Categories {
    list: Vec<CategoryDef>,
}

/// The three cue categories the classifier knows how to use.
pub const CUE_REPORTING: &str = "reporting";
/// Condemnation cue category.
pub const CUE_CONDEMNATION: &str = "condemnation";
/// Negation cue category.
pub const CUE_NEGATION: &str = "negation";
/// Optional cue category: words that point back to a group named just before ("they", "their
/// kind"), so a rule can join "Some immigrants got into government. They are still trash."
pub const CUE_REFERENCE: &str = "reference";
/// The category of contemptuous generalisations; a negation spelled inside one of its terms is
/// part of the insult ("aren't worth shit").
pub const DEROGATION: &str = "derogation";
/// The category of identity groups, which a [`CUE_REFERENCE`] word can stand for.
pub const TARGET_GROUP: &str = "target_group";

impl Categories {
    /// Read `categories.toml`.
    pub fn load(path: &Path) -> Result<Self, FileError> {
        let source = std::fs::read_to_string(path)
            .map_err(|e| FileError::whole(path, format!("cannot read categories: {e}")))?;
        let file: CategoriesFile = toml::from_str(&source).map_err(|e| FileError::from_toml(path, &source, &e))?;
        for c in &file.category {
            if !(0.0..=1.0).contains(&c.weight) || !(0.0..=1.0).contains(&c.cap) {
                let at = source.find(&format!("\"{}\"", c.name)).unwrap_or(0);
                return Err(FileError::at(
                    path,
                    &source,
                    at,
                    format!("category {:?}: weight {} is outside 0..1", c.name, c.weight),
                ));
            }
        }
        for cue in [CUE_REPORTING, CUE_CONDEMNATION, CUE_NEGATION] {
            if !file.category.iter().any(|c| c.name == cue && c.cue) {
                return Err(FileError::whole(
                    path,
                    format!("the cue category {cue:?} must be defined with cue = true"),
                ));
            }
        }
        Ok(Categories { list: file.category })
    }

    /// A category by name.
    pub fn get(&self, name: &str) -> Option<&CategoryDef> {
        self.list.iter().find(|c| c.name == name)
    }

    /// A category by name, or a message listing the known ones.
    pub fn resolve(&self, name: &str) -> Result<&CategoryDef, String> {
        self.get(name).ok_or_else(|| {
            let known: Vec<&str> = self.list.iter().map(|c| c.name.as_str()).collect();
            format!("unknown category {name:?}: expected one of {}", known.join(", "))
        })
    }

    /// All categories.
    pub fn iter(&self) -> impl Iterator<Item = &CategoryDef> {
        self.list.iter()
    }

    /// Names of the cue categories.
    pub fn cue_names(&self) -> Vec<&str> {
        self.list.iter().filter(|c| c.cue).map(|c| c.name.as_str()).collect()
    }
}
