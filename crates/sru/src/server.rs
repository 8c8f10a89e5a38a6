//! The SRU server: `explain` and `searchRetrieve`, SRU 1.2 (and 1.1) and 2.0, answered over a
//! catalog and its search index as one pure function of the request's parameters
//! ([`respond`]) — no HTTP framework here, so the central server, `shelfmark sru serve` and
//! the tests all answer the same way.
//!
//! Every answer is an SRU document, never an HTTP error: a bad request is answered with SRU
//! diagnostics in the version asked for (or 2.0 when that version is unknown). The XML is
//! written with quick-xml (every value escaped); records' MARCXML comes from the MARC engine's
//! writer, Dublin Core from [`crate::dublin_core`].
//!
//! This module must never store anything or keep state between requests (no result sets: SRU
//! paging is by `startRecord`, and the search is run again).

use std::io::Write;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, BytesText, Event};
use shelfmark_core::api::SearchQuery;
use shelfmark_core::catalog::records;
use shelfmark_core::search::SearchIndex;
use shelfmark_core::{Catalog, CoreError};
use shelfmark_marc::{Record, marcxml};
use uuid::Uuid;

use crate::cql;
use crate::diagnostic::{self as d, Diagnostic};
use crate::dublin_core;
use crate::mapping::{self, CONTEXT_SETS, INDEXES, MORE_INDEXES};

/// Records a page holds when `maximumRecords` is not given.
pub const DEFAULT_MAXIMUM_RECORDS: u32 = 10;
/// The most records one response holds: a larger `maximumRecords` is lowered to this (SRU lets
/// a server return fewer records than asked; explain says so in its `configInfo`).
pub const MAX_MAXIMUM_RECORDS: u32 = 100;

pub const MARCXML_SCHEMA: &str = "info:srw/schema/1/marcxml-v1.1";
pub const DC_SCHEMA: &str = "info:srw/schema/1/dc-v1.1";
pub const EXPLAIN_SCHEMA: &str = "http://explain.z3950.org/dtd/2.0/";
pub const MARC_NS: &str = "http://www.loc.gov/MARC21/slim";

const NS_12: &str = "http://www.loc.gov/zing/srw/";
const NS_20: &str = "http://docs.oasis-open.org/ns/search-ws/sruResponse";
const DIAG_NS_12: &str = "http://www.loc.gov/zing/srw/diagnostic/";
const DIAG_NS_20: &str = "http://docs.oasis-open.org/ns/search-ws/diagnostic";

/// An SRU answer: always HTTP 200 with an XML body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SruResponse {
    pub content_type: &'static str,
    pub body: String,
}

/// The SRU version a response is shaped for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 1.1 and 1.2 share a namespace and shape; `minor` is echoed.
    V1 {
        minor: u8,
    },
    V2,
}

impl Version {
    fn as_str(self) -> &'static str {
        match self {
            Version::V1 { minor: 1 } => "1.1",
            Version::V1 { .. } => "1.2",
            Version::V2 => "2.0",
        }
    }

    fn ns(self) -> &'static str {
        match self {
            Version::V1 { .. } => NS_12,
            Version::V2 => NS_20,
        }
    }

    fn diag_ns(self) -> &'static str {
        match self {
            Version::V1 { .. } => DIAG_NS_12,
            Version::V2 => DIAG_NS_20,
        }
    }
}

/// The record schemas served, as (identifier, short name, title).
pub const SCHEMAS: [(&str, &str, &str); 2] = [
    (MARCXML_SCHEMA, "marcxml", "MARC 21 XML (MARCXML)"),
    (DC_SCHEMA, "dc", "Dublin Core"),
];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Schema {
    MarcXml,
    DublinCore,
}

impl Schema {
    fn parse(s: &str) -> Option<Schema> {
        match s.trim().to_ascii_lowercase().as_str() {
            "marcxml"
            | "marc21"
            | "marc21xml"
            | "info:srw/schema/1/marcxml-v1.1"
            | "info:srw/schema/1/marcxml-1.1"
            | "http://www.loc.gov/marc21/slim" => Some(Schema::MarcXml),
            "dc"
            | "info:srw/schema/1/dc-v1.1"
            | "info:srw/schema/1/dc-schema"
            | "http://purl.org/dc/elements/1.1/" => Some(Schema::DublinCore),
            _ => None,
        }
    }

