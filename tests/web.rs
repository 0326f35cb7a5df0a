//! The web page, served by a daemon in this process against a loopback feed server whose
//! feeds carry known incitement, calm news, a burst for the trend, a silent source, a broken
//! source, and an item whose title and text carry `<script>`.
//!
//! Plain HTTP tests always run: status codes, filters, escaping, the token form. The browser
//! tests drive headless Chromium (`/usr/bin/chromium`, installed by `.ci/run`; another binary
//! with `TOCSIN_CHROMIUM`) through `--dump-dom` (the DOM after scripts ran) and
//! `--screenshot`, and skip with a message when it is absent. Screenshots are saved in
//! `target/screenshots/`.

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use serde_json::Value;
use tocsin::demo::FeedServer;

use crate::api::start;
use crate::daemon::{ALERT_TEXT, CALM_TEXT, WARNING_TEXT, daemon_pipeline, http, wait_for};
use crate::util::block_on;

/// The title of the item that tries to run a script: once decoded it is the literal text
/// `<script>document.title='HACKED'</script> Leaflet found`.
const SCRIPT_TITLE: &str = "&amp;lt;script&amp;gt;document.title='HACKED'&amp;lt;/script&amp;gt; Leaflet found";
/// Its text: a script that would add `<p id="pwned">`, then incitement so it is flagged.
const SCRIPT_TEXT: &str = "&amp;lt;script&amp;gt;document.body.insertAdjacentHTML('beforeend','&amp;lt;p id=pwned&amp;gt;pwned&amp;lt;/p&amp;gt;')&amp;lt;/script&amp;gt; The newcomers are cockroaches who eat our land. Take up your machetes and kill them all before they kill us.";
/// How the decoded title reads.
const SCRIPT_TITLE_TEXT: &str = "<script>document.title='HACKED'</script> Leaflet found";

/// One item with its (already escaped) title and text, link and publication time.
struct Entry {
    slug: String,
    title: String,
    text: String,
    published: DateTime<Utc>,
}

fn entry(slug: &str, title: &str, text: &str, published: DateTime<Utc>) -> Entry {
    Entry { slug: slug.into(), title: title.into(), text: text.into(), published }
}

/// An RSS 2.0 document whose titles and texts are written as given (they are XML already).
fn rss(outlet: &str, lang: &str, entries: &[Entry]) -> String {
    let mut x = format!(
        "<?xml version=\"1.0\"?>\n<rss version=\"2.0\"><channel><title>{outlet}</title><link>https://lakeside.example/</link><description>test</description><language>{lang}</language>\n"
    );
    for e in entries {
        let link = if e.slug.starts_with("javascript:") {
            e.slug.clone()
        } else {
            format!("https://lakeside.example/{}", e.slug)
        };
        x.push_str(&format!(
            "<item><title>{}</title><link>{link}</link><guid>{}</guid><description>{}</description><pubDate>{}</pubDate></item>\n",
            e.title,
            e.slug,
            e.text,
            e.published.to_rfc2822()
        ));
    }
    x.push_str("</channel></rss>\n");
    x
}

/// Articles in all the feeds written by [`write_feeds`].
const ARTICLES: u64 = 4 + 28 + 3;

