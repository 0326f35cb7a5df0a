//! The web page for monitors: server-rendered HTML over the same index and state as the API.
//!
//! | page | shows |
//! |---|---|
//! | `/` | search with filters (language, outlet, country, level, category, dates), results with highlighted snippets and level badges, pages of 20 ([`search`]) |
//! | `/articles/{id}` | one article: its text with every piece of evidence marked, why it was flagged, its alerts, the link to the original ([`article`]) |
//! | `/trends` | how many articles match a query per hour, day or week, by language, outlet, category or level, as an SVG chart with spikes marked ([`trends`]) |
//! | `/alerts` | the latest alerts, the health of every source (silent and failing ones marked) and the subscribe links ([`alerts`]) |
//!
//! Every page takes `pipeline=NAME` (a menu in the header when the daemon runs several) and
//! the query parameters of the matching `/api` route, so a page's address and its API answer
//! differ only by the path.
//!
//! Article content is untrusted. Pages are built with maud, which escapes every value it
//! writes; the only markup inserted as-is is the chart from [`crate::markup::svg`], which
//! escapes its labels with [`crate::markup::escape`]. Links to originals are written only for
//! `http` and `https` addresses. Every page also carries a Content-Security-Policy allowing
//! only this server's own script and stylesheet, so even a missed escape could not run a
//! script. Nothing is loaded from elsewhere: the stylesheet, the script (a few lines that
//! submit the pipeline menu on change; every page works without it) and the icon are
//! embedded in the binary.

