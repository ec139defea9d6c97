//! Amdahl's formula gives the known values, and every run does exactly the
//! same work whatever its serial part and number of workers.

use maxims_amdahl::{amdahl_prediction, one_thread, run, serial_units, share, unit};

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-9
}

#[test]
fn the_prediction_matches_known_values() {
    assert!(close(amdahl_prediction(0.5, 2), 4.0 / 3.0));
    assert!(close(amdahl_prediction(0.1, 4), 1.0 / 0.325));
    assert!(close(amdahl_prediction(0.25, 3), 2.0));
    assert!(close(amdahl_prediction(0.5, 1), 1.0));
}

#[test]
fn no_serial_part_gives_the_worker_count_and_all_serial_gives_one() {
    for workers in [1, 2, 3, 4, 8, 64, 256] {
        assert!(close(amdahl_prediction(0.0, workers), workers as f64));
        assert!(close(amdahl_prediction(1.0, workers), 1.0));
    }
}

#[test]
fn the_prediction_grows_with_workers_but_never_reaches_one_over_serial() {
    for serial in [0.01, 0.1, 0.5, 0.9] {
        let mut previous = 1.0;
        for workers in 2..=256 {
            let p = amdahl_prediction(serial, workers);
            assert!(p > previous && p < 1.0 / serial, "{serial} {workers}");
            previous = p;
        }
    }
}

#[test]
fn shares_cover_every_unit_once_and_differ_by_at_most_one() {
    for units in [0, 1, 7, 100, 1_001] {
        for workers in [1, 2, 3, 4, 7, 16] {
            let ranges: Vec<_> = (0..workers).map(|w| share(units, workers, w)).collect();
            assert_eq!(ranges[0].start, 0);
            assert_eq!(ranges[workers - 1].end, units);
            assert!(ranges.windows(2).all(|pair| pair[0].end == pair[1].start));
            let sizes: Vec<u64> = ranges.iter().map(|r| r.end - r.start).collect();
            let (min, max) = (sizes.iter().min().unwrap(), sizes.iter().max().unwrap());
            assert!(
                max - min <= 1,
                "{units} units, {workers} workers: {sizes:?}"
            );
        }
    }
}

#[test]
fn serial_units_round_to_the_nearest_unit() {
    assert_eq!(serial_units(4_000, 0.0), 0);
    assert_eq!(serial_units(4_000, 0.1), 400);
    assert_eq!(serial_units(4_000, 0.5), 2_000);
    assert_eq!(serial_units(4_000, 1.0), 4_000);
    assert_eq!(serial_units(3, 0.5), 2);
    assert_eq!(serial_units(1, 0.1), 0);
}

#[test]
fn a_unit_depends_only_on_its_index() {
    assert_eq!(unit(7), unit(7));
    assert_ne!(unit(7), unit(8));
}

#[test]
fn every_run_does_the_same_units_with_the_same_results() {
    let total = 60;
    let expected = one_thread(total);
    assert_eq!(expected.units(), total);
    for percent in [0u32, 10, 25, 50, 90, 100] {
        let serial = f64::from(percent) / 100.0;
        for workers in [1, 2, 3, 4, 7, 16, 100] {
            let tally = run(total, serial, workers);
            assert_eq!(tally.units(), total, "{percent}% {workers} workers");
            assert_eq!(tally.serial_units, serial_units(total, serial));
            assert_eq!(tally.worker_units.len(), workers);
            // The checksum adds every unit's result: a unit skipped, repeated
            // or given the wrong index would change it.
            assert_eq!(tally.checksum, expected.checksum, "{percent}% {workers}");
        }
    }
}

#[test]
fn tiny_jobs_with_more_workers_than_units_still_finish() {
    for total in [0, 1, 2] {
        let tally = run(total, 0.0, 8);
        assert_eq!(tally.units(), total);
        assert_eq!(tally.checksum, one_thread(total).checksum);
    }
}
