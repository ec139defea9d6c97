//! The chart draws Amdahl's predictions from Cargo.toml; they must be the
//! numbers the library's formula gives.
use maxims_amdahl::amdahl_prediction;

#[test]
fn the_charts_predictions_come_from_the_formula() {
    let manifest = include_str!("../Cargo.toml");
    for percent in [0u32, 10, 50] {
        let points: Vec<String> = [1usize, 2, 4]
            .iter()
            .map(|&w| {
                let y = amdahl_prediction(f64::from(percent) / 100.0, w);
                format!("[{w}, {:?}]", (y * 1000.0).round() / 1000.0)
            })
            .collect();
        let line = format!("\"serial-{percent}%\" = [{}]", points.join(", "));
        assert!(manifest.contains(&line), "Cargo.toml should hold: {line}");
    }
}