mod alerts;
mod article;
mod search;
mod trends;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::Router;
use axum::extract::{Form, Path, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use maud::{DOCTYPE, Markup, html};
use serde::Deserialize;
use sha2::{Digest, Sha256};

use super::api::Params;
use super::{ApiError, ApiState, constant_time_eq};
use crate::daemon::PipelineHandle;
use crate::model::{Level, Speech};
use crate::query::facets::Facets;

/// The routes of the pages (behind the token, when one is set).
pub(super) fn pages() -> Router<Arc<ApiState>> {
    Router::new()
        .route("/", get(search::page))
        .route("/articles/{id}", get(article::page))
        .route("/trends", get(trends::page))
        .route("/alerts", get(alerts::page))
}

/// The routes open to all: the token form and the embedded assets (no data in either).
pub(super) fn public() -> Router<Arc<ApiState>> {
    Router::new().route("/login", get(login_form).post(login)).route("/assets/{file}", get(asset))
}

/// Whether `path` is a page (answered with the token form rather than JSON when refused).
pub(super) fn is_page(path: &str) -> bool {
    path == "/" || path == "/trends" || path == "/alerts" || path.starts_with("/articles/")
}

/// What the pages keep between requests: the filter menus of each pipeline, recomputed when
/// the index changes or after a minute.
#[derive(Debug, Default)]
pub struct PageCache {
    facets: Mutex<HashMap<String, CachedFacets>>,
    categories: Mutex<HashMap<String, (Instant, Arc<Descriptions>)>>,
}

/// What each category means (`categories.toml`), by name.
type Descriptions = HashMap<String, String>;

/// The filter menus of a pipeline, with the index generation and time they were counted at.
type CachedFacets = (u64, Instant, Arc<Facets>);

/// How long the filter menus are reused.
const FACETS_TTL: Duration = Duration::from_secs(60);

impl PageCache {
    fn facets(&self, h: &PipelineHandle) -> Result<Arc<Facets>, ApiError> {
        let generation = h.index_generation();
        if let Some((g, at, f)) = self.facets.lock().expect("facets lock").get(&h.name)
            && *g == generation
            && at.elapsed() < FACETS_TTL
        {
            return Ok(f.clone());
        }
        let f = Arc::new(crate::query::facets::facets(&h.index)?);
        self.facets.lock().expect("facets lock").insert(h.name.clone(), (generation, Instant::now(), f.clone()));
        Ok(f)
    }

    /// The category descriptions of the pipeline's lexicons, read again after a minute (a
    /// reload may bring new ones); empty when they cannot be read (the page then shows names
    /// only). Reads files: call on the blocking pool.
    fn categories(&self, h: &PipelineHandle) -> Arc<Descriptions> {
        if let Some((at, d)) = self.categories.lock().expect("categories lock").get(&h.name)
            && at.elapsed() < FACETS_TTL
        {
            return d.clone();
        }
        let paths = h.current().config.pipeline.lexicons.clone();
        let read: Descriptions = crate::lexicon::discover(&paths)
            .ok()
            .and_then(|(file, _)| crate::lexicon::Categories::load(&file).ok())
            .map(|c| c.iter().map(|d| (d.name.clone(), d.description.clone())).collect())
            .unwrap_or_default();
        let d = Arc::new(read);
        self.categories.lock().expect("categories lock").insert(h.name.clone(), (Instant::now(), d.clone()));
        d
    }
}

/// The request's pipeline and what every page's frame needs.
struct Ctx {
    state: Arc<ApiState>,
    handle: Arc<PipelineHandle>,
}

impl Ctx {
    /// The pipeline named in `p` (or the first), or the 404 page.
    fn new(state: &Arc<ApiState>, p: &Params) -> Result<Ctx, Box<Response>> {
        match state.pipeline(p.pipeline.as_deref()) {
            Ok(handle) => Ok(Ctx { state: state.clone(), handle }),
            Err(e) => Err(Box::new(bare_error(e.status, "No such pipeline", &e.message))),
        }
    }

    fn several(&self) -> bool {
        self.state.pipelines.len() > 1
    }

    /// A link to a page of this pipeline with query parameters (blank ones left out).
    fn href(&self, path: &str, pairs: &[(&str, &str)]) -> String {
        let mut q = url::form_urlencoded::Serializer::new(String::new());
        if self.several() {
            q.append_pair("pipeline", &self.handle.name);
        }
        for (k, v) in pairs.iter().filter(|(_, v)| !v.is_empty()) {
            q.append_pair(k, v);
        }
        let q = q.finish();
        if q.is_empty() { path.to_string() } else { format!("{path}?{q}") }
    }

    /// A subscribe link: `atom`, `json` or `cap.xml`.
    fn feed(&self, extension: &str) -> String {
        let name: String = url::form_urlencoded::byte_serialize(self.handle.name.as_bytes()).collect();
        format!("/feeds/{name}.{extension}")
    }

    fn facets(&self) -> Result<Arc<Facets>, ApiError> {
        self.state.pages.facets(&self.handle)
    }

    /// A full page: header with navigation (and the pipeline menu), a notice when the
    /// pipeline is unwell, `body`, and the footer with the subscribe links.
    fn page(&self, status: StatusCode, title: &str, nav: Nav, body: Markup) -> Response {
        let health = self.handle.health();
        let name = &self.handle.name;
        let markup = html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    meta name="referrer" content="no-referrer";
                    title { (title) " — tocsin" }
                    link rel="stylesheet" href=(asset_href("style.css"));
                    link rel="icon" type="image/svg+xml" href=(asset_href("icon.svg"));
                    link rel="alternate" type="application/atom+xml" title={ "Alerts of " (name) " (Atom)" } href=(self.feed("atom"));
                    link rel="alternate" type="application/feed+json" title={ "Alerts of " (name) " (JSON Feed)" } href=(self.feed("json"));
                    script src=(asset_href("app.js")) defer {}
                }
                body {
                    a.skip href="#main" { "Skip to the content" }
                    header.top {
                        a.brand href=(self.href("/", &[])) {
                            img src=(asset_href("icon.svg")) alt="" width="28" height="28";
                            span { "tocsin" }
                        }
                        nav aria-label="Pages" {
                            ul {
                                @for (item, path, label) in [(Nav::Search, "/", "Search"), (Nav::Trends, "/trends", "Trends"), (Nav::Alerts, "/alerts", "Alerts and sources")] {
                                    li { a href=(self.href(path, &[])) aria-current=[(item == nav).then_some("page")] { (label) } }
                                }
                            }
                        }
                        @if self.several() {
                            form.pipeline method="get" action=(nav.path()) {
                                label for="pipeline-menu" { "Pipeline" }
                                select id="pipeline-menu" name="pipeline" data-autosubmit {
                                    @for h in &self.state.pipelines {
                                        option value=(h.name) selected[h.name == *name] { (h.name) }
                                    }
                                }
                                button.secondary type="submit" { "Show" }
                            }
                        }
                    }
                    @if let Some(e) = &health.reload_error {
                        div.notice.notice-bad role="alert" {
                            strong { "The latest change to this pipeline could not be loaded. " }
                            "The previous version keeps running. The error: " (e)
                        }
                    }
                    @if let Some(e) = &health.last_cycle_error {
                        div.notice.notice-bad role="alert" {
                            strong { "The last round of checking the sources failed. " } (e)
                        }
                    }
                    main #main { (body) }
                    footer {
                        p {
                            "Subscribe to the alerts of " strong { (name) } ": "
                            a href=(self.feed("atom")) { "Atom feed" } " · "
                            a href=(self.feed("json")) { "JSON Feed" } " · "
                            a href=(self.feed("cap.xml")) { "CAP alerts" }
                            " — for feed readers and early-warning systems."
                        }
                        p.small {
                            @if let Some(t) = health.last_cycle { "Sources last checked " (when(t)) ". " }
                            "tocsin " (env!("CARGO_PKG_VERSION")) " · "
                            a href=(self.href("/api/search", &[])) { "JSON API" }
                        }
                    }
                }
            }
        };
        html_response(status, markup)
    }

    /// A page that says what went wrong, inside the usual frame.
    fn error(&self, status: StatusCode, title: &str, message: &str, nav: Nav) -> Response {
        self.page(
            status,
            title,
            nav,
            html! {
                h1 { (title) }
                p.error-text { (message) }
                p { a href=(self.href("/", &[])) { "Back to the search" } }
            },
        )
    }
}

