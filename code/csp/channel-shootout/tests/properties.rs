//! Every channel kind delivers every message exactly once, whatever the
//! number of producers and however the threads or tasks are scheduled.

use csp_channel_shootout::{Kind, Received, ping_pong, runtime, shares, throughput};

fn expected(messages: u64) -> Received {
    Received {
        count: messages,
        sum: messages * (messages + 1) / 2,
    }
}

#[test]
fn shares_cover_every_message_once() {
    for messages in [0, 1, 7, 1_000, 1_001] {
        for producers in 1..=9 {
            let shares = shares(messages, producers);
            assert_eq!(shares.len(), producers);
            let all: Vec<u64> = shares.into_iter().flatten().collect();
            assert_eq!(all, (1..=messages).collect::<Vec<_>>());
        }
    }
}

#[test]
fn every_message_arrives_exactly_once_for_every_kind_and_producer_count() {
    let runtime = runtime();
    for kind in Kind::ALL {
        for producers in [1, 2, 3, 4, 8] {
            // 5,000 is several times the capacity, so producers do block.
            for messages in [0, 1, 5_000] {
                let (received, _) = throughput(kind, producers, messages, &runtime);
                assert_eq!(
                    received,
                    expected(messages),
                    "{} with {producers} producers",
                    kind.name()
                );
            }
        }
    }
}

#[test]
fn ping_pong_completes_every_round_for_every_kind() {
    let runtime = runtime();
    for kind in Kind::ALL {
        for rounds in [0, 1, 2, 1_000] {
            let (ball, _) = ping_pong(kind, rounds, &runtime);
            assert_eq!(ball, rounds, "{}", kind.name());
        }
    }
}

#[test]
fn one_runtime_serves_many_runs() {
    let runtime = runtime();
    for _ in 0..20 {
        assert_eq!(ping_pong(Kind::Tokio, 10, &runtime).0, 10);
        assert_eq!(throughput(Kind::Tokio, 4, 100, &runtime).0, expected(100));
    }
}
