//! Branches and a hub in one process: pushes, pulls, merges and conflicts.

use std::sync::Arc;

use shelfmark_marc::{Record, iso2709, mrk};
use tempfile::TempDir;
use time::macros::datetime;
use uuid::Uuid;

use super::hub::Hub;
use super::*;
use crate::api::PushRequest;
use crate::catalog::records;
use crate::clock::ManualClock;
use crate::store::CatalogOptions;

const TOKEN_A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
const TOKEN_B: &str = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";

fn marc(title: &str, subject: &str) -> Record {
    let text = format!(
        "=LDR  00000nam a2200000 a 4500\n=001  rec-1\n=245  10$a{title}\n=650  \\0$a{subject}\n"
    );
    mrk::parse_record(&text).expect("mnemonic record").record
}

fn open(dir: &TempDir, name: &str, clock: &Arc<ManualClock>) -> Catalog {
    Catalog::open(
        dir.path().join(name),
        CatalogOptions {
            clock: clock.clone(),
        },
    )
    .expect("open catalog")
}

/// Pushes everything `branch` has and pulls everything it lacks, as the CLI does.
fn sync(hub: &mut Hub, name: &str, token: &str, branch: &mut Catalog) -> u32 {
    let who = hub.authenticate(Some(token)).expect("token");
    assert_eq!(who, name);
    loop {
        let batch = outbox(branch, 3).expect("outbox");
        if batch.entries.is_empty() {
            break;
        }
        let answer = hub
            .push(
                name,
                &PushRequest {
                    node_id: branch.node_id().to_string(),
                    entries: batch.entries.clone(),
                },
            )
            .expect("push");
        acknowledge(branch, &batch, &answer.server_seqs).expect("acknowledge");
    }
    hub.catch_up_union().expect("union");
    let mut found = 0;
    loop {
        let page = hub
            .pull(name, pull_cursor(branch).expect("cursor"), 2)
            .expect("pull");
        found += apply_pulled(branch, &page).expect("apply").new_exceptions;
        if !page.more {
            return found;
        }
    }
}

fn title_and_subject(catalog: &Catalog, id: Uuid) -> (String, String) {
    let bytes = records::marc_bytes(catalog, id).expect("record there");
    let record = iso2709::from_bytes(&bytes).expect("iso2709");
    let get = |tag: &str| {
        record
            .fields
            .iter()
            .find(|f| f.tag().as_str() == tag)
            .and_then(|f| f.subfield('a'))
            .unwrap_or_default()
            .to_string()
    };
    (get("245"), get("650"))
}

struct World {
    _dir: TempDir,
    clock: Arc<ManualClock>,
    hub: Hub,
    a: Catalog,
    b: Catalog,
}

fn world() -> World {
    let dir = TempDir::new().expect("tempdir");
    let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 07:00:00 UTC)));
    let mut hub = Hub::open(
        dir.path().join("central.db"),
        CatalogOptions {
            clock: clock.clone(),
        },
    )
    .expect("hub");
    hub.add_branch("A", TOKEN_A).expect("branch A");
    hub.add_branch("B", TOKEN_B).expect("branch B");
    let a = open(&dir, "a.db", &clock);
    let b = open(&dir, "b.db", &clock);
    World {
        _dir: dir,
        clock,
        hub,
        a,
        b,
    }
}