/// The page a navigation link stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Nav {
    Search,
    Article,
    Trends,
    Alerts,
}

impl Nav {
    /// Where the pipeline menu sends the reader.
    fn path(self) -> &'static str {
        match self {
            Nav::Search | Nav::Article => "/",
            Nav::Trends => "/trends",
            Nav::Alerts => "/alerts",
        }
    }
}

/// An HTML answer with the headers every page carries.
fn html_response(status: StatusCode, markup: Markup) -> Response {
    let mut resp = (status, markup.into_string()).into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/html; charset=utf-8"));
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
             form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
        ),
    );
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    resp
}

/// A page outside any pipeline: the error of an unknown pipeline, the token form.
fn bare_page(status: StatusCode, title: &str, body: Markup) -> Response {
    html_response(
        status,
        html! {
            (DOCTYPE)
            html lang="en" {
                head {
                    meta charset="utf-8";
                    meta name="viewport" content="width=device-width, initial-scale=1";
                    title { (title) " — tocsin" }
                    link rel="stylesheet" href=(asset_href("style.css"));
                    link rel="icon" type="image/svg+xml" href=(asset_href("icon.svg"));
                }
                body {
                    header.top {
                        a.brand href="/" {
                            img src=(asset_href("icon.svg")) alt="" width="28" height="28";
                            span { "tocsin" }
                        }
                    }
                    main #main { (body) }
                }
            }
        },
    )
}

fn bare_error(status: StatusCode, title: &str, message: &str) -> Response {
    bare_page(
        status,
        title,
        html! {
            h1 { (title) }
            p.error-text { (message) }
            p { a href="/" { "Back to the search" } }
        },
    )
}

// ---------------------------------------------------------------------------------------
// The token form.

/// Name of the session cookie.
const SESSION_COOKIE: &str = "tocsin_session";

