// A box counted through an `Rc`, handed to a second baker's thread.
use std::cell::Cell;
use std::rc::Rc;
use std::thread;

fn main() {
    let cakes = Rc::new(Cell::new(0u32));
    let for_the_other_baker = Rc::clone(&cakes);
    let other_baker = thread::spawn(move || {
        for_the_other_baker.set(for_the_other_baker.get() + 1);
    });
    cakes.set(cakes.get() + 1);
    other_baker.join().unwrap();
    println!("{} cakes", cakes.get());
}
