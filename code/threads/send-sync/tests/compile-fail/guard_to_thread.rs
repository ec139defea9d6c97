use std::sync::Mutex;
use std::thread;

fn main() {
    let total = Mutex::new(0);
    let mut guard = total.lock().unwrap();
    *guard += 1;
    // The lock was taken on this thread; some platforms require the same
    // thread to release it, so a guard may not move to another thread.
    thread::scope(|s| {
        s.spawn(move || *guard += 1);
    });
    println!("{}", total.lock().unwrap());
}
