//! The price of each ordering on one thread: a letter sent and read back,
//! 1,000 times, with nothing to wait for.
use std::hint::black_box;
use std::time::Duration;

use criterion::{BenchmarkId, Criterion, criterion_group, criterion_main};
use threads_orderings::{Mailbox, Orders, send_and_receive};

const LETTERS: u64 = 1_000;

fn cost(c: &mut Criterion) {
    let mut group = c.benchmark_group("threads-orderings/send-receive");
    group.sample_size(10);
    group.warm_up_time(Duration::from_millis(300));
    group.measurement_time(Duration::from_secs(1));
    let mailbox: Mailbox = Mailbox::default();
    for orders in Orders::ALL {
        group.bench_with_input(
            BenchmarkId::new(orders.name(), LETTERS),
            &orders,
            |b, &o| b.iter(|| send_and_receive(&mailbox, black_box(LETTERS), o)),
        );
    }
    group.finish();
}

criterion_group!(benches, cost);
criterion_main!(benches);
