//! Search over the catalog: a tantivy index kept beside the catalog file as derived data.
//!
//! How the pieces relate:
//! - The catalog (SQLite) is the truth. The index lives in `<catalog path>.index/` and can be
//!   thrown away at any time: [`SearchIndex::open`] rebuilds it when it is missing, unreadable,
//!   damaged (tantivy's checksums are checked on open), made for another catalog, or ahead of
//!   the catalog (a restored backup).
//! - After each commit the index writes `shelfmark-index.json`: the catalog node id and the
//!   change-log `seq` (and that entry's change id) it reflects. Opening, [`SearchIndex::refresh`]
//!   and every search read the log past that `seq` and re-index the records it names, and the
//!   records of the items it names (branch and availability facets come from items); a record
//!   no longer in SQLite is deleted from the index. So a search never misses a committed
//!   record, and hits are read back from SQLite, so it never returns a deleted one either.
//! - Text is analyzed in `analyzer` (folded, exact and English-stemmed forms of each word);
//!   the search box's language is parsed in `query` and compiled here into tantivy queries.
//! - Each record's searchable values come from [`Extracted::of`], the one extraction the
//!   catalog also uses for its columns.

pub(crate) mod analyzer;
mod facets;
pub mod query;

#[cfg(test)]
mod tests;

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::path::{Path, PathBuf};

use rusqlite::{OptionalExtension, params};
use serde::{Deserialize, Serialize};
use shelfmark_marc::iso2709;
use tantivy::collector::{Count, DocSetCollector, TopDocs};
use tantivy::columnar::StrColumn;
use tantivy::query::{
    AllQuery, BooleanQuery, BoostQuery, ConstScoreQuery, DisjunctionMaxQuery, EmptyQuery, Occur,
    PhraseQuery, Query, RangeQuery, TermQuery,
};
use tantivy::schema::{
    FAST, Facet, FacetOptions, Field, INDEXED, IndexRecordOption, STRING, Schema,
    TextFieldIndexing, TextOptions,
};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, Searcher, TantivyDocument,
    Term,
};

use crate::api::{MaterialType, SearchFacets, SearchHit, SearchQuery, SearchResults, SearchSort};
use crate::catalog::extract::Extracted;
use crate::catalog::identifiers::{normalize_isbn, normalize_issn};
use crate::error::CoreError;
use crate::store::Catalog;
use crate::text;
use analyzer::Form;
use facets::{FacetCache, Tally};
use query::{Node, TextField};

/// Bumped whenever the schema or the analyzers change: an index of another format is rebuilt.
/// 2: the record id is a fast field (read per hit without loading stored documents).
const INDEX_FORMAT: u32 = 2;

/// The file beside tantivy's own that says which catalog state the index reflects.
const STATE_FILE: &str = "shelfmark-index.json";

/// The largest page a search hands out.
pub const MAX_PAGE: u32 = 1_000;

/// Memory for a full rebuild's writer, and for the small catch-up writer.
const REBUILD_HEAP: usize = 200_000_000;
const CATCH_UP_HEAP: usize = 50_000_000;

/// The folder of the index of the catalog at `catalog_path`.
pub fn index_dir(catalog_path: &Path) -> PathBuf {
    let mut name = catalog_path.as_os_str().to_os_string();
    name.push(".index");
    PathBuf::from(name)
}

/// What the index reflects, written after each commit. The full-text index of digital
/// objects keeps the same state in its own file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub(crate) struct IndexState {
    pub(crate) format: u32,
    pub(crate) node_id: String,
    pub(crate) seq: i64,
    pub(crate) change_id: Option<String>,
}

impl IndexState {
    /// The state in `dir/file` when it is of `format`, made from this catalog, and the
    /// change-log entry it last saw is still there, unchanged; `None` whenever anything about
    /// it is wrong (the caller rebuilds).
    pub(crate) fn read_trusted(
        dir: &Path,
        file: &str,
        format: u32,
        catalog: &Catalog,
    ) -> Option<IndexState> {
        let state: IndexState =
            serde_json::from_slice(&std::fs::read(dir.join(file)).ok()?).ok()?;
        if state.format != format || state.node_id != catalog.node_id().to_string() {
            return None;
        }
        // The entry the index last saw must still be there, unchanged: otherwise the catalog
        // was replaced (a restored backup) and the index may hold what it no longer has.
        let seen: Option<String> = catalog
            .conn()
            .query_row(
                "SELECT change_id FROM change_log WHERE seq = ?1",
                params![state.seq],
                |r| r.get(0),
            )
            .optional()
            .ok()?;
        (seen == state.change_id).then_some(state)
    }
}

/// The last change-log entry: its `seq` and change id.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Head {
    pub(crate) seq: i64,
    pub(crate) change_id: Option<String>,
}

