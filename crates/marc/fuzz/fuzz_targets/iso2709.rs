//! Any bytes: the ISO 2709 reader never panics, always ends, and what it recovers can be
//! written back and read again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shelfmark_marc::{Format, iso2709, reader};

fuzz_target!(|data: &[u8]| {
    for decoded in reader(Format::Iso2709, data).flatten() {
        if let Ok(bytes) = iso2709::to_bytes(&decoded.record) {
            let again = iso2709::from_bytes(&bytes).expect("a written record reads back");
            assert_eq!(again.fields, decoded.record.fields);
        }
    }
    let _ = iso2709::from_bytes(data);
});
