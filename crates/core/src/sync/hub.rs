//! The central server's storage, in SQLite: registered branches (tokens kept only as hashes),
//! the shared log in the server's order, and the union catalog, which is an ordinary catalog
//! the shared log is applied to with the same code as on a branch (`sync::apply_pulled`).
//!
//! The server crate reaches this through its own storage trait, so another database can take
//! the log's place without touching the protocol.
//!
//! What this module must never do: keep a token in the clear, store part of a push, or hand a
//! branch back its own entries.

use std::path::Path;

use rusqlite::{OptionalExtension, params};
use sha2::{Digest, Sha256};

use crate::api::{
    MAX_BATCH, PullResponse, PulledEntry, PushRequest, PushResponse, RegisteredBranch, SearchQuery,
    SearchSort, SyncEntry, SyncErrorCode, UnionHolding, UnionRecord, UnionSearchResults,
};
use crate::error::CoreError;
use crate::search::SearchIndex;
use crate::store::{Catalog, CatalogOptions};
use crate::text;

/// What one page of the union catalog's catch-up did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct UnionPage {
    /// Entries new to the union catalog, now applied.
    pub applied: u32,
    /// Whether the shared log has more beyond this page.
    pub more: bool,
}

/// The central catalog: the union catalog plus the hub tables, in one file.
pub struct Hub {
    catalog: Catalog,
}

/// A token's stored form. SHA-256 rather than a slow password hash: tokens are 256 random
/// bits made by the server, not chosen by people, so there is nothing to guess a dictionary
/// from, and every request is checked without costing a deliberate 100 ms.
fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.trim().as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

fn refused(code: SyncErrorCode, message: impl Into<String>) -> CoreError {
    CoreError::SyncRefused {
        code,
        message: message.into(),
    }
}

impl Hub {
    pub fn open(path: impl AsRef<Path>, options: CatalogOptions) -> Result<Hub, CoreError> {
        Ok(Hub {
            catalog: Catalog::open(path, options)?,
        })
    }

    /// The union catalog.
    pub fn catalog(&self) -> &Catalog {
        &self.catalog
    }

    /// Registers a branch under `name` with `token` (made by the caller from a secure random
    /// source); only the token's hash is kept.
    pub fn add_branch(&mut self, name: &str, token: &str) -> Result<(), CoreError> {
        let name = text::nfc(name.trim());
        if name.is_empty() || name.len() > 64 {
            return Err(CoreError::InvalidInput {
                what: "branch name",
                value: name,
                reason: "a branch name is 1 to 64 characters".into(),
            });
        }
        if token.trim().len() < 32 {
            return Err(CoreError::InvalidInput {
                what: "token",
                value: "(hidden)".into(),
                reason: "a branch token has at least 32 characters".into(),
            });
        }
        self.catalog.write("server", |m| {
            let exists: bool = m
                .conn()
                .query_row(
                    "SELECT 1 FROM hub_branches WHERE name = ?1",
                    params![name],
                    |_| Ok(true),
                )
                .optional()?
                .unwrap_or(false);
            if exists {
                return Err(CoreError::InvalidInput {
                    what: "branch name",
                    value: name.clone(),
                    reason: "a branch of that name is registered already; choose another name, \
                             or revoke it and register under a new one"
                        .into(),
                });
            }
            let now = text::rfc3339(m.now());
            m.conn().execute(
                "INSERT INTO hub_branches (name, token_hash, created_at) VALUES (?1, ?2, ?3)",
                params![name, token_hash(token), now],
            )?;
            Ok(())
        })
    }