pub(crate) fn head(catalog: &Catalog) -> Result<Head, CoreError> {
    // `seq` is the rowid: this is one step down the table's b-tree, so a search with nothing
    // new to index pays next to nothing for staying current.
    let row: Option<(i64, String)> = catalog
        .conn()
        .prepare_cached("SELECT seq, change_id FROM change_log ORDER BY seq DESC LIMIT 1")?
        .query_row([], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    Ok(match row {
        Some((seq, id)) => Head {
            seq,
            change_id: Some(id),
        },
        None => Head {
            seq: 0,
            change_id: None,
        },
    })
}

#[derive(Clone, Copy)]
struct Fields {
    id: Field,
    control: Field,
    title: Field,
    title_exact: Field,
    title_english: Field,
    author: Field,
    author_exact: Field,
    subject: Field,
    subject_exact: Field,
    subject_english: Field,
    publisher: Field,
    publisher_exact: Field,
    callno: Field,
    isbn: Field,
    issn: Field,
    year: Field,
    facet: Field,
    sort_title: Field,
    sort_author: Field,
}

fn text_options(tokenizer: &str) -> TextOptions {
    TextOptions::default().set_indexing_options(
        TextFieldIndexing::default()
            .set_tokenizer(tokenizer)
            .set_index_option(IndexRecordOption::WithFreqsAndPositions),
    )
}

fn schema() -> Schema {
    let mut b = Schema::builder();
    b.add_text_field("id", STRING | FAST);
    b.add_text_field("control", STRING);
    for name in ["title", "author", "subject", "publisher", "callno"] {
        b.add_text_field(name, text_options(analyzer::FOLDED));
    }
    for name in [
        "title_exact",
        "author_exact",
        "subject_exact",
        "publisher_exact",
    ] {
        b.add_text_field(name, text_options(analyzer::EXACT));
    }
    for name in ["title_english", "subject_english"] {
        b.add_text_field(name, text_options(analyzer::ENGLISH));
    }
    b.add_text_field("isbn", STRING);
    b.add_text_field("issn", STRING);
    b.add_i64_field("year", INDEXED | FAST);
    b.add_facet_field("facet", FacetOptions::default());
    b.add_text_field("sort_title", STRING | FAST);
    b.add_text_field("sort_author", STRING | FAST);
    b.build()
}

impl Fields {
    fn of(schema: &Schema) -> Result<Fields, tantivy::TantivyError> {
        let f = |name: &str| schema.get_field(name);
        Ok(Fields {
            id: f("id")?,
            control: f("control")?,
            title: f("title")?,
            title_exact: f("title_exact")?,
            title_english: f("title_english")?,
            author: f("author")?,
            author_exact: f("author_exact")?,
            subject: f("subject")?,
            subject_exact: f("subject_exact")?,
            subject_english: f("subject_english")?,
            publisher: f("publisher")?,
            publisher_exact: f("publisher_exact")?,
            callno: f("callno")?,
            isbn: f("isbn")?,
            issn: f("issn")?,
            year: f("year")?,
            facet: f("facet")?,
            sort_title: f("sort_title")?,
            sort_author: f("sort_author")?,
        })
    }
}

/// One item's contribution to its record's facets.
pub(crate) struct Holding {
    /// The code of the branch it belongs to.
    pub(crate) branch: String,
    pub(crate) available: bool,
}

fn facet(parts: [&str; 2]) -> Facet {
    Facet::from_path(parts)
}

fn document(f: &Fields, id: &str, e: &Extracted, holdings: &[Holding]) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, id);
    if let Some(control) = &e.control_number {
        doc.add_text(f.control, control.to_lowercase());
    }
    let english = e.languages.iter().any(|l| l == "eng");
    doc.add_text(f.title, &e.title);
    doc.add_text(f.title_exact, &e.title);
    if english {
        doc.add_text(f.title_english, &e.title);
    }
    // 245 $c names people in reading order ("Nguyễn Du"), the headings inverted ("Nguyễn, Du").
    for name in e.authors.iter().chain(e.responsibility.iter()) {
        doc.add_text(f.author, name);
        doc.add_text(f.author_exact, name);
    }
    for subject in &e.subjects {
        doc.add_text(f.subject, subject);
        doc.add_text(f.subject_exact, subject);
        if english {
            doc.add_text(f.subject_english, subject);
        }
    }
    if let Some(publisher) = &e.publisher {
        doc.add_text(f.publisher, publisher);
        doc.add_text(f.publisher_exact, publisher);
    }
    if let Some(callno) = &e.call_number {
        doc.add_text(f.callno, callno);
    }
    for isbn in &e.isbns {
        doc.add_text(f.isbn, isbn);
    }
    for issn in &e.issns {
        doc.add_text(f.issn, issn);
    }
    if let Some(year) = e.year {
        doc.add_i64(f.year, i64::from(year));
        doc.add_facet(
            f.facet,
            facet(["decade", &(year.div_euclid(10) * 10).to_string()]),
        );
    }
    doc.add_facet(f.facet, facet(["type", e.material_type.as_str()]));
    for lang in &e.languages {
        doc.add_facet(f.facet, facet(["lang", lang]));
    }
    doc.add_facet(
        f.facet,
        facet(["serial", if e.serial { "serial" } else { "monograph" }]),
    );
    let mut branches: Vec<&str> = holdings.iter().map(|h| h.branch.as_str()).collect();
    branches.sort_unstable();
    branches.dedup();
    for branch in branches {
        doc.add_facet(f.facet, facet(["branch", branch]));
    }
    let availability = if holdings.iter().any(|h| h.available) {
        "available"
    } else if holdings.is_empty() {
        "no_items"
    } else {
        "unavailable"
    };
    doc.add_facet(f.facet, facet(["availability", availability]));
    doc.add_text(f.sort_title, e.sort_key());
    // Records without an author sort after every name.
    doc.add_text(
        f.sort_author,
        e.author()
            .map_or_else(|| "\u{10FFFF}".to_string(), text::sort_key),
    );
    doc
}

/// The columns of a record row, used when its MARC cannot be parsed: it is still findable by
/// what the catalog shows of it.
struct RecordRow {
    id: String,
    marc: Vec<u8>,
    control_number: Option<String>,
    title: String,
    author: Option<String>,
    year: Option<i32>,
    material_type: String,
}