    fn identifier(self) -> &'static str {
        match self {
            Schema::MarcXml => MARCXML_SCHEMA,
            Schema::DublinCore => DC_SCHEMA,
        }
    }
}

/// Parameters that are allowed and have nothing to change here (`x-` extensions too).
const IGNORED: [&str; 6] = [
    "stylesheet",
    "resultSetTTL",
    "httpAccept",
    "renderedBy",
    "responseType",
    "recordXPath-ignored",
];

/// Answers one SRU request. `params` are the decoded query (or form) parameters in order;
/// `base_url` is this endpoint's public address (`http://host:port/sru`), for explain and
/// the echoed request.
pub fn respond(
    catalog: &Catalog,
    index: &mut SearchIndex,
    params: &[(String, String)],
    base_url: &str,
) -> SruResponse {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    let version = match get("version").map(str::trim) {
        None | Some("") | Some("2.0") | Some("2") => Ok(Version::V2),
        Some("1.2") => Ok(Version::V1 { minor: 2 }),
        Some("1.1") => Ok(Version::V1 { minor: 1 }),
        Some(other) => Err(Diagnostic::new(
            d::UNSUPPORTED_VERSION,
            "2.0".to_string(),
            format!("SRU version {other} is not supported; ask for 1.1, 1.2 or 2.0"),
        )),
    };
    let operation = match get("operation") {
        Some(op) => op.trim(),
        None if get("query").is_some() => "searchRetrieve",
        None => "explain",
    };
    // A diagnostic is answered in the response the operation asked for has.
    let root = match operation {
        "explain" => "explainResponse",
        "scan" => "scanResponse",
        _ => "searchRetrieveResponse",
    };
    let version = match version {
        Ok(v) => v,
        Err(diag) => return diagnostics_only(Version::V2, root, &[diag]),
    };
    match operation {
        "explain" => explain(version, base_url, get("recordPacking")),
        "searchRetrieve" => search_retrieve(catalog, index, version, params, base_url),
        other => diagnostics_only(
            version,
            root,
            &[Diagnostic::new(
                d::UNSUPPORTED_OPERATION,
                other.to_string(),
                format!("the operation {other:?} is not supported; use explain or searchRetrieve"),
            )],
        ),
    }
}

/// Text as every value this crate writes into XML must be: quick-xml escapes markup but
/// passes control characters through, and an echoed `%01` or a record's stray U+0001 would
/// make the whole answer unreadable to a strict client (yaz, pymarc) — so characters XML 1.0
/// does not allow become U+FFFD, by the same rule as the MARC engine's MARCXML writer.
pub(crate) fn xml_text(text: &str) -> std::borrow::Cow<'_, str> {
    marcxml::xml10_text(text)
}

/// The XML being written: quick-xml over a buffer. Writing into a `Vec` cannot fail, so the
/// results of writes are collected once at the end.
struct Doc {
    w: Writer<Vec<u8>>,
    failed: bool,
}

impl Doc {
    fn new() -> Doc {
        let mut w = Writer::new(Vec::with_capacity(16 * 1024));
        let failed = w
            .write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))
            .is_err();
        Doc { w, failed }
    }

    fn note(&mut self, r: std::io::Result<()>) {
        self.failed |= r.is_err();
    }

    fn start(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute((*k, xml_text(v).as_ref()));
        }
        let r = self.w.write_event(Event::Start(s));
        self.note(r);
    }

    fn end(&mut self, name: &str) {
        let r = self.w.write_event(Event::End(BytesEnd::new(name)));
        self.note(r);
    }

    fn text(&mut self, text: &str) {
        let r = self
            .w
            .write_event(Event::Text(BytesText::new(&xml_text(text))));
        self.note(r);
    }

    fn elem(&mut self, name: &str, text: &str) {
        self.start(name, &[]);
        self.text(text);
        self.end(name);
    }

    fn elem_attrs(&mut self, name: &str, attrs: &[(&str, &str)], text: &str) {
        self.start(name, attrs);
        self.text(text);
        self.end(name);
    }

    fn empty(&mut self, name: &str, attrs: &[(&str, &str)]) {
        let mut s = BytesStart::new(name);
        for (k, v) in attrs {
            s.push_attribute((*k, xml_text(v).as_ref()));
        }
        let r = self.w.write_event(Event::Empty(s));
        self.note(r);
    }

    /// Markup made by a trusted writer (the MARC engine's), copied as it is.
    fn raw(&mut self, xml: &[u8]) {
        let r = self.w.get_mut().write_all(xml);
        self.note(r);
    }

    fn finish(self) -> SruResponse {
        let body = if self.failed {
            String::new()
        } else {
            String::from_utf8(self.w.into_inner()).unwrap_or_default()
        };
        SruResponse {
            content_type: "text/xml; charset=utf-8",
            body,
        }
    }
}