/// The feeds: `a.xml` (a leaflet at alert, a radio piece at warning, calm market news, the
/// script item), `farm.xml` (one "harvest" article a day for 20 days, then 8 today: a spike),
/// `quiet.xml` (three items a month ago: a silent source); `gone.xml` does not exist.
fn write_feeds(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let now = Utc::now();
    let ago = |minutes: i64| now - chrono::Duration::minutes(minutes);
    let a = [
        entry("leaflet", "Leaflet found in the market", ALERT_TEXT, ago(30)),
        entry("radio", "Radio host speaks", WARNING_TEXT, ago(40)),
        entry("market", "Market reopens", CALM_TEXT, ago(50)),
        entry("javascript:alert(1)", SCRIPT_TITLE, SCRIPT_TEXT, ago(20)),
    ];
    std::fs::write(dir.join("a.xml"), rss("Lakeside Herald", "en", &a)).unwrap();
    let mut farm: Vec<Entry> = (1..=20)
        .map(|d| {
            let t = ago(d * 24 * 60);
            entry(
                &format!("harvest-{d}"),
                &format!("Harvest report {d}"),
                "The harvest was good in the valley, farmers said.",
                t,
            )
        })
        .collect();
    farm.extend((0..8).map(|i| {
        entry(
            &format!("harvest-now-{i}"),
            &format!("Harvest festival {i}"),
            "The harvest festival opened with music and dancing.",
            ago(5 + i),
        )
    }));
    std::fs::write(dir.join("farm.xml"), rss("Valley Farmer", "en", &farm)).unwrap();
    let quiet: Vec<Entry> = (0..3)
        .map(|i| entry(&format!("quiet-{i}"), &format!("Old news {i}"), CALM_TEXT, ago((30 - i) * 24 * 60)))
        .collect();
    std::fs::write(dir.join("quiet.xml"), rss("Quiet Courier", "en", &quiet)).unwrap();
}

/// A daemon serving the pages for the feeds of [`write_feeds`], once every article is indexed.
async fn serve(tmp: &Path, token: Option<&str>) -> (crate::api::Running, FeedServer) {
    let feeds = tmp.join("feeds");
    write_feeds(&feeds);
    let server = FeedServer::start(&feeds).await.unwrap();
    let pipeline = daemon_pipeline(tmp, &server.base_url(), &["a.xml", "farm.xml", "quiet.xml", "gone.xml"], "");
    let d = start(&pipeline, token).await;
    let base = d.base.clone();
    let client = http();
    let token = token.map(str::to_string);
    wait_for("every article indexed", Duration::from_secs(120), || {
        let (client, base, token) = (client.clone(), base.clone(), token.clone());
        async move {
            let mut req = client.get(format!("{base}/api/search?limit=1"));
            if let Some(t) = &token {
                req = req.bearer_auth(t);
            }
            let Ok(resp) = req.send().await else { return false };
            let v: Value = serde_json::from_str(&resp.text().await.unwrap_or_default()).unwrap_or_default();
            v["total"].as_u64() == Some(ARTICLES)
        }
    })
    .await;
    (d, server)
}

async fn get(url: &str) -> (u16, String, reqwest::header::HeaderMap) {
    let resp = http().get(url).send().await.unwrap();
    let (status, headers) = (resp.status().as_u16(), resp.headers().clone());
    (status, resp.text().await.unwrap(), headers)
}

async fn page(url: &str) -> String {
    let (status, body, headers) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    assert_eq!(headers["content-type"], "text/html; charset=utf-8", "{url}");
    body
}

async fn api(url: &str) -> Value {
    let (status, body, _) = get(url).await;
    assert_eq!(status, 200, "{url}: {body}");
    serde_json::from_str(&body).unwrap()
}

/// The id of the one article a search finds.
async fn article_id(base: &str, q: &str) -> String {
    let hits = api(&format!("{base}/api/search?q={q}")).await;
    assert_eq!(hits["total"], 1, "{q}: {hits}");
    hits["hits"][0]["id"].as_str().unwrap().to_string()
}

/// How many results a search page says it has ("N articles match", "1 article matches").
fn result_count(html: &str) -> usize {
    if html.contains("No article matches.") {
        return 0;
    }
    if html.contains("1 article matches.") {
        return 1;
    }
    let at = html.find(" articles match.").unwrap_or_else(|| panic!("no result count in {html}"));
    let digits: String = html[..at].chars().rev().take_while(char::is_ascii_digit).collect();
    digits.chars().rev().collect::<String>().parse().unwrap()
}