const RECORD_COLUMNS: &str = "id, marc, control_number, title, author, year, material_type";

fn record_row(r: &rusqlite::Row<'_>) -> rusqlite::Result<RecordRow> {
    Ok(RecordRow {
        id: r.get(0)?,
        marc: r.get(1)?,
        control_number: r.get(2)?,
        title: r.get(3)?,
        author: r.get(4)?,
        year: r.get(5)?,
        material_type: r.get(6)?,
    })
}

fn extracted(row: &RecordRow) -> Extracted {
    match iso2709::from_bytes(&row.marc) {
        Ok(record) => Extracted::of(&record),
        Err(_) => Extracted {
            control_number: row.control_number.clone(),
            title: row.title.clone(),
            nonfiling: 0,
            responsibility: None,
            authors: row.author.iter().cloned().collect(),
            subjects: Vec::new(),
            isbns: Vec::new(),
            invalid_isbns: Vec::new(),
            issns: Vec::new(),
            publisher: None,
            year: row.year,
            languages: Vec::new(),
            material_type: MaterialType::parse(&row.material_type).unwrap_or(MaterialType::Other),
            call_number: None,
            serial: false,
        },
    }
}

fn branch_codes(catalog: &Catalog) -> Result<HashMap<String, String>, CoreError> {
    let mut stmt = catalog.conn().prepare("SELECT id, code FROM branches")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Documents for a bulk import, added while the import stores its batches, so that indexing
/// overlaps with SQLite's writing instead of following it (`catalog::import`).
///
/// Still derived data, and still never ahead of the catalog: documents go in only for batches
/// already committed, tantivy commits once after the import's last SQLite commit, and only
/// then does the state file move on — to the end of the run of change-log entries that were
/// all fed, without a gap. Entries another writer committed between two batches leave a gap;
/// the state then stops before it and the next open catches up from there (re-indexing a
/// record twice is harmless: it is deleted by id first). If the process dies before the
/// commit, tantivy keeps its last commit and the state file its `seq`: the next open catches
/// up from the change log, or rebuilds an index that was being made from nothing.
pub(crate) struct Feed {
    dir: PathBuf,
    writer: IndexWriter,
    fields: Fields,
    state: IndexState,
    /// Whether every entry committed after the starting `seq` so far was fed.
    contiguous: bool,
}

impl Feed {
    /// A feed into the index beside `catalog` when the index is level with the catalog, or
    /// when the catalog has no records yet (an empty index is made); `None` otherwise (the
    /// import then leaves the index to `update_search_index`).
    pub(crate) fn start(catalog: &Catalog) -> Result<Option<Feed>, CoreError> {
        let dir = index_dir(catalog.path());
        let head = head(catalog)?;
        let index = match SearchIndex::try_open(&dir, catalog) {
            Some(index)
                if index.state.seq == head.seq && index.state.change_id == head.change_id =>
            {
                index
            }
            _ => {
                let records: u64 =
                    catalog
                        .conn()
                        .query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
                if records > 0 {
                    return Ok(None);
                }
                SearchIndex::rebuild(catalog, |_, _| {})?.0
            }
        };
        let fail = |e: &dyn std::fmt::Display| SearchIndex::failed(&dir, e);
        // One indexing thread: the import's reading and writing threads have the other cores.
        let writer = index
            .index
            .writer_with_num_threads(1, REBUILD_HEAP)
            .map_err(|e| fail(&e))?;
        Ok(Some(Feed {
            dir: index.dir,
            writer,
            fields: index.fields,
            state: index.state,
            contiguous: true,
        }))
    }

    /// Adds (or, with `replaces`, replaces) the document of a committed record.
    pub(crate) fn add(
        &mut self,
        id: &str,
        e: &Extracted,
        holdings: &[Holding],
        replaces: bool,
    ) -> Result<(), CoreError> {
        if replaces {
            self.writer
                .delete_term(Term::from_field_text(self.fields.id, id));
        }
        self.writer
            .add_document(document(&self.fields, id, e, holdings))
            .map_err(|e| SearchIndex::failed(&self.dir, e))?;
        Ok(())
    }

    /// Says that every change-log entry in `after..=through` was committed and fed.
    pub(crate) fn covers(&mut self, after: i64, through: i64) {
        if self.contiguous && after == self.state.seq {
            self.state.seq = through;
        } else {
            self.contiguous = false;
        }
    }

    /// Commits what was fed and records how far the index reaches. Called after the import's
    /// last SQLite commit.
    #[cfg(test)]
    pub(crate) fn finish(self, catalog: &Catalog) -> Result<(), CoreError> {
        self.commit()?.record(catalog)
    }

    /// Commits what was fed and waits for tantivy's merges, without the catalog: the import
    /// does this on its indexing thread while the writer builds the indexes it set aside.
    /// Called after the import's last SQLite commit; the state file moves on only with
    /// [`FedIndex::record`].
    pub(crate) fn commit(mut self) -> Result<FedIndex, CoreError> {
        let fail = |e: &dyn std::fmt::Display| SearchIndex::failed(&self.dir, e);
        self.writer.commit().map_err(|e| fail(&e))?;
        self.writer.wait_merging_threads().map_err(|e| fail(&e))?;
        Ok(FedIndex {
            dir: self.dir,
            state: self.state,
        })
    }
}

/// A [`Feed`] committed, whose state file has yet to say how far it reaches.
pub(crate) struct FedIndex {
    dir: PathBuf,
    state: IndexState,
}

impl FedIndex {
    /// Records how far the committed index reaches (the change id of its last `seq`, read
    /// from `catalog`).
    pub(crate) fn record(mut self, catalog: &Catalog) -> Result<(), CoreError> {
        self.state.change_id = catalog
            .conn()
            .query_row(
                "SELECT change_id FROM change_log WHERE seq = ?1",
                params![self.state.seq],
                |r| r.get(0),
            )
            .optional()?;
        write_state(&self.dir, &self.state)
    }
}

/// A search index over one catalog, kept in step with it.
pub struct SearchIndex {
    dir: PathBuf,
    index: Index,
    reader: IndexReader,
    fields: Fields,
    state: IndexState,
    /// Per-segment facet bitsets; segments are immutable, so these live as long as they do.
    facet_cache: FacetCache,
    /// The facet counts of the whole catalog (the empty query) for the reader's current
    /// generation: the broadest count there is, asked for on every first page.
    all_facets: Option<(u64, SearchFacets)>,
}

impl SearchIndex {
    /// Opens the index beside `catalog`, rebuilding it when it is missing, damaged, made for
    /// another catalog or ahead of it, and catching it up when it is behind.
    pub fn open(catalog: &Catalog) -> Result<SearchIndex, CoreError> {
        let dir = index_dir(catalog.path());
        match Self::try_open(&dir, catalog) {
            Some(mut index) => {
                index.refresh(catalog)?;
                Ok(index)
            }
            None => Self::rebuild(catalog, |_, _| {}).map(|(index, _)| index),
        }
    }

    /// The index beside `catalog` when it can be trusted and is already level with the
    /// catalog (as an import that fed it leaves it); `None` otherwise.
    pub(crate) fn current(catalog: &Catalog) -> Result<Option<SearchIndex>, CoreError> {
        let head = head(catalog)?;
        Ok(Self::try_open(&index_dir(catalog.path()), catalog)
            .filter(|i| i.state.seq == head.seq && i.state.change_id == head.change_id))
    }

    /// The folder the index lives in.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    /// The existing index if it can be trusted to be behind or level with `catalog`; `None`
    /// whenever anything about it is wrong (the caller rebuilds).
    fn try_open(dir: &Path, catalog: &Catalog) -> Option<SearchIndex> {
        let state = IndexState::read_trusted(dir, STATE_FILE, INDEX_FORMAT, catalog)?;
        let mut index = Index::open_in_dir(dir).ok()?;
        if index.schema() != schema() {
            return None;
        }
        // A damaged file could otherwise give wrong answers or fail deep inside a search.
        if !index.validate_checksum().ok()?.is_empty() {
            return None;
        }
        Self::from_index(dir, &mut index, state).ok()
    }

    fn from_index(
        dir: &Path,
        index: &mut Index,
        state: IndexState,
    ) -> Result<SearchIndex, tantivy::TantivyError> {
        analyzer::register(index.tokenizers());
        let fields = Fields::of(&index.schema())?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()?;
        Ok(SearchIndex {
            dir: dir.to_path_buf(),
            index: index.clone(),
            reader,
            fields,
            state,
            facet_cache: FacetCache::default(),
            all_facets: None,
        })
    }

    fn failed(dir: &Path, detail: impl std::fmt::Display) -> CoreError {
        CoreError::SearchIndex {
            path: dir.to_path_buf(),
            detail: detail.to_string(),
        }
    }

    /// Throws the index away and builds it again from every record in the catalog.
    /// `progress(done, total)` is told as records are indexed. Returns the index and the
    /// number of records indexed.
    pub fn rebuild(
        catalog: &Catalog,
        mut progress: impl FnMut(u64, u64),
    ) -> Result<(SearchIndex, u64), CoreError> {
        let dir = index_dir(catalog.path());
        let fail = |e: &dyn std::fmt::Display| Self::failed(&dir, e);
        // The head is read first: whatever is committed after it is caught up next time.
        let head = head(catalog)?;
        let mut index = fresh_index(&dir, schema())?;
        let fields = Fields::of(&index.schema()).map_err(|e| fail(&e))?;
        let mut writer: IndexWriter = index.writer(REBUILD_HEAP).map_err(|e| fail(&e))?;

        let conn = catalog.conn();
        let total: u64 = conn.query_row("SELECT count(*) FROM records", [], |r| r.get(0))?;
        let branches = branch_codes(catalog)?;
        // Records and items are both read in record-id order and merged, so neither is held
        // in memory whole.
        let mut records =
            conn.prepare(&format!("SELECT {RECORD_COLUMNS} FROM records ORDER BY id"))?;
        let mut items =
            conn.prepare("SELECT record_id, branch_id, status FROM items ORDER BY record_id")?;
        let mut items = items
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?
            .peekable();
        let mut done = 0u64;
        for row in records.query_map([], record_row)? {
            let row = row?;
            let mut holdings = Vec::new();
            while let Some(Ok((record_id, _, _))) = items.peek() {
                if record_id.as_str() > row.id.as_str() {
                    break;
                }
                if let Some(Ok((record_id, branch, status))) = items.next()
                    && record_id == row.id
                {
                    holdings.push(Holding {
                        branch: branches.get(&branch).cloned().unwrap_or(branch),
                        available: status == "available",
                    });
                }
            }
            if let Some(Err(_)) = items.peek() {
                // Surface the storage error instead of silently dropping holdings.
                if let Some(Err(e)) = items.next() {
                    return Err(e.into());
                }
            }
            writer
                .add_document(document(&fields, &row.id, &extracted(&row), &holdings))
                .map_err(|e| fail(&e))?;
            done += 1;
            if done.is_multiple_of(1_000) {
                progress(done, total);
            }
        }
        writer.commit().map_err(|e| fail(&e))?;
        writer.wait_merging_threads().map_err(|e| fail(&e))?;
        progress(done, total);
        let state = IndexState {
            format: INDEX_FORMAT,
            node_id: catalog.node_id().to_string(),
            seq: head.seq,
            change_id: head.change_id,
        };
        write_state(&dir, &state)?;
        let index = Self::from_index(&dir, &mut index, state).map_err(|e| fail(&e))?;
        Ok((index, done))
    }

    /// Brings the index up to the catalog's change log: re-indexes every record (and every
    /// item's record) changed since the index's `seq`, and deletes records that are gone.
    pub fn refresh(&mut self, catalog: &Catalog) -> Result<(), CoreError> {
        let head = head(catalog)?;
        if head.seq == self.state.seq && head.change_id == self.state.change_id {
            return Ok(());
        }
        let conn = catalog.conn();
        let seen: Option<String> = conn
            .query_row(
                "SELECT change_id FROM change_log WHERE seq = ?1",
                params![self.state.seq],
                |r| r.get(0),
            )
            .optional()?;
        if head.seq < self.state.seq || seen != self.state.change_id {
            // The catalog was replaced under an open index (a restored backup): start again.
            *self = Self::rebuild(catalog, |_, _| {})?.0;
            return Ok(());
        }
        let mut changed = BTreeSet::new();
        {
            let mut stmt = conn.prepare(
                "SELECT entity_type, entity_id, payload FROM change_log
                 WHERE seq > ?1 AND seq <= ?2 AND entity_type IN ('record', 'item')",
            )?;
            let mut item_record =
                conn.prepare_cached("SELECT record_id FROM items WHERE id = ?1")?;
            let rows = stmt.query_map(params![self.state.seq, head.seq], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })?;
            for row in rows {
                let (entity, id, payload) = row?;
                if entity == "record" {
                    changed.insert(id);
                    continue;
                }
                // An item moves its record's facets; a deleted item's payload still names it.
                let record: Option<String> = item_record
                    .query_row(params![id], |r| r.get(0))
                    .optional()?
                    .or_else(|| {
                        serde_json::from_str::<serde_json::Value>(&payload)
                            .ok()?
                            .get("record_id")?
                            .as_str()
                            .map(str::to_string)
                    });
                changed.extend(record);
            }
        }
        if !changed.is_empty() {
            let fail = |e: &dyn std::fmt::Display| Self::failed(&self.dir, e);
            let mut writer: IndexWriter = self
                .index
                .writer_with_num_threads(1, CATCH_UP_HEAP)
                .map_err(|e| fail(&e))?;
            let branches = branch_codes(catalog)?;
            let mut record = conn.prepare_cached(&format!(
                "SELECT {RECORD_COLUMNS} FROM records WHERE id = ?1"
            ))?;
            let mut items =
                conn.prepare_cached("SELECT branch_id, status FROM items WHERE record_id = ?1")?;
            for id in &changed {
                writer.delete_term(Term::from_field_text(self.fields.id, id));
                let Some(row) = record.query_row(params![id], record_row).optional()? else {
                    continue;
                };
                let holdings = items
                    .query_map(params![id], |r| {
                        let branch: String = r.get(0)?;
                        let status: String = r.get(1)?;
                        Ok(Holding {
                            branch: branches.get(&branch).cloned().unwrap_or(branch),
                            available: status == "available",
                        })
                    })?
                    .collect::<Result<Vec<_>, _>>()?;
                writer
                    .add_document(document(&self.fields, id, &extracted(&row), &holdings))
                    .map_err(|e| fail(&e))?;
            }
            writer.commit().map_err(|e| fail(&e))?;
            writer.wait_merging_threads().map_err(|e| fail(&e))?;
            self.reader.reload().map_err(|e| fail(&e))?;
            self.all_facets = None;
        }
        self.state.seq = head.seq;
        self.state.change_id = head.change_id;
        write_state(&self.dir, &self.state)
    }

    /// Runs one search: the query parsed, the index caught up first, hits read back from the
    /// catalog.
    pub fn search(
        &mut self,
        catalog: &Catalog,
        request: &SearchQuery,
    ) -> Result<SearchResults, CoreError> {
        let node = query::parse(&request.text)?;
        self.refresh(catalog)?;
        let compiled = self.compile_node(&node);
        let everything = matches!(compiled, Compiled::Everything);
        // Without words to rank by (the empty text, or only filters such as `type:book`)
        // every hit scores the same, and "relevance" would be index order: title instead.
        let sort = match request.sort {
            SearchSort::Relevance if !query::ranks(&node) => SearchSort::Title,
            other => other,
        };
        let query = compiled.into_query();
        let searcher = self.reader.searcher();
        let generation = searcher.generation().generation_id();
        // tantivy's top-n collector reserves room for offset + limit hits and adds them
        // unchecked, so a page that starts past every document in the index (all it could
        // ever match) is never handed to it: it is answered with the count alone. Below
        // that, offset + limit is at most the document count plus MAX_PAGE.
        let offset = usize::try_from(request.offset)
            .ok()
            .filter(|&o| u64::try_from(o).is_ok_and(|o| o < searcher.num_docs()));
        let limit = match offset {
            Some(_) => request.limit.min(MAX_PAGE) as usize,
            None => 0,
        };
        let offset = offset.unwrap_or(0);
        let page = |limit: usize| TopDocs::with_limit(limit).and_offset(offset);
        let dir = self.dir.clone();
        let fail = |e: tantivy::TantivyError| Self::failed(&dir, e);
        // The whole catalog's counts are kept until the index changes.
        let cached = match &self.all_facets {
            Some((g, facets)) if everything && *g == generation => Some(facets.clone()),
            _ => None,
        };
        let facets = if request.facets && cached.is_none() {
            Some(self.facet_cache.collector(&searcher).map_err(fail)?)
        } else {
            None
        };
        // Each order gives its own key; only relevance has a score to show.
        let (addresses, total, counts): (Vec<(f32, DocAddress)>, usize, Option<Tally>) = match sort
        {
            SearchSort::Relevance => {
                let top = (limit > 0).then(|| page(limit).order_by_score());
                let (top, total, counts) = searcher
                    .search(&query, &(top, Count, facets))
                    .map_err(fail)?;
                (top.unwrap_or_default(), total, counts)
            }
            SearchSort::Title
            | SearchSort::TitleDescending
            | SearchSort::Author
            | SearchSort::AuthorDescending => {
                let (field, order) = match sort {
                    SearchSort::Title => ("sort_title", Order::Asc),
                    SearchSort::TitleDescending => ("sort_title", Order::Desc),
                    SearchSort::Author => ("sort_author", Order::Asc),
                    _ => ("sort_author", Order::Desc),
                };
                let top = (limit > 0).then(|| page(limit).order_by_string_fast_field(field, order));
                let (top, total, counts) = searcher
                    .search(&query, &(top, Count, facets))
                    .map_err(fail)?;
                let top = top
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, a)| (0.0, a))
                    .collect();
                (top, total, counts)
            }
            SearchSort::Year | SearchSort::YearAscending => {
                let order = if sort == SearchSort::Year {
                    Order::Desc
                } else {
                    Order::Asc
                };
                let top =
                    (limit > 0).then(|| page(limit).order_by_fast_field::<i64>("year", order));
                let (top, total, counts) = searcher
                    .search(&query, &(top, Count, facets))
                    .map_err(fail)?;
                let top = top
                    .unwrap_or_default()
                    .into_iter()
                    .map(|(_, a)| (0.0, a))
                    .collect();
                (top, total, counts)
            }
        };
        let facets = match (request.facets, cached, counts) {
            (false, _, _) => None,
            (true, Some(cached), _) => Some(cached),
            (true, None, counts) => {
                let facets = counts.unwrap_or_default().facets();
                if everything {
                    self.all_facets = Some((generation, facets.clone()));
                }
                Some(facets)
            }
        };
        let ids = RecordIds::of(&searcher).map_err(fail)?;
        let mut lookup = catalog.conn().prepare_cached(
            "SELECT control_number, title, author, year, material_type FROM records WHERE id = ?1",
        )?;
        let mut hits = Vec::with_capacity(addresses.len());
        let mut id = String::new();
        for (score, address) in addresses {
            if !ids.get(address, &mut id).map_err(fail)? {
                continue;
            }
            let row = lookup
                .query_row(params![id], |r| {
                    let material: String = r.get(4)?;
                    Ok(SearchHit {
                        id: id.clone(),
                        control_number: r.get(0)?,
                        title: r.get(1)?,
                        author: r.get(2)?,
                        year: r.get(3)?,
                        material_type: MaterialType::parse(&material)
                            .unwrap_or(MaterialType::Other),
                        score,
                    })
                })
                .optional()?;
            // Only a record still in the catalog is a hit.
            hits.extend(row);
        }
        Ok(SearchResults {
            total: total as u64,
            offset: request.offset,
            hits,
            facets,
        })
    }

    /// The ids of every record matching `text`, in index order: what export with `--query`
    /// writes.
    pub fn matching_ids(
        &mut self,
        catalog: &Catalog,
        text: &str,
    ) -> Result<Vec<String>, CoreError> {
        let node = query::parse(text)?;
        self.refresh(catalog)?;
        let query = self.compile(&node);
        let searcher = self.reader.searcher();
        let fail = |e: tantivy::TantivyError| Self::failed(&self.dir, e);
        let mut addresses: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)
            .map_err(fail)?
            .into_iter()
            .collect();
        addresses.sort_unstable();
        let ids = RecordIds::of(&searcher).map_err(fail)?;
        let mut out = Vec::with_capacity(addresses.len());
        let mut id = String::new();
        for address in addresses {
            if ids.get(address, &mut id).map_err(fail)? {
                out.push(id.clone());
            }
        }
        Ok(out)
    }

    fn compile(&self, node: &Node) -> Box<dyn Query> {
        self.compile_node(node).into_query()
    }

    fn compile_node(&self, node: &Node) -> Compiled {
        let f = &self.fields;
        let filter = |term: Term| -> Compiled {
            // Filters decide what matches, not how well: they add nothing to the score.
            Compiled::Query(Box::new(ConstScoreQuery::new(
                Box::new(TermQuery::new(term, IndexRecordOption::Basic)),
                0.0,
            )))
        };
        let facet_term = |root: &str, value: &str| Term::from_facet(f.facet, &facet([root, value]));
        match node {
            Node::All => Compiled::Everything,
            Node::Text {
                field,
                value,
                phrase,
            } => self
                .text_query(*field, value, *phrase)
                .map_or(Compiled::NoWords, Compiled::Query),
            Node::Isbn(isbn) => filter(Term::from_field_text(f.isbn, isbn)),
            Node::Issn(issn) => filter(Term::from_field_text(f.issn, issn)),
            Node::Lang(code) => filter(facet_term("lang", code)),
            Node::Type(t) => filter(facet_term("type", t.as_str())),
            Node::Branch(code) => filter(facet_term("branch", code)),
            Node::Available(true) => filter(facet_term("availability", "available")),
            Node::Available(false) => {
                Compiled::Query(not(
                    filter(facet_term("availability", "available")).into_query()
                ))
            }
            Node::Year { from, to } => {
                let bound = |y: &Option<i64>| match y {
                    Some(y) => Bound::Included(Term::from_field_i64(f.year, *y)),
                    None => Bound::Unbounded,
                };
                Compiled::Query(Box::new(ConstScoreQuery::new(
                    Box::new(RangeQuery::new(bound(from), bound(to))),
                    0.0,
                )))
            }
            Node::Not(inner) => match self.compile_node(inner) {
                Compiled::Query(q) => Compiled::Query(not(q)),
                // NOT everything matches nothing; NOT nothing to look for excludes nothing.
                Compiled::Everything => Compiled::Query(Box::new(EmptyQuery)),
                Compiled::NoWords => Compiled::Everything,
            },
            Node::And(children) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                let mut positive = false;
                let mut no_words = false;
                for child in children {
                    match child {
                        Node::Not(inner) => match self.compile_node(inner) {
                            Compiled::Query(q) => clauses.push((Occur::MustNot, q)),
                            Compiled::Everything => {
                                clauses.push((Occur::MustNot, Box::new(AllQuery)))
                            }
                            // Excluding nothing to look for restricts nothing.
                            Compiled::NoWords => {}
                        },
                        other => match self.compile_node(other) {
                            Compiled::Query(q) => {
                                clauses.push((Occur::Must, q));
                                positive = true;
                            }
                            Compiled::Everything => {}
                            Compiled::NoWords => no_words = true,
                        },
                    }
                }
                if clauses.is_empty() {
                    return if no_words {
                        Compiled::NoWords
                    } else {
                        Compiled::Everything
                    };
                }
                if !positive {
                    clauses.push((Occur::Must, Box::new(AllQuery)));
                }
                Compiled::Query(Box::new(BooleanQuery::new(clauses)))
            }
            Node::Or(children) => {
                let mut clauses: Vec<(Occur, Box<dyn Query>)> = Vec::new();
                for child in children {
                    match self.compile_node(child) {
                        Compiled::Query(q) => clauses.push((Occur::Should, q)),
                        // Anything OR everything is everything.
                        Compiled::Everything => return Compiled::Everything,
                        Compiled::NoWords => {}
                    }
                }
                if clauses.is_empty() {
                    return Compiled::NoWords;
                }
                Compiled::Query(Box::new(BooleanQuery::new(clauses)))
            }
        }
    }

    /// Words (or a phrase) in one field, or in any. Folded forms decide what matches; when the
    /// query carries diacritics, the exact forms add to the score, so the word as typed ranks
    /// above its folded neighbours. `None` when the value has no words at all.
    fn text_query(
        &self,
        field: Option<TextField>,
        value: &str,
        phrase: bool,
    ) -> Option<Box<dyn Query>> {
        let f = &self.fields;
        let folded = analyzer::words(value, Form::Folded);
        if folded.is_empty() {
            // No letter or digit: no word to find, and no identifier either.
            return None;
        }
        let exact = analyzer::words(value, Form::Exact);
        let english = analyzer::english_words(value);
        let groups: Vec<Group> = match field {
            None => GROUPS.iter().map(|g| g.fields(f)).collect(),
            Some(one) => GROUPS
                .iter()
                .filter(|g| g.which == one)
                .map(|g| g.fields(f))
                .collect(),
        };
        let mut any: Vec<Box<dyn Query>> = Vec::new();
        for g in &groups {
            if let Some(q) = words_query(g.folded, &folded) {
                any.push(boosted(q, g.boost));
            }
            if let Some(q) = g.english.and_then(|en| words_query(en, &english)) {
                any.push(boosted(q, g.boost));
            }
        }
        if field.is_none() && !phrase {
            // An identifier typed into the one box: the control number, or an ISBN or ISSN in
            // any of its written forms.
            let trimmed = value.trim();
            let control = (!trimmed.is_empty()).then(|| text::nfc(trimmed).to_lowercase());
            let identifiers = [
                (f.control, control),
                (f.isbn, normalize_isbn(trimmed).ok()),
                (f.issn, normalize_issn(trimmed).ok()),
            ];
            for (id_field, id) in identifiers {
                if let Some(id) = id {
                    any.push(boosted(
                        Box::new(TermQuery::new(
                            Term::from_field_text(id_field, &id),
                            IndexRecordOption::Basic,
                        )),
                        IDENTIFIER_BOOST,
                    ));
                }
            }
        }
        if any.is_empty() {
            return None;
        }
        let base: Box<dyn Query> = Box::new(DisjunctionMaxQuery::with_tie_breaker(any, 0.1));
        if exact == folded {
            return Some(base);
        }
        let exact_any: Vec<Box<dyn Query>> = groups
            .iter()
            .filter_map(|g| {
                Some(boosted(
                    words_query(g.exact?, &exact)?,
                    g.boost * EXACT_BOOST,
                ))
            })
            .collect();
        if exact_any.is_empty() {
            return Some(base);
        }
        Some(Box::new(BooleanQuery::new(vec![
            (Occur::Must, base),
            (
                Occur::Should,
                Box::new(DisjunctionMaxQuery::with_tie_breaker(exact_any, 0.1)),
            ),
        ])))
    }
}

