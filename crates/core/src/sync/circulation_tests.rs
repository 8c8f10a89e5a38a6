//! Circulation across branches and a hub in one process: the desk tables every node ends
//! with, the circulation exceptions and their resolutions, and a property test over random
//! interleavings of offline work, partial syncs and repeated pages.

use std::sync::Arc;

use proptest::prelude::*;
use shelfmark_marc::{Leader, Record};
use tempfile::TempDir;
use time::macros::datetime;
use uuid::Uuid;

use super::hub::Hub;
use super::*;
use crate::api::{ItemStatus, PatronInput, PushRequest};
use crate::catalog::records;
use crate::circulation::patrons::merge;
use crate::circulation::{self, fines, holds, loans, patrons};
use crate::clock::ManualClock;
use crate::holdings::{self, NewBranch, NewItem};
use crate::store::CatalogOptions;

fn record(title: &str, subject: &str) -> Record {
    Record::new(Leader::new('n', 'a', 'm'))
        .data("245", ['1', '0'], &[('a', title)])
        .and_then(|r| r.data("650", [' ', '0'], &[('a', subject)]))
        .expect("record")
}

/// A hub and three branches, the first of which catalogued the library and registered the
/// readers; everyone has synced once.
struct Net {
    _dir: TempDir,
    clock: Arc<ManualClock>,
    hub: Hub,
    nodes: Vec<Catalog>,
    records: Vec<Uuid>,
}

const NAMES: [&str; 3] = ["A", "B", "C"];
const ITEMS: [&str; 4] = ["B1", "B2", "B3", "B4"];
const PATRONS: [&str; 3] = ["P1", "P2", "P3"];

fn token(i: usize) -> String {
    NAMES[i].repeat(40)
}

impl Net {
    fn new() -> Net {
        let dir = TempDir::new().expect("tempdir");
        let clock = Arc::new(ManualClock::new(datetime!(2026-11-26 02:00:00 UTC)));
        let options = || CatalogOptions {
            clock: clock.clone(),
        };
        let mut hub = Hub::open(dir.path().join("central.db"), options()).expect("hub");
        let mut nodes = Vec::new();
        for (i, name) in NAMES.iter().enumerate() {
            hub.add_branch(name, &token(i)).expect("register");
            nodes.push(
                Catalog::open(dir.path().join(format!("{name}.db")), options()).expect("open"),
            );
        }
        let records = nodes[0]
            .write("setup", |m| {
                let hk = holdings::add_branch(
                    m,
                    &NewBranch {
                        code: "HK".into(),
                        name: "Hoàn Kiếm".into(),
                    },
                )?;
                let bd = holdings::add_branch(
                    m,
                    &NewBranch {
                        code: "BD".into(),
                        name: "Ba Đình".into(),
                    },
                )?;
                let r1 = records::insert(m, &record("Dế Mèn phiêu lưu ký", "Thiếu nhi"))?;
                let r2 = records::insert(m, &record("Số đỏ", "Văn học"))?;
                for (rec, barcode, branch) in [
                    (r1, "B1", hk),
                    (r1, "B2", bd),
                    (r2, "B3", bd),
                    (r2, "B4", bd),
                ] {
                    holdings::add_item(
                        m,
                        &NewItem {
                            record_id: rec,
                            barcode: barcode.into(),
                            branch_id: branch,
                            location: "Kho mở".into(),
                            call_number: None,
                            item_type: "book".into(),
                        },
                    )?;
                }
                for barcode in PATRONS {
                    patrons::add(
                        m,
                        &PatronInput {
                            barcode: barcode.into(),
                            name: format!("Bạn đọc {barcode}"),
                            category: "adult".into(),
                            email: None,
                            phone: None,
                            home_branch_code: Some("HK".into()),
                            expires_on: "2028-12-31".into(),
                            notes: String::new(),
                        },
                    )?;
                }
                Ok(vec![r1, r2])
            })
            .expect("setup");
        let mut net = Net {
            _dir: dir,
            clock,
            hub,
            nodes,
            records,
        };
        net.sync_all();
        net
    }

