//! Quote sheets: CSV (delimiter detection, quoted cells), JSON and JSON Lines, with the EDTF
//! dates, sensitivity and consent their cells carry.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkout::ingest::quotes;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let now = chrono::DateTime::UNIX_EPOCH;
    let _ = quotes::from_csv(text, now);
    let _ = quotes::from_json(text, now);
    let _ = quotes::from_json_lines(text, now);
});