/// A query node compiled for the index.
enum Compiled {
    /// No restriction: the empty search box, which lists every record.
    Everything,
    /// Words with no letters or digits in them (`-`, `"."`, `(`): nothing to look for. Beside
    /// other words (`kieu -`, an OR list) they drop out, as they would inside a phrase; alone
    /// they match nothing — never every record.
    NoWords,
    Query(Box<dyn Query>),
}

impl Compiled {
    fn into_query(self) -> Box<dyn Query> {
        match self {
            Compiled::Everything => Box::new(AllQuery),
            Compiled::NoWords => Box::new(EmptyQuery),
            Compiled::Query(q) => q,
        }
    }
}

/// How much more a match of the diacritics as typed counts than a folded one.
const EXACT_BOOST: f32 = 2.0;
/// A control number, ISBN or ISSN typed in the box is almost certainly what was meant.
const IDENTIFIER_BOOST: f32 = 10.0;

struct GroupSpec {
    which: TextField,
    boost: f32,
}

/// The text fields, and how much a match in each counts.
const GROUPS: [GroupSpec; 5] = [
    GroupSpec {
        which: TextField::Title,
        boost: 3.0,
    },
    GroupSpec {
        which: TextField::Author,
        boost: 2.0,
    },
    GroupSpec {
        which: TextField::Subject,
        boost: 1.5,
    },
    GroupSpec {
        which: TextField::Publisher,
        boost: 1.0,
    },
    GroupSpec {
        which: TextField::CallNumber,
        boost: 1.0,
    },
];