    /// Pushes at most `batches` batches of `size` entries; false when the outbox emptied.
    fn push(&mut self, i: usize, size: u32, batches: usize) {
        for _ in 0..batches {
            let batch = outbox(&self.nodes[i], size).expect("outbox");
            if batch.entries.is_empty() {
                return;
            }
            let answer = self
                .hub
                .push(
                    NAMES[i],
                    &PushRequest {
                        node_id: self.nodes[i].node_id().to_string(),
                        entries: batch.entries.clone(),
                    },
                )
                .expect("push");
            self.hub.catch_up_union().expect("union");
            acknowledge(&mut self.nodes[i], &batch, &answer.server_seqs).expect("ack");
        }
    }

    /// Pulls at most `pages` pages of `size`; `again` applies each page a second time.
    fn pull(&mut self, i: usize, size: u32, pages: usize, again: bool) {
        for _ in 0..pages {
            let cursor = pull_cursor(&self.nodes[i]).expect("cursor");
            let page = self.hub.pull(NAMES[i], cursor, size).expect("pull");
            apply_pulled(&mut self.nodes[i], &page).expect("apply");
            if again {
                let twice = apply_pulled(&mut self.nodes[i], &page).expect("apply again");
                assert_eq!(twice.applied, 0, "a page applied twice changes nothing");
            }
            if !page.more {
                return;
            }
        }
    }

    fn sync(&mut self, i: usize) {
        self.push(i, 7, usize::MAX);
        self.pull(i, 5, usize::MAX, false);
    }

    fn sync_all(&mut self) {
        for _ in 0..2 {
            for i in 0..self.nodes.len() {
                self.sync(i);
            }
        }
    }

    fn desk<T>(
        &mut self,
        i: usize,
        f: impl FnOnce(&mut crate::store::Mutation<'_>) -> Result<T, CoreError>,
    ) -> Result<T, CoreError> {
        self.clock.advance(time::Duration::seconds(7));
        self.nodes[i].write(NAMES[i], f)
    }

    fn everyone(&self) -> Vec<&Catalog> {
        let mut all: Vec<&Catalog> = self.nodes.iter().collect();
        all.push(self.hub.catalog());
        all
    }
}

fn rows(catalog: &Catalog, sql: &str) -> Vec<String> {
    let mut stmt = catalog.conn().prepare(sql).expect("query");
    let n = stmt.column_count();
    stmt.query_map([], |r| {
        let mut out = Vec::with_capacity(n);
        for c in 0..n {
            let v: rusqlite::types::Value = r.get(c)?;
            out.push(format!("{v:?}"));
        }
        Ok(out.join("|"))
    })
    .expect("rows")
    .collect::<Result<_, _>>()
    .expect("rows")
}

/// What every node must agree on.
fn snapshot(catalog: &Catalog) -> Vec<Vec<String>> {
    vec![
        rows(catalog, "SELECT id, hex(marc) FROM records ORDER BY id"),
        rows(
            catalog,
            "SELECT id, barcode, status, holding_branch_id FROM items ORDER BY id",
        ),
        rows(
            catalog,
            "SELECT id, item_id, patron_id, branch_id, checked_out_at, due_on, renewals,
                    returned_at, returned_branch_id FROM loans ORDER BY id",
        ),
        rows(
            catalog,
            "SELECT patron_id, count(*), sum(amount) FROM fine_entries GROUP BY patron_id
             ORDER BY patron_id",
        ),
        rows(catalog, "SELECT id, amount FROM fine_entries ORDER BY id"),
        rows(
            catalog,
            "SELECT id, patron_id, record_id, status, trapped_item_id FROM holds ORDER BY id",
        ),
        rows(
            catalog,
            "SELECT id, barcode, name, merged_into FROM patrons ORDER BY id",
        ),
        rows(
            catalog,
            "SELECT id, patron_id, lifted_at IS NULL, merged_from FROM patron_blocks ORDER BY id",
        ),
        rows(
            catalog,
            "SELECT 'loan', id, merged_from FROM loans WHERE merged_from IS NOT NULL
             UNION ALL SELECT 'hold', id, merged_from FROM holds WHERE merged_from IS NOT NULL
             UNION ALL SELECT 'fine', id, merged_from FROM fine_entries
                 WHERE merged_from IS NOT NULL
             ORDER BY 1, 2",
        ),
        rows(
            catalog,
            "SELECT change_id, duplicate_id, keep_id, stands FROM patron_merges ORDER BY change_id",
        ),
        exceptions(catalog, true)
            .expect("exceptions")
            .into_iter()
            .map(|x| format!("{} {:?} {}", x.id, x.kind, x.entity_id))
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect(),
    ]
}

fn assert_same(net: &Net) {
    let first = snapshot(&net.nodes[0]);
    for (i, node) in net.everyone().into_iter().enumerate().skip(1) {
        assert_eq!(snapshot(node), first, "node {i} differs from A");
    }
}

fn status(catalog: &Catalog, barcode: &str) -> String {
    catalog
        .conn()
        .query_row(
            "SELECT status FROM items WHERE barcode = ?1",
            [barcode],
            |r| r.get(0),
        )
        .expect("item")
}

fn open_loans(catalog: &Catalog, barcode: &str) -> usize {
    catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM loans l JOIN items i ON i.id = l.item_id
             WHERE i.barcode = ?1 AND l.returned_at IS NULL",
            [barcode],
            |r| r.get(0),
        )
        .expect("loans")
}

