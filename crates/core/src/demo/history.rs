//! The demo's circulation history: [`HISTORY_DAYS`] days of loans before now, most returned
//! (some late, so fined, and some of those fines paid), some still out, a few overdue, and a
//! few holds on titles that are out, so the desk, the kiosk and the report have something to
//! show.
//!
//! Everything goes through the real circulation functions, at past times given by a hand-set
//! clock put in the catalog's place, so loans, fines and the change log are what the desk
//! would have made. A loan the rules refuse (an expired card, a reader at their limit or with
//! an overdue book, a book already out) is simply not made, as at a real desk; refusals come
//! before any write, so the day's transaction goes on. Which readers borrow which books and
//! when comes from the seed.

use std::sync::Arc;

use rand::prelude::*;
use rand_chacha::ChaCha8Rng;
use time::{Duration, OffsetDateTime};

use crate::circulation::{fines, holds, item_by_barcode, loans};
use crate::clock::ManualClock;
use crate::error::CoreError;
use crate::store::Catalog;

use super::vocabulary::BRANCHES;

/// How far back the history goes.
pub const HISTORY_DAYS: i64 = 60;
/// The most loans the demo makes, whatever its size: enough for a report, quick to build.
pub const MAX_LOANS: u64 = 10_000;
/// Holds placed at the end, on titles that are out.
const HOLDS: usize = 12;

/// What the history made.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct History {
    pub loans: u64,
    pub open_loans: u64,
    pub holds: u64,
}

/// Loans to attempt: about 2% of the items, at least 20, at most [`MAX_LOANS`] and a third of
/// the items.
pub(super) fn planned_loans(items: u64) -> u64 {
    (items / 50).clamp(20, MAX_LOANS).min(items / 3)
}

#[derive(Clone, Copy)]
enum Event {
    Checkout(usize),
    Checkin(usize),
}

/// Builds the history with `clock` (the catalog's clock for now) moving from
/// [`HISTORY_DAYS`] before `now` up to `now`.
pub(super) fn build(
    catalog: &mut Catalog,
    user: &str,
    seed: u64,
    items: u64,
    patrons: u64,
    clock: &Arc<ManualClock>,
    now: OffsetDateTime,
) -> Result<History, CoreError> {
    let mut history = History::default();
    if items == 0 || patrons == 0 {
        return Ok(history);
    }
    // A stream of its own, so the records stay what they were for a seed.
    let mut rng = ChaCha8Rng::seed_from_u64(seed ^ 0x6369_7263);
    let planned = planned_loans(items) as usize;
    let mut wanted: Vec<(String, String)> = Vec::with_capacity(planned);
    let mut events: Vec<(OffsetDateTime, Event)> = Vec::with_capacity(planned * 2);
    let start = now - Duration::days(HISTORY_DAYS);
    for loan in 0..planned {
        let day = rng.random_range(0..HISTORY_DAYS);
        // Opening hours in Hà Nội, 08:00 to 19:00, are 01:00 to 12:00 UTC.
        let out = start
            + Duration::days(day)
            + Duration::hours(1)
            + Duration::minutes(rng.random_range(0..11 * 60));
        let patron = format!("2{:011}", rng.random_range(0..patrons) + 1);
        let item = format!("3{:011}", rng.random_range(0..items) + 1);
        wanted.push((patron, item));
        events.push((out, Event::Checkout(loan)));
        // Most books come back within four weeks, some late; older loans are mostly back.
        let kept = rng.random_range(3..=28);
        let back = out + Duration::days(kept) + Duration::minutes(rng.random_range(0..300));
        let returns = if (now - out).whole_days() > 30 {
            rng.random_range(0..100) < 97
        } else {
            rng.random_range(0..100) < 60
        };
        if returns && back < now - Duration::hours(1) {
            events.push((back, Event::Checkin(loan)));
        }
    }
    events.sort_by_key(|(t, _)| *t);

    let mut made = vec![false; planned];
    // One transaction per 500 events: the whole history is a few dozen commits.
    for chunk in events.chunks(500) {
        catalog.write(user, |m| {
            for (t, event) in chunk {
                clock.set(*t);
                match *event {
                    Event::Checkout(loan) => {
                        let (patron, item) = &wanted[loan];
                        match loans::checkout(m, patron, item, None, None) {
                            Ok(_) => {
                                made[loan] = true;
                                history.loans += 1;
                                history.open_loans += 1;
                            }
                            Err(CoreError::Refused(_)) => {}
                            Err(e) => return Err(e),
                        }
                    }
                    Event::Checkin(loan) if made[loan] => {
                        let (patron, item) = &wanted[loan];
                        let back = loans::checkin(m, item, None, None)?;
                        history.open_loans -= 1;
                        // Half the readers fined pay at once, at the desk.
                        if back.fine_charged > 0 && rng.random_range(0..2) == 0 {
                            fines::pay(m, patron, back.fine_charged, "Tiền mặt")?;
                        }
                    }
                    Event::Checkin(_) => {}
                }
            }
            Ok(())
        })?;
    }

    // A few readers ask for titles that are out, to be collected at one of the branches.
    clock.set(now - Duration::hours(1));
    let out_items: Vec<&String> = wanted
        .iter()
        .zip(&made)
        .filter(|(_, made)| **made)
        .map(|((_, item), _)| item)
        .collect();
    catalog.write(user, |m| {
        for _ in 0..HOLDS * 4 {
            if history.holds as usize >= HOLDS || out_items.is_empty() {
                break;
            }
            let item = out_items[rng.random_range(0..out_items.len())];
            let record = item_by_barcode(m.conn(), item)?.record_id.to_string();
            let patron = format!("2{:011}", rng.random_range(0..patrons) + 1);
            let pickup = BRANCHES[rng.random_range(0..BRANCHES.len())].0;
            match holds::place(m, &patron, &record, pickup, None) {
                Ok(_) => history.holds += 1,
                Err(CoreError::Refused(_)) => {}
                Err(e) => return Err(e),
            }
        }
        Ok(())
    })?;
    Ok(history)
}
