//! Every transport delivers every message, intact and in order.

use std::path::Path;
use std::time::Duration;

use processes_shared_memory::{Check, Link, RING_BYTES, Report, Transport, check, stamp, template};
use support_kit::testing::within;

fn exe() -> &'static Path {
    Path::new(env!("CARGO_BIN_EXE_processes-shared-memory"))
}

fn send(transport: Transport, bytes: usize, batch: u64, batches: u64) -> (u64, Report) {
    within(Duration::from_secs(120), move || {
        let mut link = Link::open(exe(), transport, bytes, batch, true).unwrap();
        for _ in 0..batches {
            link.send_batch().unwrap();
        }
        let sent = link.sent();
        (sent, link.finish().unwrap())
    })
}

#[test]
fn every_transport_delivers_every_message_intact_and_in_order() {
    // Sizes that are odd, that are exactly the minimum, that straddle the
    // ring's end, and that are larger than the whole ring.
    let sizes = [8, 13, 16, 100, 4_096, 65_541, RING_BYTES + 1_000];
    for transport in Transport::ALL {
        for bytes in sizes {
            let batch = (300_000 / bytes as u64).clamp(1, 500);
            let (sent, report) = send(transport, bytes, batch, 3);
            assert_eq!(sent, 3 * batch);
            assert_eq!(
                (report.received, report.out_of_order, report.corrupt),
                (sent, 0, 0),
                "{transport}, {bytes}-byte messages"
            );
        }
    }
}

#[test]
fn a_link_with_nothing_sent_reports_nothing() {
    for transport in Transport::ALL {
        let (sent, report) = send(transport, 64, 10, 0);
        assert_eq!(
            (sent, report.received, report.out_of_order, report.corrupt),
            (0, 0, 0, 0),
            "{transport}"
        );
    }
}

#[test]
fn the_check_notices_lost_reordered_and_torn_messages() {
    for bytes in [8, 15, 16, 17, 1_000] {
        let mut message = template(bytes);
        stamp(&mut message, 41);
        assert_eq!(check(&message, 41, true), Check::Intact, "{bytes}");
        // Message 41 where 40 was due: one was lost or they were swapped.
        assert_eq!(check(&message, 40, true), Check::OutOfOrder, "{bytes}");
        if bytes >= 16 {
            // The front of one message and the back of another.
            let mut torn = message.clone();
            torn[..8].copy_from_slice(&42u64.to_le_bytes());
            assert_eq!(check(&torn, 41, false), Check::Corrupt, "{bytes}");
        }
        if bytes > 16 {
            let mut flipped = message.clone();
            flipped[bytes / 2] ^= 1;
            assert_eq!(check(&flipped, 41, true), Check::Corrupt, "{bytes}");
        }
    }
}