fn diagnostics(doc: &mut Doc, version: Version, diags: &[Diagnostic]) {
    if diags.is_empty() {
        return;
    }
    doc.start("zs:diagnostics", &[]);
    for diag in diags {
        write_diagnostic(doc, version, diag);
    }
    doc.end("zs:diagnostics");
}

fn write_diagnostic(doc: &mut Doc, version: Version, diag: &Diagnostic) {
    doc.start("diag:diagnostic", &[("xmlns:diag", version.diag_ns())]);
    doc.elem("diag:uri", &diag.uri());
    if let Some(details) = &diag.details {
        doc.elem("diag:details", details);
    }
    doc.elem("diag:message", &diag.message);
    doc.end("diag:diagnostic");
}

fn open_response(doc: &mut Doc, version: Version, root: &str) {
    doc.start(&format!("zs:{root}"), &[("xmlns:zs", version.ns())]);
    if let Version::V1 { .. } = version {
        doc.elem("zs:version", version.as_str());
    }
}

/// A response holding only diagnostics (fatal ones: nothing could be searched).
fn diagnostics_only(version: Version, root: &str, diags: &[Diagnostic]) -> SruResponse {
    let mut doc = Doc::new();
    open_response(&mut doc, version, root);
    if root == "searchRetrieveResponse" {
        doc.elem("zs:numberOfRecords", "0");
    }
    diagnostics(&mut doc, version, diags);
    doc.end(&format!("zs:{root}"));
    doc.finish()
}

/// Host and port of a base URL, for explain's `serverInfo`.
fn host_port_path(base_url: &str) -> (String, String, String) {
    let rest = base_url.split_once("://").map_or(base_url, |(_, r)| r);
    let (authority, path) = rest.split_once('/').unwrap_or((rest, ""));
    let (host, port) = match authority.rsplit_once(':') {
        Some((h, p)) if p.bytes().all(|b| b.is_ascii_digit()) && !p.is_empty() => {
            (h.to_string(), p.to_string())
        }
        _ => (authority.to_string(), "80".to_string()),
    };
    (host, port, path.to_string())
}