#[test]
fn edits_to_different_fields_merge_and_the_same_field_is_flagged() {
    let mut w = world();
    let id =
        w.a.write("ana", |m| records::insert(m, &marc("Truyện Kiều", "Thơ")))
            .expect("insert");
    sync(&mut w.hub, "A", TOKEN_A, &mut w.a);
    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    assert_eq!(title_and_subject(&w.b, id).0, "Truyện Kiều");

    // Offline: A changes the title, B the subject.
    w.clock.advance(time::Duration::minutes(1));
    w.a.write("ana", |m| {
        records::overlay(m, id, &marc("Truyện Kiều (bản mới)", "Thơ"))
    })
    .expect("edit A");
    w.b.write("bao", |m| {
        records::overlay(m, id, &marc("Truyện Kiều", "Văn học"))
    })
    .expect("edit B");
    sync(&mut w.hub, "A", TOKEN_A, &mut w.a);
    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    sync(&mut w.hub, "A", TOKEN_A, &mut w.a);
    let merged = ("Truyện Kiều (bản mới)".to_string(), "Văn học".to_string());
    assert_eq!(title_and_subject(&w.a, id), merged);
    assert_eq!(title_and_subject(&w.b, id), merged);
    assert_eq!(title_and_subject(w.hub.catalog(), id), merged);
    assert!(exceptions(&w.a, true).expect("list").is_empty());

    // Offline again: both change the title.
    w.clock.advance(time::Duration::minutes(1));
    w.a.write("ana", |m| {
        records::overlay(m, id, &marc("Kiều A", "Văn học"))
    })
    .expect("edit A");
    w.clock.advance(time::Duration::seconds(1));
    w.b.write("bao", |m| {
        records::overlay(m, id, &marc("Kiều B", "Văn học"))
    })
    .expect("edit B");
    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    sync(&mut w.hub, "A", TOKEN_A, &mut w.a);
    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    // The later edit stands everywhere, and everyone lists the same exception.
    for node in [&w.a, &w.b, w.hub.catalog()] {
        assert_eq!(title_and_subject(node, id).0, "Kiều B");
        let open = exceptions(node, true).expect("list");
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].kind, ExceptionKind::RecordFieldConflict);
        assert_eq!(open[0].facts["field"], "245");
    }
    let x = exceptions(&w.a, true).expect("list").remove(0);
    assert_eq!(exceptions(&w.b, true).expect("list")[0].id, x.id);

    // A's cataloger keeps A's title; the choice reaches B.
    resolve(&mut w.a, "ana", &x.id, "local").expect("resolve");
    sync(&mut w.hub, "A", TOKEN_A, &mut w.a);
    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    for node in [&w.a, &w.b] {
        assert_eq!(title_and_subject(node, id).0, "Kiều A");
        assert!(exceptions(node, true).expect("list").is_empty());
    }
}

#[test]
fn a_batch_pushed_twice_is_stored_once_and_pulled_entries_are_not_pushed_back() {
    let mut w = world();
    w.a.write("ana", |m| records::insert(m, &marc("Một", "Thơ")))
        .expect("insert");
    let batch = outbox(&w.a, 100).expect("outbox");
    let request = PushRequest {
        node_id: w.a.node_id().to_string(),
        entries: batch.entries.clone(),
    };
    let first = w.hub.push("A", &request).expect("push");
    // The answer was lost: the same batch again.
    let again = w.hub.push("A", &request).expect("push again");
    assert_eq!((first.accepted, first.duplicates), (1, 0));
    assert_eq!((again.accepted, again.duplicates), (0, 1));
    assert_eq!(first.server_seqs, again.server_seqs);
    acknowledge(&mut w.a, &batch, &again.server_seqs).expect("ack");
    assert!(outbox(&w.a, 100).expect("outbox").entries.is_empty());

    sync(&mut w.hub, "B", TOKEN_B, &mut w.b);
    assert_eq!(w.b.summary().expect("summary").records, 1);
    // B has A's entry in its log but nothing of its own to push.
    assert!(outbox(&w.b, 100).expect("outbox").entries.is_empty());
    // Pulling the same page twice applies it once.
    let page = w.hub.pull("B", 0, 100).expect("pull");
    assert_eq!(apply_pulled(&mut w.b, &page).expect("apply").applied, 0);
    // A does not get its own entry back.
    assert!(w.hub.pull("A", 0, 100).expect("pull").entries.is_empty());
}

#[test]
fn tokens_and_node_ids_are_checked() {
    let mut w = world();
    let code = |e: CoreError| match e {
        CoreError::SyncRefused { code, .. } => code,
        other => panic!("{other}"),
    };
    use crate::api::SyncErrorCode;
    assert_eq!(
        code(w.hub.authenticate(None).unwrap_err()),
        SyncErrorCode::Unauthorized
    );
    assert_eq!(
        code(w.hub.authenticate(Some("wrong")).unwrap_err()),
        SyncErrorCode::Unauthorized
    );
    w.a.write("ana", |m| records::insert(m, &marc("Một", "Thơ")))
        .expect("insert");
    let batch = outbox(&w.a, 100).expect("outbox");
    let request = PushRequest {
        node_id: w.a.node_id().to_string(),
        entries: batch.entries.clone(),
    };
    w.hub.push("A", &request).expect("A binds its node");
    // B's token cannot push A's node's entries.
    assert_eq!(
        code(w.hub.push("B", &request).unwrap_err()),
        SyncErrorCode::WrongNode
    );
    // Nor can a batch claim one node and carry another's entries.
    let forged = PushRequest {
        node_id: w.b.node_id().to_string(),
        entries: batch.entries.clone(),
    };
    assert_eq!(
        code(w.hub.push("B", &forged).unwrap_err()),
        SyncErrorCode::WrongNode
    );
    w.hub.revoke_branch("A").expect("revoke");
    assert_eq!(
        code(w.hub.authenticate(Some(TOKEN_A)).unwrap_err()),
        SyncErrorCode::Unauthorized
    );
    assert_eq!(w.hub.list_branches().expect("list")[0].entries, 1);
}
