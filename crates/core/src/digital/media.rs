//! What a file is, from its content (the first bytes, never the name), and what it holds: the
//! pages of a PDF, the spine chapters of an EPUB, the duration and chapter marks of a
//! recording. Anything the collection does not keep is refused with what it looked like.
//!
//! The crates, chosen for staying small on a 2-core build:
//! - PDF: `lopdf` (no default features: no rayon, no chrono) parses, counts pages and
//!   extracts text; `pdf-extract` would add a font stack on top of it.
//! - EPUB: `zip` (deflate only) and `quick-xml` (already used by the MARC engine) for the OCF
//!   container, the OPF package and the nav/NCX table of contents.
//! - MP3: `id3` reads CHAP/CTOC chapter frames; `mp3-duration` walks the frame headers
//!   (Xing/Info aware) for the length, with no decoder behind it (symphonia would bring one).
//! - MP4/M4B/M4A: `mp4ameta` (no dependencies) reads the duration and the chapter list or
//!   chapter track.
//!
//! This module must never panic on what a file holds (a proptest feeds it random bytes) nor
//! read the whole of a large recording into memory.

use std::io::{Read, Seek, SeekFrom};
use std::time::Duration;

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::api::{AudioChapter, DigitalKind};

/// What a file is and holds.
#[derive(Debug, Clone, PartialEq)]
pub struct Media {
    pub kind: DigitalKind,
    pub media_type: &'static str,
    pub parts: Option<u32>,
    pub duration_ms: Option<u64>,
    pub chapters: Vec<AudioChapter>,
    /// Why the details could not all be read (a damaged file): it is kept all the same.
    pub note: Option<String>,
}

/// How much of the start of a file [`sniff`] looks at.
pub const HEAD: usize = 8 * 1024;

/// The kind and media type the first bytes of a file say, or why it is none the collection
/// keeps. A ZIP is told apart as EPUB by [`probe`], which can read its `mimetype` entry.
pub fn sniff(head: &[u8]) -> Result<(DigitalKind, &'static str), String> {
    use DigitalKind as K;
    if head.is_empty() {
        return Err("the file is empty".into());
    }
    if head.starts_with(b"%PDF-") {
        return Ok((K::Pdf, "application/pdf"));
    }
    if head.starts_with(b"PK\x03\x04") {
        return Ok((K::Epub, "application/epub+zip"));
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Ok((K::Image, "image/jpeg"));
    }
    if head.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Ok((K::Image, "image/png"));
    }
    if head.starts_with(b"II*\0") || head.starts_with(b"MM\0*") {
        return Ok((K::Image, "image/tiff"));
    }
    if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Ok((K::Image, "image/webp"));
    }
    if head.len() >= 12 && &head[4..8] == b"ftyp" {
        return match &head[8..12] {
            b"M4A " | b"M4B " | b"M4P " | b"mp42" | b"mp41" | b"isom" | b"iso2" | b"dash" => {
                Ok((K::Audio, "audio/mp4"))
            }
            brand => Err(format!(
                "an MPEG-4 file of brand {:?}, not an audiobook or recording",
                String::from_utf8_lossy(brand)
            )),
        };
    }
    if head.starts_with(b"ID3") || mpeg_audio_frame(head) {
        return Ok((K::Audio, "audio/mpeg"));
    }
    if !head.contains(&0) {
        match std::str::from_utf8(head) {
            Ok(_) => return Ok((K::Text, "text/plain; charset=utf-8")),
            // A character cut off by the end of the head is still UTF-8.
            Err(e) if e.error_len().is_none() => {
                return Ok((K::Text, "text/plain; charset=utf-8"));
            }
            Err(_) => return Err("a text that is not UTF-8 (save it as UTF-8 first)".into()),
        }
    }
    Err(format!(
        "its first bytes ({}) are of no kind it knows",
        head.iter()
            .take(8)
            .map(|b| format!("{b:02X}"))
            .collect::<Vec<_>>()
            .join(" ")
    ))
}

/// An MPEG audio frame header: 11 sync bits, a version and a layer that are not reserved,
/// a bitrate index that is not "bad".
fn mpeg_audio_frame(head: &[u8]) -> bool {
    head.len() >= 4
        && head[0] == 0xFF
        && head[1] & 0xE0 == 0xE0
        && (head[1] >> 3) & 0b11 != 0b01
        && (head[1] >> 1) & 0b11 != 0
        && head[2] >> 4 != 0b1111
        && (head[2] >> 2) & 0b11 != 0b11
}

