// A closure that counts in a `Cell` is not `Sync`: C's threads would call it
// at once and race on the count, so `on_c_threads` must refuse it.
use std::cell::Cell;

fn main() {
    let count = Cell::new(0u64);
    let _ = ffi_callbacks::on_c_threads(2, 10, &|_, _| count.set(count.get() + 1));
}
