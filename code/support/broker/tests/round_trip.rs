//! Needs a RabbitMQ at AMQP_URL (default amqp://guest:guest@127.0.0.1:5672/%2f).
use std::time::Duration;

use lapin::BasicProperties;
use lapin::options::{
    BasicAckOptions, BasicConsumeOptions, BasicPublishOptions, ConfirmSelectOptions,
};
use lapin::types::FieldTable;
use support_broker::{
    BrokerError, close, connect, connect_to, declare_queue, delete_queues, next_delivery,
    queue_depth, unique_name,
};

const WAIT: Duration = Duration::from_secs(10);

#[tokio::test]
async fn declare_publish_consume_delete() {
    tokio::time::timeout(Duration::from_secs(30), async {
        let connection = connect("support-broker-test").await.expect("broker");
        let channel = connection.create_channel().await.unwrap();
        channel
            .confirm_select(ConfirmSelectOptions::default())
            .await
            .unwrap();
        let queue = unique_name("support-broker-test");
        declare_queue(&channel, &queue, FieldTable::default())
            .await
            .unwrap();

        let bodies: Vec<String> = (0..5).map(|i| format!("message {i}")).collect();
        for body in &bodies {
            channel
                .basic_publish(
                    "".into(),
                    queue.as_str().into(),
                    BasicPublishOptions::default(),
                    body.as_bytes(),
                    BasicProperties::default(),
                )
                .await
                .unwrap()
                .await
                .unwrap();
        }
        assert_eq!(queue_depth(&channel, &queue).await.unwrap(), 5);

        let mut consumer = channel
            .basic_consume(
                queue.as_str().into(),
                "".into(),
                BasicConsumeOptions::default(),
                FieldTable::default(),
            )
            .await
            .unwrap();
        let mut received = Vec::new();
        while received.len() < bodies.len() {
            let delivery = next_delivery(&mut consumer, WAIT)
                .await
                .unwrap()
                .expect("a delivery");
            received.push(String::from_utf8(delivery.data.clone()).unwrap());
            delivery.ack(BasicAckOptions::default()).await.unwrap();
        }
        assert_eq!(
            received, bodies,
            "one consumer on one queue sees publish order"
        );

        delete_queues(&channel, std::slice::from_ref(&queue))
            .await
            .unwrap();
        // A second delete of the same (now missing) queue is fine.
        delete_queues(&channel, std::slice::from_ref(&queue))
            .await
            .unwrap();
        assert!(
            queue_depth(&channel, &queue).await.is_err(),
            "queue is gone"
        );
        close(&connection).await;
    })
    .await
    .expect("round trip finished in time");
}

#[tokio::test]
async fn nobody_listening_gives_one_clear_line() {
    // Port 9 (discard) has no AMQP server on the development machines.
    let result = tokio::time::timeout(
        Duration::from_secs(20),
        connect_to("amqp://guest:sekrit@127.0.0.1:9/%2f", "nobody"),
    )
    .await
    .expect("connect gives up by itself");
    let Err(error) = result else {
        panic!("a connection where no broker listens")
    };
    let error: BrokerError = error;
    let line = error.to_string();
    eprintln!("{line}");
    assert_eq!(line.lines().count(), 1, "{line}");
    assert!(
        line.starts_with("no RabbitMQ answers at 127.0.0.1:9 ("),
        "{line}"
    );
    assert!(line.contains("AMQP_URL"), "{line}");
    assert!(!line.contains("sekrit"), "{line}");
}
