//! The copy-cataloging client: searches another library's SRU server by ISBN, title or author
//! and reads the MARCXML records it sends back with the MARC engine.
//!
//! - The CQL is built here ([`cql_for`]): an ISBN is checked and normalized with core's
//!   identifiers module and asked for in both its ISBN-13 and ISBN-10 forms; words go in
//!   quotes with CQL's special characters escaped, with `all` (every word, any order).
//! - HTTP is `ureq` (blocking, with connect and overall timeouts), so the desktop app calls it
//!   from a command thread and the CLI directly.
//! - The answer is decoded from the charset it declares ([`decode`]) and read namespace-aware
//!   (SRU 1.1/1.2 and 2.0), whatever prefixes the target uses: a target that does not
//!   answer, answers HTTP errors, answers something that is not SRU, or answers with
//!   diagnostics gives a [`SruError`] that says which; a record that does not parse is listed
//!   in `problems` and the others are kept, with what the MARC reader had to repair in them.
//! - [`fetch_one`] gets the one record an import asked for, or says why it cannot: never
//!   another record in its place.
//!
//! This module never writes to a catalog: importing a chosen record is core's
//! `catalog::copy::import_one`.

use std::time::Duration;

use quick_xml::events::Event;
use quick_xml::name::{Namespace, ResolveResult};
use quick_xml::reader::NsReader;
use shelfmark_core::api::{CopyHit, CopyQuery, CopySearchPage, CopyTarget};
use shelfmark_core::catalog::editing;
use shelfmark_core::catalog::extract::Extracted;
use shelfmark_core::catalog::identifiers::normalize_isbn;
use shelfmark_marc::{Record, marcxml};

use crate::diagnostic::Diagnostic;

/// How long to wait for a target to accept the connection.
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
/// How long a whole request may take, answer included.
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);
/// The most records asked for in one page.
pub const MAX_PAGE: u32 = 50;

const SRU_NAMESPACES: [&str; 2] = [
    "http://www.loc.gov/zing/srw/",
    "http://docs.oasis-open.org/ns/search-ws/sruResponse",
];

#[derive(Debug, thiserror::Error)]
pub enum SruError {
    #[error("the search is not valid: {reason}")]
    InvalidQuery { reason: String },
    #[error(
        "the SRU target at {url} did not answer ({detail}); check the address and the network, or try again later"
    )]
    Unreachable { url: String, detail: String },
    #[error("the SRU target at {url} did not answer within {seconds} seconds; try again later")]
    Timeout { url: String, seconds: u64 },
    #[error("the SRU target at {url} answered HTTP {status}{}", http_hint(*status))]
    Http { url: String, status: u16 },
    #[error("{url} did not answer with SRU ({detail}); check the target's base URL and version")]
    NotSru { url: String, detail: String },
    #[error("the SRU target at {url} refused the search: {}", list(.diagnostics))]
    Diagnostics {
        url: String,
        diagnostics: Vec<Diagnostic>,
    },
    #[error(
        "the target gave no record number {number} (it has {total}){}",
        unreadable_note(.problems)
    )]
    NoSuchRecord {
        number: u64,
        total: u64,
        /// Why the records it did send could not be read, when that is why.
        problems: Vec<String>,
    },
    #[error(
        "the target gave no record number {number} (it has {total}): asked for record {number}, it answered with record {given}, so it does not page (it ignores startRecord); narrow the search so the record you want comes first"
    )]
    WrongPosition { number: u64, total: u64, given: u64 },
}

/// What an HTTP status says to check: the address only when the target said there is nothing
/// there; a 5xx is the target's own failure, which no change of ours mends.
fn http_hint(status: u16) -> &'static str {
    match status {
        404 | 410 => " (nothing there); check the target's base URL",
        401 | 403 => {
            " (access refused); the target may need a login or allow only some addresses: ask the library that runs it"
        }
        429 | 503 => " (busy or down for now); try again later",
        500..=599 => {
            " (it failed on its side); try again later, and tell the library that runs it if it goes on"
        }
        _ => "; check the target's base URL and SRU version",
    }
}

fn unreadable_note(problems: &[String]) -> String {
    if problems.is_empty() {
        String::new()
    } else {
        format!("; {}", problems.join("; "))
    }
}

fn list(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("; ")
}

/// A record a target sent, read by the MARC engine, with its summary.
#[derive(Debug, Clone)]
pub struct CopyRecord {
    /// Its number in the target's result set, from 1: the target's `recordPosition`, or
    /// counted from the page's start when the target gives none.
    pub position: u64,
    /// Whether the target said the position (`recordPosition`) or it was counted.
    pub position_given: bool,
    pub record: Record,
    /// What the MARC reader had to mend in the record as the target sent it (a missing
    /// leader, a tag "24" read as "024"); importing counts these as errors.
    pub repairs: Vec<shelfmark_marc::Diagnostic>,
    pub summary: CopyHit,
}

/// One page of a target's answer.
#[derive(Debug, Clone)]
pub struct CopyResults {
    /// The CQL sent.
    pub query: String,
    pub total: u64,
    pub start: u64,
    pub records: Vec<CopyRecord>,
    /// Records that could not be read, surrogate and non-fatal diagnostics.
    pub problems: Vec<String>,
}

