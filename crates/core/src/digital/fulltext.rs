//! Full-text search over the digital collection: a tantivy index in `<catalog>.fulltext/`,
//! one document per text part, derived from `digital_texts` the way the catalog's search
//! index is derived from its records.
//!
//! - The index is thrown away and rebuilt whenever it is missing, unreadable, damaged
//!   (checksums), of another format, made for another catalog or ahead of it; otherwise it
//!   catches up from the change log (`digital_object` entries past the `seq` it reflects) on
//!   every search, so it never misses an attach or shows a removed object.
//! - Words are analyzed as in the catalog search (`search::analyzer`): a folded field
//!   (`truyen kieu` finds `Truyện Kiều`) that every query word must match, and an exact field
//!   that ranks the words typed with their diacritics first.
//! - Hits are grouped per object. Excerpts (tantivy's snippets, with their highlighted ranges
//!   cut into segments) are made only for objects the reader may open; the others, dark ones
//!   included, show that they matched and the decision that keeps them closed.
//!
//! This module must never put text in a result for a reader the rights rules refuse.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};
use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, Occur, PhraseQuery, Query, TermQuery};
use tantivy::schema::{
    FAST, Field, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
};
use tantivy::snippet::SnippetGenerator;
use tantivy::{Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term};
use uuid::Uuid;

use super::access::decision_for;
use super::objects;
use crate::api::{
    Excerpt, ExcerptSegment, FullTextHit, FullTextQuery, FullTextResults, ReaderRequest,
};
use crate::error::CoreError;
use crate::search::analyzer::{self, Form};
use crate::search::{Head, IndexState, fresh_index, head};
use crate::store::Catalog;

/// Bumped whenever the schema or the analyzers change: an index of another format is rebuilt.
const FORMAT: u32 = 1;
const STATE_FILE: &str = "shelfmark-fulltext.json";
const HEAP: usize = 50_000_000;
/// The most parts a search looks through before grouping them by object.
const MAX_PARTS: usize = 10_000;
/// Excerpts shown per object, from its best-matching parts.
const EXCERPTS_PER_OBJECT: usize = 3;
/// The largest page a search hands out.
pub const MAX_PAGE: u32 = 200;

/// The folder of the full-text index of the catalog at `catalog_path`.
pub fn fulltext_dir(catalog_path: &Path) -> PathBuf {
    let mut name = catalog_path.as_os_str().to_os_string();
    name.push(".fulltext");
    PathBuf::from(name)
}

#[derive(Clone, Copy)]
struct Fields {
    object: Field,
    part: Field,
    label: Field,
    text: Field,
    text_exact: Field,
}

fn text_options(tokenizer: &str, stored: bool) -> TextOptions {
    let o = TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    );
    if stored { o.set_stored() } else { o }
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("object", STRING | FAST | STORED);
    b.add_u64_field("part", STORED);
    b.add_text_field("label", STORED);
    b.add_text_field("text", text_options(analyzer::FOLDED, true));
    b.add_text_field("text_exact", text_options(analyzer::EXACT, false));
    b.build()
}

impl Fields {
    fn of(schema: &Schema) -> tantivy::Result<Fields> {
        Ok(Fields {
            object: schema.get_field("object")?,
            part: schema.get_field("part")?,
            label: schema.get_field("label")?,
            text: schema.get_field("text")?,
            text_exact: schema.get_field("text_exact")?,
        })
    }
}

fn failed(dir: &Path, detail: impl std::fmt::Display) -> CoreError {
    CoreError::SearchIndex {
        path: dir.to_path_buf(),
        detail: detail.to_string(),
    }
}

