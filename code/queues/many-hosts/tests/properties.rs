//! Properties across hosts. Each test makes its own namespaces, with names and
//! addresses no other run uses, and they are gone when it ends, also when it
//! fails. Without namespaces (not root, no iproute2) every test fails with one
//! line, unless BOOK_NO_NETNS=1 accepts their absence, which it then says.
use std::path::Path;
use std::time::Duration;

use queues_many_hosts::{
    Forwarder, RemotePublisher, Workers, declare_queue, interface_exists, namespaces_named,
    network_or_accepted_absence, round_trip,
};
use support_broker::{amqp_url, broker_address};

const EXE: &str = env!("CARGO_BIN_EXE_queues-many-hosts");

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("a tokio runtime")
}

fn net_namespace_of(pid: &str) -> std::path::PathBuf {
    std::fs::read_link(format!("/proc/{pid}/ns/net")).expect("a network namespace")
}

#[test]
fn every_job_is_done_exactly_once_by_workers_on_other_hosts() {
    let Some(network) = network_or_accepted_absence(&["w1", "w2"]) else {
        return;
    };
    let runtime = runtime();
    runtime.block_on(async {
        let url = amqp_url();
        let _forwarder = Forwarder::start(&network, &broker_address(&url))
            .await
            .unwrap();
        network.set_delay(3).unwrap();
        let connection = support_broker::connect("many-hosts test").await.unwrap();
        let channel = connection.create_channel().await.unwrap();
        let queue = support_broker::unique_name("many-hosts-test");
        declare_queue(&channel, &queue).await.unwrap();
        for prefetch in [1, 50] {
            let mut workers =
                Workers::start(network.hosts(), Path::new(EXE), &url, &queue, prefetch).unwrap();
            // Each worker runs in a namespace other than this one.
            let here = net_namespace_of("self");
            for pid in workers.pids() {
                assert_ne!(net_namespace_of(&pid.to_string()), here);
            }
            for _run in 0..2 {
                let (_, done) = tokio::time::timeout(
                    Duration::from_secs(60),
                    round_trip(&channel, &queue, &mut workers, 100),
                )
                .await
                .expect("the workers finish within a minute")
                .unwrap();
                assert_eq!(done.all_sorted(), (0..100).collect::<Vec<_>>());
                assert_eq!(workers.extra(Duration::from_millis(200)).await, 0);
            }
        }
        support_broker::delete_queues(&channel, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

#[test]
fn a_publisher_on_another_host_gets_every_confirm_and_every_message_arrives() {
    let Some(network) = network_or_accepted_absence(&["p1"]) else {
        return;
    };
    let runtime = runtime();
    runtime.block_on(async {
        let url = amqp_url();
        let _forwarder = Forwarder::start(&network, &broker_address(&url))
            .await
            .unwrap();
        network.set_delay(2).unwrap();
        let connection = support_broker::connect("many-hosts test").await.unwrap();
        let channel = connection.create_channel().await.unwrap();
        let queue = support_broker::unique_name("many-hosts-test");
        declare_queue(&channel, &queue).await.unwrap();
        let mut publisher =
            RemotePublisher::start(&network.hosts()[0], Path::new(EXE), &url, &queue).unwrap();
        for (messages, batch) in [(30, 1), (30, 7), (30, 30)] {
            let run = publisher.publish(messages, batch).await.unwrap();
            assert_eq!(run.acked, messages);
        }
        // Confirmed means enqueued: all 90 wait in the queue.
        let depth = support_broker::queue_depth(&channel, &queue).await.unwrap();
        assert_eq!(depth, 90);
        support_broker::delete_queues(&channel, &[queue])
            .await
            .unwrap();
        support_broker::close(&connection).await;
    });
}

#[test]
fn hosts_are_removed_when_dropped_even_after_a_panic() {
    let made = std::panic::catch_unwind(|| {
        let network = network_or_accepted_absence(&["a", "b"])?;
        let hosts = network.hosts().to_vec();
        for host in &hosts {
            assert!(namespaces_named(&host.namespace).contains(&host.namespace));
            assert!(interface_exists(&host.near));
        }
        if !hosts.is_empty() {
            std::panic::panic_any(hosts);
        }
        None
    });
    let hosts = match made {
        Ok(None) => return, // absence accepted, and said so
        Ok(Some(())) => unreachable!(),
        Err(payload) => *payload
            .downcast::<Vec<queues_many_hosts::Host>>()
            .expect("the hosts, carried by the panic"),
    };
    assert_eq!(hosts.len(), 2);
    for host in &hosts {
        assert!(namespaces_named(&host.namespace).is_empty(), "{host:?}");
        assert!(!interface_exists(&host.near), "{host:?}");
    }
}

#[test]
fn a_namespace_left_by_a_dead_run_is_swept_away_by_the_next() {
    // A process that has ended: its id, in a namespace name, marks a dead run.
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    let stale = format!("cifs-{:x}-left", u64::from(pid) << 8);
    let made = std::process::Command::new("ip")
        .args(["netns", "add", &stale])
        .output()
        .is_ok_and(|out| out.status.success());
    let Some(network) = network_or_accepted_absence(&["next"]) else {
        return;
    };
    assert!(made, "ip netns add {stale} failed where namespaces work");
    assert!(
        namespaces_named(&stale).is_empty(),
        "{stale} is still there"
    );
    drop(network);
}