/// Reads what the file in `reader` is and holds.
pub fn probe<R: Read + Seek>(reader: &mut R) -> Result<Media, String> {
    let mut head = Vec::with_capacity(HEAD);
    reader
        .by_ref()
        .take(HEAD as u64)
        .read_to_end(&mut head)
        .map_err(|e| format!("it could not be read: {e}"))?;
    let (kind, media_type) = sniff(&head)?;
    let mut media = Media {
        kind,
        media_type,
        parts: None,
        duration_ms: None,
        chapters: Vec::new(),
        note: None,
    };
    let rewind = |r: &mut R| r.seek(SeekFrom::Start(0)).map_err(|e| e.to_string());
    rewind(reader)?;
    match (kind, media_type) {
        (DigitalKind::Pdf, _) => match pdf_pages(reader) {
            Ok(pages) => media.parts = Some(pages),
            Err(e) => media.note = Some(format!("the PDF could not be read: {e}")),
        },
        (DigitalKind::Epub, _) => {
            let spine = epub_spine(reader)?;
            media.parts = Some(u32::try_from(spine.len()).unwrap_or(u32::MAX));
        }
        (DigitalKind::Image | DigitalKind::Text, _) => media.parts = Some(1),
        (DigitalKind::Audio, "audio/mpeg") => mp3(reader, &mut media)?,
        (DigitalKind::Audio, _) => mp4(reader, &mut media),
    }
    Ok(media)
}

fn pdf_pages<R: Read>(reader: &mut R) -> Result<u32, String> {
    let doc = load_pdf(reader)?;
    Ok(u32::try_from(doc.get_pages().len()).unwrap_or(u32::MAX))
}

/// Parses a PDF. lopdf reads from a stream; the parser itself works on the bytes.
pub(crate) fn load_pdf<R: Read>(reader: &mut R) -> Result<lopdf::Document, String> {
    // A damaged file must not take the program down with it.
    let mut bytes = Vec::new();
    reader.read_to_end(&mut bytes).map_err(|e| e.to_string())?;
    std::panic::catch_unwind(move || lopdf::Document::load_mem(&bytes))
        .map_err(|_| "the PDF parser gave up on it".to_string())?
        .map_err(|e| e.to_string())
}

/// One spine document of an EPUB: where it is in the archive and its title from the table
/// of contents, if it has one there.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpineEntry {
    pub path: String,
    pub title: Option<String>,
}

fn read_entry<R: Read + Seek>(
    zip: &mut zip::ZipArchive<R>,
    name: &str,
    limit: u64,
) -> Result<String, String> {
    let entry = zip
        .by_name(name)
        .map_err(|e| format!("the EPUB has no {name}: {e}"))?;
    let mut text = String::new();
    entry
        .take(limit)
        .read_to_string(&mut text)
        .map_err(|e| format!("{name} could not be read: {e}"))?;
    Ok(text)
}

/// The most an EPUB's package, container and table of contents may take in memory.
const XML_LIMIT: u64 = 16 * 1024 * 1024;

/// The spine of the EPUB in `reader`, in reading order, with titles from the EPUB 3 nav
/// document or the EPUB 2 NCX.
pub fn epub_spine<R: Read + Seek>(reader: R) -> Result<Vec<SpineEntry>, String> {
    let mut zip =
        zip::ZipArchive::new(reader).map_err(|e| format!("a ZIP file that cannot be read: {e}"))?;
    let mimetype = read_entry(&mut zip, "mimetype", 256)
        .map_err(|_| "a ZIP archive, not an EPUB (it has no mimetype entry)".to_string())?;
    if mimetype.trim() != "application/epub+zip" {
        return Err(format!(
            "a ZIP archive of type {:?}, not an EPUB",
            mimetype.trim()
        ));
    }
    let container = read_entry(&mut zip, "META-INF/container.xml", XML_LIMIT)?;
    let opf_path = first_attr(&container, "rootfile", "full-path")
        .ok_or("the EPUB's container names no package file")?;
    let opf = read_entry(&mut zip, &opf_path, XML_LIMIT)?;
    let package = Package::parse(&opf);
    let base = dir_of(&opf_path);
    let mut titles: Vec<(String, String)> = Vec::new();
    if let Some(nav) = package
        .manifest
        .iter()
        .find(|i| i.properties.split_whitespace().any(|p| p == "nav"))
    {
        let nav_path = join(&base, &nav.href);
        if let Ok(doc) = read_entry(&mut zip, &nav_path, XML_LIMIT) {
            titles = toc_links(&doc, "a", None)
                .into_iter()
                .map(|(href, t)| (join(&dir_of(&nav_path), &href), t))
                .collect();
        }
    }
    if titles.is_empty()
        && let Some(ncx) = package
            .toc
            .as_ref()
            .and_then(|id| package.manifest.iter().find(|i| &i.id == id))
            .or_else(|| {
                package
                    .manifest
                    .iter()
                    .find(|i| i.media_type == "application/x-dtbncx+xml")
            })
    {
        let ncx_path = join(&base, &ncx.href);
        if let Ok(doc) = read_entry(&mut zip, &ncx_path, XML_LIMIT) {
            titles = toc_links(&doc, "content", Some("src"))
                .into_iter()
                .map(|(href, t)| (join(&dir_of(&ncx_path), &href), t))
                .collect();
        }
    }
    let spine = package
        .spine
        .iter()
        .filter_map(|idref| package.manifest.iter().find(|i| &i.id == idref))
        .map(|item| {
            let path = join(&base, &item.href);
            let title = titles
                .iter()
                .find(|(href, _)| strip_fragment(href) == path)
                .map(|(_, t)| t.clone());
            SpineEntry { path, title }
        })
        .collect::<Vec<_>>();
    if spine.is_empty() {
        return Err("the EPUB's package lists no chapters in its spine".into());
    }
    Ok(spine)
}

