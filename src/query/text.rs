//! The text part of a query: tantivy query syntax, routed to the per-language fields.
//!
//! Articles are indexed in the title/text fields of their language's analyser
//! ([`crate::index::analysis`]). A bare word searches every such field (or only those of the
//! `--lang` languages), each analysing the word its own way; `title:word` and `text:word`
//! are rewritten to the same fields of every analyser, so users never see the per-language
//! field names. Exact fields (`outlet:"Lakeside Herald"`, `category:incitement`,
//! `speech:reported`, `lang:fr`, `term:…`) work as written.

use tantivy::query::{AllQuery, Query, QueryParser};
use tantivy::query_grammar::{Occur, UserInputAst, UserInputLeaf};
use tantivy::schema::Field;

use super::QueryError;
use crate::index::{Analyzer, ArticleIndex};

/// Weight of a match in a title relative to one in the body.
const TITLE_BOOST: f32 = 2.0;

/// The analysers whose fields a query in these languages searches (all when `langs` is empty).
pub fn analyzers_for(langs: &[String]) -> Vec<Analyzer> {
    if langs.is_empty() {
        return Analyzer::all().collect();
    }
    let mut out: Vec<Analyzer> = Vec::new();
    for a in langs.iter().map(|l| Analyzer::for_lang(l)) {
        if !out.contains(&a) {
            out.push(a);
        }
    }
    out
}

/// Parse `query` (tantivy syntax) over the text fields of `analyzers`; empty matches all.
pub fn parse(index: &ArticleIndex, query: &str, analyzers: &[Analyzer]) -> Result<Box<dyn Query>, QueryError> {
    if query.trim().is_empty() {
        return Ok(Box::new(AllQuery));
    }
    let syntax = |message: String| QueryError::Syntax { query: query.to_string(), message };
    let f = index.fields();
    let pairs: Vec<(Field, Field)> = analyzers.iter().map(|a| f.text_fields(*a)).collect();
    let mut defaults: Vec<Field> = pairs.iter().map(|p| p.0).collect();
    defaults.extend(pairs.iter().map(|p| p.1));
    let mut parser = QueryParser::for_index(index.index(), defaults);
    parser.set_conjunction_by_default();
    for (title, _) in &pairs {
        parser.set_field_boost(*title, TITLE_BOOST);
    }
    let ast = tantivy::query_grammar::parse_query(query).map_err(|_| syntax("the syntax is not valid".into()))?;
    let schema = index.index().schema();
    let names = |pick: fn(&(Field, Field)) -> Field| -> Vec<String> {
        pairs.iter().map(|p| schema.get_field_name(pick(p)).to_string()).collect()
    };
    let routes = Routes { titles: names(|p| p.0), texts: names(|p| p.1) };
    parser.build_query_from_user_input_ast(routes.rewrite(ast)).map_err(|e| syntax(e.to_string()))
}

/// The per-analyser field names that `title:` and `text:` stand for.
struct Routes {
    titles: Vec<String>,
    texts: Vec<String>,
}

impl Routes {
    fn rewrite(&self, ast: UserInputAst) -> UserInputAst {
        match ast {
            UserInputAst::Clause(clauses) => {
                UserInputAst::Clause(clauses.into_iter().map(|(occur, a)| (occur, self.rewrite(a))).collect())
            }
            UserInputAst::Boost(inner, boost) => UserInputAst::Boost(Box::new(self.rewrite(*inner)), boost),
            UserInputAst::Leaf(leaf) => self.rewrite_leaf(*leaf),
        }
    }

    fn rewrite_leaf(&self, leaf: UserInputLeaf) -> UserInputAst {
        let field = match &leaf {
            UserInputLeaf::Literal(l) => l.field_name.as_deref(),
            _ => None,
        };
        let targets = match field {
            Some("title") => &self.titles,
            Some("text") => &self.texts,
            _ => return UserInputAst::Leaf(Box::new(leaf)),
        };
        let UserInputLeaf::Literal(literal) = leaf else { unreachable!("only literals are routed") };
        let alternatives = targets
            .iter()
            .map(|name| {
                let mut l = literal.clone();
                l.field_name = Some(name.clone());
                (Some(Occur::Should), UserInputAst::Leaf(Box::new(UserInputLeaf::Literal(l))))
            })
            .collect();
        UserInputAst::Clause(alternatives)
    }
}
