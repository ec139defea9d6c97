//! A private RabbitMQ node is stopped and started: persistent messages in a
//! durable queue survive, transient ones do not, and a non-durable queue is
//! gone with everything in it. Needs rabbitmq-server installed (it does not
//! touch the broker at AMQP_URL).
use std::time::Duration;

use queues_redelivery::restart::{KINDS, survive_restart};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restart_keeps_persistent_messages_in_durable_queues_only() {
    let counts = tokio::time::timeout(Duration::from_secs(120), survive_restart(10))
        .await
        .expect("the restart finished in time")
        .unwrap_or_else(|error| panic!("{error}"));
    assert_eq!(counts.len(), KINDS.len());
    for count in counts {
        assert_eq!(count.before, 10, "{count:?}");
        let expected = match (count.kind.durable_queue, count.kind.persistent) {
            (true, true) => Some(10), // every one survives
            (true, false) => Some(0), // the queue survives, empty
            (false, _) => None,       // the queue itself is gone
        };
        assert_eq!(count.after, expected, "{count:?}");
    }
}