impl CopyResults {
    /// As the CLI's `--json` and the desktop app show it.
    pub fn to_page(&self, target: &str) -> CopySearchPage {
        CopySearchPage {
            target: target.to_string(),
            query: self.query.clone(),
            total: self.total,
            start: self.start,
            hits: self.records.iter().map(|r| r.summary.clone()).collect(),
            problems: self.problems.clone(),
        }
    }
}

/// A CQL term: quoted, with `"`, `\`, and the masking and anchoring characters escaped so the
/// target searches them as written.
fn quoted(term: &str) -> String {
    let mut out = String::with_capacity(term.len() + 2);
    out.push('"');
    for c in term.chars() {
        if matches!(c, '"' | '\\' | '*' | '?' | '^') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

/// The ISBN-10 form of an ISBN-13 that has one (978 prefix).
fn isbn10(isbn13: &str) -> Option<String> {
    let core = isbn13.strip_prefix("978")?.get(..9)?;
    let sum: u32 = core
        .chars()
        .enumerate()
        .map(|(i, c)| c.to_digit(10).map_or(0, |d| d * (10 - i as u32)))
        .sum();
    let check = (11 - sum % 11) % 11;
    let check = if check == 10 {
        'X'
    } else {
        char::from_digit(check, 10)?
    };
    Some(format!("{core}{check}"))
}

/// The CQL for a copy-cataloging search.
pub fn cql_for(query: &CopyQuery) -> Result<String, SruError> {
    let words = |what: &str, v: &str| -> Result<String, SruError> {
        let v = v.split_whitespace().collect::<Vec<_>>().join(" ");
        if v.is_empty() {
            return Err(SruError::InvalidQuery {
                reason: format!("the {what} is empty; type words to look for"),
            });
        }
        Ok(v)
    };
    match query {
        CopyQuery::Isbn(raw) => {
            let isbn = normalize_isbn(raw).map_err(|p| SruError::InvalidQuery {
                reason: format!("the ISBN {:?} {p}", raw.trim()),
            })?;
            Ok(match isbn10(&isbn) {
                Some(ten) => format!("bath.isbn={} or bath.isbn={}", quoted(&isbn), quoted(&ten)),
                None => format!("bath.isbn={}", quoted(&isbn)),
            })
        }
        CopyQuery::Title(t) => Ok(format!("dc.title all {}", quoted(&words("title", t)?))),
        CopyQuery::Author(a) => Ok(format!("dc.creator all {}", quoted(&words("author", a)?))),
    }
}

/// Searches a target: one page of up to `max` records (at most [`MAX_PAGE`]) from `start`
/// (from 1).
pub fn search(
    target: &CopyTarget,
    query: &CopyQuery,
    start: u64,
    max: u32,
) -> Result<CopyResults, SruError> {
    let cql = cql_for(query)?;
    let start = start.max(1);
    let max = max.clamp(1, MAX_PAGE);
    let url = target.base_url.trim().to_string();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_connect(Some(CONNECT_TIMEOUT))
        .timeout_global(Some(REQUEST_TIMEOUT))
        .http_status_as_error(false)
        .build()
        .into();
    let mut request = agent
        .get(&url)
        .query("version", target.version.trim())
        .query("operation", "searchRetrieve")
        .query("query", &cql)
        .query("startRecord", start.to_string())
        .query("maximumRecords", max.to_string())
        .query("recordSchema", target.record_schema.trim());
    request = if target.version.trim() == "2.0" {
        request.query("recordXMLEscaping", "xml")
    } else {
        request.query("recordPacking", "xml")
    };
    let mut response = request.call().map_err(|e| match e {
        ureq::Error::Timeout(_) => SruError::Timeout {
            url: url.clone(),
            seconds: REQUEST_TIMEOUT.as_secs(),
        },
        other => SruError::Unreachable {
            url: url.clone(),
            detail: other.to_string(),
        },
    })?;
    let status = response.status().as_u16();
    if status != 200 {
        return Err(SruError::Http { url, status });
    }
    let content_type = response
        .headers()
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let bytes = response
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_vec()
        .map_err(|e| match e {
            ureq::Error::Timeout(_) => SruError::Timeout {
                url: url.clone(),
                seconds: REQUEST_TIMEOUT.as_secs(),
            },
            other => SruError::NotSru {
                url: url.clone(),
                detail: format!("the answer could not be read: {other}"),
            },
        })?;
    let body = decode(&bytes, content_type.as_deref()).map_err(|detail| SruError::NotSru {
        url: url.clone(),
        detail,
    })?;
    let mut results = read_page(&body, start).map_err(|e| match e {
        ReadError::NotSru(detail) => SruError::NotSru {
            url: url.clone(),
            detail,
        },
        ReadError::Diagnostics(diagnostics) => SruError::Diagnostics {
            url: url.clone(),
            diagnostics,
        },
    })?;
    results.query = cql;
    results.start = start;
    Ok(results)
}

/// The text of an answer: decoded from the charset its byte-order mark, the HTTP
/// `Content-Type` or its XML declaration names (in that order, as XML says; UTF-8 when none
/// does), then put in Unicode's composed form (NFC), as the catalog keeps all text.
pub fn decode(bytes: &[u8], content_type: Option<&str>) -> Result<String, String> {
    let label = |name: &str| {
        encoding_rs::Encoding::for_label(name.trim().trim_matches(['"', '\'']).as_bytes())
            .ok_or_else(|| format!("the answer is in the character set {name:?}, which is unknown"))
    };
    let (encoding, bom) = match encoding_rs::Encoding::for_bom(bytes) {
        Some(found) => found,
        None => {
            let from_header = content_type.and_then(|t| {
                t.split(';').find_map(|p| {
                    let (k, v) = p.split_once('=')?;
                    k.trim().eq_ignore_ascii_case("charset").then_some(v)
                })
            });
            match from_header.or_else(|| declared_encoding(bytes)) {
                Some(name) => (label(name)?, 0),
                None => (encoding_rs::UTF_8, 0),
            }
        }
    };
    let text = encoding
        .decode_without_bom_handling_and_without_replacement(&bytes[bom..])
        .ok_or_else(|| {
            format!(
                "the answer is not valid {} text, as it says it is",
                encoding.name()
            )
        })?;
    Ok(nfc_keeping_markup(&text))
}

/// NFC of a document's text, never across its markup: each run between `<` and `>` on its
/// own, so a text that begins with a combining mark stays apart from the `>` before it
/// (U+0338 after `>` composes to `≯`, which would break the tag).
fn nfc_keeping_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for piece in text.split_inclusive(['<', '>']) {
        let (run, markup) = match piece.strip_suffix(['<', '>']) {
            Some(run) => (run, &piece[run.len()..]),
            None => (piece, ""),
        };
        out.push_str(&shelfmark_core::text::nfc(run));
        out.push_str(markup);
    }
    out
}

/// The `encoding` of an XML declaration at the very start (ASCII-compatible charsets only:
/// the others come with a byte-order mark).
fn declared_encoding(bytes: &[u8]) -> Option<&str> {
    let head = bytes.strip_prefix(b"<?xml")?;
    let end = head.windows(2).take(200).position(|w| w == b"?>")?;
    let decl = std::str::from_utf8(&head[..end]).ok()?;
    let rest = decl
        .split_once("encoding")?
        .1
        .trim_start()
        .strip_prefix('=')?;
    let rest = rest.trim_start();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    rest[1..].split(quote).next()
}

/// Fetches record number `number` (from 1) of a search, for importing it: refused when the
/// target has fewer, when the one it sends is not that one (a target that ignores
/// `startRecord` answers with its first record whatever is asked), or when it cannot be read.
pub fn fetch_one(
    target: &CopyTarget,
    query: &CopyQuery,
    number: u64,
) -> Result<CopyRecord, SruError> {
    let number = number.max(1);
    let results = search(target, query, number, 1)?;
    pick(results, number)
}

/// Record `number` of a page asked for from `number`, or why not.
fn pick(results: CopyResults, number: u64) -> Result<CopyRecord, SruError> {
    let total = results.total;
    if number > total {
        return Err(SruError::NoSuchRecord {
            number,
            total,
            problems: Vec::new(),
        });
    }
    if let Some(given) = results
        .records
        .iter()
        .find(|r| r.position_given && r.position != number)
        .map(|r| r.position)
        && !results.records.iter().any(|r| r.position == number)
    {
        return Err(SruError::WrongPosition {
            number,
            total,
            given,
        });
    }
    let CopyResults {
        records, problems, ..
    } = results;
    records
        .into_iter()
        .find(|r| r.position == number)
        .ok_or(SruError::NoSuchRecord {
            number,
            total,
            problems,
        })
}

/// Why a response could not be taken.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    NotSru(String),
    /// Diagnostics and no records: the search failed.
    Diagnostics(Vec<Diagnostic>),
}

