use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};

use threads_bounded_buffer::{
    BoundedBuffer, Buffer, Crossbeam, Len, StdSyncChannel, expected_sum, transfer,
};

/// Every number arrives exactly once (the count and the sum both match), for
/// each buffer and several shapes, tiny capacities included.
fn delivers_everything_once<B: Buffer<u64>>() {
    for (capacity, producers, consumers, items) in [
        (1, 1, 1, 10_000),
        (1, 3, 2, 3_000),
        (4, 2, 3, 5_000),
        (64, 4, 4, 2_500),
    ] {
        let total = producers as u64 * items;
        assert_eq!(
            transfer::<B>(capacity, producers, consumers, items),
            (total, expected_sum(total)),
            "capacity {capacity}, {producers} producers, {consumers} consumers"
        );
    }
}

#[test]
fn the_condvar_buffer_delivers_everything_once() {
    delivers_everything_once::<BoundedBuffer<u64>>();
}

#[test]
fn the_channels_deliver_everything_once() {
    delivers_everything_once::<Crossbeam<u64>>();
    delivers_everything_once::<StdSyncChannel<u64>>();
}

/// One producer's items come out in the order it pushed them. The items are
/// checked after the scope: an assertion failing inside it would leave the
/// producer blocked on a full buffer, and the scope would wait for it forever.
#[test]
fn one_producer_one_consumer_keeps_order() {
    let buffer = BoundedBuffer::<u64>::new(3);
    let got: Vec<u64> = std::thread::scope(|s| {
        s.spawn(|| (0..20_000).for_each(|i| buffer.push(i)));
        (0..20_000).map(|_| buffer.pop()).collect()
    });
    assert_eq!(got.len(), 20_000);
    let out_of_order = got.iter().zip(0u64..).find(|&(&item, place)| item != place);
    assert_eq!(out_of_order, None, "(item received, place it came out at)");
}

/// The buffer never holds more than its capacity: a watcher samples the
/// length under the lock while producers push as fast as they can.
#[test]
fn never_holds_more_than_its_capacity() {
    let buffer = BoundedBuffer::<u64>::new(2);
    let most = AtomicUsize::new(0);
    let done = AtomicUsize::new(0);
    std::thread::scope(|s| {
        for _ in 0..3 {
            s.spawn(|| {
                (0..5_000).for_each(|i| buffer.push(i));
                done.fetch_add(1, Relaxed);
            });
        }
        s.spawn(|| {
            while done.load(Relaxed) < 3 {
                most.fetch_max(buffer.len(), Relaxed);
            }
        });
        for _ in 0..15_000 {
            buffer.pop();
        }
    });
    assert!(most.load(Relaxed) <= 2);
    assert!(buffer.is_empty());
}