#[test]
fn loans_holds_fines_and_blocks_reach_every_desk() {
    let mut net = Net::new();
    net.desk(0, |m| loans::checkout(m, "P1", "B1", None, None))
        .expect("lend");
    net.desk(1, |m| holds::place(m, "P2", "B1", "HK", None))
        .expect("hold");
    net.desk(2, |m| fines::charge(m, "P3", 20_000, "Làm rách bìa"))
        .expect("charge");
    net.desk(2, |m| patrons::block(m, "P3", "Chưa trả sách"))
        .expect("block");
    net.sync_all();
    net.desk(1, |m| fines::pay(m, "P3", 5_000, "Tiền mặt"))
        .expect("pay");
    net.sync_all();
    for node in net.everyone() {
        assert_eq!(status(node, "B1"), "on_loan");
        assert_eq!(open_loans(node, "B1"), 1);
        let owed: i64 = node
            .conn()
            .query_row(
                "SELECT sum(amount) FROM fine_entries f JOIN patrons p ON p.id = f.patron_id
                 WHERE p.barcode = 'P3'",
                [],
                |r| r.get(0),
            )
            .expect("ledger");
        assert_eq!(owed, 15_000);
    }
    // The desk at B sees A's loan and lets the book come back there; the hold traps it.
    let back = net
        .desk(1, |m| loans::checkin(m, "B1", Some("HK"), None))
        .expect("check in");
    assert!(back.loan.is_some());
    assert_eq!(back.status, ItemStatus::OnHoldShelf);
    net.sync_all();
    assert_same(&net);
    assert!(exceptions(&net.nodes[0], true).expect("list").is_empty());
}

