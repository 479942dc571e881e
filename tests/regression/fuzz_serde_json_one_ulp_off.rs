//! Fuzz finding `serde-json-one-ulp-off` (`fuzz/regressions/json_model/`):
//! the oracle compared our numbers with `serde_json`'s exactly, and
//! `serde_json` (without `float_roundtrip`) reads `1E-30` one unit in the
//! last place low. Ours must be the correctly rounded value; the oracle
//! allows `serde_json` its ULP.

use dlf_bundle::json;

#[test]
fn numbers_convert_to_the_correctly_rounded_f64() {
    let value = json::parse(b"[814,1E-30]").unwrap();
    let converted = serde_json::Value::try_from(value).unwrap();
    assert_eq!(converted[1].as_f64().map(f64::to_bits), Some(1e-30_f64.to_bits()));
    let theirs: serde_json::Value = serde_json::from_slice(b"[814,1E-30]").unwrap();
    let off_by = theirs[1].as_f64().unwrap().to_bits().abs_diff(1e-30_f64.to_bits());
    assert!(off_by <= 1, "serde_json is {off_by} ULP off");
}
