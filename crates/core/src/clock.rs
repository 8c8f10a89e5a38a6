//! Time, injected. Core asks a [`Clock`] for the time and never reads the wall clock itself,
//! so tests can pin and advance it.
//!
//! The hybrid logical clock ([`Hlc`]) is hand-written rather than taken from `uhlc`: that crate
//! reads time through a plain `fn` pointer, which cannot carry an injected, per-catalog clock,
//! and its timestamps carry their own node id format. The algorithm is the one from Kulkarni
//! et al., "Logical Physical Clocks" (2014), and is a dozen lines.

use std::fmt;
use std::sync::Mutex;

use time::OffsetDateTime;

/// A source of the current time in UTC.
pub trait Clock: Send + Sync {
    fn now(&self) -> OffsetDateTime;
}

/// The real wall clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> OffsetDateTime {
        OffsetDateTime::now_utc()
    }
}

/// A clock that stands still until a test moves it.
#[derive(Debug)]
pub struct ManualClock(Mutex<OffsetDateTime>);

impl ManualClock {
    pub fn new(at: OffsetDateTime) -> Self {
        ManualClock(Mutex::new(at))
    }

    pub fn set(&self, at: OffsetDateTime) {
        *self.0.lock().unwrap_or_else(|p| p.into_inner()) = at;
    }

    pub fn advance(&self, by: time::Duration) {
        let mut now = self.0.lock().unwrap_or_else(|p| p.into_inner());
        *now += by;
    }
}

impl Clock for ManualClock {
    fn now(&self) -> OffsetDateTime {
        *self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

/// A hybrid logical clock time: milliseconds since the Unix epoch in the high 48 bits and a
/// logical counter in the low 16. Ordered as an integer, it never goes backwards on a node
/// even when the wall clock does, and it stays close to real time for the audit trail.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct HlcTimestamp(u64);

const COUNTER_BITS: u32 = 16;
const COUNTER_MAX: u64 = (1 << COUNTER_BITS) - 1;

impl HlcTimestamp {
    pub const ZERO: HlcTimestamp = HlcTimestamp(0);

    pub fn from_parts(millis: u64, counter: u16) -> Self {
        HlcTimestamp((millis << COUNTER_BITS) | u64::from(counter))
    }

    pub fn from_u64(raw: u64) -> Self {
        HlcTimestamp(raw)
    }

    pub fn as_u64(self) -> u64 {
        self.0
    }

    pub fn millis(self) -> u64 {
        self.0 >> COUNTER_BITS
    }

    pub fn counter(self) -> u16 {
        (self.0 & COUNTER_MAX) as u16
    }

    /// The physical part as a UTC time (for display and the audit trail).
    pub fn wall_time(self) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp_nanos(i128::from(self.millis()) * 1_000_000)
            .unwrap_or(OffsetDateTime::UNIX_EPOCH)
    }
}

impl fmt::Display for HlcTimestamp {
    /// `2026-11-26T07:16:05.123Z/0003`: the wall time, then the logical counter.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let t = self.wall_time();
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z/{:04}",
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            t.millisecond(),
            self.counter()
        )
    }
}

/// The hybrid logical clock of one node.
#[derive(Debug, Clone)]
pub struct Hlc {
    last: HlcTimestamp,
}

impl Hlc {
    /// Resumes after the latest timestamp this node has issued or seen.
    pub fn resume(last: HlcTimestamp) -> Self {
        Hlc { last }
    }

    /// The latest timestamp issued or seen.
    pub fn last(&self) -> HlcTimestamp {
        self.last
    }

    /// A new timestamp for a local event, strictly after every earlier one.
    pub fn tick(&mut self, wall: OffsetDateTime) -> HlcTimestamp {
        let wall_ms = wall_millis(wall);
        self.last = if wall_ms > self.last.millis() {
            HlcTimestamp::from_parts(wall_ms, 0)
        } else {
            self.successor(self.last)
        };
        self.last
    }

    /// Takes a timestamp received from another node into account (used by sync), so that
    /// later local events order after it.
    pub fn observe(&mut self, remote: HlcTimestamp, wall: OffsetDateTime) -> HlcTimestamp {
        let wall_ms = wall_millis(wall);
        let latest = self.last.max(remote);
        self.last = if wall_ms > latest.millis() {
            HlcTimestamp::from_parts(wall_ms, 0)
        } else {
            self.successor(latest)
        };
        self.last
    }

    fn successor(&self, t: HlcTimestamp) -> HlcTimestamp {
        if u64::from(t.counter()) == COUNTER_MAX {
            // 65,536 events in one millisecond: borrow the next millisecond rather than wrap.
            HlcTimestamp::from_parts(t.millis() + 1, 0)
        } else {
            HlcTimestamp(t.0 + 1)
        }
    }
}

fn wall_millis(wall: OffsetDateTime) -> u64 {
    u64::try_from(wall.unix_timestamp_nanos() / 1_000_000).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn ticks_follow_wall_time_and_never_go_back() {
        let mut hlc = Hlc::resume(HlcTimestamp::ZERO);
        let t1 = hlc.tick(datetime!(2026-11-26 07:00:00 UTC));
        let t2 = hlc.tick(datetime!(2026-11-26 07:00:00 UTC));
        // The wall clock jumps back an hour (a branch PC with a dead CMOS battery).
        let t3 = hlc.tick(datetime!(2026-11-26 06:00:00 UTC));
        let t4 = hlc.tick(datetime!(2026-11-26 07:00:01 UTC));
        assert!(t1 < t2 && t2 < t3 && t3 < t4);
        assert_eq!(t1.millis(), t2.millis());
        assert_eq!((t2.counter(), t3.counter(), t4.counter()), (1, 2, 0));
        assert_eq!(t1.to_string(), "2026-11-26T07:00:00.000Z/0000");
    }

    #[test]
    fn observing_a_remote_time_orders_later_events_after_it() {
        let mut hlc = Hlc::resume(HlcTimestamp::ZERO);
        let remote = HlcTimestamp::from_parts(wall_millis(datetime!(2026-11-26 08:00:00 UTC)), 7);
        let seen = hlc.observe(remote, datetime!(2026-11-26 07:00:00 UTC));
        assert!(seen > remote);
        assert!(hlc.tick(datetime!(2026-11-26 07:00:00 UTC)) > seen);
    }

    #[test]
    fn counter_overflow_borrows_the_next_millisecond() {
        let start = HlcTimestamp::from_parts(1000, u16::MAX);
        let mut hlc = Hlc::resume(start);
        let next = hlc.tick(OffsetDateTime::UNIX_EPOCH);
        assert_eq!((next.millis(), next.counter()), (1001, 0));
    }
}