fn strip_fragment(href: &str) -> &str {
    href.split('#').next().unwrap_or(href)
}

fn dir_of(path: &str) -> String {
    match path.rfind('/') {
        Some(i) => path[..=i].to_string(),
        None => String::new(),
    }
}

/// `href` (relative, percent-encoded as XML writes it) resolved against `base`.
fn join(base: &str, href: &str) -> String {
    let href = percent_decode(href);
    let mut parts: Vec<&str> = base.split('/').filter(|p| !p.is_empty()).collect();
    for piece in href.split('/') {
        match piece {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            p => parts.push(p),
        }
    }
    parts.join("/")
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && i + 2 < bytes.len()
            && let Ok(v) = u8::from_str_radix(&s[i + 1..i + 3], 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[derive(Default)]
struct ManifestItem {
    id: String,
    href: String,
    media_type: String,
    properties: String,
}

#[derive(Default)]
struct Package {
    manifest: Vec<ManifestItem>,
    spine: Vec<String>,
    toc: Option<String>,
}

fn attr(e: &quick_xml::events::BytesStart<'_>, name: &str) -> Option<String> {
    e.attributes()
        .flatten()
        .find(|a| a.key.local_name().as_ref() == name)
        .and_then(|a| {
            a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
                .ok()
                .map(|v| v.into_owned())
        })
}

impl Package {
    fn parse(opf: &str) -> Package {
        let mut p = Package::default();
        let mut reader = Reader::from_str(opf);
        loop {
            match reader.read_event() {
                Ok(Event::Start(e) | Event::Empty(e)) => match e.local_name().as_ref() {
                    "item" => p.manifest.push(ManifestItem {
                        id: attr(&e, "id").unwrap_or_default(),
                        href: attr(&e, "href").unwrap_or_default(),
                        media_type: attr(&e, "media-type").unwrap_or_default(),
                        properties: attr(&e, "properties").unwrap_or_default(),
                    }),
                    "itemref" => {
                        if let Some(id) = attr(&e, "idref") {
                            p.spine.push(id);
                        }
                    }
                    "spine" => p.toc = attr(&e, "toc"),
                    _ => {}
                },
                Ok(Event::Eof) | Err(_) => break,
                _ => {}
            }
        }
        p
    }
}

fn first_attr(xml: &str, element: &str, name: &str) -> Option<String> {
    let mut reader = Reader::from_str(xml);
    loop {
        match reader.read_event() {
            Ok(Event::Start(e) | Event::Empty(e)) if e.local_name().as_ref() == element => {
                return attr(&e, name);
            }
            Ok(Event::Eof) | Err(_) => return None,
            _ => {}
        }
    }
}

/// The links of a table of contents with their titles: in a nav document `<a href>` and its
/// text; in an NCX the `navLabel` text before each `<content src>`.
fn toc_links(xml: &str, link: &str, src: Option<&str>) -> Vec<(String, String)> {
    let mut out = Vec::new();
    let mut reader = Reader::from_str(xml);
    let mut text = String::new();
    let mut open: Option<String> = None;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) if src.is_none() && e.local_name().as_ref() == link => {
                open = attr(&e, "href");
                text.clear();
            }
            Ok(Event::Start(e)) if src.is_some() && e.local_name().as_ref() == "navLabel" => {
                text.clear();
            }
            Ok(Event::Empty(e) | Event::Start(e))
                if src.is_some() && e.local_name().as_ref() == link =>
            {
                if let Some(href) = src.and_then(|s| attr(&e, s)) {
                    let title = crate::text::nfc(
                        text.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .as_str(),
                    );
                    if !title.is_empty() {
                        out.push((href, title));
                    }
                }
                text.clear();
            }
            Ok(Event::Text(t)) => {
                text.push_str(&t.xml10_content());
            }
            Ok(Event::GeneralRef(r)) => {
                if let Some(c) = super::text::reference(&r) {
                    text.push(c);
                }
            }
            Ok(Event::End(e)) if src.is_none() && e.local_name().as_ref() == link => {
                if let Some(href) = open.take() {
                    let title = crate::text::nfc(
                        text.split_whitespace()
                            .collect::<Vec<_>>()
                            .join(" ")
                            .as_str(),
                    );
                    if !title.is_empty() {
                        out.push((href, title));
                    }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    out
}

fn ms(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

/// Fills in chapter ends (the next start, the last one the duration) and titles where the
/// file gave none, and clamps everything to the duration.
fn finish_chapters(
    mut starts: Vec<(u64, Option<u64>, String)>,
    duration: Option<u64>,
) -> Vec<AudioChapter> {
    starts.sort_by_key(|(s, _, _)| *s);
    let n = starts.len();
    let mut out = Vec::with_capacity(n);
    for i in 0..n {
        let (start, end, title) = &starts[i];
        let next = starts.get(i + 1).map(|(s, _, _)| *s);
        let mut end = end.or(next).or(duration).unwrap_or(*start);
        if let Some(d) = duration {
            end = end.min(d);
        }
        let start = duration.map_or(*start, |d| (*start).min(d));
        let title = match title.trim() {
            "" => format!("Chương {}", i + 1),
            t => crate::text::nfc(t),
        };
        out.push(AudioChapter {
            title,
            start_ms: start,
            end_ms: end.max(start),
        });
    }
    out
}

fn mp3<R: Read + Seek>(reader: &mut R, media: &mut Media) -> Result<(), String> {
    let tag = id3::Tag::read_from2(&mut *reader).ok();
    reader.seek(SeekFrom::Start(0)).map_err(|e| e.to_string())?;
    // The frame walk is in another crate; a file it cannot take apart must not end us.
    let walked = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        mp3_duration::from_read(&mut std::io::BufReader::new(&mut *reader))
    }));
    match walked {
        Ok(Ok(d)) if !d.is_zero() => media.duration_ms = Some(ms(d)),
        Ok(Ok(_)) => media.note = Some("the recording holds no MPEG audio frames".into()),
        Ok(Err(e)) => media.note = Some(format!("the length could not be measured: {e}")),
        Err(_) => media.note = Some("the length could not be measured".into()),
    }
    if let Some(tag) = tag {
        let chapters: Vec<&id3::frame::Chapter> = tag.chapters().collect();
        // The top-level table of contents, when there is one, gives the order.
        let order: Option<Vec<String>> = tag
            .tables_of_contents()
            .find(|t| t.top_level)
            .map(|t| t.elements.clone());
        let mut starts: Vec<(u64, Option<u64>, String)> = chapters
            .iter()
            .filter(|c| order.as_ref().is_none_or(|o| o.contains(&c.element_id)))
            .map(|c| {
                let title = c
                    .frames
                    .iter()
                    .find(|f| f.id() == "TIT2")
                    .and_then(|f| f.content().text())
                    .unwrap_or_default()
                    .to_string();
                let end = (c.end_time > c.start_time).then_some(u64::from(c.end_time));
                (u64::from(c.start_time), end, title)
            })
            .collect();
        if starts.is_empty() {
            starts = Vec::new();
        }
        if media.duration_ms.is_none() {
            media.duration_ms = starts.iter().filter_map(|(_, e, _)| *e).max();
        }
        media.chapters = finish_chapters(starts, media.duration_ms);
    }
    Ok(())
}

fn mp4<R: Read + Seek>(reader: &mut R, media: &mut Media) {
    let read = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        mp4ameta::Tag::read_from(&mut *reader)
    }));
    let tag = match read {
        Ok(Ok(tag)) => tag,
        Ok(Err(e)) => {
            media.note = Some(format!("the MPEG-4 file could not be read: {e}"));
            return;
        }
        Err(_) => {
            media.note = Some("the MPEG-4 file could not be read".into());
            return;
        }
    };
    let duration = ms(tag.duration());
    media.duration_ms = (duration > 0).then_some(duration);
    let starts = tag
        .chapters()
        .iter()
        .map(|c| (ms(c.start), None, c.title.clone()))
        .collect();
    media.chapters = finish_chapters(starts, media.duration_ms);
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn kinds_come_from_the_first_bytes() {
        assert_eq!(sniff(b"%PDF-1.7\n").map(|k| k.0), Ok(DigitalKind::Pdf));
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE0").map(|k| k.1), Ok("image/jpeg"));
        assert_eq!(
            sniff(b"RIFF\0\0\0\0WEBPVP8 ").map(|k| k.1),
            Ok("image/webp")
        );
        assert_eq!(sniff(b"MM\0*\0\0").map(|k| k.1), Ok("image/tiff"));
        assert_eq!(sniff(b"\0\0\0\x20ftypM4B \0").map(|k| k.1), Ok("audio/mp4"));
        assert_eq!(sniff(b"\xFF\xFB\x90\x64").map(|k| k.1), Ok("audio/mpeg"));
        assert_eq!(
            sniff("Truyện Kiều".as_bytes()).map(|k| k.0),
            Ok(DigitalKind::Text)
        );
        // A character cut off at the end of the head is still a text.
        assert_eq!(
            sniff(&"Kiều".as_bytes()[..4]).map(|k| k.0),
            Ok(DigitalKind::Text)
        );
        assert!(sniff(b"").is_err_and(|e| e.contains("empty")));
        assert!(sniff(b"\0\x01\x02\x03 binary").is_err_and(|e| e.contains("00 01 02 03")));
        assert!(sniff(b"caf\xE9 au lait").is_err_and(|e| e.contains("UTF-8")));
        assert!(sniff(b"\0\0\0\x20ftypqt  ").is_err());
    }

    #[test]
    fn paths_in_a_package_resolve_against_its_folder() {
        assert_eq!(join("OEBPS/", "text/ch%201.xhtml"), "OEBPS/text/ch 1.xhtml");
        assert_eq!(join("OEBPS/text/", "../nav.xhtml"), "OEBPS/nav.xhtml");
        assert_eq!(join("", "a.xhtml"), "a.xhtml");
    }

    #[test]
    fn chapters_end_where_the_next_begins_and_never_past_the_end() {
        let c = finish_chapters(
            vec![
                (5_000, None, "Hai".into()),
                (0, None, " ".into()),
                (9_000, Some(20_000), "Ba".into()),
            ],
            Some(12_000),
        );
        let got: Vec<(&str, u64, u64)> = c
            .iter()
            .map(|c| (c.title.as_str(), c.start_ms, c.end_ms))
            .collect();
        assert_eq!(
            got,
            [
                ("Chương 1", 0, 5_000),
                ("Hai", 5_000, 9_000),
                ("Ba", 9_000, 12_000)
            ]
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn probe_never_panics_on_random_bytes(bytes in proptest::collection::vec(any::<u8>(), 0..4096)) {
            let _ = probe(&mut std::io::Cursor::new(bytes));
        }

        #[test]
        fn probe_never_panics_on_damaged_known_kinds(
            magic in prop::sample::select(vec![
                b"%PDF-1.4\n".to_vec(),
                b"PK\x03\x04".to_vec(),
                b"ID3\x04\0\0\0\0\x01\x00".to_vec(),
                b"\xFF\xFB\x90\x64".to_vec(),
                b"\0\0\0\x18ftypM4B \0\0\0\0".to_vec(),
            ]),
            rest in proptest::collection::vec(any::<u8>(), 0..2048),
        ) {
            let mut bytes = magic;
            bytes.extend(rest);
            let _ = probe(&mut std::io::Cursor::new(bytes));
        }

        /// A real M4B damaged in place or cut short reaches mp4ameta's box parsers, which
        /// random bytes after a bare `ftyp` never do.
        #[test]
        fn probe_never_panics_on_a_damaged_m4b(
            hits in proptest::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 1..8),
            cut in any::<prop::sample::Index>(),
        ) {
            let mut bytes = crate::demo::media::m4b(
                60_000,
                &[
                    crate::demo::media::ChapterStart { title: "Một", start_ms: 0 },
                    crate::demo::media::ChapterStart { title: "Hai", start_ms: 30_000 },
                ],
            )
            .expect("m4b");
            for (at, b) in hits {
                let i = at.index(bytes.len());
                bytes[i] = b;
            }
            bytes.truncate(12 + cut.index(bytes.len() - 11));
            let _ = probe(&mut std::io::Cursor::new(bytes));
        }
    }
}