#[test]
fn an_item_lent_at_two_branches_while_apart_is_one_exception_everywhere() {
    let mut net = Net::new();
    let a = net
        .desk(0, |m| loans::checkout(m, "P1", "B3", None, None))
        .expect("A lends");
    let b = net
        .desk(1, |m| loans::checkout(m, "P2", "B3", None, None))
        .expect("B lends");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(open_loans(node, "B3"), 2, "both loans stay recorded");
        assert_eq!(status(node, "B3"), "on_loan");
        let open = exceptions(node, true).expect("list");
        assert_eq!(open.len(), 1, "{open:?}");
        assert_eq!(open[0].kind, ExceptionKind::ItemCheckedOutTwice);
        assert!(open[0].actions.contains(&format!("keep:{}", a.loan.id)));
    }
    let x = exceptions(&net.nodes[2], true).expect("list").remove(0);
    // The union catalog's staff keep B's loan: A's is closed as a correction, no fine.
    resolve(
        &mut net.nodes[2],
        "chi",
        &x.id,
        &format!("keep:{}", b.loan.id),
    )
    .expect("resolve");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(open_loans(node, "B3"), 1);
        assert_eq!(status(node, "B3"), "on_loan");
        assert!(exceptions(node, true).expect("list").is_empty());
        let who: String = node
            .conn()
            .query_row(
                "SELECT p.barcode FROM loans l JOIN patrons p ON p.id = l.patron_id
                 WHERE l.id = ?1 AND l.returned_at IS NULL",
                [&b.loan.id],
                |r| r.get(0),
            )
            .expect("B's loan open");
        assert_eq!(who, "P2");
    }
}

#[test]
fn a_check_in_stands_against_a_renewal_made_meanwhile() {
    let mut net = Net::new();
    net.desk(0, |m| loans::checkout(m, "P1", "B2", None, None))
        .expect("lend");
    net.sync_all();
    net.desk(1, |m| loans::checkin(m, "B2", Some("BD"), None))
        .expect("back at B");
    net.desk(0, |m| loans::renew(m, "B2", None))
        .expect("renewed at A, which did not know");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(open_loans(node, "B2"), 0, "the book is back");
        assert_ne!(status(node, "B2"), "on_loan");
    }
}

#[test]
fn a_loan_to_a_reader_blocked_meanwhile_is_listed_and_can_be_recalled() {
    let mut net = Net::new();
    net.desk(0, |m| patrons::block(m, "P1", "Mất thẻ"))
        .expect("block");
    let lent = net
        .desk(1, |m| loans::checkout(m, "P1", "B4", None, None))
        .expect("B lends, not knowing");
    net.sync_all();
    assert_same(&net);
    let open = exceptions(&net.nodes[0], true).expect("list");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].kind, ExceptionKind::LoanToBlockedPatron);
    assert_eq!(open[0].entity_id, lent.loan.id);
    resolve(&mut net.nodes[0], "ana", &open[0].id, "recall").expect("recall");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert!(exceptions(node, true).expect("list").is_empty());
        let due: String = node
            .conn()
            .query_row(
                "SELECT due_on FROM loans WHERE id = ?1",
                [&lent.loan.id],
                |r| r.get(0),
            )
            .expect("loan");
        assert!(due < lent.loan.due_on, "recalled: due {due}");
    }
}

#[test]
fn a_hold_filled_at_two_branches_is_listed_and_settled() {
    let mut net = Net::new();
    let record = net.records[1].to_string();
    net.desk(0, |m| holds::place(m, "P2", &record, "HK", None))
        .expect("hold");
    net.sync_all();
    // Both branches check in a copy of the title while apart: each sets it aside for P2.
    net.desk(1, |m| loans::checkin(m, "B3", Some("BD"), None))
        .expect("B traps B3");
    net.desk(2, |m| loans::checkin(m, "B4", Some("BD"), None))
        .expect("C traps B4");
    net.sync_all();
    assert_same(&net);
    let open = exceptions(&net.nodes[0], true).expect("list");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].kind, ExceptionKind::HoldFilledTwice);
    resolve(&mut net.nodes[1], "bao", &open[0].id, "keep:B3").expect("keep B3");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert!(exceptions(node, true).expect("list").is_empty());
        assert_eq!(status(node, "B3"), "in_transit");
        assert_eq!(status(node, "B4"), "available", "released: home at BD");
    }
}

fn card_id(catalog: &Catalog, card: &str) -> Uuid {
    merge::card_owner(catalog, card, "keep").expect("card")
}

fn balance_of(catalog: &Catalog, card: &str) -> i64 {
    catalog
        .conn()
        .query_row(
            "SELECT coalesce(sum(f.amount), 0) FROM fine_entries f
             JOIN patrons p ON p.id = f.patron_id WHERE p.barcode = ?1",
            [card],
            |r| r.get(0),
        )
        .expect("balance")
}

