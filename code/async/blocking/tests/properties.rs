use async_blocking::{Flavor, How, Work, run};
use std::time::Duration;

const BLOCK: Work = Work::Sleep(Duration::from_millis(200));

#[test]
fn on_one_thread_a_blocking_task_stops_every_neighbour() {
    // The blocking call holds the only thread: not one tick can happen until
    // it returns. On one thread this is certain, not likely.
    for work in [BLOCK, Work::Spin(Duration::from_millis(50))] {
        let report = run(Flavor::CurrentThread, How::InTask, work, 1, 5, 10);
        assert_eq!(report.ticks_during_block, vec![0], "{work:?}");
        assert_eq!(report.ticks, 50);
    }
}

#[test]
fn spawn_blocking_and_rayon_let_the_neighbours_tick_meanwhile() {
    for how in [How::SpawnBlocking, How::Rayon] {
        for flavor in [Flavor::CurrentThread, Flavor::Workers(2)] {
            // 10 tickers × 100 ticks of 1 ms: they are still ticking while the
            // 200 ms call blocks another thread.
            let report = run(flavor, how, BLOCK, 2, 10, 100);
            assert_eq!(report.ticks, 1_000);
            assert_eq!(report.ticks_during_block.len(), 2);
            assert!(
                report.ticks_during_block.iter().all(|&t| t > 0),
                "{how:?} {flavor:?}: {report:?}"
            );
        }
    }
}

#[test]
fn with_nothing_blocking_every_tick_happens() {
    let report = run(Flavor::Workers(2), How::Nothing, BLOCK, 1, 7, 11);
    assert_eq!(report.ticks, 77);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_mutexes_count_every_increment() {
    assert_eq!(async_blocking::count_with_std_mutex(8, 1_000).await, 8_000);
    assert_eq!(
        async_blocking::count_with_tokio_mutex(8, 1_000).await,
        8_000
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_guard_held_across_awaits_keeps_each_record_whole() {
    let log = async_blocking::write_records(4, 5).await;
    assert_eq!(log.len(), 20);
    // Each task's five lines are consecutive and in order.
    for record in log.chunks(5) {
        let task = record[0].split(' ').nth(1).unwrap();
        let want: Vec<String> = (0..5).map(|l| format!("task {task} line {l}")).collect();
        assert_eq!(record, want.as_slice());
    }
}