/// The cookie value standing for `token`: a hash, so the token itself never sits in a cookie.
pub(super) fn session_value(token: &str) -> String {
    let digest = Sha256::new().chain_update(b"tocsin web session\0").chain_update(token.as_bytes()).finalize();
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The session cookie of a request, if any.
pub(super) fn session_cookie(headers: &HeaderMap) -> Option<&str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .find_map(|c| c.trim().strip_prefix(SESSION_COOKIE).and_then(|r| r.strip_prefix('=')))
}

/// Only a local path may be returned to after signing in (never another site).
fn local_path(next: &str) -> &str {
    if next.starts_with('/') && !next.starts_with("//") && !next.contains('\\') { next } else { "/" }
}

/// The token form, answering with `status`.
pub(super) fn login_page(next: &str, problem: Option<&str>, status: StatusCode) -> Response {
    bare_page(
        status,
        "Sign in",
        html! {
            h1 { "Sign in" }
            p { "This tocsin server asks for its access token. Ask the person who runs it for the token, then enter it here." }
            @if let Some(p) = problem { p.error-text role="alert" { (p) } }
            form.login method="post" action="/login" {
                input type="hidden" name="next" value=(local_path(next));
                label for="token" { "Access token" }
                input id="token" type="password" name="token" autocomplete="current-password" required;
                button type="submit" { "Sign in" }
            }
            p.small { "Your browser keeps a cookie that proves you entered the token, until you close it." }
        },
    )
}

#[derive(Debug, Deserialize)]
struct LoginQuery {
    next: Option<String>,
}

async fn login_form(
    State(state): State<Arc<ApiState>>,
    axum::extract::Query(q): axum::extract::Query<LoginQuery>,
) -> Response {
    if state.token.is_none() {
        return redirect("/", None);
    }
    login_page(q.next.as_deref().unwrap_or("/"), None, StatusCode::OK)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    token: String,
    next: Option<String>,
}

async fn login(State(state): State<Arc<ApiState>>, Form(f): Form<LoginForm>) -> Response {
    let next = local_path(f.next.as_deref().unwrap_or("/")).to_string();
    let Some(token) = &state.token else { return redirect(&next, None) };
    if !constant_time_eq(f.token.trim().as_bytes(), token.as_bytes()) {
        return login_page(&next, Some("That token is not the right one."), StatusCode::UNAUTHORIZED);
    }
    let secure = state.pipelines.first().is_some_and(|h| h.links().base.starts_with("https:"));
    let cookie = format!(
        "{SESSION_COOKIE}={}; Path=/; HttpOnly; SameSite=Strict{}",
        session_value(token),
        if secure { "; Secure" } else { "" }
    );
    redirect(&next, Some(cookie))
}

fn redirect(to: &str, cookie: Option<String>) -> Response {
    let mut resp = StatusCode::SEE_OTHER.into_response();
    if let Ok(v) = HeaderValue::from_str(to) {
        resp.headers_mut().insert(header::LOCATION, v);
    }
    if let Some(c) = cookie.and_then(|c| HeaderValue::from_str(&c).ok()) {
        resp.headers_mut().insert(header::SET_COOKIE, c);
    }
    resp
}

// ---------------------------------------------------------------------------------------
// Embedded assets.

const STYLE: &str = include_str!("assets/style.css");
const SCRIPT: &str = include_str!("assets/app.js");
const ICON: &str = include_str!("assets/icon.svg");

/// An asset's address, with the version so a new release is fetched anew.
fn asset_href(file: &str) -> String {
    format!("/assets/{file}?v={}", env!("CARGO_PKG_VERSION"))
}

async fn asset(Path(file): Path<String>) -> Response {
    let (body, kind) = match file.as_str() {
        "style.css" => (STYLE, "text/css; charset=utf-8"),
        "app.js" => (SCRIPT, "text/javascript; charset=utf-8"),
        "icon.svg" => (ICON, "image/svg+xml"),
        _ => return (StatusCode::NOT_FOUND, "no such asset").into_response(),
    };
    let mut resp = body.into_response();
    let h = resp.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("public, max-age=86400"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    resp
}

// ---------------------------------------------------------------------------------------
// Plain words and small pieces shared by the pages.

/// A level's name on the page.
fn level_name(l: Level) -> &'static str {
    match l {
        Level::None => "No concern",
        Level::Watch => "Watch",
        Level::Warning => "Warning",
        Level::Alert => "Alert",
    }
}