#[test]
fn pages_answer_over_plain_http_with_filters_escaping_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let (d, _server) = serve(tmp.path(), None).await;
        let base = d.base.clone();

        // The search page: the form, then results with badges and highlighted words.
        let (status, home, headers) = get(&format!("{base}/")).await;
        assert_eq!(status, 200);
        let csp = headers["content-security-policy"].to_str().unwrap();
        assert!(csp.contains("script-src 'self'") && csp.contains("default-src 'none'"), "{csp}");
        for label in
            ["Words to look for", "Language", "Outlet", "Country", "Level", "Kind of evidence", "Published from"]
        {
            assert!(home.contains(&format!(">{label}</label>")), "missing the label {label}");
        }
        assert_eq!(result_count(&home), ARTICLES as usize, "an empty search lists everything");
        let machetes = page(&format!("{base}/?q=machetes")).await;
        assert_eq!(result_count(&machetes), 2, "the leaflet and the script item");
        assert!(machetes.contains(">Leaflet found in the market</a>"));
        assert!(machetes.contains("<mark class=\"hit\">machetes</mark>"), "highlighted snippet");
        assert!(machetes.contains("class=\"badge level-alert\""));
        assert!(!machetes.contains("Market reopens"));

        // Filters: level, language, outlet, category, dates, order, pages.
        assert_eq!(result_count(&page(&format!("{base}/?level=warning")).await), 3);
        assert_eq!(result_count(&page(&format!("{base}/?level=alert")).await), 2);
        assert_eq!(result_count(&page(&format!("{base}/?q=machetes&lang=fr")).await), 0);
        assert_eq!(result_count(&page(&format!("{base}/?outlet=Outlet+farm.xml")).await), 28);
        assert_eq!(result_count(&page(&format!("{base}/?country=cd&category=call_to_action")).await), 2);
        let since = (Utc::now() - chrono::Duration::days(1)).format("%Y-%m-%d").to_string();
        assert_eq!(result_count(&page(&format!("{base}/?q=harvest&since={since}")).await), 9, "8 today, 1 yesterday");
        let until = (Utc::now() - chrono::Duration::days(25)).format("%Y-%m-%d").to_string();
        assert_eq!(result_count(&page(&format!("{base}/?until={until}")).await), 3, "the quiet source");
        let first = page(&format!("{base}/?q=harvest&sort=oldest")).await;
        assert!(first.contains("Harvest report 20") && first.contains("Showing 1–20."), "first page, oldest first");
        assert!(first.contains("rel=\"next\""));
        let second = page(&format!("{base}/?q=harvest&sort=oldest&page=2")).await;
        assert!(second.contains("Showing 21–28.") && second.contains("Harvest festival"), "second page");
        assert!(second.contains("<ol class=\"hits\" start=\"21\">"));
        let menus = page(&format!("{base}/?lang=en")).await;
        assert!(menus.contains("<option value=\"en\" selected>English – en (35)</option>"), "the chosen language");

        // Escaping: the script item shows as text everywhere, its javascript: link is no link.
        for url in [format!("{base}/?q=leaflet"), format!("{base}/alerts")] {
            let html = page(&url).await;
            assert!(
                html.contains("&lt;script&gt;document.title=&#39;HACKED&#39;&lt;/script&gt; Leaflet found")
                    || html.contains("&lt;script&gt;document.title='HACKED'&lt;/script&gt; Leaflet found"),
                "{url}: {html}"
            );
            assert_eq!(html.matches("<script").count(), 1, "only the page's own script in {url}");
            assert!(!html.contains("href=\"javascript:"), "{url}");
        }
        let id = article_id(&base, "HACKED").await;
        let art = page(&format!("{base}/articles/{id}")).await;
        assert_eq!(art.matches("<script").count(), 1, "{art}");
        assert!(art.contains("&lt;script&gt;document.body.insertAdjacentHTML("), "the text shows the script as text");
        assert!(!art.contains("<p id=pwned>") && !art.contains("href=\"javascript:"));

        // The article page: evidence marked, why it was flagged, the original.
        let id = article_id(&base, "%22Leaflet+found+in+the+market%22").await;
        let art = page(&format!("{base}/articles/{id}")).await;
        assert!(art.contains("<h1 dir=\"auto\">Leaflet found in the market</h1>"));
        assert!(art.contains("Why it was flagged") && art.contains("strong, direct incitement to violence"));
        assert!(art.contains("href=\"https://lakeside.example/leaflet\""), "link to the original");
        assert!(art.contains("data-category=\"dehumanisation\""), "{art}");
        assert!(art.contains(">cockroaches</mark>"), "{art}");

        // Trend: an SVG chart with the burst marked as a spike.
        let trend = page(&format!("{base}/trends?q=harvest&interval=day")).await;
        assert!(trend.contains("<svg") && trend.contains("class=\"chart\""), "{trend}");
        assert!(trend.matches("class=\"spike\"").count() >= 1, "{trend}");
        assert!(trend.contains("Show these articles"));
        let by_lang = page(&format!("{base}/trends?q=harvest&by=lang")).await;
        assert!(by_lang.contains(">English</text>"), "the legend names the language");

        // Alerts and sources: the alerts, failing and silent sources marked, subscribe links.
        let alerts = page(&format!("{base}/alerts")).await;
        assert!(alerts.contains(">Leaflet found in the market</a>"));
        assert!(alerts.contains("class=\"source row-failing\""), "gone.xml is failing");
        assert!(alerts.contains("class=\"source row-silent\""), "quiet.xml is silent");
        for feed in ["/feeds/test.atom", "/feeds/test.json", "/feeds/test.cap.xml"] {
            assert!(alerts.contains(&format!("href=\"{feed}\"")), "subscribe link {feed}");
            assert_eq!(get(&format!("{base}{feed}")).await.0, 200, "{feed}");
        }

        // Errors: unknown article, bad query, bad level, unknown pipeline; assets.
        let (status, body, _) = get(&format!("{base}/articles/nope")).await;
        assert_eq!(status, 404);
        assert!(body.contains("No such article") && body.contains("<html"), "{body}");
        let (status, body, _) = get(&format!("{base}/?q=%22unclosed")).await;
        assert_eq!(status, 400);
        assert!(body.contains("This search cannot run."), "{body}");
        assert_eq!(get(&format!("{base}/?level=sky-high")).await.0, 400);
        assert_eq!(get(&format!("{base}/trends?interval=fortnight")).await.0, 400);
        assert_eq!(get(&format!("{base}/?pipeline=nope")).await.0, 404);
        let (status, css, headers) = get(&format!("{base}/assets/style.css")).await;
        assert_eq!((status, headers["content-type"].to_str().unwrap()), (200, "text/css; charset=utf-8"));
        assert!(css.contains("mark.ev"));
        assert_eq!(get(&format!("{base}/assets/app.js")).await.0, 200);
        assert_eq!(get(&format!("{base}/assets/nope.js")).await.0, 404);
        d.stop().await;
    });
}

