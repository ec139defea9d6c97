use std::time::Duration;

use actors_hand_rolled::{CounterHandle, Strategy, count, spawn_recorder};
use support_kit::testing::within_async;

const LIMIT: Duration = Duration::from_secs(60);

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn every_increment_is_counted_exactly_once_every_way() {
    for strategy in Strategy::ALL {
        for (tasks, increments, capacity) in
            [(1, 1, 1), (8, 1_000, 1), (16, 500, 4), (3, 2_000, 1024)]
        {
            let total = within_async(LIMIT, count(strategy, tasks, increments, capacity)).await;
            assert_eq!(
                total,
                tasks * increments,
                "{strategy:?} {tasks}x{increments} cap {capacity}"
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_ask_sees_every_tell_the_same_handle_sent_before_it() {
    let (handle, actor) = CounterHandle::spawn(1);
    for i in 1..=200u64 {
        handle.increment(i).await;
        // FIFO from one sender: the Get is queued behind every Increment before it.
        assert_eq!(handle.get().await, i * (i + 1) / 2);
    }
    drop(handle);
    assert_eq!(within_async(LIMIT, actor).await.unwrap(), 200 * 201 / 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_actor_lives_while_any_handle_does_and_ends_when_the_last_drops() {
    let (first, actor) = CounterHandle::spawn(8);
    let clones: Vec<CounterHandle> = (0..5).map(|_| first.clone()).collect();
    drop(first);
    for (i, handle) in clones.iter().enumerate() {
        handle.increment(1).await;
        // Still answering: the remaining clones keep it alive.
        assert_eq!(handle.get().await, i as u64 + 1);
        assert!(!actor.is_finished());
    }
    drop(clones);
    // The last handle is gone: the mailbox reports no senders, the loop ends,
    // and the task returns its final count.
    assert_eq!(within_async(LIMIT, actor).await.unwrap(), 5);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn messages_from_one_sender_arrive_in_order_and_none_is_lost() {
    const SENDERS: u32 = 6;
    const EACH: u64 = 2_000;
    for capacity in [1, 3, 64] {
        let (mailbox, recorder) = spawn_recorder(capacity);
        let senders: Vec<_> = (0..SENDERS)
            .map(|sender| {
                let mailbox = mailbox.clone();
                tokio::spawn(async move {
                    for sequence in 0..EACH {
                        mailbox.send((sender, sequence)).await.unwrap();
                    }
                })
            })
            .collect();
        drop(mailbox);
        for sender in senders {
            sender.await.unwrap();
        }
        let seen = within_async(LIMIT, recorder).await.unwrap();
        assert_eq!(
            seen.len() as u64,
            u64::from(SENDERS) * EACH,
            "capacity {capacity}"
        );
        // Per sender: exactly 0, 1, 2, ... in that order. Between senders,
        // any interleaving is legal, so nothing is asserted about it.
        for sender in 0..SENDERS {
            let own: Vec<u64> = seen
                .iter()
                .filter(|(s, _)| *s == sender)
                .map(|(_, n)| *n)
                .collect();
            assert_eq!(
                own,
                (0..EACH).collect::<Vec<_>>(),
                "sender {sender}, capacity {capacity}"
            );
        }
    }
}