/// One `zs:record` as read.
#[derive(Default)]
struct Raw {
    schema: String,
    data: Option<String>,
    position: Option<u64>,
}

fn is_sru(ns: &ResolveResult) -> bool {
    matches!(ns, ResolveResult::Bound(Namespace(n)) if SRU_NAMESPACES.contains(n))
}

/// Reads an SRU searchRetrieve response (1.1, 1.2 or 2.0). Pure: the tests feed it text.
pub fn read_response(body: &str) -> Result<CopyResults, ReadError> {
    read_page(body, 1)
}

/// Reads a page asked for from `start`: a record without `recordPosition` is counted from it.
fn read_page(body: &str, start: u64) -> Result<CopyResults, ReadError> {
    // quick-xml steps over a byte-order mark, but the spans it reports then start after it
    // while `body` still holds it: every recordData would be cut 3 bytes off. Read without it.
    let body = body.strip_prefix('\u{feff}').unwrap_or(body);
    let mut reader = NsReader::from_str(body);
    let mut total: Option<u64> = None;
    let mut raws: Vec<Raw> = Vec::new();
    let mut current: Option<Raw> = None;
    let mut diagnostics: Vec<Diagnostic> = Vec::new();
    let mut root_seen = false;
    // The SRU element whose text is being collected.
    let mut collecting: Option<&'static str> = None;
    let mut text = String::new();
    let mut in_diagnostics = false;
    let mut diag_parts: Option<(String, Option<String>, String)> = None;
    let mut diag_field: Option<&'static str> = None;
    loop {
        let event = reader
            .read_resolved_event()
            .map_err(|e| ReadError::NotSru(format!("the XML is malformed: {e}")))?;
        match event {
            (ns, Event::Start(start)) => {
                let local = start.local_name();
                let local = local.as_ref();
                if !root_seen {
                    root_seen = true;
                    if local != "searchRetrieveResponse" {
                        return Err(ReadError::NotSru(format!(
                            "the answer is <{}>, not an SRU searchRetrieveResponse",
                            start.name().as_ref()
                        )));
                    }
                    continue;
                }
                if in_diagnostics {
                    match local {
                        "diagnostic" => diag_parts = Some((String::new(), None, String::new())),
                        "uri" => diag_field = Some("uri"),
                        "details" => diag_field = Some("details"),
                        "message" => diag_field = Some("message"),
                        _ => {}
                    }
                    text.clear();
                    continue;
                }
                if !is_sru(&ns) {
                    continue;
                }
                match local {
                    "numberOfRecords" if current.is_none() => collecting = Some("numberOfRecords"),
                    "record" => current = Some(Raw::default()),
                    "recordSchema" if current.is_some() => collecting = Some("recordSchema"),
                    "recordPosition" if current.is_some() => collecting = Some("recordPosition"),
                    "recordData" if current.is_some() => {
                        let span = reader
                            .read_to_end(start.name())
                            .map_err(|e| ReadError::NotSru(format!("the XML is malformed: {e}")))?;
                        let inner = usize::try_from(span.start)
                            .ok()
                            .zip(usize::try_from(span.end).ok())
                            .and_then(|(a, b)| body.get(a..b))
                            .unwrap_or("");
                        if let Some(raw) = current.as_mut() {
                            raw.data = Some(inner.to_string());
                        }
                    }
                    "diagnostics" if current.is_none() => in_diagnostics = true,
                    _ => {}
                }
                text.clear();
            }
            (_, Event::Text(t)) => text.push_str(&t.xml10_content()),
            (_, Event::CData(t)) => text.push_str(&t.xml10_content()),
            (_, Event::GeneralRef(r)) => match r.resolve_char_ref() {
                Ok(Some(c)) => text.push(c),
                _ => text.push_str(match &*r {
                    "lt" => "<",
                    "gt" => ">",
                    "amp" => "&",
                    "quot" => "\"",
                    "apos" => "'",
                    _ => "",
                }),
            },
            (_, Event::End(end)) => {
                let local = end.local_name();
                let local = local.as_ref();
                if in_diagnostics {
                    match (local, diag_field, diag_parts.as_mut()) {
                        ("diagnostics", _, _) => in_diagnostics = false,
                        ("diagnostic", _, Some(_)) => {
                            if let Some((uri, details, message)) = diag_parts.take() {
                                diagnostics.push(diagnostic_of(&uri, details, &message));
                            }
                        }
                        (_, Some(field), Some(parts)) => {
                            let value = text.trim().to_string();
                            match field {
                                "uri" => parts.0 = value,
                                "details" => parts.1 = Some(value),
                                _ => parts.2 = value,
                            }
                            diag_field = None;
                        }
                        _ => {}
                    }
                    continue;
                }
                match (collecting.take(), current.as_mut()) {
                    (Some("numberOfRecords"), _) => {
                        total = Some(text.trim().parse().map_err(|_| {
                            ReadError::NotSru(format!(
                                "numberOfRecords is {:?}, not a number",
                                text.trim()
                            ))
                        })?);
                    }
                    (Some("recordSchema"), Some(raw)) => raw.schema = text.trim().to_string(),
                    (Some("recordPosition"), Some(raw)) => raw.position = text.trim().parse().ok(),
                    _ => {}
                }
                if local == "record" && current.is_some() {
                    raws.extend(current.take());
                }
                text.clear();
            }
            (_, Event::Eof) => break,
            _ => {}
        }
    }
    if !root_seen {
        return Err(ReadError::NotSru("the answer is empty or not XML".into()));
    }
    let Some(total) = total else {
        if !diagnostics.is_empty() {
            return Err(ReadError::Diagnostics(diagnostics));
        }
        return Err(ReadError::NotSru(
            "the answer has no numberOfRecords".into(),
        ));
    };
    if raws.is_empty() && !diagnostics.is_empty() && diagnostics.iter().any(fatal) {
        return Err(ReadError::Diagnostics(diagnostics));
    }
    let mut problems: Vec<String> = diagnostics.iter().map(Diagnostic::to_string).collect();
    let mut records = Vec::new();
    for (i, raw) in raws.into_iter().enumerate() {
        let position_given = raw.position.is_some();
        let position = raw.position.unwrap_or(start.saturating_add(i as u64));
        let data = raw.data.unwrap_or_default();
        if raw.schema.contains("diagnostic") {
            problems.push(format!(
                "record {position}: the target could not send it ({})",
                surrogate(&data)
            ));
            continue;
        }
        match record_of(&data) {
            Ok((record, repairs)) => {
                let summary = summary(position, &record);
                if !repairs.is_empty() {
                    problems.push(format!(
                        "record {position}: its MARCXML had to be repaired to be read: {}",
                        repairs
                            .iter()
                            .map(|d| d.message.as_str())
                            .collect::<Vec<_>>()
                            .join("; ")
                    ));
                }
                records.push(CopyRecord {
                    position,
                    position_given,
                    repairs,
                    record,
                    summary,
                });
            }
            Err(why) => problems.push(format!("record {position}: {why}")),
        }
    }
    Ok(CopyResults {
        query: String::new(),
        total,
        start,
        records,
        problems,
    })
}