/// `POST /login` with a form.
fn login(client: &reqwest::Client, base: &str, fields: &[(&str, &str)]) -> reqwest::RequestBuilder {
    let body = url::form_urlencoded::Serializer::new(String::new()).extend_pairs(fields).finish();
    client.post(format!("{base}/login")).header("content-type", "application/x-www-form-urlencoded").body(body)
}

#[test]
fn the_pages_ask_for_the_token_and_remember_it() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(tmp.path().join("feeds")).unwrap();
    std::fs::write(tmp.path().join("feeds/a.xml"), rss("Lakeside Herald", "en", &[])).unwrap();
    block_on(async {
        let server = FeedServer::start(&tmp.path().join("feeds")).await.unwrap();
        let pipeline = daemon_pipeline(tmp.path(), &server.base_url(), &["a.xml"], "");
        let d = start(&pipeline, Some("s3cret")).await;
        let base = d.base.clone();
        let _ = http();
        let client = reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap();

        // Without the token: the page is the token form, the API is JSON; assets are open.
        let resp = client.get(format!("{base}/trends?q=x")).send().await.unwrap();
        assert_eq!(resp.status().as_u16(), 401);
        let form = resp.text().await.unwrap();
        assert!(form.contains("Access token") && form.contains("name=\"next\" value=\"/trends?q=x\""), "{form}");
        assert_eq!(client.get(format!("{base}/api/search")).send().await.unwrap().status().as_u16(), 401);
        assert_eq!(client.get(format!("{base}/assets/style.css")).send().await.unwrap().status().as_u16(), 200);
        assert_eq!(client.get(format!("{base}/")).bearer_auth("s3cret").send().await.unwrap().status().as_u16(), 200);

        // A wrong token is refused; the right one sets a cookie and returns to the page.
        let wrong = login(&client, &base, &[("token", "guess"), ("next", "/")]).send().await.unwrap();
        assert_eq!(wrong.status().as_u16(), 401);
        assert!(wrong.headers().get("set-cookie").is_none());
        let right = login(&client, &base, &[("token", "s3cret"), ("next", "/trends?q=x")]).send().await.unwrap();
        assert_eq!(right.status().as_u16(), 303);
        assert_eq!(right.headers()["location"], "/trends?q=x");
        let cookie = right.headers()["set-cookie"].to_str().unwrap().to_string();
        assert!(
            cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict") && !cookie.contains("s3cret"),
            "{cookie}"
        );
        let session = cookie.split(';').next().unwrap().to_string();
        let with = client.get(format!("{base}/trends?q=x")).header("cookie", &session).send().await.unwrap();
        assert_eq!(with.status().as_u16(), 200);
        let forged = client.get(format!("{base}/")).header("cookie", "tocsin_session=00").send().await.unwrap();
        assert_eq!(forged.status().as_u16(), 401);
        // Never sent elsewhere after signing in.
        let away = login(&client, &base, &[("token", "s3cret"), ("next", "//evil.example/")]).send().await.unwrap();
        assert_eq!(away.headers()["location"], "/");
        d.stop().await;
    });
}