fn loans_of(catalog: &Catalog, card: &str) -> usize {
    catalog
        .conn()
        .query_row(
            "SELECT count(*) FROM loans l JOIN patrons p ON p.id = l.patron_id
             WHERE p.barcode = ?1",
            [card],
            |r| r.get(0),
        )
        .expect("loans")
}

#[test]
fn a_merge_reaches_every_desk_and_offline_work_on_the_old_card_follows_it() {
    let mut net = Net::new();
    net.desk(1, |m| loans::checkout(m, "P2", "B1", None, None))
        .expect("lend");
    net.desk(1, |m| fines::charge(m, "P2", 10_000, "Làm rách bìa"))
        .expect("charge");
    net.sync_all();
    let (p1, p2) = (card_id(&net.nodes[0], "P1"), card_id(&net.nodes[0], "P2"));
    let done = net
        .desk(0, |m| merge::merge(m, p1, p2, "Đăng ký hai lần"))
        .expect("A merges P2 into P1");
    assert_eq!(done.loans.len(), 1);
    assert_eq!(done.fine_entries.len(), 1);
    // Meanwhile, before hearing of it, C lends to the old card, takes a payment and blocks it.
    net.desk(2, |m| loans::checkout(m, "P2", "B3", None, None))
        .expect("C lends to P2");
    net.desk(2, |m| fines::pay(m, "P2", 4_000, "Tiền mặt"))
        .expect("C takes a payment");
    net.desk(2, |m| patrons::block(m, "P2", "Chưa trả sách"))
        .expect("C blocks P2");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(loans_of(node, "P1"), 2, "both loans are the survivor's");
        assert_eq!(loans_of(node, "P2"), 0);
        assert_eq!(balance_of(node, "P1"), 6_000, "nothing lost or doubled");
        let blocks: i64 = node
            .conn()
            .query_row(
                "SELECT count(*) FROM patron_blocks WHERE patron_id = ?1",
                [p1.to_string()],
                |r| r.get(0),
            )
            .expect("blocks");
        assert_eq!(
            blocks, 1,
            "the block placed on the old card blocks the survivor"
        );
        assert!(exceptions(node, true).expect("list").is_empty());
    }
    // Once C knows, the old card leads to the survivor there too.
    let account = circulation::patrons::account(&net.nodes[2], "P2").expect("account");
    assert_eq!(account.barcode, "P1");
    assert!(account.merged_card.is_some());
}

#[test]
fn one_reader_merged_into_two_readers_while_apart_keeps_the_earlier_merge() {
    let mut net = Net::new();
    net.desk(0, |m| fines::charge(m, "P3", 3_000, "Phí"))
        .expect("charge");
    net.desk(0, |m| loans::checkout(m, "P3", "B2", None, None))
        .expect("lend");
    net.sync_all();
    let ids: Vec<Uuid> = PATRONS.iter().map(|c| card_id(&net.nodes[0], c)).collect();
    net.desk(1, |m| merge::merge(m, ids[0], ids[2], "Trùng với P1"))
        .expect("B merges P3 into P1");
    net.desk(2, |m| merge::merge(m, ids[1], ids[2], "Trùng với P2"))
        .expect("C merges P3 into P2, later");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(loans_of(node, "P1"), 1, "the earlier merge stands");
        assert_eq!(balance_of(node, "P1"), 3_000);
        assert_eq!(balance_of(node, "P2"), 0);
    }
    let open = exceptions(&net.nodes[0], true).expect("list");
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0].kind, ExceptionKind::PatronMergedTwice);
    assert_eq!(open[0].facts["stands"]["keep_barcode"], "P1");
    assert_eq!(open[0].facts["other"]["keep_barcode"], "P2");
    assert_eq!(open[0].actions, ["accept", "merge_survivors"]);
    resolve(&mut net.nodes[2], "chi", &open[0].id, "merge_survivors").expect("resolve");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert!(exceptions(node, true).expect("list").is_empty());
        let account = circulation::patrons::account(node, "P2").expect("account");
        assert_eq!(account.barcode, "P1", "P2 merged into P1 as the resolution");
        assert_eq!(account.loans.len(), 1);
    }
}