/// Diagnostic 61 (first record out of range) comes with a count; others mean the search
/// failed.
fn fatal(d: &Diagnostic) -> bool {
    d.number != crate::diagnostic::FIRST_RECORD_OUT_OF_RANGE
}

fn diagnostic_of(uri: &str, details: Option<String>, message: &str) -> Diagnostic {
    let number = Diagnostic::number_of(uri).unwrap_or(0);
    let message = if message.is_empty() {
        Diagnostic::standard_message(number).to_string()
    } else {
        message.to_string()
    };
    Diagnostic {
        number,
        details: details.filter(|d| !d.is_empty()),
        message,
    }
}

/// A surrogate diagnostic's message, for the problem list.
fn surrogate(xml: &str) -> String {
    let mut reader = NsReader::from_str(xml);
    let mut text = String::new();
    let mut parts = Vec::new();
    while let Ok((_, event)) = reader.read_resolved_event() {
        match event {
            Event::Text(t) => text.push_str(&t.xml10_content()),
            Event::End(_) => {
                let t = text.trim();
                if !t.is_empty() {
                    parts.push(t.to_string());
                }
                text.clear();
            }
            Event::Eof => break,
            _ => {}
        }
    }
    parts.join(": ")
}

/// The MARCXML in a `recordData` (escaped as a string or as XML) read by the MARC engine.
/// With what the reader had to repair.
fn record_of(data: &str) -> Result<(Record, Vec<shelfmark_marc::Diagnostic>), String> {
    let trimmed = data.trim();
    // XML-packed, the record is markup; string-packed (SRU 1.x recordPacking=string, 2.0
    // recordXMLEscaping=string), it is text: escaped, in CDATA sections, or both.
    let packed_as_string = !trimmed.starts_with('<') || trimmed.starts_with("<![CDATA[");
    let unpacked;
    let xml = if packed_as_string {
        unpacked = text_of(trimmed)?;
        unpacked.trim()
    } else {
        trimmed
    };
    if xml.is_empty() {
        return Err("the target sent an empty record".into());
    }
    let mut reader = marcxml::Reader::new(xml.as_bytes());
    match reader.next() {
        Some(Ok(decoded)) => Ok((decoded.record, decoded.warnings)),
        Some(Err(d)) => Err(format!("not a readable MARCXML record: {}", d.message)),
        None => Err("no MARCXML record in it (is the record schema marcxml?)".into()),
    }
}

