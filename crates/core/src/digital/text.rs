//! The text of a digital object, part by part: each page of a PDF (lopdf's text extraction),
//! each spine chapter of an EPUB (its XHTML turned into plain text), a text file whole. Text
//! is NFC and kept in SQLite (`digital_texts`), which the full-text index is rebuilt from.
//!
//! A file without text (a scan with no text layer, a damaged file) yields no parts and a note
//! saying why; it is attached all the same. This module never decides who may read the text.

use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;

use quick_xml::Reader;
use quick_xml::events::BytesRef;
use quick_xml::events::Event;
use rusqlite::{Connection, params};

use super::media::{self, Media};
use crate::api::{DigitalKind, TextPart, TextPartInfo};
use crate::error::CoreError;
use crate::text::nfc;

/// What extraction found.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Extraction {
    /// Parts with text, in reading order; `index` is the page (from 0) or spine position, so
    /// a page without text leaves a gap rather than shifting the others.
    pub parts: Vec<TextPart>,
    /// Why there is no text, when there is none.
    pub note: Option<String>,
}

/// The most text a plain-text file may bring in (the rest of a larger file is not indexed).
const TEXT_LIMIT: u64 = 64 * 1024 * 1024;

/// Extracts the text of the stored file at `path`, which `media` describes.
pub fn extract(path: &Path, media: &Media) -> Extraction {
    let result = match media.kind {
        DigitalKind::Text => plain(path),
        DigitalKind::Pdf => pdf(path),
        DigitalKind::Epub => epub(path),
        DigitalKind::Image => Err(
            "an image: its words would have to be recognized (OCR) first, which is not done here"
                .to_string(),
        ),
        DigitalKind::Audio => return Extraction::default(),
    };
    match result {
        Ok(parts) if parts.is_empty() => Extraction {
            parts,
            note: Some(match media.kind {
                DigitalKind::Pdf => "the PDF has no text layer (a scan): its words would have to be recognized (OCR) first".into(),
                _ => "the file holds no text".into(),
            }),
        },
        Ok(parts) => Extraction { parts, note: None },
        Err(note) => Extraction {
            parts: Vec::new(),
            note: Some(note),
        },
    }
}

fn open(path: &Path) -> Result<BufReader<File>, String> {
    File::open(path)
        .map(BufReader::new)
        .map_err(|e| format!("the stored file could not be read: {e}"))
}

/// Whitespace in each line collapsed, blank lines kept single, NFC.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = true;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            if !blank {
                out.push('\n');
            }
            blank = true;
        } else {
            out.push_str(&line);
            out.push('\n');
            blank = false;
        }
    }
    nfc(out.trim_end())
}

fn plain(path: &Path) -> Result<Vec<TextPart>, String> {
    let mut bytes = Vec::new();
    open(path)?
        .take(TEXT_LIMIT)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    let text = match std::str::from_utf8(&bytes) {
        Ok(t) => t,
        // A character cut in two by the limit.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&bytes[..e.valid_up_to()]).map_err(|e| e.to_string())?
        }
        Err(e) => {
            return Err(format!(
                "the text is not UTF-8 throughout (byte {} is not): save it as UTF-8 and attach it again",
                e.valid_up_to()
            ));
        }
    };
    let text = tidy(text.trim_start_matches('\u{feff}'));
    Ok(if text.is_empty() {
        Vec::new()
    } else {
        vec![TextPart {
            index: 0,
            label: "Văn bản".into(),
            text,
        }]
    })
}

fn pdf(path: &Path) -> Result<Vec<TextPart>, String> {
    let doc =
        media::load_pdf(&mut open(path)?).map_err(|e| format!("the PDF could not be read: {e}"))?;
    let mut parts = Vec::new();
    for (at, number) in doc.get_pages().keys().enumerate() {
        let page = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            doc.extract_text(&[*number])
        }));
        let Ok(Ok(text)) = page else { continue };
        let text = tidy(&text);
        if !text.is_empty() {
            parts.push(TextPart {
                index: u32::try_from(at).unwrap_or(u32::MAX),
                label: format!("Trang {number}"),
                text,
            });
        }
    }
    Ok(parts)
}

fn epub(path: &Path) -> Result<Vec<TextPart>, String> {
    let spine = media::epub_spine(open(path)?)?;
    let mut zip = zip::ZipArchive::new(open(path)?).map_err(|e| e.to_string())?;
    let mut parts = Vec::new();
    for (at, entry) in spine.iter().enumerate() {
        let Ok(file) = zip.by_name(&entry.path) else {
            continue;
        };
        let mut xhtml = String::new();
        if file.take(TEXT_LIMIT).read_to_string(&mut xhtml).is_err() {
            continue;
        }
        let text = xhtml_text(&xhtml);
        if text.is_empty() {
            continue;
        }
        parts.push(TextPart {
            index: u32::try_from(at).unwrap_or(u32::MAX),
            label: entry
                .title
                .clone()
                .unwrap_or_else(|| format!("Chương {}", at + 1)),
            text,
        });
    }
    Ok(parts)
}

