use std::rc::Rc;
use std::thread;

fn main() {
    let names = Rc::new(vec!["Ada", "Grace"]);
    let copy = Rc::clone(&names);
    // Rc's count is a plain integer: two threads changing it at once could
    // lose a change and free the vector while it is still in use.
    let handle = thread::spawn(move || copy.len());
    println!("{} {}", names.len(), handle.join().unwrap());
}
