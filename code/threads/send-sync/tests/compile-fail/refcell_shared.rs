use std::cell::RefCell;
use std::thread;

fn main() {
    let log = RefCell::new(Vec::new());
    // RefCell checks its borrows with a plain counter, so two threads may not
    // hold `&RefCell` at once: it is not `Sync`.
    thread::scope(|s| {
        s.spawn(|| log.borrow_mut().push("from a thread"));
        log.borrow_mut().push("from main");
    });
    println!("{:?}", log.borrow());
}