/// The character an entity or character reference stands for: the XML five, the numeric
/// ones, and the HTML names e-books use most (XHTML in EPUB may declare them).
pub(crate) fn reference(r: &BytesRef<'_>) -> Option<char> {
    if let Ok(Some(c)) = r.resolve_char_ref() {
        return Some(c);
    }
    Some(match &**r {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "ndash" => '–',
        "mdash" => '—',
        "hellip" => '…',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

/// Plain text of an XHTML document: what `<body>` shows, a line break after each block, no
/// scripts or styles.
pub fn xhtml_text(xhtml: &str) -> String {
    const BLOCKS: &[&str] = &[
        "p",
        "div",
        "br",
        "li",
        "tr",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "blockquote",
        "section",
        "article",
        "pre",
        "hr",
        "dt",
        "dd",
        "figcaption",
        "table",
        "ul",
        "ol",
    ];
    const HIDDEN: &[&str] = &["head", "script", "style", "title"];
    let mut reader = Reader::from_str(xhtml);
    reader.config_mut().check_end_names = false;
    let mut out = String::new();
    let mut hidden = 0usize;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => {
                let name = e.local_name();
                if HIDDEN.contains(&name.as_ref()) {
                    hidden += 1;
                } else if BLOCKS.contains(&name.as_ref()) {
                    out.push('\n');
                }
            }
            Ok(Event::Empty(e)) if BLOCKS.contains(&e.local_name().as_ref()) => out.push('\n'),
            Ok(Event::End(e)) => {
                let name = e.local_name();
                if HIDDEN.contains(&name.as_ref()) {
                    hidden = hidden.saturating_sub(1);
                } else if BLOCKS.contains(&name.as_ref()) {
                    out.push('\n');
                }
            }
            Ok(Event::Text(t)) if hidden == 0 => out.push_str(&t.xml10_content()),
            Ok(Event::CData(t)) if hidden == 0 => out.push_str(&t.xml10_content()),
            Ok(Event::GeneralRef(r)) if hidden == 0 => {
                if let Some(c) = reference(&r) {
                    out.push(c);
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    tidy(&out)
}

/// Stores an object's extracted parts.
pub(crate) fn store(
    conn: &Connection,
    object_id: &str,
    parts: &[TextPart],
) -> Result<(), CoreError> {
    let mut stmt = conn.prepare_cached(
        "INSERT INTO digital_texts (object_id, part, label, text) VALUES (?1, ?2, ?3, ?4)",
    )?;
    for p in parts {
        stmt.execute(params![object_id, p.index, p.label, p.text])?;
    }
    Ok(())
}

/// The parts of an object that have text, in reading order.
pub(crate) fn parts(conn: &Connection, object_id: &str) -> Result<Vec<TextPartInfo>, CoreError> {
    let mut stmt = conn.prepare_cached(
        "SELECT part, label FROM digital_texts WHERE object_id = ?1 ORDER BY part",
    )?;
    let rows = stmt.query_map(params![object_id], |r| {
        Ok(TextPartInfo {
            index: r.get(0)?,
            label: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One part's text.
pub(crate) fn part(
    conn: &Connection,
    object_id: &str,
    index: u32,
) -> Result<Option<TextPart>, CoreError> {
    use rusqlite::OptionalExtension;
    Ok(conn
        .prepare_cached("SELECT label, text FROM digital_texts WHERE object_id = ?1 AND part = ?2")?
        .query_row(params![object_id, index], |r| {
            Ok(TextPart {
                index,
                label: r.get(0)?,
                text: r.get(1)?,
            })
        })
        .optional()?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xhtml_becomes_lines_of_text_without_head_or_script() {
        let x = r#"<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"><head><title>T</title><style>p{}</style></head>
<body><h1>Hồi   thứ nhất</h1><p>Trăm năm trong cõi&nbsp;người ta,</p><p>Chữ tài chữ mệnh &amp; khéo là<br/>ghét nhau.</p><script>x()</script></body></html>"#;
        assert_eq!(
            xhtml_text(x),
            "Hồi thứ nhất\n\nTrăm năm trong cõi người ta,\n\nChữ tài chữ mệnh & khéo là\nghét nhau."
        );
    }

    #[test]
    fn text_is_put_in_nfc() {
        assert_eq!(tidy("Kie\u{302}\u{300}u  "), "Kiều");
    }
}
