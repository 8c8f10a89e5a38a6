//! Any bytes: the marcxml reader never panics and always ends.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shelfmark_marc::{Format, reader};

fuzz_target!(|data: &[u8]| {
    for _ in reader(Format::MarcXml, data) {}
});
