// Two threads add to the same plain counter: no lock, no atomic.
use std::thread;

fn main() {
    let mut counter = 0;
    thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..1_000 {
                counter += 1;
            }
        });
        scope.spawn(|| {
            for _ in 0..1_000 {
                counter += 1;
            }
        });
    });
    println!("{counter}");
}