#[test]
fn two_readers_merged_each_way_round_while_apart_end_as_one() {
    let mut net = Net::new();
    let (p1, p2) = (card_id(&net.nodes[0], "P1"), card_id(&net.nodes[0], "P2"));
    net.desk(0, |m| merge::merge(m, p1, p2, "Trùng"))
        .expect("A keeps P1");
    net.desk(1, |m| merge::merge(m, p2, p1, "Trùng"))
        .expect("B keeps P2");
    net.sync_all();
    assert_same(&net);
    for node in net.everyone() {
        assert_eq!(
            circulation::patrons::account(node, "P2")
                .expect("P2")
                .barcode,
            "P1"
        );
        assert_eq!(
            circulation::patrons::account(node, "P1")
                .expect("P1")
                .barcode,
            "P1"
        );
        assert!(exceptions(node, true).expect("list").is_empty());
    }
}

#[derive(Debug, Clone)]
enum Step {
    EditTitle(usize, usize, u8),
    EditSubject(usize, usize, u8),
    Checkout(usize, usize, usize),
    Checkin(usize, usize),
    Hold(usize, usize, usize),
    Charge(usize, usize, i64),
    Pay(usize, usize),
    Block(usize, usize),
    /// Merges the second reader into the first at this node.
    Merge(usize, usize, usize),
    Push(usize, u32, usize),
    Pull(usize, u32, usize, bool),
    Sync(usize),
    /// Resolves the first open exception this node lists with its `n`th action.
    Resolve(usize, usize),
}

fn step() -> impl Strategy<Value = Step> {
    let node = 0..3usize;
    prop_oneof![
        (node.clone(), 0..2usize, any::<u8>()).prop_map(|(n, r, t)| Step::EditTitle(n, r, t % 3)),
        (node.clone(), 0..2usize, any::<u8>()).prop_map(|(n, r, t)| Step::EditSubject(n, r, t % 3)),
        (node.clone(), 0..3usize, 0..4usize).prop_map(|(n, p, i)| Step::Checkout(n, p, i)),
        (node.clone(), 0..4usize).prop_map(|(n, i)| Step::Checkin(n, i)),
        (node.clone(), 0..3usize, 0..2usize).prop_map(|(n, p, r)| Step::Hold(n, p, r)),
        (node.clone(), 0..3usize, 1..5i64).prop_map(|(n, p, a)| Step::Charge(n, p, a * 1_000)),
        (node.clone(), 0..3usize).prop_map(|(n, p)| Step::Pay(n, p)),
        (node.clone(), 0..3usize).prop_map(|(n, p)| Step::Block(n, p)),
        (node.clone(), 0..3usize, 0..3usize).prop_map(|(n, k, d)| Step::Merge(n, k, d)),
        (node.clone(), 1..4u32, 1..3usize).prop_map(|(n, s, b)| Step::Push(n, s, b)),
        (node.clone(), 1..4u32, 1..3usize, any::<bool>())
            .prop_map(|(n, s, p, again)| Step::Pull(n, s, p, again)),
        node.clone().prop_map(Step::Sync),
        (node, 0..3usize).prop_map(|(n, a)| Step::Resolve(n, a)),
    ]
}

const WORDS: [&str; 3] = ["một", "hai", "ba"];