/// What a level means, in plain words.
fn level_meaning(l: Level) -> &'static str {
    match l {
        Level::None => "nothing of note was found",
        Level::Watch => "worth a look: weak or indirect signs",
        Level::Warning => "likely incitement or dangerous speech",
        Level::Alert => "strong, direct incitement to violence",
    }
}

/// A speech context's name on the page.
fn speech_name(s: Speech) -> &'static str {
    match s {
        Speech::Direct => "Own words",
        Speech::Reported => "Quoted or reported",
        Speech::Condemned => "Condemned",
        Speech::Negated => "Negated",
    }
}

/// What a speech context means, in plain words.
fn speech_meaning(s: Speech) -> &'static str {
    match s {
        Speech::Direct => "the author's own words: counts in full",
        Speech::Reported => "quoted or attributed to someone else (“…”, said, according to): counts for most",
        Speech::Condemned => "in a sentence that condemns it: counts for little",
        Speech::Negated => "negated (“not”, “never”): counts for little",
    }
}

/// `call_to_action` → "Call to action".
fn category_name(c: &str) -> String {
    let words = c.replace('_', " ");
    let mut chars = words.chars();
    chars.next().map_or_else(String::new, |f| f.to_uppercase().chain(chars).collect())
}

/// A language code with its English name: `fr` → "French".
fn lang_name(code: &str) -> String {
    let name = match code {
        "am" => "Amharic",
        "ar" => "Arabic",
        "bn" => "Bengali",
        "de" => "German",
        "en" => "English",
        "es" => "Spanish",
        "fa" => "Persian",
        "fr" => "French",
        "ha" => "Hausa",
        "hi" => "Hindi",
        "id" => "Indonesian",
        "it" => "Italian",
        "ja" => "Japanese",
        "km" => "Khmer",
        "ln" => "Lingala",
        "lo" => "Lao",
        "my" => "Burmese",
        "nl" => "Dutch",
        "pl" => "Polish",
        "pt" => "Portuguese",
        "ru" => "Russian",
        "rw" => "Kinyarwanda",
        "so" => "Somali",
        "sw" => "Swahili",
        "th" => "Thai",
        "ti" => "Tigrinya",
        "tr" => "Turkish",
        "uk" => "Ukrainian",
        "ur" => "Urdu",
        "yo" => "Yoruba",
        "zh" => "Chinese",
        "und" => "Unknown language",
        _ => return code.to_string(),
    };
    name.to_string()
}

/// A time as the pages write it: "20 Nov 2026, 14:03 UTC".
fn when(t: DateTime<Utc>) -> String {
    t.format("%-d %b %Y, %H:%M UTC").to_string()
}

/// A `<time>` element.
fn time_el(t: DateTime<Utc>) -> Markup {
    html! { time datetime=(t.to_rfc3339()) { (when(t)) } }
}

/// A short `<time>` for tables: "26 Nov 04:04" (the year when it is not this one), the full
/// time on hover.
fn time_short(t: DateTime<Utc>) -> Markup {
    use chrono::Datelike;
    let text = if t.year() == Utc::now().year() { t.format("%-d %b %H:%M") } else { t.format("%-d %b %Y %H:%M") };
    html! { time.short datetime=(t.to_rfc3339()) title=(when(t)) { (text.to_string()) } }
}

/// A level badge: the word, coloured (never colour alone).
fn badge(l: Level) -> Markup {
    html! { span class={ "badge level-" (l.as_str()) } title=(level_meaning(l)) { (level_name(l)) } }
}