// ---------------------------------------------------------------------------------------
// Headless Chromium.

/// The Chromium binary, or `None` with a message saying why the browser test skips.
fn chromium() -> Option<PathBuf> {
    if let Some(p) = std::env::var_os("TOCSIN_CHROMIUM") {
        return Some(PathBuf::from(p));
    }
    let found = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().map(PathBuf::from).find(|p| p.exists());
    if found.is_none() {
        eprintln!(
            "SKIP: headless Chromium is absent (/usr/bin/chromium): the browser tests need it. \
             Install it with `apt-get install chromium` (.ci/run does), or set TOCSIN_CHROMIUM."
        );
    }
    found
}

/// Where the screenshots go: `target/screenshots/`.
fn screenshots() -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().expect("target dir").join("screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Run Chromium headless with a fresh profile on `url`, with `args`; its stdout.
fn run_chromium(chrome: &Path, args: &[String], url: &str) -> String {
    let profile = tempfile::tempdir().unwrap();
    let mut child = Command::new(chrome)
        .args([
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--hide-scrollbars",
            "--lang=en-GB",
        ])
        .arg(format!("--user-data-dir={}", profile.path().display()))
        .args(args)
        .arg(url)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("cannot start {}: {e}", chrome.display()));
    let start = Instant::now();
    let mut stdout = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        std::io::Read::read_to_string(&mut stdout, &mut s).map(|_| s)
    });
    loop {
        if let Some(status) = child.try_wait().unwrap() {
            let out = reader.join().unwrap().unwrap();
            if !status.success() {
                let mut err = String::new();
                let _ = std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err);
                panic!("chromium failed on {url} ({status}):\n{err}");
            }
            return out;
        }
        if start.elapsed() > Duration::from_secs(90) {
            let _ = child.kill();
            let _ = child.wait();
            panic!("chromium did not finish {url} within 90 s");
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

/// The DOM of `url` after its scripts ran.
async fn dom(chrome: &Path, url: &str) -> String {
    let (chrome, url) = (chrome.to_path_buf(), url.to_string());
    tokio::task::spawn_blocking(move || run_chromium(&chrome, &["--dump-dom".into()], &url)).await.unwrap()
}

/// A screenshot of `url`, 1280 pixels wide, saved as `target/screenshots/{name}.png`.
async fn screenshot(chrome: &Path, url: &str, name: &str, height: u32) -> PathBuf {
    let path = screenshots().join(format!("{name}.png"));
    let _ = std::fs::remove_file(&path);
    let args = vec![format!("--screenshot={}", path.display()), format!("--window-size=1280,{height}")];
    let (chrome, url) = (chrome.to_path_buf(), url.to_string());
    tokio::task::spawn_blocking(move || run_chromium(&chrome, &args, &url)).await.unwrap();
    let png = std::fs::read(&path).unwrap_or_else(|e| panic!("no screenshot {}: {e}", path.display()));
    assert!(png.starts_with(b"\x89PNG") && png.len() > 10_000, "{} is not a real screenshot", path.display());
    path
}

/// Text with tags removed and the serializer's references decoded.
fn text_of(html: &str) -> String {
    let mut out = String::new();
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' if in_tag => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&nbsp;", "\u{a0}")
        .replace("&amp;", "&")
}

/// Every `<mark>` of a DOM: its opening tag and its text (nested marks included).
fn marks(dom: &str) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = dom[from..].find("<mark").map(|i| i + from) {
        let mut quote = None;
        let mut open_end = at;
        for (i, c) in dom[at..].char_indices() {
            match (quote, c) {
                (None, '"' | '\'') => quote = Some(c),
                (Some(q), c) if c == q => quote = None,
                (None, '>') => {
                    open_end = at + i + 1;
                    break;
                }
                _ => {}
            }
        }
        let (mut depth, mut i) = (1, open_end);
        while depth > 0 {
            let next_open = dom[i..].find("<mark").map(|j| j + i);
            let next_close = dom[i..].find("</mark>").map(|j| j + i).expect("a closed mark");
            match next_open {
                Some(o) if o < next_close => {
                    depth += 1;
                    i = o + 5;
                }
                _ => {
                    depth -= 1;
                    i = next_close + 7;
                }
            }
        }
        out.push((dom[at..open_end].to_string(), text_of(&dom[open_end..i - 7])));
        from = open_end;
    }
    out
}