/// The text a string-packed `recordData` holds: its character data with references resolved
/// and CDATA sections taken as written.
fn text_of(fragment: &str) -> Result<String, String> {
    let mut reader = NsReader::from_str(fragment);
    let mut out = String::with_capacity(fragment.len());
    loop {
        match reader.read_event() {
            Ok(Event::Text(t)) => out.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) => out.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) => match r.resolve_char_ref() {
                Ok(Some(c)) => out.push(c),
                _ => match &*r {
                    "lt" => out.push('<'),
                    "gt" => out.push('>'),
                    "amp" => out.push('&'),
                    "quot" => out.push('"'),
                    "apos" => out.push('\''),
                    other => {
                        return Err(format!(
                            "the escaped record uses the unknown entity &{other};"
                        ));
                    }
                },
            },
            Ok(Event::Eof) => return Ok(out),
            Ok(_) => {}
            Err(e) => return Err(format!("the escaped record is not valid: {e}")),
        }
    }
}

/// A record's summary for the result list, from core's one extraction.
pub fn summary(position: u64, record: &Record) -> CopyHit {
    let e = Extracted::of(record);
    CopyHit {
        position,
        title: e.title.clone(),
        author: e.authors.first().cloned(),
        publisher: e.publisher.clone(),
        year: e.year,
        isbns: e.isbns.clone(),
        control_number: e.control_number.clone(),
        record: editing::to_api(record),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cql_for_each_kind_of_search() {
        assert_eq!(
            cql_for(&CopyQuery::Isbn("0-306-40615-2".into())).expect("cql"),
            "bath.isbn=\"9780306406157\" or bath.isbn=\"0306406152\""
        );
        assert_eq!(
            cql_for(&CopyQuery::Isbn("979-10-90636-07-1".into())).expect("cql"),
            "bath.isbn=\"9791090636071\""
        );
        assert_eq!(
            cql_for(&CopyQuery::Title("  Truyện   Kiều ".into())).expect("cql"),
            "dc.title all \"Truyện Kiều\""
        );
        assert_eq!(
            cql_for(&CopyQuery::Author("say \"hi\" C*".into())).expect("cql"),
            r#"dc.creator all "say \"hi\" C\*""#
        );
        assert!(matches!(
            cql_for(&CopyQuery::Isbn("12345".into())),
            Err(SruError::InvalidQuery { .. })
        ));
        assert!(matches!(
            cql_for(&CopyQuery::Title("  ".into())),
            Err(SruError::InvalidQuery { .. })
        ));
        // What the client sends, our own parser reads.
        for q in [
            CopyQuery::Isbn("0306406152".into()),
            CopyQuery::Title("a \"b\" c*".into()),
        ] {
            let cql = cql_for(&q).expect("cql");
            let tree = crate::cql::parse(&cql).expect("parses");
            crate::mapping::map(&tree).expect("maps");
        }
    }

    #[test]
    fn isbn10_of_isbn13() {
        assert_eq!(isbn10("9780306406157").as_deref(), Some("0306406152"));
        assert_eq!(isbn10("9780804429573").as_deref(), Some("080442957X"));
        assert_eq!(isbn10("9791090636071"), None);
    }

    const V12: &str = r#"<?xml version="1.0"?>
<zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version>
<zs:numberOfRecords>7</zs:numberOfRecords><zs:records>
<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking>
<zs:recordData><record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader>
<controlfield tag="001">x1</controlfield>
<datafield tag="020" ind1=" " ind2=" "><subfield code="a">0306406152</subfield></datafield>
<datafield tag="245" ind1="1" ind2="0"><subfield code="a">Truyện Kiều &amp; thơ</subfield></datafield></record></zs:recordData>
<zs:recordPosition>3</zs:recordPosition></zs:record>
<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema><zs:recordPacking>string</zs:recordPacking>
<zs:recordData>&lt;record xmlns="http://www.loc.gov/MARC21/slim"&gt;&lt;leader&gt;00000nam a2200000 a 4500&lt;/leader&gt;&lt;datafield tag="245" ind1="0" ind2="0"&gt;&lt;subfield code="a"&gt;Escaped&lt;/subfield&gt;&lt;/datafield&gt;&lt;/record&gt;</zs:recordData>
<zs:recordPosition>4</zs:recordPosition></zs:record>
<zs:record><zs:recordSchema>info:srw/schema/1/diagnostics-v1.1</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking>
<zs:recordData><diagnostic xmlns="http://www.loc.gov/zing/srw/diagnostic/"><uri>info:srw/diagnostic/1/64</uri><message>Record temporarily unavailable</message></diagnostic></zs:recordData>
<zs:recordPosition>5</zs:recordPosition></zs:record>
<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema><zs:recordPacking>xml</zs:recordPacking>
<zs:recordData><dc xmlns="http://purl.org/dc/elements/1.1/"><title>Not MARC</title></dc></zs:recordData>
<zs:recordPosition>6</zs:recordPosition></zs:record>
</zs:records></zs:searchRetrieveResponse>"#;

    #[test]
    fn reads_records_escaped_or_not_and_lists_the_rest_as_problems() {
        let r = read_response(V12).expect("reads");
        assert_eq!(r.total, 7);
        assert_eq!(r.records.len(), 2);
        assert_eq!(r.records[0].position, 3);
        assert_eq!(r.records[0].summary.title, "Truyện Kiều & thơ");
        assert_eq!(r.records[0].summary.isbns, ["9780306406157"]);
        assert_eq!(r.records[1].summary.title, "Escaped");
        assert_eq!(r.problems.len(), 2, "{:?}", r.problems);
        assert!(r.problems[0].contains("record 5"), "{:?}", r.problems);
        assert!(r.problems[0].contains("temporarily unavailable"));
        assert!(r.problems[1].contains("record 6"));
    }

    #[test]
    fn fatal_diagnostics_and_non_sru_answers_are_errors() {
        let v20 = r#"<sru:searchRetrieveResponse xmlns:sru="http://docs.oasis-open.org/ns/search-ws/sruResponse">
<sru:numberOfRecords>0</sru:numberOfRecords><sru:diagnostics>
<d:diagnostic xmlns:d="http://docs.oasis-open.org/ns/search-ws/diagnostic"><d:uri>info:srw/diagnostic/1/16</d:uri><d:details>dc.format</d:details><d:message>Unsupported index</d:message></d:diagnostic>
</sru:diagnostics></sru:searchRetrieveResponse>"#;
        match read_response(v20) {
            Err(ReadError::Diagnostics(d)) => {
                assert_eq!(d[0].number, 16);
                assert_eq!(d[0].details.as_deref(), Some("dc.format"));
            }
            other => panic!("diagnostics expected, got {other:?}"),
        }
        assert!(
            matches!(read_response("<html><body>Not found</body></html>"), Err(ReadError::NotSru(m)) if m.contains("<html>"))
        );
        assert!(matches!(read_response(""), Err(ReadError::NotSru(_))));
        assert!(matches!(
            read_response("not xml at all <"),
            Err(ReadError::NotSru(_))
        ));
        let no_count = r#"<searchRetrieveResponse xmlns="http://www.loc.gov/zing/srw/"></searchRetrieveResponse>"#;
        assert!(
            matches!(read_response(no_count), Err(ReadError::NotSru(m)) if m.contains("numberOfRecords"))
        );
    }

    use crate::loopback::fake_target;

    fn fake(url: &str) -> CopyTarget {
        CopyTarget {
            name: "fake".into(),
            base_url: url.into(),
            version: "1.2".into(),
            record_schema: "marcxml".into(),
        }
    }

    /// A MARCXML record as the tester's fake target sends it.
    fn marc(control: &str, title: &str) -> String {
        format!(
            r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>00000nam a2200000 a 4500</leader><controlfield tag="001">{control}</controlfield><controlfield tag="008">910710s1991    nju           000 0 eng d</controlfield><datafield tag="100" ind1="1" ind2=" "><subfield code="a">Fake, Author.</subfield></datafield><datafield tag="245" ind1="1" ind2="0"><subfield code="a">{title}</subfield></datafield></record>"#
        )
    }

    /// An SRU 1.2 answer: `total` hits, these `(packing, recordData, recordPosition)`.
    fn answer(total: u64, records: &[(&str, String, Option<u64>)]) -> String {
        let mut out = format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><zs:searchRetrieveResponse xmlns:zs="http://www.loc.gov/zing/srw/"><zs:version>1.2</zs:version><zs:numberOfRecords>{total}</zs:numberOfRecords><zs:records>"#
        );
        for (packing, data, position) in records {
            out.push_str(&format!("<zs:record><zs:recordSchema>info:srw/schema/1/marcxml-v1.1</zs:recordSchema><zs:recordPacking>{packing}</zs:recordPacking><zs:recordData>{data}</zs:recordData>"));
            if let Some(p) = position {
                out.push_str(&format!("<zs:recordPosition>{p}</zs:recordPosition>"));
            }
            out.push_str("</zs:record>");
        }
        out.push_str("</zs:records></zs:searchRetrieveResponse>");
        out
    }

    /// A query parameter of a request path.
    fn param(path: &str, name: &str) -> Option<u64> {
        path.split(['?', '&'])
            .find_map(|kv| kv.strip_prefix(name)?.strip_prefix('=')?.parse().ok())
    }

    fn ok(body: String) -> (u16, &'static str, Vec<u8>) {
        (200, "text/xml; charset=utf-8", body.into_bytes())
    }

    #[test]
    fn fetch_one_refuses_a_record_that_is_not_the_one_asked_for() {
        // Ignores startRecord: always its first `maximumRecords` of three, numbered.
        let no_start = fake_target(|path| {
            let max = param(path, "maximumRecords").unwrap_or(10).min(3);
            let records: Vec<_> = (1..=max)
                .map(|i| {
                    (
                        "xml",
                        marc(&format!("N{i}"), &format!("Title number {i}")),
                        Some(i),
                    )
                })
                .collect();
            ok(answer(3, &records))
        });
        let title = CopyQuery::Title("x".into());
        let first = fetch_one(&fake(&no_start), &title, 1).expect("record 1");
        assert_eq!(first.summary.title, "Title number 1");
        match fetch_one(&fake(&no_start), &title, 3) {
            Err(
                e @ SruError::WrongPosition {
                    number: 3,
                    total: 3,
                    given: 1,
                },
            ) => {
                assert!(
                    e.to_string()
                        .starts_with("the target gave no record number 3 (it has 3)"),
                    "{e}"
                )
            }
            other => panic!("record 1 sent for 3 must be refused, got {other:?}"),
        }
        // One hit, whatever is asked.
        let one = fake_target(|_| ok(answer(1, &[("xml", marc("ONE", "The only one"), Some(1))])));
        match fetch_one(&fake(&one), &title, 2) {
            Err(
                e @ SruError::NoSuchRecord {
                    number: 2,
                    total: 1,
                    ..
                },
            ) => {
                assert_eq!(
                    e.to_string(),
                    "the target gave no record number 2 (it has 1)"
                )
            }
            other => panic!("no record 2 expected, got {other:?}"),
        }
        // A target that pages but says no recordPosition: counted from the page's start.
        let paging = fake_target(|path| {
            let start = param(path, "startRecord").unwrap_or(1);
            ok(answer(
                3,
                &[("xml", marc("P", &format!("Record {start}")), None)],
            ))
        });
        let second = fetch_one(&fake(&paging), &title, 2).expect("record 2");
        assert_eq!(
            (second.position, second.summary.title.as_str()),
            (2, "Record 2")
        );
        assert!(!second.position_given);
    }

    #[test]
    fn a_byte_order_mark_before_the_answer_is_stepped_over() {
        let escaped = quick_xml::escape::escape(marc("S1", "String packed")).into_owned();
        let body = answer(
            3,
            &[
                ("xml", marc("B1", "First"), Some(1)),
                ("xml", marc("B2", "Second"), Some(2)),
                ("string", escaped, Some(3)),
            ],
        );
        let r = read_response(&format!("\u{feff}{body}")).expect("reads");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let titles: Vec<&str> = r.records.iter().map(|r| r.summary.title.as_str()).collect();
        assert_eq!(titles, ["First", "Second", "String packed"]);
    }

    #[test]
    fn answers_in_other_character_sets_are_decoded_and_composed() {
        let latin1 = |body: String| -> Vec<u8> {
            body.replace("encoding=\"UTF-8\"", "encoding=\"ISO-8859-1\"")
                .chars()
                .map(|c| u8::try_from(u32::from(c)).unwrap_or(b'?'))
                .collect()
        };
        // Declared in the XML and the header, as the tester's target does.
        let body = latin1(answer(1, &[("xml", marc("L1", "Café"), Some(1))]));
        let url = fake_target(move |_| (200, "text/xml; charset=ISO-8859-1", body.clone()));
        let r = search(&fake(&url), &CopyQuery::Title("x".into()), 1, 10).expect("search");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        assert_eq!(r.records[0].summary.title, "Café");
        // The XML declaration alone says it.
        let body = latin1(answer(1, &[("xml", marc("L2", "Ça va"), Some(1))]));
        let text = decode(&body, Some("text/xml")).expect("decodes");
        assert_eq!(
            read_response(&text).expect("reads").records[0]
                .summary
                .title,
            "Ça va"
        );
        // Decomposed Vietnamese comes out composed.
        let nfd = answer(1, &[("xml", marc("V1", "Hue\u{302}\u{301}"), Some(1))]);
        let text = decode(nfd.as_bytes(), None).expect("decodes");
        assert_eq!(
            read_response(&text).expect("reads").records[0]
                .summary
                .title,
            "Huế"
        );
        // Composing never reaches into the markup: U+0338 after `>` stays a mark of the text.
        assert_eq!(
            decode("<a>\u{338}x</a>".as_bytes(), None).as_deref(),
            Ok("<a>\u{338}x</a>")
        );
        // UTF-8 that is not: said so, not read as garbage.
        let broken = decode(b"<?xml version=\"1.0\"?><a>\xff</a>", None);
        assert!(broken.is_err_and(|e| e.contains("UTF-8")));
        assert!(
            decode(b"<a/>", Some("text/xml; charset=klingon"))
                .is_err_and(|e| e.contains("klingon"))
        );
        // A byte-order mark wins, and is not part of the text.
        assert_eq!(
            decode(b"\xef\xbb\xbf<a/>", Some("text/xml; charset=ISO-8859-1")).as_deref(),
            Ok("<a/>")
        );
    }

    #[test]
    fn string_packed_records_in_cdata_are_read() {
        let body = answer(
            3,
            &[
                (
                    "string",
                    format!("<![CDATA[{}]]>", marc("C1", "In CDATA &amp; more")),
                    Some(1),
                ),
                (
                    "string",
                    format!("\n  <![CDATA[{}]]>\n", marc("C2", "Spaced CDATA")),
                    Some(2),
                ),
                // Escaped text and CDATA mixed, as some servers cut long records.
                (
                    "string",
                    format!(
                        "&lt;record xmlns=\"http://www.loc.gov/MARC21/slim\"&gt;<![CDATA[{}]]>",
                        marc("C3", "Mixed").trim_start_matches(
                            r#"<record xmlns="http://www.loc.gov/MARC21/slim">"#
                        )
                    ),
                    Some(3),
                ),
            ],
        );
        let r = read_response(&body).expect("reads");
        assert!(r.problems.is_empty(), "{:?}", r.problems);
        let titles: Vec<&str> = r.records.iter().map(|r| r.summary.title.as_str()).collect();
        assert_eq!(titles, ["In CDATA & more", "Spaced CDATA", "Mixed"]);
    }

    #[test]
    fn what_the_reader_repairs_is_kept_and_listed() {
        let body = answer(
            2,
            &[
                (
                    "xml",
                    r#"<record xmlns="http://www.loc.gov/MARC21/slim"><leader>garbage</leader><datafield tag="24" ind1="1" ind2=" "><subfield code="a">x</subfield></datafield></record>"#.into(),
                    Some(1),
                ),
                ("xml", marc("OK", "Clean."), Some(2)),
            ],
        );
        let r = read_response(&body).expect("reads");
        let repairs: Vec<&str> = r.records[0]
            .repairs
            .iter()
            .map(|d| d.message.as_str())
            .collect();
        assert!(
            repairs
                .iter()
                .any(|m| m.contains(r#"tag "24" read as "024""#)),
            "{repairs:?}"
        );
        assert!(repairs.iter().any(|m| m.contains("leader")), "{repairs:?}");
        assert!(r.records[1].repairs.is_empty());
        assert_eq!(r.problems.len(), 1, "{:?}", r.problems);
        assert!(
            r.problems[0].starts_with("record 1: its MARCXML had to be repaired"),
            "{:?}",
            r.problems
        );
    }

    #[test]
    fn http_failures_say_whose_failure_it_is() {
        let url = fake_target(|path| {
            let status = if path.contains("/missing") { 404 } else { 500 };
            (
                status,
                "text/html",
                b"<html><body>Oops</body></html>".to_vec(),
            )
        });
        let title = CopyQuery::Title("x".into());
        let failed = search(&fake(&url), &title, 1, 1).expect_err("500");
        assert!(
            matches!(failed, SruError::Http { status: 500, .. }),
            "{failed:?}"
        );
        let text = failed.to_string();
        assert!(
            text.contains("HTTP 500 (it failed on its side); try again later"),
            "{text}"
        );
        assert!(!text.contains("base URL"), "{text}");
        let missing = search(&fake(&format!("{url}/missing")), &title, 1, 1).expect_err("404");
        assert!(
            missing
                .to_string()
                .ends_with("HTTP 404 (nothing there); check the target's base URL"),
            "{missing}"
        );
    }

    proptest::proptest! {
        #[test]
        fn any_answer_is_read_or_refused_without_panicking(s in "\\PC{0,200}") {
            let _ = read_response(&s);
        }
    }
}