/// `packing`: the `recordPacking` asked for, echoed only when given.
fn explain(version: Version, base_url: &str, packing: Option<&str>) -> SruResponse {
    let mut doc = Doc::new();
    open_response(&mut doc, version, "explainResponse");
    doc.start("zs:record", &[]);
    doc.elem("zs:recordSchema", EXPLAIN_SCHEMA);
    match version {
        Version::V1 { .. } => doc.elem("zs:recordPacking", "xml"),
        Version::V2 => doc.elem("zs:recordXMLEscaping", "xml"),
    }
    doc.start("zs:recordData", &[]);
    doc.start("explain", &[("xmlns", EXPLAIN_SCHEMA)]);
    let (host, port, path) = host_port_path(base_url);
    doc.start(
        "serverInfo",
        &[
            ("protocol", "SRU"),
            ("version", version.as_str()),
            ("transport", "http"),
        ],
    );
    doc.elem("host", &host);
    doc.elem("port", &port);
    doc.elem("database", &path);
    doc.end("serverInfo");
    doc.start("databaseInfo", &[]);
    doc.elem_attrs(
        "title",
        &[("lang", "en"), ("primary", "true")],
        "Shelfmark library catalog",
    );
    doc.elem_attrs("title", &[("lang", "vi")], "Mục lục thư viện Shelfmark");
    doc.elem_attrs(
        "description",
        &[("lang", "en"), ("primary", "true")],
        "Bibliographic records of the library, searchable with CQL, as MARCXML or Dublin Core.",
    );
    doc.end("databaseInfo");
    doc.start("indexInfo", &[]);
    for (name, uri) in CONTEXT_SETS {
        doc.empty("set", &[("identifier", uri), ("name", name)]);
    }
    for (set, name, title) in INDEXES.iter().chain(MORE_INDEXES.iter()) {
        doc.start(
            "index",
            &[
                ("search", "true"),
                ("scan", "false"),
                ("sort", sortable(set, name)),
            ],
        );
        doc.elem_attrs("title", &[("lang", "en")], title);
        doc.start("map", &[]);
        doc.elem_attrs("name", &[("set", set)], name);
        doc.end("map");
        doc.start("configInfo", &[]);
        for relation in mapping::relations(set, name) {
            doc.elem_attrs("supports", &[("type", "relation")], relation);
        }
        doc.end("configInfo");
        doc.end("index");
    }
    doc.end("indexInfo");
    doc.start("schemaInfo", &[]);
    for (id, name, title) in SCHEMAS {
        doc.start(
            "schema",
            &[
                ("identifier", id),
                ("name", name),
                ("retrieve", "true"),
                ("sort", "false"),
            ],
        );
        doc.elem_attrs("title", &[("lang", "en")], title);
        doc.end("schema");
    }
    doc.end("schemaInfo");
    doc.start("configInfo", &[]);
    doc.elem_attrs(
        "default",
        &[("type", "numberOfRecords")],
        &DEFAULT_MAXIMUM_RECORDS.to_string(),
    );
    doc.elem_attrs("default", &[("type", "retrieveSchema")], MARCXML_SCHEMA);
    doc.elem_attrs(
        "setting",
        &[("type", "maximumRecords")],
        &MAX_MAXIMUM_RECORDS.to_string(),
    );
    // The relations of words, which most indexes are; dates and identifiers list theirs
    // (== and exact among them) in their own index's configInfo.
    for relation in mapping::relations("dc", "title") {
        doc.elem_attrs("supports", &[("type", "relation")], relation);
    }
    for boolean in ["and", "or", "not"] {
        doc.elem_attrs("supports", &[("type", "booleanOperator")], boolean);
    }
    doc.elem_attrs("supports", &[("type", "sort")], "sortby");
    doc.end("configInfo");
    doc.end("explain");
    doc.end("zs:recordData");
    doc.end("zs:record");
    doc.start("zs:echoedExplainRequest", &[]);
    if let Version::V1 { .. } = version {
        doc.elem("zs:version", version.as_str());
    }
    if let Some(packing) = packing {
        doc.elem("zs:recordPacking", packing);
    }
    doc.elem("zs:baseUrl", base_url);
    doc.end("zs:echoedExplainRequest");
    doc.end("zs:explainResponse");
    doc.finish()
}

fn sortable(set: &str, name: &str) -> &'static str {
    if mapping::SORT_KEYS.contains(&(set, name)) {
        "true"
    } else {
        "false"
    }
}

/// How a record is put in `recordData`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Escaping {
    Xml,
    String,
}

/// The checked parameters of a searchRetrieve.
struct Request<'p> {
    query: Option<&'p str>,
    start: u64,
    maximum: u32,
    /// `maximumRecords` as asked (echoed so), before the clamp to [`MAX_MAXIMUM_RECORDS`].
    maximum_asked: Option<u64>,
    schema: Schema,
    schema_asked: Option<&'p str>,
    escaping: Escaping,
    packing_asked: Option<&'p str>,
}