fn run(net: &mut Net, step: &Step) {
    // Refusals at the desk (an item already lent, a limit) are part of the game: a refused
    // write leaves nothing behind.
    let _ = match step {
        Step::EditTitle(n, r, w) | Step::EditSubject(n, r, w) => {
            let id = net.records[*r];
            let title = matches!(step, Step::EditTitle(..));
            net.desk(*n, |m| {
                let bytes: Vec<u8> = m.conn().query_row(
                    "SELECT marc FROM records WHERE id = ?1",
                    [id.to_string()],
                    |r| r.get(0),
                )?;
                let rec = shelfmark_marc::iso2709::from_bytes(&bytes).map_err(|e| {
                    CoreError::InvalidInput {
                        what: "record",
                        value: id.to_string(),
                        reason: e.to_string(),
                    }
                })?;
                let now = |tag: &str| {
                    rec.fields
                        .iter()
                        .find(|f| f.tag().as_str() == tag)
                        .and_then(|f| f.subfield('a'))
                        .unwrap_or_default()
                        .to_string()
                };
                let word = WORDS[*w as usize].to_string();
                let rec = if title {
                    record(&word, &now("650"))
                } else {
                    record(&now("245"), &word)
                };
                records::overlay(m, id, &rec)
            })
            .map(|_| ())
        }
        Step::Checkout(n, p, i) => net
            .desk(*n, |m| {
                loans::checkout(m, PATRONS[*p], ITEMS[*i], None, None)
            })
            .map(|_| ()),
        Step::Checkin(n, i) => net
            .desk(*n, |m| loans::checkin(m, ITEMS[*i], None, None))
            .map(|_| ()),
        Step::Hold(n, p, r) => {
            let record = net.records[*r].to_string();
            net.desk(*n, |m| holds::place(m, PATRONS[*p], &record, "HK", None))
                .map(|_| ())
        }
        Step::Charge(n, p, amount) => net
            .desk(*n, |m| fines::charge(m, PATRONS[*p], *amount, "Phí"))
            .map(|_| ()),
        Step::Pay(n, p) => net
            .desk(*n, |m| fines::pay(m, PATRONS[*p], 1_000, "Tiền mặt"))
            .map(|_| ()),
        Step::Block(n, p) => net
            .desk(*n, |m| patrons::block(m, PATRONS[*p], "Chặn thử"))
            .map(|_| ()),
        Step::Merge(n, k, d) => {
            let (keep, dup) = (
                card_id(&net.nodes[*n], PATRONS[*k]),
                card_id(&net.nodes[*n], PATRONS[*d]),
            );
            net.desk(*n, |m| merge::merge(m, keep, dup, "Trùng thẻ"))
                .map(|_| ())
        }
        Step::Push(n, size, batches) => {
            net.push(*n, *size, *batches);
            Ok(())
        }
        Step::Pull(n, size, pages, again) => {
            net.pull(*n, *size, *pages, *again);
            Ok(())
        }
        Step::Sync(n) => {
            net.sync(*n);
            Ok(())
        }
        Step::Resolve(n, a) => {
            let open = exceptions(&net.nodes[*n], true).expect("list");
            match open.first() {
                Some(x) => {
                    let action = x.actions[a % x.actions.len()].clone();
                    net.clock.advance(time::Duration::seconds(7));
                    resolve(&mut net.nodes[*n], NAMES[*n], &x.id, &action).map(|_| ())
                }
                None => Ok(()),
            }
        }
    };
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(24),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Whatever each branch did offline and however the syncs were cut, after everyone syncs
    /// fully every node holds the same records, items, loans, ledger, holds, readers and open
    /// exceptions, and the ledger has each line exactly once.
    #[test]
    fn every_node_ends_with_the_same_data(steps in prop::collection::vec(step(), 1..30)) {
        let mut net = Net::new();
        let mut lines = std::collections::BTreeSet::new();
        for s in &steps {
            run(&mut net, s);
        }
        for node in &net.nodes {
            for id in rows(node, "SELECT id FROM fine_entries") {
                lines.insert(id);
            }
        }
        net.sync_all();
        net.sync_all();
        let first = snapshot(&net.nodes[0]);
        for (i, node) in net.everyone().into_iter().enumerate() {
            prop_assert_eq!(&snapshot(node), &first, "node {} differs from A after {:?}", i, steps);
            let ledger = rows(node, "SELECT id FROM fine_entries");
            prop_assert_eq!(ledger.len(), lines.len(), "every fine line once, none lost");
        }
    }
}