    pub fn list_branches(&self) -> Result<Vec<RegisteredBranch>, CoreError> {
        let mut stmt = self.catalog.conn().prepare(
            "SELECT b.name, b.node_id, b.created_at, b.revoked_at,
                    (SELECT count(*) FROM hub_log l WHERE l.branch = b.name)
             FROM hub_branches b ORDER BY b.name",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(RegisteredBranch {
                name: r.get(0)?,
                node_id: r.get(1)?,
                created_at: r.get(2)?,
                revoked_at: r.get(3)?,
                entries: r.get(4)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Revokes a branch's token: its requests get 401 from now on; what it pushed stays.
    pub fn revoke_branch(&mut self, name: &str) -> Result<(), CoreError> {
        let name = text::nfc(name.trim());
        self.catalog.write("server", |m| {
            let now = text::rfc3339(m.now());
            let changed = m.conn().execute(
                "UPDATE hub_branches SET revoked_at = coalesce(revoked_at, ?2) WHERE name = ?1",
                params![name, now],
            )?;
            if changed == 0 {
                return Err(CoreError::NotFound {
                    entity: "registered branch",
                    key: "name",
                    value: name.clone(),
                });
            }
            Ok(())
        })
    }

    /// The branch a token belongs to; an unknown or revoked token is refused.
    pub fn authenticate(&self, token: Option<&str>) -> Result<String, CoreError> {
        let Some(token) = token.filter(|t| !t.trim().is_empty()) else {
            return Err(refused(
                SyncErrorCode::Unauthorized,
                "no token: send the branch's token as `Authorization: Bearer …`",
            ));
        };
        let found: Option<(String, Option<String>)> = self
            .catalog
            .conn()
            .query_row(
                "SELECT name, revoked_at FROM hub_branches WHERE token_hash = ?1",
                params![token_hash(token)],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        match found {
            None => Err(refused(
                SyncErrorCode::Unauthorized,
                "unknown token: ask the administrator for this branch's token",
            )),
            Some((name, Some(at))) => Err(refused(
                SyncErrorCode::Unauthorized,
                format!("the token of branch {name} was revoked at {at}"),
            )),
            Some((name, None)) => Ok(name),
        }
    }

    /// Stores a batch in one transaction: all of it or none. Entries already stored (by change
    /// id) count as duplicates. The first push binds the branch to its node id; entries of
    /// another node are refused.
    pub fn push(&mut self, branch: &str, request: &PushRequest) -> Result<PushResponse, CoreError> {
        if request.entries.len() > MAX_BATCH as usize {
            return Err(refused(
                SyncErrorCode::BadRequest,
                format!(
                    "{} entries in one push; send at most {MAX_BATCH}",
                    request.entries.len()
                ),
            ));
        }
        if uuid::Uuid::parse_str(&request.node_id).is_err() {
            return Err(refused(
                SyncErrorCode::BadRequest,
                format!("node id {:?} is not a UUID", request.node_id),
            ));
        }
        for entry in &request.entries {
            if entry.origin_node != request.node_id {
                return Err(refused(
                    SyncErrorCode::WrongNode,
                    format!(
                        "entry {} comes from node {}, not from this branch's node {}; a branch \
                         pushes only its own changes",
                        entry.change_id, entry.origin_node, request.node_id
                    ),
                ));
            }
            super::parse_hlc(&entry.hlc)
                .and_then(|_| super::parse_uuid("change id", &entry.change_id))
                .and_then(|_| super::parse_uuid("entity id", &entry.entity_id))
                .map_err(|e| refused(SyncErrorCode::BadRequest, e.to_string()))?;
        }
        self.catalog.write("server", |m| {
            let bound: Option<String> = m.conn().query_row(
                "SELECT node_id FROM hub_branches WHERE name = ?1",
                params![branch],
                |r| r.get(0),
            )?;
            match bound {
                Some(node) if node != request.node_id => {
                    return Err(refused(
                        SyncErrorCode::WrongNode,
                        format!(
                            "branch {branch} is bound to node {node}; node {} cannot push with \
                             its token",
                            request.node_id
                        ),
                    ));
                }
                Some(_) => {}
                None => {
                    let other: Option<String> = m
                        .conn()
                        .query_row(
                            "SELECT name FROM hub_branches WHERE node_id = ?1",
                            params![request.node_id],
                            |r| r.get(0),
                        )
                        .optional()?;
                    if let Some(other) = other {
                        return Err(refused(
                            SyncErrorCode::WrongNode,
                            format!(
                                "node {} belongs to branch {other}; use that branch's token",
                                request.node_id
                            ),
                        ));
                    }
                    m.conn().execute(
                        "UPDATE hub_branches SET node_id = ?2 WHERE name = ?1",
                        params![branch, request.node_id],
                    )?;
                }
            }
            let mut response = PushResponse {
                accepted: 0,
                duplicates: 0,
                server_seqs: Vec::with_capacity(request.entries.len()),
            };
            for entry in &request.entries {
                let added = m
                    .conn()
                    .prepare_cached(
                        "INSERT OR IGNORE INTO hub_log (change_id, branch, entry) VALUES (?1, ?2, ?3)",
                    )?
                    .execute(params![entry.change_id, branch, serde_json::to_string(entry)?])?;
                if added == 1 {
                    response.accepted += 1;
                    response.server_seqs.push(m.conn().last_insert_rowid());
                } else {
                    response.duplicates += 1;
                    response.server_seqs.push(m.conn().query_row(
                        "SELECT server_seq FROM hub_log WHERE change_id = ?1",
                        params![entry.change_id],
                        |r| r.get(0),
                    )?);
                }
            }
            Ok(response)
        })
    }

    /// The entries after `after` in the server's order, other branches' only (`branch` empty:
    /// everyone's), at most `limit`.
    pub fn pull(&self, branch: &str, after: i64, limit: u32) -> Result<PullResponse, CoreError> {
        let limit = limit.clamp(1, MAX_BATCH);
        let conn = self.catalog.conn();
        // The newest first, and nothing past it read: a push committing in between must not
        // be covered by the cursor without being handed out.
        let newest: i64 = conn.query_row(
            "SELECT coalesce(max(server_seq), 0) FROM hub_log",
            [],
            |r| r.get(0),
        )?;
        let mut stmt = conn.prepare_cached(
            "SELECT server_seq, entry FROM hub_log
             WHERE server_seq > ?1 AND server_seq <= ?4 AND branch <> ?2
             ORDER BY server_seq LIMIT ?3",
        )?;
        let rows: Vec<(i64, String)> = stmt
            .query_map(params![after, branch, limit, newest], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })?
            .collect::<Result<_, _>>()?;
        let full = rows.len() == limit as usize;
        let mut entries = Vec::with_capacity(rows.len());
        for (server_seq, entry) in rows {
            let entry: SyncEntry = serde_json::from_str(&entry)?;
            entries.push(PulledEntry { server_seq, entry });
        }
        // A short page covers everything up to the newest entry (the branch's own included);
        // a full one only up to its last entry.
        let next_cursor = if full {
            entries.last().map_or(after, |e| e.server_seq)
        } else {
            newest.max(after)
        };
        Ok(PullResponse {
            more: full && next_cursor < newest,
            entries,
            next_cursor,
        })
    }

    /// Applies to the union catalog what the shared log has beyond it; returns entries applied.
    /// Called when the server starts, so a crash before the union caught up loses nothing
    /// (the cursor lives in the catalog, moved in the same transaction as each page).
    pub fn catch_up_union(&mut self) -> Result<u32, CoreError> {
        let mut applied = 0;
        loop {
            let page = self.catch_up_union_page()?;
            applied += page.applied;
            if !page.more {
                return Ok(applied);
            }
        }
    }

    /// Applies one page (at most [`MAX_BATCH`] entries) of what the shared log has beyond the
    /// union catalog, in one transaction, and says whether more remains. The server's follower
    /// takes its lock per page with this, so pushes and pulls wait at most for one page, never
    /// for a whole backlog. Nothing new costs two indexed reads.
    pub fn catch_up_union_page(&mut self) -> Result<UnionPage, CoreError> {
        let cursor = super::pull_cursor(&self.catalog)?;
        let page = self.pull("", cursor, MAX_BATCH)?;
        if page.entries.is_empty() && page.next_cursor == cursor {
            return Ok(UnionPage::default());
        }
        let applied = super::apply_pulled(&mut self.catalog, &page)?.applied;
        Ok(UnionPage {
            applied,
            more: page.more,
        })
    }

    /// Searches the union catalog with the branches' search, and says which branch holds
    /// which item in which status.
    pub fn search(
        &self,
        index: &mut SearchIndex,
        text: &str,
        offset: u64,
        limit: u32,
    ) -> Result<UnionSearchResults, CoreError> {
        let results = index.search(
            &self.catalog,
            &SearchQuery {
                text: text.to_string(),
                offset,
                limit: limit.min(100),
                sort: SearchSort::Relevance,
                facets: false,
            },
        )?;
        let mut stmt = self.catalog.conn().prepare_cached(
            "SELECT b.code, b.name, i.barcode, i.status FROM items i
             JOIN branches b ON b.id = coalesce(i.holding_branch_id, i.branch_id)
             WHERE i.record_id = ?1 ORDER BY b.code, i.barcode",
        )?;
        let mut records = Vec::with_capacity(results.hits.len());
        for hit in results.hits {
            let holdings: Vec<(String, String, String, String)> = stmt
                .query_map(params![hit.id], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
                })?
                .collect::<Result<_, _>>()?;
            records.push(UnionRecord {
                holdings: holdings
                    .into_iter()
                    .filter_map(|(branch_code, branch_name, barcode, status)| {
                        Some(UnionHolding {
                            status: crate::api::ItemStatus::parse(&status)?,
                            branch_code,
                            branch_name,
                            barcode,
                        })
                    })
                    .collect(),
                id: hit.id,
                title: hit.title,
                author: hit.author,
                year: hit.year,
            });
        }
        Ok(UnionSearchResults {
            total: results.total,
            records,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::demo::{self, DemoConfig};

    #[test]
    fn the_union_catches_up_page_by_page_and_says_when_nothing_remains() {
        let dir = tempfile::TempDir::new().expect("tempdir");
        let mut hub =
            Hub::open(dir.path().join("central.db"), CatalogOptions::default()).expect("hub");
        let token = "c".repeat(64);
        hub.add_branch("Hoàn Kiếm", &token).expect("branch");
        let mut branch = Catalog::open(dir.path().join("a.db"), CatalogOptions::default())
            .expect("branch catalog");
        demo::build(
            &mut branch,
            "demo",
            DemoConfig {
                records: 400,
                seed: 7,
            },
            |_| {},
        )
        .expect("demo");
        let mut stored = 0u32;
        loop {
            let batch = super::super::outbox(&branch, MAX_BATCH).expect("outbox");
            if batch.entries.is_empty() {
                break;
            }
            let answer = hub
                .push(
                    "Hoàn Kiếm",
                    &PushRequest {
                        node_id: branch.node_id().to_string(),
                        entries: batch.entries.clone(),
                    },
                )
                .expect("push");
            stored += answer.accepted;
            super::super::acknowledge(&mut branch, &batch, &answer.server_seqs)
                .expect("acknowledge");
        }
        assert!(stored > MAX_BATCH, "{stored} entries: more than one page");
        // A push leaves the union catalog as it was; the catch-up is the follower's.
        assert_eq!(hub.catalog().summary().expect("summary").records, 0);

        let first = hub.catch_up_union_page().expect("first page");
        assert_eq!(
            first,
            UnionPage {
                applied: MAX_BATCH,
                more: true
            }
        );
        let mut applied = first.applied;
        loop {
            let page = hub.catch_up_union_page().expect("page");
            applied += page.applied;
            if !page.more {
                break;
            }
        }
        assert_eq!(applied, stored);
        assert_eq!(hub.catalog().summary().expect("summary").records, 400);
        assert_eq!(
            hub.catch_up_union_page().expect("nothing new"),
            UnionPage::default()
        );
        assert_eq!(hub.catch_up_union().expect("nothing new"), 0);
    }
}
