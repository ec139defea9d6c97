use std::time::Duration;

use actors_backpressure::{Load, Mailbox, run, runtime};
use support_kit::testing::within;

const LIMIT: Duration = Duration::from_secs(120);

fn load(messages: u64) -> Load {
    Load {
        messages,
        payload_bytes: 64,
        produce_rounds: 10,
        handle_rounds: 2_000,
    }
}

#[test]
fn unbounded_and_bounded_mailboxes_handle_every_message() {
    for mailbox in [
        Mailbox::Unbounded,
        Mailbox::Bounded(1),
        Mailbox::Bounded(8),
        Mailbox::Bounded(500),
    ] {
        for messages in [1, 10, 2_000] {
            let report = within(LIMIT, move || {
                runtime().block_on(run(mailbox, load(messages)))
            });
            assert_eq!(report.handled, messages, "{mailbox:?}");
            assert_eq!(report.dropped, 0, "{mailbox:?}");
            assert_eq!(report.waits.len() as u64, messages, "{mailbox:?}");
        }
    }
}

#[test]
fn a_bounded_mailbox_never_holds_more_than_its_capacity() {
    for capacity in [1usize, 4, 32] {
        for mailbox in [Mailbox::Bounded(capacity), Mailbox::Dropping(capacity)] {
            let report = within(LIMIT, move || runtime().block_on(run(mailbox, load(3_000))));
            // The count can read one high for a moment (see `run`).
            assert!(
                report.peak_queued <= capacity as i64 + 1,
                "{mailbox:?}: peak {}",
                report.peak_queued
            );
        }
    }
}

#[test]
fn a_dropping_mailbox_accounts_for_every_message() {
    for capacity in [1usize, 16] {
        let report = within(LIMIT, move || {
            runtime().block_on(run(Mailbox::Dropping(capacity), load(5_000)))
        });
        assert_eq!(report.handled + report.dropped, 5_000);
        assert!(report.handled >= 1, "the first message always finds room");
        assert_eq!(report.waits.len() as u64, report.handled);
    }
}

#[test]
fn mailbox_names_round_trip() {
    for mailbox in [
        Mailbox::Unbounded,
        Mailbox::Bounded(3),
        Mailbox::Dropping(64),
    ] {
        assert_eq!(Mailbox::parse(&mailbox.name()), Some(mailbox));
    }
    for bad in [
        "",
        "bounded",
        "bounded()",
        "bounded(0)",
        "dropping(-1)",
        "leaky(4)",
    ] {
        assert_eq!(Mailbox::parse(bad), None, "{bad}");
    }
}