fn parse_request<'p>(
    version: Version,
    params: &'p [(String, String)],
) -> Result<Request<'p>, Diagnostic> {
    let get = |name: &str| {
        params
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    };
    for (k, v) in params {
        let known = matches!(
            k.as_str(),
            "operation"
                | "version"
                | "query"
                | "queryType"
                | "startRecord"
                | "maximumRecords"
                | "recordSchema"
                | "recordPacking"
                | "recordXMLEscaping"
                | "sortKeys"
                | "recordXPath"
        ) || k.starts_with("x-")
            || IGNORED.contains(&k.as_str());
        if !known {
            return Err(Diagnostic::new(
                d::UNSUPPORTED_PARAMETER,
                k.clone(),
                format!("the parameter {k} is not supported"),
            ));
        }
        if k == "queryType" && !v.trim().eq_ignore_ascii_case("cql") {
            return Err(Diagnostic::new(
                d::UNSUPPORTED_PARAMETER_VALUE,
                "queryType".to_string(),
                format!("queryType {v:?} is not supported; queries are CQL (queryType=cql)"),
            ));
        }
        if k == "sortKeys" && !v.trim().is_empty() {
            return Err(Diagnostic::new(
                d::SORT_UNSUPPORTED,
                "sortKeys".to_string(),
                "sortKeys is not supported; sort with CQL's sortby (dc.title, dc.creator or dc.date)",
            ));
        }
        if k == "recordXPath" && !v.trim().is_empty() {
            return Err(Diagnostic::new(
                72,
                "recordXPath".to_string(),
                "XPath retrieval is not supported",
            ));
        }
    }
    let number = |name: &str, min: u64| -> Result<Option<u64>, Diagnostic> {
        match get(name).map(str::trim) {
            None | Some("") => Ok(None),
            Some(text) => match text.parse::<u64>() {
                Ok(n) if n >= min => Ok(Some(n)),
                _ => Err(Diagnostic::new(
                    d::UNSUPPORTED_PARAMETER_VALUE,
                    name.to_string(),
                    format!(
                        "{name} must be a whole number{}, not {text:?}",
                        if min > 0 { " from 1" } else { " from 0" }
                    ),
                )),
            },
        }
    };
    let start = number("startRecord", 1)?.unwrap_or(1);
    let maximum_asked = number("maximumRecords", 0)?;
    let maximum = maximum_asked.map_or(DEFAULT_MAXIMUM_RECORDS, |m| {
        m.min(u64::from(MAX_MAXIMUM_RECORDS)) as u32
    });
    let schema_asked = get("recordSchema").filter(|s| !s.trim().is_empty());
    let schema = match schema_asked {
        None => Schema::MarcXml,
        Some(s) => Schema::parse(s).ok_or_else(|| {
            Diagnostic::new(
                d::UNKNOWN_SCHEMA,
                s.to_string(),
                format!(
                    "the record schema {s:?} is not served; ask for marcxml ({MARCXML_SCHEMA}) or dc ({DC_SCHEMA})"
                ),
            )
        })?,
    };
    let escaping_param = match version {
        Version::V1 { .. } => "recordPacking",
        Version::V2 => "recordXMLEscaping",
    };
    let packing_asked = get(escaping_param).filter(|s| !s.trim().is_empty());
    let escaping = match packing_asked.map(|s| s.trim().to_ascii_lowercase()) {
        None => Escaping::Xml,
        Some(s) if s == "xml" => Escaping::Xml,
        Some(s) if s == "string" => Escaping::String,
        Some(_) => {
            return Err(Diagnostic::new(
                d::UNSUPPORTED_RECORD_PACKING,
                packing_asked.unwrap_or_default().to_string(),
                format!("{escaping_param} must be xml or string"),
            ));
        }
    };
    if let Version::V2 = version {
        // In 2.0 recordPacking means packed/unpacked; records are always packed.
        if let Some(p) = get("recordPacking")
            .map(str::trim)
            .filter(|p| !p.is_empty())
            && p != "packed"
            && p != "unpacked"
        {
            return Err(Diagnostic::new(
                d::UNSUPPORTED_RECORD_PACKING,
                p.to_string(),
                "recordPacking in SRU 2.0 is packed or unpacked",
            ));
        }
    }
    Ok(Request {
        query: get("query"),
        start,
        maximum,
        maximum_asked,
        schema,
        schema_asked,
        escaping,
        packing_asked,
    })
}

