//! Bytes of a fetched document → UTF-8 text, whatever the server and the document claim.
//!
//! The order is a byte-order mark, then the document's bytes when they are valid UTF-8 (a
//! feed declared `iso-8859-1` whose bytes are valid UTF-8 is almost always UTF-8 mislabelled,
//! and decoding it as Latin-1 would turn every accent into mojibake), then the HTTP
//! `charset`, the XML declaration, an HTML `<meta charset>`, and Windows-1252 last, which
//! decodes anything. UTF-16 and UTF-32 without a mark are recognised from how `<` is spelled.
//! The XML declaration of the result is rewritten to say UTF-8, so the XML parser does not
//! decode a second time.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

/// A document decoded to UTF-8, and how.
#[derive(Debug, Clone, PartialEq)]
pub struct Decoded {
    /// The text, with any XML declaration saying `encoding="utf-8"`.
    pub text: String,
    /// The name of the encoding used (`UTF-8`, `windows-1251`, `UTF-32LE` …).
    pub encoding: &'static str,
    /// True when bytes could not be decoded and were replaced by U+FFFD.
    pub had_errors: bool,
}

/// Decode `body`, with the `Content-Type` header when there is one.
pub fn decode(body: &[u8], content_type: Option<&str>) -> Decoded {
    if let Some(d) = decode_utf32(body) {
        return d;
    }
    let (encoding, skip) = match Encoding::for_bom(body) {
        Some((enc, bom)) => (enc, bom),
        None => (sniff_utf16(body).unwrap_or_else(|| declared(body, content_type)), 0),
    };
    let (text, had_errors) = encoding.decode_without_bom_handling(&body[skip..]);
    Decoded { text: declare_utf8(text).into_owned(), encoding: encoding.name(), had_errors }
}

/// The declared encoding of an ASCII-compatible document, or UTF-8 when its bytes are UTF-8.
fn declared(body: &[u8], content_type: Option<&str>) -> &'static Encoding {
    if std::str::from_utf8(body).is_ok() {
        return UTF_8;
    }
    // The bytes are not UTF-8, so a label saying they are is wrong: skip it.
    let usable = |e: &&'static Encoding| e.is_ascii_compatible() && *e != UTF_8;
    content_type
        .and_then(charset_param)
        .and_then(|l| Encoding::for_label(l.as_bytes()))
        .filter(usable)
        .or_else(|| xml_declared(body).and_then(Encoding::for_label).filter(usable))
        .or_else(|| meta_charset(body).and_then(Encoding::for_label).filter(usable))
        .unwrap_or(WINDOWS_1252)
}

/// `charset` of a `Content-Type` value.
fn charset_param(ct: &str) -> Option<String> {
    ct.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim().eq_ignore_ascii_case("charset").then(|| v.trim().trim_matches(['"', '\'']).to_string())
    })
}

/// `encoding="…"` of the XML declaration at the start of the document.
fn xml_declared(body: &[u8]) -> Option<&[u8]> {
    let head = &body[..body.len().min(256)];
    let start = find(head, b"<?xml")?;
    let end = start + find(&head[start..], b"?>")?;
    attr_value(&head[start..end], b"encoding")
}

/// `<meta charset="…">` or `<meta http-equiv … content="…; charset=…">` in the first 4 KiB.
fn meta_charset(body: &[u8]) -> Option<&[u8]> {
    let head = &body[..body.len().min(4096)];
    let at = find_ci(head, b"charset=")? + b"charset=".len();
    let rest = &head[at..];
    let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
    let len = rest.iter().position(|b| !(b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':')))?;
    (len > 0).then(|| &rest[..len])
}

fn attr_value<'a>(tag: &'a [u8], name: &[u8]) -> Option<&'a [u8]> {
    let at = find(tag, name)? + name.len();
    let rest = &tag[at..];
    let eq = rest.iter().position(|b| *b == b'=')?;
    let rest = rest[eq + 1..].trim_ascii_start();
    let quote = *rest.first().filter(|q| matches!(q, b'"' | b'\''))?;
    let end = rest[1..].iter().position(|b| *b == quote)?;
    Some(&rest[1..1 + end])
}

/// UTF-16 without a byte-order mark, recognised by `<?` or `<r`/`<f` spelled with NULs.
fn sniff_utf16(body: &[u8]) -> Option<&'static Encoding> {
    match body {
        [0, b'<', 0, c, ..] if c.is_ascii_graphic() => Some(UTF_16BE),
        [b'<', 0, c, 0, ..] if c.is_ascii_graphic() => Some(UTF_16LE),
        _ => None,
    }
}

