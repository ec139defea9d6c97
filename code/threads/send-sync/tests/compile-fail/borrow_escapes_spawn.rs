use std::thread;

fn main() {
    let scores = vec![3, 1, 4, 1, 5];
    // A spawned thread may run after `main`'s frame is gone, so it may not
    // borrow `scores` from it.
    let handle = thread::spawn(|| scores.iter().sum::<i32>());
    println!("{}", handle.join().unwrap());
}
