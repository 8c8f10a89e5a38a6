//! Any bytes: MARC-8 conversion never panics.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let _ = shelfmark_marc::marc8::decode(data);
});
