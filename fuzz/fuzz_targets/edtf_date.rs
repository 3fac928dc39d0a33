//! The EDTF date parser, and what every parsed date must then hold: it prints as it was read,
//! reads back the same, its range is ordered and contains its match range's ends' order.
#![no_main]

use libfuzzer_sys::fuzz_target;
use walkout::EdtfDate;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let Ok(date) = EdtfDate::parse(text) else { return };
    let again = EdtfDate::parse(date.as_str()).expect("a parsed date reads back");
    assert_eq!(again, date, "{text:?} does not read back the same");
    let (lo, hi) = date.range();
    assert!(lo <= hi, "{text:?}: range {lo} > {hi}");
    let (mlo, mhi) = date.match_range();
    assert!(mlo <= mhi, "{text:?}: match range {mlo} > {mhi}");
    assert!(date.overlaps(&date), "{text:?} does not overlap itself");
    let _ = (date.sort_key(), date.year(), date.describe(), date.to_string());
});