/// `url` when it is safe to link to (http or https); anything else is shown as text only.
fn safe_href(url: &str) -> Option<&str> {
    let lower = url.trim_start().get(..8).unwrap_or(url).to_ascii_lowercase();
    (lower.starts_with("http://") || lower.starts_with("https://")).then_some(url.trim_start())
}

/// The host of a URL, for "read it at …".
fn host_of(u: &str) -> String {
    url::Url::parse(u).ok().and_then(|u| u.host_str().map(str::to_string)).unwrap_or_else(|| u.to_string())
}

/// A link to an original article, opened without telling it where the reader came from.
fn original_link(url: &str, text: &str) -> Markup {
    html! {
        @if let Some(href) = safe_href(url) {
            a.external href=(href) rel="noopener noreferrer nofollow" target="_blank" { (text) span.visually-hidden { " (opens the original site)" } }
        } @else if !url.is_empty() {
            span.small { "the feed gave no web address (not linked): " code { (url) } }
        }
    }
}

/// One menu of a filter form: "any" first, then `options`; a chosen value missing from the
/// options (a typed address) is added so the menu shows what is applied.
fn select(name: &str, label: &str, any: &str, options: &[(String, String)], chosen: Option<&str>) -> Markup {
    let id = format!("f-{name}");
    let missing = chosen.filter(|c| !options.iter().any(|(v, _)| v == c));
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                option value="" selected[chosen.is_none()] { (any) }
                @if let Some(m) = missing { option value=(m) selected { (m) } }
                @for (value, text) in options {
                    option value=(value) selected[chosen == Some(value.as_str())] { (text) }
                }
            }
        }
    }
}

/// The words box of a form, with its button and a hint under it.
fn query_box(p: &Params, label: &str, placeholder: &str, button: &str, hint: &str) -> Markup {
    html! {
        div.query {
            label for="q" { (label) }
            div.query-row {
                input #q type="search" name="q" value=[p.q.as_deref()] placeholder=(placeholder) aria-describedby="q-hint";
                button type="submit" { (button) }
            }
            span.hint #q-hint { (hint) }
        }
    }
}

/// A menu of fixed choices (`value`, text), the first chosen by default.
fn menu(name: &str, label: &str, options: &[(&str, &str)], chosen: Option<&str>) -> Markup {
    let id = format!("f-{name}");
    let chosen = chosen.unwrap_or(options.first().map_or("", |o| o.0));
    html! {
        div.field {
            label for=(id) { (label) }
            select id=(id) name=(name) {
                @for (v, t) in options { option value=(v) selected[*v == chosen] { (t) } }
            }
        }
    }
}

/// A date field: a date picker for a date (or nothing), a text box for any other time (an
/// RFC 3339 instant or a span such as `7d` from a link).
fn date_field(name: &str, label: &str, value: Option<&str>, hint: &str) -> Markup {
    let id = format!("f-{name}");
    let is_date = value.is_none_or(|v| chrono::NaiveDate::parse_from_str(v, "%Y-%m-%d").is_ok());
    html! {
        div.field {
            label for=(id) { (label) }
            input id=(id) type=(if is_date { "date" } else { "text" }) name=(name) value=[value] aria-describedby={ (id) "-hint" };
            span.hint id={ (id) "-hint" } { (hint) }
        }
    }
}