fn search_retrieve(
    catalog: &Catalog,
    index: &mut SearchIndex,
    version: Version,
    params: &[(String, String)],
    base_url: &str,
) -> SruResponse {
    let request = match parse_request(version, params) {
        Ok(r) => r,
        Err(diag) => return diagnostics_only(version, "searchRetrieveResponse", &[diag]),
    };
    let Some(query) = request.query.filter(|q| !q.trim().is_empty()) else {
        return diagnostics_only(
            version,
            "searchRetrieveResponse",
            &[Diagnostic::new(
                d::MANDATORY_PARAMETER_MISSING,
                "query".to_string(),
                "searchRetrieve needs a query (CQL), such as dc.title=kieu",
            )],
        );
    };
    let mapped = cql::parse(query)
        .map_err(|e| {
            let (number, details) = match e.kind {
                cql::CqlErrorKind::Syntax => (d::QUERY_SYNTAX_ERROR, query.to_string()),
                cql::CqlErrorKind::Parentheses => (d::PARENTHESES, query.to_string()),
                cql::CqlErrorKind::Quotes => (d::QUOTES, query.to_string()),
                // The standard's details for 38: the most operators allowed.
                cql::CqlErrorKind::TooManyBooleans => {
                    (d::TOO_MANY_BOOLEANS, cql::MAX_BOOLEANS.to_string())
                }
            };
            Diagnostic::new(number, details, e.to_string())
        })
        .and_then(|tree| mapping::map(&tree));
    let mapped = match mapped {
        Ok(m) => m,
        Err(diag) => return diagnostics_only(version, "searchRetrieveResponse", &[diag]),
    };
    let search = SearchQuery {
        text: mapped.text,
        offset: request.start - 1,
        limit: request.maximum,
        sort: mapped.sort,
        facets: false,
    };
    let results = match index.search(catalog, &search) {
        Ok(r) => r,
        Err(CoreError::InvalidInput { reason, .. }) => {
            return diagnostics_only(
                version,
                "searchRetrieveResponse",
                &[Diagnostic::new(
                    d::QUERY_SYNTAX_ERROR,
                    query.to_string(),
                    reason,
                )],
            );
        }
        Err(e) => {
            return diagnostics_only(
                version,
                "searchRetrieveResponse",
                &[Diagnostic::new(
                    d::GENERAL_SYSTEM_ERROR,
                    None,
                    format!("the catalog could not be searched: {e}"),
                )],
            );
        }
    };
    let mut doc = Doc::new();
    open_response(&mut doc, version, "searchRetrieveResponse");
    doc.elem("zs:numberOfRecords", &results.total.to_string());
    let mut diags = Vec::new();
    if request.start > results.total && results.total > 0 && request.maximum > 0 {
        diags.push(Diagnostic::new(
            d::FIRST_RECORD_OUT_OF_RANGE,
            request.start.to_string(),
            format!(
                "startRecord {} is past the last of the {} records found",
                request.start, results.total
            ),
        ));
    }
    if !results.hits.is_empty() {
        doc.start("zs:records", &[]);
        for (i, hit) in results.hits.iter().enumerate() {
            let position = request.start.saturating_add(i as u64);
            let record = Uuid::parse_str(&hit.id)
                .map_err(|_| CoreError::NotFound {
                    entity: "record",
                    key: "id",
                    value: hit.id.clone(),
                })
                .and_then(|id| records::marc(catalog, id));
            write_record(
                &mut doc,
                version,
                &request,
                record.as_ref(),
                position,
                &hit.id,
            );
        }
        doc.end("zs:records");
    }
    let last = (request.start - 1).saturating_add(results.hits.len() as u64);
    if !results.hits.is_empty() && last < results.total {
        doc.elem("zs:nextRecordPosition", &(last + 1).to_string());
    }
    // The 1.2 schema puts echoedSearchRetrieveRequest before diagnostics; 2.0 too.
    echo(&mut doc, version, &request, query, base_url);
    diagnostics(&mut doc, version, &diags);
    doc.end("zs:searchRetrieveResponse");
    doc.finish()
}

