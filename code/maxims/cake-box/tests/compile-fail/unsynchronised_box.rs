// Two bakers share one plain box: no lock, no atomic.
use std::thread;

struct CakeBox {
    cakes: u32,
    capacity: u32,
}

impl CakeBox {
    fn put(&mut self) -> bool {
        if self.cakes < self.capacity {
            self.cakes += 1;
            true
        } else {
            false
        }
    }
}

fn main() {
    let mut cake_box = CakeBox { cakes: 0, capacity: 10 };
    thread::scope(|scope| {
        scope.spawn(|| {
            for _ in 0..10 {
                cake_box.put();
            }
        });
        scope.spawn(|| {
            for _ in 0..10 {
                cake_box.put();
            }
        });
    });
    println!("{} cakes", cake_box.cakes);
}
