//! Presets for the labelled datasets tocsin is measured on: where their files are, what their
//! columns and labels mean, which language they are in.
//!
//! Each preset follows the dataset's own documentation and the mappings in
//! `../shared/data/SOURCES.md`: the positive class is the one closest to tocsin's target
//! (hate, dehumanisation, threats, incitement), while offensive-but-not-hateful rows stay
//! negative and get their own gold category, so the report shows how often profanity alone
//! raises a flag. Files are found under a data folder (`../shared/data` by default) unless
//! the caller names them.

use std::path::{Path, PathBuf};

use super::EvalError;
use super::condition::{CategoryRule, Condition};
use super::spec::{DatasetSpec, Format, LangSource};

/// A named dataset layout.
#[derive(Debug, Clone, Copy)]
pub struct Preset {
    /// The name given to `tocsin eval`.
    pub name: &'static str,
    /// One line for `--list-presets`.
    pub description: &'static str,
    /// Folder under the data folder.
    pub folder: &'static str,
    /// Files in that folder, read in this order.
    pub files: &'static [&'static str],
    /// The data's licence, as its source states it.
    pub licence: &'static str,
    fill: fn(&mut DatasetSpec),
}

/// Every preset.
pub const PRESETS: &[Preset] = &[
    Preset {
        name: "hatecheck",
        description: "HateCheck (English): 3,728 functional test cases in 29 functionalities, 7 target groups",
        folder: "hatecheck-en",
        files: &["test_suite_cases.csv"],
        licence: "CC BY 4.0",
        fill: hatecheck,
    },
    Preset {
        name: "davidson",
        description: "Davidson et al. 2017 (English tweets): hate vs offensive vs neither",
        folder: "davidson-hate-offensive/data",
        files: &["labeled_data.csv"],
        licence: "MIT",
        fill: davidson,
    },
    Preset {
        name: "ethos",
        description: "ETHOS binary (English comments): isHate >= 0.5",
        folder: "ethos",
        files: &["Ethos_Dataset_Binary.csv"],
        licence: "GPL-3.0",
        fill: ethos,
    },
    Preset {
        name: "ethos-violence",
        description: "ETHOS multi-label (the 433 hateful comments): violence >= 0.5 vs non-violent hate",
        folder: "ethos",
        files: &["Ethos_Dataset_Multi_Label.csv"],
        licence: "GPL-3.0",
        fill: ethos_violence,
    },
    Preset {
        name: "hateval",
        description: "HatEval 2019 (English and Spanish tweets on women and immigrants): HS = 1",
        folder: "hateval2019",
        files: &["train_en.tsv", "dev_en.tsv", "train_es.tsv", "dev_es.tsv"],
        licence: "CC BY-NC 4.0 (organisers' terms; no licence file)",
        fill: hateval,
    },
    Preset {
        name: "mlma",
        description: "MLMA (English, French, Arabic tweets): sentiment includes hateful",
        folder: "mlma-hate-speech/hate_speech_mlma",
        files: &["en_dataset.csv", "fr_dataset.csv", "ar_dataset.csv"],
        licence: "MIT",
        fill: mlma,
    },
    Preset {
        name: "germeval",
        description: "GermEval 2018 (German tweets): fine label ABUSE",
        folder: "germeval2018",
        files: &["germeval2018.training.txt", "germeval2018.test.txt"],
        licence: "CC BY 4.0",
        fill: germeval,
    },
    Preset {
        name: "told-br",
        description: "ToLD-Br (Brazilian Portuguese tweets): homophobia, racism, misogyny or xenophobia by >= 2 of 3",
        folder: "told-br",
        files: &["ToLD-BR.csv"],
        licence: "CC BY-SA 4.0",
        fill: told_br,
    },
    Preset {
        name: "l-hsab",
        description: "L-HSAB (Levantine Arabic political tweets): hate vs abusive vs normal",
        folder: "l-hsab/Dataset",
        files: &["L-HSAB"],
        licence: "none stated",
        fill: l_hsab,
    },
    Preset {
        name: "blp-vitd",
        description: "BLP-2023 violence inciting text (Bangla YouTube comments): direct or passive violence",
        folder: "blp-vitd-bangla/dataset",
        files: &["train.csv", "dev.csv", "test.csv"],
        licence: "none stated",
        fill: blp_vitd,
    },
    Preset {
        name: "masakhane-news",
        description: "MasakhaNEWS (news articles in am, en, fr, ha, so, sw, yo): every article negative, so every flag is a false alarm",
        folder: "masakhane-news/data",
        files: &[
            "amh/dev.tsv",
            "amh/test.tsv",
            "eng/dev.tsv",
            "eng/test.tsv",
            "fra/dev.tsv",
            "fra/test.tsv",
            "hau/dev.tsv",
            "hau/test.tsv",
            "som/dev.tsv",
            "som/test.tsv",
            "swa/dev.tsv",
            "swa/test.tsv",
            "yor/dev.tsv",
            "yor/test.tsv",
        ],
        licence: "none stated (articles mostly from BBC News)",
        fill: masakhane_news,
    },
    Preset {
        name: "10kgnad",
        description: "10kGNAD (German news articles, derStandard.at): every article negative, so every flag is a false alarm",
        folder: "10kGNAD",
        files: &["test.csv"],
        licence: "CC BY-NC-SA 4.0",
        fill: ten_k_gnad,
    },
];