fn write_record(
    doc: &mut Doc,
    version: Version,
    request: &Request<'_>,
    record: Result<&Record, &CoreError>,
    position: u64,
    id: &str,
) {
    doc.start("zs:record", &[]);
    let packing = match request.escaping {
        Escaping::Xml => "xml",
        Escaping::String => "string",
    };
    match record {
        Ok(record) => {
            doc.elem("zs:recordSchema", request.schema.identifier());
            match version {
                Version::V1 { .. } => doc.elem("zs:recordPacking", packing),
                Version::V2 => doc.elem("zs:recordXMLEscaping", packing),
            }
            doc.start("zs:recordData", &[]);
            let xml = render(request.schema, record);
            match request.escaping {
                Escaping::Xml => doc.raw(&xml),
                Escaping::String => doc.text(&String::from_utf8_lossy(&xml)),
            }
            doc.end("zs:recordData");
        }
        Err(e) => {
            // A surrogate diagnostic: this one record could not be given; the others are.
            doc.elem(
                "zs:recordSchema",
                match version {
                    Version::V1 { .. } => "info:srw/schema/1/diagnostics-v1.1",
                    Version::V2 => "info:srw/schema/1/diagnostics-v1.1",
                },
            );
            match version {
                Version::V1 { .. } => doc.elem("zs:recordPacking", "xml"),
                Version::V2 => doc.elem("zs:recordXMLEscaping", "xml"),
            }
            doc.start("zs:recordData", &[]);
            write_diagnostic(
                doc,
                version,
                &Diagnostic::new(
                    d::RECORD_NOT_AVAILABLE,
                    id.to_string(),
                    format!("the record could not be read: {e}"),
                ),
            );
            doc.end("zs:recordData");
        }
    }
    doc.elem("zs:recordPosition", &position.to_string());
    doc.end("zs:record");
}

/// A record as a standalone XML element in a schema named by its short name or identifier
/// (`marcxml`, `dc`, `info:srw/schema/1/...`), its namespace declared on it; `None` for a
/// schema not served. The desktop app's preview and the tests use it too.
pub fn record_xml(schema: &str, record: &Record) -> Option<Vec<u8>> {
    Schema::parse(schema).map(|s| render(s, record))
}

fn render(schema: Schema, record: &Record) -> Vec<u8> {
    match schema {
        Schema::MarcXml => {
            let mut buf = Vec::with_capacity(2048);
            marcxml::write_record_into(&mut buf, record);
            // The engine writes `  <record>` for a collection whose root declares the
            // namespace; alone in recordData the record declares it itself.
            let body = buf.strip_prefix(b"  <record>").unwrap_or(&buf);
            let mut out = Vec::with_capacity(body.len() + 64);
            out.extend_from_slice(format!("<record xmlns=\"{MARC_NS}\">").as_bytes());
            out.extend_from_slice(body.strip_suffix(b"\n").unwrap_or(body));
            out
        }
        Schema::DublinCore => {
            let mut w = Writer::new(Vec::with_capacity(1024));
            // Writing into a Vec cannot fail.
            let _ = dublin_core::write(&mut w, record);
            w.into_inner()
        }
    }
}

fn echo(doc: &mut Doc, version: Version, request: &Request<'_>, query: &str, base_url: &str) {
    doc.start("zs:echoedSearchRetrieveRequest", &[]);
    if let Version::V1 { .. } = version {
        doc.elem("zs:version", version.as_str());
    }
    doc.elem("zs:query", query);
    doc.elem("zs:startRecord", &request.start.to_string());
    doc.elem(
        "zs:maximumRecords",
        &request
            .maximum_asked
            .unwrap_or(u64::from(request.maximum))
            .to_string(),
    );
    if let Some(p) = request.packing_asked {
        match version {
            Version::V1 { .. } => doc.elem("zs:recordPacking", p),
            Version::V2 => doc.elem("zs:recordXMLEscaping", p),
        }
    }
    if let Some(s) = request.schema_asked {
        doc.elem("zs:recordSchema", s);
    }
    doc.elem("zs:baseUrl", base_url);
    doc.end("zs:echoedSearchRetrieveRequest");
}

#[cfg(test)]
mod tests;
