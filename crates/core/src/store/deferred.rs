//! Indexes set aside during a bulk load and built again after it.
//!
//! Some indexes take their keys in no order during an import (sort titles, ISBNs): each
//! batch's inserts land on pages all over the b-tree, so every commit writes most of the
//! index to the WAL again and every checkpoint copies it back. At 100,000 records the index
//! is small enough for that to be cheap; at 1,000,000 it was most of the import's writing (a
//! WAL of 9.7 GB between checkpoints). Building such an index once at the end is a sort,
//! which SQLite does in one pass.
//!
//! An index is dropped with its exact `CREATE` statement kept in `catalog_meta`, in one
//! transaction, and built again from it in one transaction, which also forgets it. A program
//! killed in between leaves the statement behind, and the next open of the catalog builds the
//! index again: queries are never left without it for longer than the import that set it
//! aside. Meanwhile every query still gives the right answer, only the title list and ISBN
//! lookups read more.
//!
//! What this module must never do: drop an index that enforces a rule (a `UNIQUE` one), or
//! know which tables an index is on (it keeps whatever SQLite says the index is).

use std::collections::BTreeMap;

use rusqlite::{Connection, OptionalExtension, Transaction, TransactionBehavior, params};

use crate::error::CoreError;

/// The `catalog_meta` key holding the set-aside indexes: a JSON object, name → `CREATE`.
const KEY: &str = "deferred_indexes";

fn stored(conn: &Connection) -> Result<BTreeMap<String, String>, CoreError> {
    let text: Option<String> = conn
        .query_row(
            "SELECT value FROM catalog_meta WHERE key = ?1",
            params![KEY],
            |r| r.get(0),
        )
        .optional()?;
    Ok(match text {
        Some(text) => serde_json::from_str(&text)?,
        None => BTreeMap::new(),
    })
}

/// Drops the named indexes that exist and are not unique, keeping their statements. Returns
/// the names dropped (an index another import already set aside is not among them).
pub(crate) fn set_aside(conn: &Connection, names: &[&str]) -> Result<Vec<String>, CoreError> {
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    let mut kept = stored(&tx)?;
    let mut dropped = Vec::new();
    for name in names {
        let sql: Option<String> = tx
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE type = 'index' AND name = ?1",
                params![name],
                |r| r.get(0),
            )
            .optional()?
            .flatten();
        // An index SQLite made for a constraint has no statement; a UNIQUE one is a rule.
        let Some(sql) = sql.filter(|s| !s.to_ascii_uppercase().contains("UNIQUE")) else {
            continue;
        };
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        kept.insert((*name).to_string(), sql);
        dropped.push((*name).to_string());
    }
    if !dropped.is_empty() {
        tx.execute(
            "INSERT INTO catalog_meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![KEY, serde_json::to_string(&kept)?],
        )?;
    }
    tx.commit()?;
    Ok(dropped)
}

/// Builds again every index set aside (by this program or one that was killed), and forgets
/// them. Does nothing, and writes nothing, when none is.
pub(crate) fn restore(conn: &Connection) -> Result<(), CoreError> {
    if stored(conn)?.is_empty() {
        return Ok(());
    }
    let tx = Transaction::new_unchecked(conn, TransactionBehavior::Immediate)?;
    // Read again under the write lock: another program may have restored them meanwhile.
    for (name, sql) in stored(&tx)? {
        let exists: bool = tx.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_schema WHERE type = 'index' AND name = ?1)",
            params![name],
            |r| r.get(0),
        )?;
        if !exists {
            tx.execute_batch(&sql)?;
        }
    }
    tx.execute("DELETE FROM catalog_meta WHERE key = ?1", params![KEY])?;
    tx.commit()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn db() -> Connection {
        let conn = Connection::open_in_memory().expect("open");
        conn.execute_batch(
            "CREATE TABLE catalog_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
             CREATE TABLE t (a TEXT, b TEXT UNIQUE);
             CREATE INDEX t_a ON t (a, b);
             CREATE UNIQUE INDEX t_ab ON t (b, a);
             INSERT INTO t VALUES ('x', '1'), ('y', '2');",
        )
        .expect("schema");
        conn
    }

    fn indexes(conn: &Connection) -> Vec<String> {
        conn.prepare("SELECT name FROM sqlite_schema WHERE type = 'index' ORDER BY name")
            .expect("prepare")
            .query_map([], |r| r.get(0))
            .expect("query")
            .collect::<Result<_, _>>()
            .expect("rows")
    }

    #[test]
    fn an_index_set_aside_comes_back_exactly_and_rules_stay() {
        let conn = db();
        let before = indexes(&conn);
        let dropped =
            set_aside(&conn, &["t_a", "t_ab", "sqlite_autoindex_t_1", "nope"]).expect("set aside");
        assert_eq!(dropped, ["t_a"]);
        assert!(!indexes(&conn).contains(&"t_a".to_string()));
        // Unique indexes, constraint or explicit, are never dropped.
        assert!(indexes(&conn).contains(&"t_ab".to_string()));
        assert!(indexes(&conn).contains(&"sqlite_autoindex_t_1".to_string()));
        // A second import finds nothing more to set aside and keeps the first's statement.
        assert!(set_aside(&conn, &["t_a"]).expect("again").is_empty());
        restore(&conn).expect("restore");
        assert_eq!(indexes(&conn), before);
        let sql: String = conn
            .query_row(
                "SELECT sql FROM sqlite_schema WHERE name = 't_a'",
                [],
                |r| r.get(0),
            )
            .expect("sql");
        assert_eq!(sql, "CREATE INDEX t_a ON t (a, b)");
        assert!(stored(&conn).expect("stored").is_empty());
        // Nothing set aside: nothing to do.
        restore(&conn).expect("restore again");
    }

    #[test]
    fn an_index_built_by_someone_else_meanwhile_is_not_built_twice() {
        let conn = db();
        set_aside(&conn, &["t_a"]).expect("set aside");
        conn.execute_batch("CREATE INDEX t_a ON t (a, b)")
            .expect("another program restored it");
        restore(&conn).expect("restore");
        assert!(stored(&conn).expect("stored").is_empty());
    }
}