struct Group {
    folded: Field,
    exact: Option<Field>,
    english: Option<Field>,
    boost: f32,
}

impl GroupSpec {
    fn fields(&self, f: &Fields) -> Group {
        let (folded, exact, english) = match self.which {
            TextField::Title => (f.title, Some(f.title_exact), Some(f.title_english)),
            TextField::Author => (f.author, Some(f.author_exact), None),
            TextField::Subject => (f.subject, Some(f.subject_exact), Some(f.subject_english)),
            TextField::Publisher => (f.publisher, Some(f.publisher_exact), None),
            TextField::CallNumber => (f.callno, None, None),
        };
        Group {
            folded,
            exact,
            english,
            boost: self.boost,
        }
    }
}

fn boosted(q: Box<dyn Query>, boost: f32) -> Box<dyn Query> {
    Box::new(BoostQuery::new(q, boost))
}

fn not(q: Box<dyn Query>) -> Box<dyn Query> {
    Box::new(BooleanQuery::new(vec![
        (Occur::Must, Box::new(AllQuery) as Box<dyn Query>),
        (Occur::MustNot, q),
    ]))
}

/// One word as a term, several as a phrase.
fn words_query(field: Field, words: &[String]) -> Option<Box<dyn Query>> {
    let terms: Vec<Term> = words
        .iter()
        .map(|w| Term::from_field_text(field, w))
        .collect();
    match terms.len() {
        0 => None,
        1 => Some(Box::new(TermQuery::new(
            terms.into_iter().next()?,
            IndexRecordOption::WithFreqs,
        ))),
        _ => Some(Box::new(PhraseQuery::new(terms))),
    }
}