/// The preset called `name`.
pub fn find(name: &str) -> Result<&'static Preset, EvalError> {
    PRESETS.iter().find(|p| p.name.eq_ignore_ascii_case(name)).ok_or_else(|| {
        EvalError::UnknownPreset(name.to_string(), PRESETS.iter().map(|p| p.name).collect::<Vec<_>>().join(", "))
    })
}

impl Preset {
    /// The preset's default files under `data_dir`.
    pub fn default_files(&self, data_dir: &Path) -> Vec<PathBuf> {
        self.files.iter().map(|f| data_dir.join(self.folder).join(f)).collect()
    }

    /// The spec for `files` (the default files when empty).
    pub fn spec(&self, files: Vec<PathBuf>, data_dir: &Path) -> DatasetSpec {
        let files = if files.is_empty() { self.default_files(data_dir) } else { files };
        let mut spec = DatasetSpec::new(files);
        spec.name = self.name.to_string();
        (self.fill)(&mut spec);
        spec
    }
}

fn cond(s: &str) -> Condition {
    s.parse().expect("preset conditions are valid")
}

fn rules(list: &[&str]) -> Vec<CategoryRule> {
    list.iter().map(|s| s.parse().expect("preset category rules are valid")).collect()
}

fn hatecheck(s: &mut DatasetSpec) {
    s.text = "test_case".into();
    s.positive = vec![cond("label_gold=hateful")];
    s.lang = LangSource::Fixed("en".into());
    // SOURCES.md: threat_norm_h → incitement, threat_dir_h → threat, derog_dehum_h →
    // dehumanisation, other *_h → hate, *_nh → not hate.
    s.category_rules = rules(&[
        "functionality=threat_norm_h => incitement",
        "functionality=threat_dir_h => threat",
        "functionality=derog_dehum_h => dehumanisation",
        "label_gold=hateful => hate",
        "label_gold=non-hateful => not hate",
    ]);
    s.groups = vec!["functionality".into(), "target_ident".into()];
}

fn davidson(s: &mut DatasetSpec) {
    s.text = "tweet".into();
    s.positive = vec![cond("class=0")];
    s.lang = LangSource::Fixed("en".into());
    s.category_rules = rules(&["class=0 => hate", "class=1 => offensive", "class=2 => neither"]);
}

fn ethos(s: &mut DatasetSpec) {
    s.delimiter = b';';
    s.text = "comment".into();
    s.positive = vec![cond("isHate>=0.5")];
    s.lang = LangSource::Fixed("en".into());
    s.category_rules = rules(&["isHate>=0.5 => hate", "isHate<0.5 => not hate"]);
}