/// The filter menus shared by the search and trend pages.
fn filter_fields(p: &Params, facets: &Facets) -> Markup {
    let counted = |values: &[(String, u64)], name: &dyn Fn(&str) -> String| -> Vec<(String, String)> {
        values.iter().map(|(v, n)| (v.clone(), format!("{} ({n})", name(v)))).collect()
    };
    let mut langs = counted(&facets.langs, &|c| {
        let n = lang_name(c);
        if n == c { c.to_string() } else { format!("{n} – {c}") }
    });
    langs.sort_by(|a, b| a.1.cmp(&b.1));
    let mut outlets = counted(&facets.outlets, &|o| o.to_string());
    outlets.sort_by_key(|a| a.0.to_lowercase());
    let mut countries = counted(&facets.countries, &|c| c.to_string());
    countries.sort();
    let mut categories = counted(&facets.categories, &category_name);
    categories.sort();
    let levels: Vec<(String, String)> = [Level::Watch, Level::Warning, Level::Alert]
        .into_iter()
        .map(|l| {
            let text =
                if l == Level::Alert { "Alert only".to_string() } else { format!("{} or higher", level_name(l)) };
            (l.as_str().to_string(), text)
        })
        .collect();
    html! {
        (select("lang", "Language", "Any language", &langs, p.lang.as_deref()))
        (select("outlet", "Outlet", "Any outlet", &outlets, p.outlet.as_deref()))
        (select("country", "Country", "Any country", &countries, p.country.as_deref()))
        (select("level", "Level", "Any level", &levels, p.level.as_deref()))
        (select("category", "Kind of evidence", "Any kind", &categories, p.category.as_deref()))
        (date_field("since", "Published from", p.since.as_deref(), "first day included"))
        (date_field("until", "Published until", p.until.as_deref(), "last day included"))
    }
}

/// The filter parameters of `p` as link pairs.
fn filter_pairs(p: &Params) -> Vec<(&'static str, String)> {
    let v = |o: &Option<String>| o.clone().unwrap_or_default();
    vec![
        ("q", v(&p.q)),
        ("lang", v(&p.lang)),
        ("outlet", v(&p.outlet)),
        ("country", v(&p.country)),
        ("category", v(&p.category)),
        ("speech", v(&p.speech)),
        ("level", v(&p.level)),
        ("flagged", v(&p.flagged)),
        ("since", v(&p.since)),
        ("until", v(&p.until)),
    ]
}

/// Run page work on the blocking pool.
async fn blocking<T: Send + 'static>(f: impl FnOnce() -> Result<T, ApiError> + Send + 'static) -> Result<T, ApiError> {
    super::blocking(f).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_web_addresses_become_links() {
        assert_eq!(safe_href("https://a.example/x"), Some("https://a.example/x"));
        assert_eq!(safe_href("HTTP://a.example/"), Some("HTTP://a.example/"));
        assert_eq!(safe_href("javascript:alert(1)"), None);
        assert_eq!(safe_href(" JavaScript:alert(1)"), None);
        assert_eq!(safe_href("data:text/html,<script>"), None);
        assert_eq!(safe_href("/relative"), None);
        assert_eq!(safe_href("é"), None);
    }

    #[test]
    fn only_local_paths_are_returned_to() {
        assert_eq!(local_path("/trends?q=a"), "/trends?q=a");
        assert_eq!(local_path("//evil.example/"), "/");
        assert_eq!(local_path("https://evil.example/"), "/");
        assert_eq!(local_path("/\\evil.example"), "/");
    }

    #[test]
    fn session_cookies_are_found_and_hash_the_token() {
        let mut h = HeaderMap::new();
        h.insert(header::COOKIE, HeaderValue::from_static("a=1; tocsin_session=abc; b=2"));
        assert_eq!(session_cookie(&h), Some("abc"));
        assert_eq!(session_value("t").len(), 64);
        assert_ne!(session_value("t"), session_value("u"));
        assert!(!session_value("secret").contains("secret"));
    }

    #[test]
    fn plain_words() {
        assert_eq!(category_name("call_to_action"), "Call to action");
        assert_eq!(lang_name("sw"), "Swahili");
        assert_eq!(lang_name("xx"), "xx");
        let b = badge(Level::Alert).into_string();
        assert!(b.contains("level-alert") && b.contains(">Alert<"), "{b}");
    }

    #[test]
    fn menus_escape_and_keep_typed_values() {
        let m = select("outlet", "Outlet", "Any", &[("<b>".into(), "<b> (1)".into())], Some("x\"y")).into_string();
        assert!(m.contains("&lt;b&gt;") && !m.contains("<b>"), "{m}");
        assert!(m.contains(r#"value="x&quot;y" selected"#), "{m}");
    }
}
