// A std::sync::MutexGuard held across an .await, inside tokio::spawn.
use std::sync::{Arc, Mutex};

#[tokio::main]
async fn main() {
    let log = Arc::new(Mutex::new(Vec::new()));
    let writer = log.clone();
    let task = tokio::spawn(async move {
        let mut guard = writer.lock().unwrap();
        guard.push("first line");
        tokio::task::yield_now().await; // the guard is still alive here
        guard.push("second line");
    });
    task.await.unwrap();
    println!("{:?}", log.lock().unwrap());
}