/// The value of attribute `name` in an opening tag.
fn attr<'a>(tag: &'a str, name: &str) -> Option<&'a str> {
    let at = tag.find(&format!(" {name}=\""))? + name.len() + 3;
    tag[at..].find('"').map(|end| &tag[at..at + end])
}

#[test]
fn a_browser_searches_sees_evidence_and_never_runs_feed_scripts() {
    let Some(chrome) = chromium() else { return };
    let tmp = tempfile::tempdir().unwrap();
    block_on(async {
        let (d, _server) = serve(tmp.path(), None).await;
        let base = d.base.clone();

        // The page loads and a search shows the expected results.
        let home = dom(&chrome, &format!("{base}/")).await;
        assert!(home.contains("<title>Search — tocsin</title>"), "{home}");
        let found = dom(&chrome, &format!("{base}/?q=machetes")).await;
        assert_eq!(result_count(&found), 2, "{found}");
        assert!(found.contains(">Leaflet found in the market</a>"));
        assert!(found.contains("<mark class=\"hit\">machetes</mark>"));
        assert!(!found.contains("Market reopens"));
        screenshot(&chrome, &format!("{base}/?q=machetes"), "search", 1600).await;

        // The article: every piece of evidence is in a mark whose text is its words, carrying
        // its category and speech context.
        let id = article_id(&base, "%22Leaflet+found+in+the+market%22").await;
        let evidence =
            api(&format!("{base}/api/articles/{id}")).await["assessment"]["evidence"].as_array().unwrap().clone();
        assert!(evidence.len() >= 3, "{evidence:?}");
        let article = dom(&chrome, &format!("{base}/articles/{id}")).await;
        let found_marks = marks(&article);
        for (i, e) in evidence.iter().enumerate() {
            let n = (i + 1).to_string();
            let (tag, text) = found_marks
                .iter()
                .find(|(tag, _)| attr(tag, "data-evidence").is_some_and(|v| v.split(' ').any(|x| x == n)))
                .unwrap_or_else(|| panic!("no mark for evidence {n} {e}"));
            assert_eq!(text, e["text"].as_str().unwrap(), "the marked text of evidence {n}: {tag}");
            assert!(attr(tag, "data-category").unwrap().split(' ').any(|c| c == e["category"]), "{tag}");
            assert!(attr(tag, "data-speech").unwrap().split(' ').any(|s| s == e["speech"]), "{tag}");
        }
        assert!(found_marks.iter().any(|(_, t)| t == "cockroaches"));
        screenshot(&chrome, &format!("{base}/articles/{id}"), "article", 2000).await;

        // The script item: nothing ran (the title is not "HACKED", no element was added), and
        // both scripts show as text.
        let id = article_id(&base, "HACKED").await;
        for url in [format!("{base}/articles/{id}"), format!("{base}/?q=HACKED"), format!("{base}/alerts")] {
            let page = dom(&chrome, &url).await;
            let title = text_of(&page[page.find("<title>").unwrap()..page.find("</title>").unwrap()]);
            assert_ne!(title.trim(), "HACKED", "a feed script changed the title of {url}");
            assert!(!page.contains("<p id=\"pwned\">"), "a feed script added an element to {url}");
            assert_eq!(page.matches("<script").count(), 1, "only the page's own script element in {url}");
            assert!(text_of(&page).contains(SCRIPT_TITLE_TEXT), "the title shows as text in {url}");
            assert!(!page.contains("href=\"javascript:"), "{url}");
        }
        let script_page = dom(&chrome, &format!("{base}/articles/{id}")).await;
        assert!(text_of(&script_page).contains(&format!("{SCRIPT_TITLE_TEXT} — tocsin")), "the tab title is the text");
        assert!(
            text_of(&script_page)
                .contains("<script>document.body.insertAdjacentHTML('beforeend','<p id=pwned>pwned</p>')</script>")
        );
        screenshot(&chrome, &format!("{base}/articles/{id}"), "script-item", 1400).await;

        // Trend with the spike marked; alerts and sources; the pipeline's subscribe links.
        let trend = dom(&chrome, &format!("{base}/trends?q=harvest&interval=day")).await;
        assert!(trend.matches("class=\"spike\"").count() >= 1, "{trend}");
        screenshot(&chrome, &format!("{base}/trends?q=harvest&interval=day"), "trends", 1500).await;
        screenshot(&chrome, &format!("{base}/trends?by=outlet&since=40d&interval=week"), "trends-by-outlet", 1300)
            .await;
        let alerts = dom(&chrome, &format!("{base}/alerts")).await;
        assert!(alerts.contains("row-failing") && alerts.contains("row-silent"));
        assert!(alerts.contains("href=\"/feeds/test.atom\"") && alerts.contains("href=\"/feeds/test.cap.xml\""));
        screenshot(&chrome, &format!("{base}/alerts"), "alerts", 1800).await;
        d.stop().await;
    });
}