fn ethos_violence(s: &mut DatasetSpec) {
    s.delimiter = b';';
    s.text = "comment".into();
    s.positive = vec![cond("violence>=0.5")];
    s.lang = LangSource::Fixed("en".into());
    s.category_rules = rules(&["violence>=0.5 => violent hate", "violence<0.5 => non-violent hate"]);
}

fn hateval(s: &mut DatasetSpec) {
    s.format = Some(Format::Tsv);
    s.quoting = Some(false);
    s.positive = vec![cond("HS=1")];
    s.lang = LangSource::FileName;
    s.category_rules = rules(&["HS=1 & AG=1 => aggressive hate", "HS=1 => hate", "HS=0 => not hate"]);
}

fn mlma(s: &mut DatasetSpec) {
    s.text = "tweet".into();
    s.positive = vec![cond("sentiment~hateful")];
    s.lang = LangSource::FileName;
    s.category_rules =
        rules(&["sentiment~hateful => hateful", "sentiment=normal => normal", "sentiment!=normal => other hostile"]);
    s.groups = vec!["target".into(), "group".into(), "directness".into()];
}

fn germeval(s: &mut DatasetSpec) {
    s.format = Some(Format::Tsv);
    s.quoting = Some(false);
    s.columns = Some(vec!["text".into(), "coarse".into(), "fine".into()]);
    s.positive = vec![cond("fine=ABUSE")];
    s.lang = LangSource::Fixed("de".into());
    s.category_column = Some("fine".into());
}

fn told_br(s: &mut DatasetSpec) {
    s.positive = ["homophobia", "racism", "misogyny", "xenophobia"].iter().map(|c| cond(&format!("{c}>=2"))).collect();
    s.lang = LangSource::Fixed("pt".into());
    s.category_rules = rules(&[
        "homophobia>=2 => homophobia",
        "racism>=2 => racism",
        "misogyny>=2 => misogyny",
        "xenophobia>=2 => xenophobia",
        "insult>=2 => offensive",
        "obscene>=2 => offensive",
        "insult>=0 => not hate",
    ]);
}

fn l_hsab(s: &mut DatasetSpec) {
    s.format = Some(Format::Tsv);
    // A few tweets span lines inside quotes.
    s.quoting = Some(true);
    s.text = "Tweet".into();
    s.positive = vec![cond("Class=hate")];
    s.lang = LangSource::Fixed("ar".into());
    s.category_column = Some("Class".into());
}

fn blp_vitd(s: &mut DatasetSpec) {
    s.positive = vec![cond("label=1|2")];
    s.lang = LangSource::Fixed("bn".into());
    s.category_rules = rules(&["label=2 => direct violence", "label=1 => passive violence", "label=0 => non-violence"]);
}

fn masakhane_news(s: &mut DatasetSpec) {
    s.format = Some(Format::Tsv);
    // Fields are quoted as in CSV, with quotes inside doubled: read without quoting, most
    // articles would start inside a quotation and look like reported speech.
    s.quoting = Some(true);
    s.positive = vec![cond("category=none")];
    s.lang = LangSource::FileName;
    s.category_column = Some("category".into());
}

fn ten_k_gnad(s: &mut DatasetSpec) {
    s.format = Some(Format::Csv);
    s.delimiter = b';';
    s.quote = b'\'';
    s.columns = Some(vec!["label".into(), "text".into()]);
    s.positive = vec![cond("label=none")];
    s.lang = LangSource::Fixed("de".into());
    s.category_column = Some("label".into());
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_builds_and_is_found_by_name() {
        for p in PRESETS {
            let spec = p.spec(Vec::new(), Path::new("data"));
            assert_eq!(spec.files.len(), p.files.len());
            assert!(!spec.positive.is_empty(), "{}", p.name);
            assert_eq!(find(&p.name.to_uppercase()).unwrap().name, p.name);
        }
        assert!(find("nope").unwrap_err().to_string().contains("hatecheck"));
    }
}