/// UTF-32 (which encoding_rs does not decode), with or without a byte-order mark.
fn decode_utf32(body: &[u8]) -> Option<Decoded> {
    let (big_endian, skip) = match body {
        [0, 0, 0xFE, 0xFF, ..] => (true, 4),
        [0xFF, 0xFE, 0, 0, ..] => (false, 4),
        [0, 0, 0, b'<', ..] => (true, 0),
        [b'<', 0, 0, 0, ..] => (false, 0),
        _ => return None,
    };
    let mut had_errors = false;
    let text: String = body[skip..]
        .chunks(4)
        .map(|c| {
            let bytes: [u8; 4] = c.try_into().unwrap_or([0, 0, 0xFF, 0xFD]);
            let n = if big_endian { u32::from_be_bytes(bytes) } else { u32::from_le_bytes(bytes) };
            char::from_u32(n).unwrap_or_else(|| {
                had_errors = true;
                '\u{FFFD}'
            })
        })
        .collect();
    let encoding = if big_endian { "UTF-32BE" } else { "UTF-32LE" };
    Some(Decoded { text: declare_utf8(Cow::Owned(text)).into_owned(), encoding, had_errors })
}

/// Rewrite the XML declaration's encoding to UTF-8, since the text now is.
fn declare_utf8(text: Cow<'_, str>) -> Cow<'_, str> {
    let mut head_len = text.len().min(256);
    while !text.is_char_boundary(head_len) {
        head_len -= 1;
    }
    let head = &text[..head_len];
    let Some(start) = head.find("<?xml") else { return text };
    let Some(end) = head[start..].find("?>").map(|e| start + e) else { return text };
    let decl = &head[start..end];
    let Some(at) = decl.find("encoding") else { return text };
    let rest = &decl[at..];
    let Some(q1) = rest.find(['"', '\'']) else { return text };
    let quote = rest.as_bytes()[q1] as char;
    let Some(len) = rest[q1 + 1..].find(quote) else { return text };
    let (from, to) = (start + at + q1 + 1, start + at + q1 + 1 + len);
    let mut out = String::with_capacity(text.len());
    out.push_str(&text[..from]);
    out.push_str("utf-8");
    out.push_str(&text[to..]);
    Cow::Owned(out)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn find_ci(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn valid_utf8_declared_latin1_stays_utf8() {
        let doc = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><rss><title>Café</title></rss>";
        let d = decode(doc.as_bytes(), Some("text/xml; charset=iso-8859-1"));
        assert_eq!(d.encoding, "UTF-8");
        assert!(d.text.contains("Café"));
        assert!(d.text.contains("encoding=\"utf-8\""), "{}", d.text);
    }

    #[test]
    fn latin1_from_header_then_declaration_then_meta() {
        let body = b"<?xml version=\"1.0\"?><rss><title>Caf\xe9</title></rss>";
        assert!(decode(body, Some("application/xml; charset=\"iso-8859-1\"")).text.contains("Café"));
        let (cyr, _, _) =
            encoding_rs::WINDOWS_1251.encode("<?xml version='1.0' encoding='windows-1251'?><t>Привет</t>");
        let d = decode(&cyr, None);
        assert_eq!(d.encoding, "windows-1251");
        assert!(d.text.contains("Привет") && d.text.contains("encoding='utf-8'"), "{}", d.text);
        let (koi, _, _) = encoding_rs::KOI8_R.encode("<html><head><meta charset=\"koi8-r\"></head>Мир</html>");
        assert!(decode(&koi, Some("text/html")).text.contains("Мир"));
    }

    #[test]
    fn utf16_and_utf32_with_and_without_marks() {
        let s = "<?xml version=\"1.0\" encoding=\"utf-16\"?><rss>é</rss>";
        let le: Vec<u8> = s.encode_utf16().flat_map(u16::to_le_bytes).collect();
        let be: Vec<u8> = s.encode_utf16().flat_map(u16::to_be_bytes).collect();
        assert!(decode(&le, None).text.ends_with("<rss>é</rss>"));
        assert!(decode(&be, None).text.contains("encoding=\"utf-8\""));
        let mut bom = vec![0xFF, 0xFE];
        bom.extend(&le);
        assert_eq!(decode(&bom, None).encoding, "UTF-16LE");
        let be32: Vec<u8> = s.chars().flat_map(|c| (c as u32).to_be_bytes()).collect();
        assert_eq!(decode(&be32, None).text, s.replace("utf-16", "utf-8"));
    }

    #[test]
    fn undecodable_bytes_fall_back_to_windows_1252() {
        let d = decode(b"<rss>\x93quoted\x94</rss>", None);
        assert_eq!(d.text, "<rss>\u{201c}quoted\u{201d}</rss>");
        let d = decode(b"<rss>Caf\xe9</rss>", Some("text/xml; charset=utf-8"));
        assert_eq!(d.text, "<rss>Caf\u{e9}</rss>", "a false UTF-8 label is ignored");
    }
}