fn write_state(dir: &Path, state: &IndexState) -> Result<(), CoreError> {
    let tmp = dir.join(format!("{STATE_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(state)?).map_err(|e| failed(dir, e))?;
    std::fs::rename(&tmp, dir.join(STATE_FILE)).map_err(|e| failed(dir, e))
}

/// Adds the documents of one object's parts from `digital_texts`.
fn add_object(
    catalog: &Catalog,
    writer: &IndexWriter,
    f: Fields,
    object_id: &str,
) -> Result<(), CoreError> {
    let mut stmt = catalog.conn().prepare_cached(
        "SELECT part, label, text FROM digital_texts WHERE object_id = ?1 ORDER BY part",
    )?;
    let rows = stmt.query_map(params![object_id], |r| {
        Ok((
            r.get::<_, i64>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (part, label, text) = row?;
        let mut doc = TantivyDocument::default();
        doc.add_text(f.object, object_id);
        doc.add_u64(f.part, part.max(0) as u64);
        doc.add_text(f.label, &label);
        doc.add_text(f.text, &text);
        doc.add_text(f.text_exact, &text);
        writer
            .add_document(doc)
            .map_err(|e| failed(Path::new(""), e))?;
    }
    Ok(())
}

/// The full-text index of one catalog, level with it once opened.
pub struct FullTextIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    state: IndexState,
}

impl FullTextIndex {
    /// Opens the index beside `catalog`, rebuilding it when it cannot be trusted and catching
    /// it up when it is behind.
    pub fn open(catalog: &Catalog) -> Result<FullTextIndex, CoreError> {
        match Self::try_open(catalog) {
            Some(mut index) => {
                index.refresh(catalog)?;
                Ok(index)
            }
            None => Self::rebuild(catalog),
        }
    }

    fn try_open(catalog: &Catalog) -> Option<FullTextIndex> {
        let dir = fulltext_dir(catalog.path());
        let state = IndexState::read_trusted(&dir, STATE_FILE, FORMAT, catalog)?;
        let mut index = Index::open_in_dir(&dir).ok()?;
        if index.schema() != schema() || !index.validate_checksum().ok()?.is_empty() {
            return None;
        }
        Self::from_index(dir, &mut index, state).ok()
    }

    fn from_index(dir: PathBuf, index: &mut Index, state: IndexState) -> tantivy::Result<Self> {
        analyzer::register(index.tokenizers());
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(FullTextIndex {
            dir,
            index: index.clone(),
            reader,
            fields,
            state,
        })
    }

    /// Throws the index away and builds it again from every object's text.
    pub fn rebuild(catalog: &Catalog) -> Result<FullTextIndex, CoreError> {
        let dir = fulltext_dir(catalog.path());
        let fail = |e: &dyn std::fmt::Display| failed(&dir, e);
        let Head { seq, change_id } = head(catalog)?;
        let mut index = fresh_index(&dir, schema())?;
        let fields = Fields::of(&index.schema()).map_err(|e| fail(&e))?;
        let mut writer: IndexWriter = index
            .writer_with_num_threads(1, HEAP)
            .map_err(|e| fail(&e))?;
        let ids: Vec<String> = catalog
            .conn()
            .prepare("SELECT DISTINCT object_id FROM digital_texts ORDER BY object_id")?
            .query_map([], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        for id in &ids {
            add_object(catalog, &writer, fields, id)?;
        }
        writer.commit().map_err(|e| fail(&e))?;
        writer.wait_merging_threads().map_err(|e| fail(&e))?;
        let state = IndexState {
            format: FORMAT,
            node_id: catalog.node_id().to_string(),
            seq,
            change_id,
        };
        write_state(&dir, &state)?;
        Self::from_index(dir.clone(), &mut index, state).map_err(|e| fail(&e))
    }

    /// Re-indexes the objects attached, changed or removed since the index's `seq`.
    pub fn refresh(&mut self, catalog: &Catalog) -> Result<(), CoreError> {
        let Head { seq, change_id } = head(catalog)?;
        if seq == self.state.seq && change_id == self.state.change_id {
            return Ok(());
        }
        let changed: BTreeSet<String> = catalog
            .conn()
            .prepare_cached(
                "SELECT entity_id FROM change_log WHERE entity_type = 'digital_object'
                 AND seq > ?1",
            )?
            .query_map(params![self.state.seq], |r| r.get(0))?
            .collect::<Result<_, _>>()?;
        if !changed.is_empty() {
            let fail = |e: &dyn std::fmt::Display| failed(&self.dir, e);
            let mut writer: IndexWriter = self
                .index
                .writer_with_num_threads(1, HEAP)
                .map_err(|e| fail(&e))?;
            for id in &changed {
                writer.delete_term(Term::from_field_text(self.fields.object, id));
                add_object(catalog, &writer, self.fields, id)?;
            }
            writer.commit().map_err(|e| fail(&e))?;
            writer.wait_merging_threads().map_err(|e| fail(&e))?;
            self.reader.reload().map_err(|e| fail(&e))?;
        }
        self.state.seq = seq;
        self.state.change_id = change_id;
        write_state(&self.dir, &self.state)
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }
}

/// A piece of a query: a word, or a quoted phrase.
#[derive(Debug, PartialEq, Eq)]
enum Piece {
    Word(String),
    Phrase(String),
}

fn pieces(text: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, chunk) in text.split('"').enumerate() {
        // Odd chunks are between quotes (an unclosed quote runs to the end).
        if i % 2 == 1 {
            if !chunk.trim().is_empty() {
                out.push(Piece::Phrase(chunk.to_string()));
            }
        } else {
            out.extend(chunk.split_whitespace().map(|w| Piece::Word(w.to_string())));
        }
    }
    out
}

/// The words of `s` in `form` as one query on `field`: a term, or a phrase when the piece
/// splits into several words (`Kách-Mệnh`).
fn words_query(field: Field, s: &str, form: Form) -> Option<Box<dyn Query>> {
    let words = analyzer::words(s, form);
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms[0].clone(),
            IndexRecordOption::WithFreqsAndPositions,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

/// A compiled search: what must match (folded; the snippets highlight its words) and the
/// same with the exact words ranking higher.
struct Compiled {
    folded: Box<dyn Query>,
    ranked: Box<dyn Query>,
}

fn build(f: Fields, text: &str) -> Result<Compiled, CoreError> {
    let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    let mut exact: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    for piece in pieces(text) {
        let s = match &piece {
            Piece::Word(s) | Piece::Phrase(s) => s,
        };
        if let Some(q) = words_query(f.text, s, Form::Folded) {
            must.push((Occur::Must, q));
        }
        if let Some(q) = words_query(f.text_exact, s, Form::Exact) {
            exact.push((Occur::Should, q));
        }
    }
    if must.is_empty() {
        return Err(CoreError::InvalidInput {
            what: "full-text query",
            value: text.to_string(),
            reason: "type at least one word to look for".into(),
        });
    }
    let folded: Box<dyn Query> = Box::new(BooleanQuery::new(must));
    let ranked: Box<dyn Query> = Box::new(BooleanQuery::new(vec![
        (Occur::Must, folded.box_clone()),
        (
            Occur::Should,
            Box::new(BoostQuery::new(Box::new(BooleanQuery::new(exact)), 2.0)),
        ),
    ]));
    Ok(Compiled { folded, ranked })
}

/// A snippet's fragment cut into plain and highlighted segments.
fn segments(fragment: &str, highlighted: &[std::ops::Range<usize>]) -> Vec<ExcerptSegment> {
    let mut ranges: Vec<std::ops::Range<usize>> = highlighted
        .iter()
        .filter(|r| r.start < r.end && r.end <= fragment.len())
        .filter(|r| fragment.is_char_boundary(r.start) && fragment.is_char_boundary(r.end))
        .cloned()
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut out = Vec::new();
    let mut at = 0;
    let push = |out: &mut Vec<ExcerptSegment>, text: &str, highlighted: bool| {
        if !text.is_empty() {
            out.push(ExcerptSegment {
                text: text.to_string(),
                highlighted,
            });
        }
    };
    for r in ranges {
        if r.start < at {
            // Overlapping ranges: the part not yet shown.
            if r.end > at {
                push(&mut out, &fragment[at..r.end], true);
                at = r.end;
            }
            continue;
        }
        push(&mut out, &fragment[at..r.start], false);
        push(&mut out, &fragment[r.clone()], true);
        at = r.end;
    }
    push(&mut out, &fragment[at..], false);
    out
}

/// One object's matching parts, best first.
struct Group {
    object_id: String,
    score: f32,
    parts: Vec<tantivy::DocAddress>,
}

/// Searches the text of every digital object. Every matching object is listed with the
/// decision for `reader`; excerpts only where the reader may open it.
pub fn search(
    catalog: &Catalog,
    query: &FullTextQuery,
    reader: &ReaderRequest,
) -> Result<FullTextResults, CoreError> {
    let context = super::access::reader_context(catalog, reader)?;
    let index = FullTextIndex::open(catalog)?;
    let f = index.fields;
    let Compiled { folded, ranked } = build(f, &query.text)?;
    let fail = |e: tantivy::TantivyError| failed(&index.dir, e);
    let searcher = index.reader.searcher();
    let top = searcher
        .search(&*ranked, &TopDocs::with_limit(MAX_PARTS).order_by_score())
        .map_err(fail)?;
    let mut groups: Vec<Group> = Vec::new();
    for (score, address) in top {
        let doc: TantivyDocument = searcher.doc(address).map_err(fail)?;
        let Some(object_id) = doc.get_first(f.object).and_then(|v| v.as_str()) else {
            continue;
        };
        match groups.iter_mut().find(|g| g.object_id == object_id) {
            Some(g) => g.parts.push(address),
            None => groups.push(Group {
                object_id: object_id.to_string(),
                score,
                parts: vec![address],
            }),
        }
    }
    let mut generator = SnippetGenerator::create(&searcher, &*folded, f.text).map_err(fail)?;
    generator.set_max_num_chars(240);
    let now = catalog.clock().now();
    let offset = query.offset as usize;
    let limit = query.limit.clamp(1, MAX_PAGE) as usize;
    let mut hits = Vec::new();
    let mut total = 0u64;
    for group in groups {
        let Ok(id) = Uuid::parse_str(&group.object_id) else {
            continue;
        };
        // An object removed since the index last caught up is not a hit.
        let object = match objects::get_conn(catalog.conn(), now, id) {
            Ok(o) => o,
            Err(CoreError::NotFound { .. }) => continue,
            Err(e) => return Err(e),
        };
        total += 1;
        if total as usize <= offset || hits.len() >= limit {
            continue;
        }
        let decision = decision_for(&object, context)?;
        let mut excerpts = Vec::new();
        if decision.allowed {
            for address in group.parts.iter().take(EXCERPTS_PER_OBJECT) {
                let doc: TantivyDocument = searcher.doc(*address).map_err(fail)?;
                let snippet = generator.snippet_from_doc(&doc);
                excerpts.push(Excerpt {
                    part: doc
                        .get_first(f.part)
                        .and_then(|v| v.as_u64())
                        .and_then(|p| u32::try_from(p).ok())
                        .unwrap_or(0),
                    part_label: doc
                        .get_first(f.label)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string(),
                    segments: segments(snippet.fragment(), snippet.highlighted()),
                });
            }
        }
        let (title, author): (String, Option<String>) = catalog
            .conn()
            .prepare_cached("SELECT title, author FROM records WHERE id = ?1")?
            .query_row(params![object.record_id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()?
            .unwrap_or_default();
        hits.push(FullTextHit {
            record_id: object.record_id.clone(),
            object_id: object.id.clone(),
            title,
            author,
            file_name: object.file_name.clone(),
            label: object.label.clone(),
            kind: object.kind,
            score: group.score,
            decision,
            excerpts,
        });
    }
    Ok(FullTextResults { total, hits })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn queries_split_into_words_and_quoted_phrases() {
        assert_eq!(
            pieces(r#"truyen "chu tai" kieu "unclosed"#),
            [
                Piece::Word("truyen".into()),
                Piece::Phrase("chu tai".into()),
                Piece::Word("kieu".into()),
                Piece::Phrase("unclosed".into()),
            ]
        );
    }

    #[test]
    fn highlighted_ranges_become_segments() {
        let s = segments("Trăm năm trong cõi", &[6..10, 0..5]);
        let got: Vec<(&str, bool)> = s.iter().map(|s| (s.text.as_str(), s.highlighted)).collect();
        assert_eq!(
            got,
            [
                ("Trăm", true),
                (" ", false),
                ("năm", true),
                (" trong cõi", false)
            ]
        );
    }
}
