use std::time::Duration;

use intro_shoemaker_elves::{Pipeline, Report, Shoe, Stage, workshop};

const US: Duration = Duration::from_micros(1);

/// Short costs so the tests run fast: 50, 200, 100 and 50 µs.
fn quick(elves: [usize; 4]) -> Pipeline {
    workshop([US * 50, US * 200, US * 100, US * 50], elves)
}

#[test]
fn every_shoe_comes_out_once_having_passed_every_stage_in_order() {
    for elves in [[1, 1, 1, 1], [2, 1, 1, 3], [1, 4, 2, 1], [3, 3, 3, 3]] {
        let report = quick(elves).run(40);
        let mut ids: Vec<u64> = report.finished.iter().map(|shoe| shoe.id).collect();
        ids.sort_unstable();
        assert_eq!(ids, (0..40).collect::<Vec<_>>(), "{elves:?}");
        assert!(
            report.finished.iter().all(|shoe| shoe.log == [0, 1, 2, 3]),
            "{elves:?}"
        );
    }
}

#[test]
fn with_one_elf_everywhere_shoes_keep_their_order() {
    let report = quick([1, 1, 1, 1]).run(30);
    let ids: Vec<u64> = report.finished.iter().map(|shoe| shoe.id).collect();
    assert_eq!(ids, (0..30).collect::<Vec<_>>());
}

#[test]
fn channels_close_and_the_run_returns() {
    // If any channel stayed open, `run` would wait forever; returning at all
    // is the property. Zero shoes and a single stage are edge cases.
    assert!(quick([2, 2, 2, 2]).run(0).finished.is_empty());
    let one_stage = Pipeline {
        stages: vec![Stage {
            name: "only".into(),
            cost: US * 10,
            elves: 5,
        }],
    };
    assert_eq!(one_stage.run(3).finished.len(), 3);
    let no_stage = Pipeline { stages: vec![] };
    let report = no_stage.run(4);
    assert!(report.finished.iter().all(|shoe| shoe.log.is_empty()));
    assert_eq!(report.finished.len(), 4);
}

#[test]
fn each_stage_handles_every_shoe_and_utilisation_is_a_share() {
    let pipeline = quick([1, 2, 1, 3]);
    let report = pipeline.run(25);
    assert_eq!(report.stages.len(), 4);
    for (stage, measured) in pipeline.stages.iter().zip(&report.stages) {
        assert_eq!(stage.name, measured.name);
        assert_eq!(stage.elves, measured.elves);
        // Each of the 25 shoes slept at least `cost` at this stage.
        assert!(measured.busy >= stage.cost * 25, "{measured:?}");
        assert!((0.0..=1.0).contains(&measured.utilisation), "{measured:?}");
    }
}

#[test]
fn the_prediction_is_the_slowest_stage() {
    let ms = Duration::from_millis(1);
    let costs = [ms, ms * 4, ms * 2, ms];
    let rate = |elves| workshop(costs, elves).predicted_throughput();
    let close = |a: f64, b: f64| (a - b).abs() < 1e-6;
    assert!(close(rate([1, 1, 1, 1]), 250.0));
    // An elf added away from the bottleneck buys nothing.
    assert!(close(rate([2, 1, 1, 1]), 250.0));
    assert!(close(rate([1, 1, 1, 2]), 250.0));
    assert!(close(rate([1, 1, 2, 1]), 250.0));
    // At the bottleneck it doubles the pace, until sole becomes the limit too.
    assert!(close(rate([1, 2, 1, 1]), 500.0));
    assert!(close(rate([1, 3, 1, 1]), 500.0));
    assert!(close(rate([1, 4, 2, 1]), 1000.0));
    assert_eq!(workshop(costs, [1, 1, 1, 1]).bottlenecks(), [1]);
    assert_eq!(workshop(costs, [1, 2, 1, 1]).bottlenecks(), [1, 2]);
    assert_eq!(workshop(costs, [1, 4, 2, 1]).bottlenecks(), [0, 1, 2, 3]);
    assert_eq!(workshop(costs, [1, 2, 3, 4]).layout(), "1-2-3-4");
}

#[test]
fn utilisation_is_busy_time_over_the_stages_elf_time() {
    for elves in [[1, 1, 1, 1], [2, 1, 1, 3]] {
        let report = quick(elves).run(20);
        let elapsed = report.elapsed.as_secs_f64();
        for stage in &report.stages {
            let expected = stage.busy.as_secs_f64() / (stage.elves as f64 * elapsed);
            assert!(
                (stage.utilisation - expected).abs() < 1e-9 && stage.utilisation > 0.0,
                "{stage:?} in {elapsed} s"
            );
        }
    }
}

#[test]
fn throughput_is_shoes_per_second_of_the_run() {
    let shoe = |id| Shoe {
        id,
        log: Vec::new(),
    };
    let report = Report {
        finished: (0..8).map(shoe).collect(),
        elapsed: Duration::from_secs(4),
        stages: Vec::new(),
    };
    assert_eq!(report.throughput(), 2.0);
}

#[test]
fn a_stage_a_little_faster_than_the_slowest_is_not_a_bottleneck() {
    // 1 elf at 1 ms makes 1000 shoes/s; 2 elves at 1.9995 ms make 1000.25:
    // only rounding error, relative to the rate, counts as a tie.
    let stage = |name: &str, cost, elves| Stage {
        name: name.into(),
        cost,
        elves,
    };
    let pipeline = Pipeline {
        stages: vec![
            stage("slow", Duration::from_millis(1), 1),
            stage("close", Duration::from_nanos(1_999_500), 2),
        ],
    };
    assert_eq!(pipeline.bottlenecks(), [0]);
}