/// Each segment's record-id column: a hit's id without loading its stored document.
struct RecordIds(Vec<Option<StrColumn>>);

impl RecordIds {
    fn of(searcher: &Searcher) -> tantivy::Result<RecordIds> {
        searcher
            .segment_readers()
            .iter()
            .map(|r| r.fast_fields().str("id"))
            .collect::<tantivy::Result<_>>()
            .map(RecordIds)
    }

    /// Writes the id of the document at `address` into `out`; `false` when it has none.
    fn get(&self, address: DocAddress, out: &mut String) -> tantivy::Result<bool> {
        let Some(Some(column)) = self.0.get(address.segment_ord as usize) else {
            return Ok(false);
        };
        let Some(ord) = column.ords().first(address.doc_id) else {
            return Ok(false);
        };
        out.clear();
        Ok(column.ord_to_str(ord, out)?)
    }
}

/// An empty index of `schema` in `dir`, whatever was there thrown away, its analyzers
/// registered: the start of a rebuild (the full-text index's too).
pub(crate) fn fresh_index(dir: &Path, schema: Schema) -> Result<Index, CoreError> {
    let fail = |e: &dyn std::fmt::Display| SearchIndex::failed(dir, e);
    match std::fs::remove_dir_all(dir) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
        Err(e) => return Err(fail(&format!("could not remove the old index: {e}"))),
    }
    std::fs::create_dir_all(dir).map_err(|e| fail(&e))?;
    let index = Index::create_in_dir(dir, schema).map_err(|e| fail(&e))?;
    analyzer::register(index.tokenizers());
    Ok(index)
}

/// Writes the state file whole (a temporary file renamed over it), so a crash leaves either
/// the old state or the new one, never half of one.
fn write_state(dir: &Path, state: &IndexState) -> Result<(), CoreError> {
    let fail = |e: std::io::Error| CoreError::SearchIndex {
        path: dir.to_path_buf(),
        detail: format!("could not write {STATE_FILE}: {e}"),
    };
    let tmp = dir.join(format!("{STATE_FILE}.tmp"));
    std::fs::write(&tmp, serde_json::to_vec(state)?).map_err(fail)?;
    std::fs::rename(&tmp, dir.join(STATE_FILE)).map_err(fail)
}
