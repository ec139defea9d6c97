//! The one module of this crate that maps memory: a file mapped into the
//! memory of several processes at once. The compiler checks one process at a
//! time. It cannot see that another process has the same bytes mapped and is
//! writing them right now, so every access here rests on rules the program
//! keeps by itself, written down at each `unsafe` block:
//!
//! - the control words (the first `words` × 64 bytes) are only ever touched
//!   as whole atomics, by every process: most as `AtomicU64`, the bells'
//!   event words as `AtomicU32`, each always the same;
//! - the data region after them is only touched by one [`RingWriter`] and one
//!   [`RingReader`], and only in the parts the ring's head and tail give each
//!   of them. Each end claims its role in the file with a compare-and-swap, so
//!   a second writer or reader gets an error, not a share of the bytes;
//! - safe code outside this module cannot store into the ring's own words
//!   ([`SharedFile::word`] refuses them), and the ends check every head and
//!   tail they load, so a damaged file is an error, never a copy out of bounds;
//! - nobody shrinks the file while it is mapped, and no program other than
//!   this one writes it. Those two the code cannot enforce: a process that
//!   breaks them is outside Rust's rules, like one that writes into this
//!   process's memory through `/proc`.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::ptr;
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering, fence};
use std::time::Duration;

use memmap2::MmapRaw;

use crate::sys::{futex_wait, futex_wake};

/// Bytes per control word: each word gets a cache line of its own, so two
/// processes writing neighbouring words do not slow each other down.
pub const WORD_BYTES: usize = 64;

/// Words the ring uses for itself: the layout, the head, the tail, the closed
/// flag, the two role claims and two bells of two words each. Callers may use
/// the words from here on.
pub const FIRST_FREE_WORD: usize = 10;

/// The most either side copies before it publishes its progress. Smaller
/// steps let the writer fill one part of the ring while the reader empties
/// another, instead of taking turns over the whole ring.
const STEP: usize = 16 * 1024;

/// How often a waiting side spins before it goes to sleep: the other side is
/// often a fraction of a microsecond from doing what it waits for.
const SPINS: u32 = 100;

/// The longest one sleep lasts before the waiter runs its caller's check
/// (is the peer alive, has patience run out) and sleeps again.
const NAP: Duration = Duration::from_millis(10);

const LAYOUT: usize = 0;
const HEAD: usize = 1;
const TAIL: usize = 2;
const CLOSED: usize = 3;
const WRITER: usize = 4;
const READER: usize = 5;
/// Each bell is two words: an event count (a futex word, `AtomicU32`) and the
/// number of sleepers.
const BELL_READER: usize = 6;
const BELL_WRITER: usize = 8;

// ANCHOR: shared_file-create
/// A file mapped into this process's memory: `words` control words, then a
/// data region. Other processes map the same file and see the same bytes.
pub struct SharedFile {
    map: MmapRaw,
    words: usize,
}

fn invalid(what: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, what.to_string())
}

impl SharedFile {
    /// Creates a new file of `words` control words and `data_bytes` bytes of
    /// data, all zero, and maps it. Fails if the file exists.
    pub fn create(path: &Path, words: usize, data_bytes: usize) -> io::Result<SharedFile> {
        let words = words.max(FIRST_FREE_WORD);
        let len = words
            .checked_mul(WORD_BYTES)
            .and_then(|control| control.checked_add(data_bytes))
            .ok_or_else(|| invalid("shared file too large"))?;
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        file.set_len(len as u64)?;
        let shared = SharedFile::map(&file, words)?;
        shared
            .control(LAYOUT)
            .store(words as u64, Ordering::Release);
        Ok(shared)
    }
    // ANCHOR_END: shared_file-create

    // ANCHOR: shared_file-open
    /// Maps a file made by [`SharedFile::create`], usually in another process.
    /// A layout word that does not fit the file is an error.
    pub fn open(path: &Path) -> io::Result<SharedFile> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        let first = SharedFile::map(&file, 1)?;
        let words = usize::try_from(first.control(LAYOUT).load(Ordering::Acquire))
            .ok()
            .filter(|&words| words >= FIRST_FREE_WORD)
            .filter(|&words| {
                words
                    .checked_mul(WORD_BYTES)
                    .is_some_and(|control| control <= first.map.len())
            })
            .ok_or_else(|| invalid("not a shared file made by SharedFile::create"))?;
        Ok(SharedFile {
            map: first.map,
            words,
        })
    }

    fn map(file: &File, words: usize) -> io::Result<SharedFile> {
        // A raw map hands out pointers, never `&[u8]` or `&mut [u8]`: a slice
        // would promise the compiler that nobody else changes the bytes.
        let map = MmapRaw::map_raw(file)?;
        // `words` is FIRST_FREE_WORD or more only after `open` checked the
        // product, and at most 1 otherwise: the product cannot overflow.
        if map.len() < words * WORD_BYTES {
            return Err(invalid("file too short"));
        }
        Ok(SharedFile { map, words })
    }
    // ANCHOR_END: shared_file-open

    // ANCHOR: shared_file-words
    /// Control word number `index`, shared with every process that maps the
    /// file. The words below [`FIRST_FREE_WORD`] belong to the ring, and
    /// asking for one of them panics: a store into them from outside would
    /// break the rules the ring's `unsafe` copies rely on.
    pub fn word(&self, index: usize) -> &AtomicU64 {
        assert!(
            index >= FIRST_FREE_WORD,
            "word {index} belongs to the ring; callers start at {FIRST_FREE_WORD}"
        );
        self.control(index)
    }

    fn control(&self, index: usize) -> &AtomicU64 {
        assert!(index < self.words, "word {index} of {}", self.words);
        let at = self.map.as_mut_ptr().wrapping_add(index * WORD_BYTES);
        // SAFETY: `at` is inside the map (index < words, and the map holds at
        // least words × 64 bytes) and 8-aligned (the map starts on a page
        // boundary and every word on a multiple of 64). The map lives as long
        // as `self`, which the returned reference borrows. Every process of
        // this program touches these 8 bytes only as an AtomicU64, so no
        // access to them is a data race, whichever process makes it.
        unsafe { AtomicU64::from_ptr(at.cast::<u64>()) }
    }

    fn event(&self, index: usize) -> &AtomicU32 {
        assert!(index < self.words, "word {index} of {}", self.words);
        let at = self.map.as_mut_ptr().wrapping_add(index * WORD_BYTES);
        // SAFETY: as in `control`, and 4-aligned. The bells' event words are
        // only ever touched as this AtomicU32, by every process, never as
        // part of an AtomicU64: no access of two sizes ever meets here.
        unsafe { AtomicU32::from_ptr(at.cast::<u32>()) }
    }
    // ANCHOR_END: shared_file-words

    // ANCHOR: shared_file-claim
    /// Bytes in the data region.
    pub fn data_len(&self) -> usize {
        self.map.len() - self.words * WORD_BYTES
    }

    fn data(&self) -> *mut u8 {
        self.map.as_mut_ptr().wrapping_add(self.words * WORD_BYTES)
    }

    /// Claims a role word: `Ok` for the first claimant, an error for any
    /// other while the first holds it. Acquire: whatever a previous holder
    /// did before it let go is visible to the new one.
    fn claim(&self, role: usize, what: &str) -> io::Result<()> {
        self.control(role)
            .compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed)
            .map(drop)
            .map_err(|_| {
                io::Error::new(
                    io::ErrorKind::ResourceBusy,
                    format!("the ring already has a {what}"),
                )
            })
    }

    fn release(&self, role: usize) {
        self.control(role).store(0, Ordering::Release);
    }
}
// ANCHOR_END: shared_file-claim

// ANCHOR: bell-wake
/// Who waits on a bell: the reader (for bytes, or the end) or the writer
/// (for space, or for whatever its caller waits on, such as acknowledgements).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Reader,
    Writer,
}

impl SharedFile {
    fn bell(&self, side: Side) -> (&AtomicU32, &AtomicU64) {
        let at = match side {
            Side::Reader => BELL_READER,
            Side::Writer => BELL_WRITER,
        };
        (self.event(at), self.control(at + 1))
    }

    /// Call after changing anything `side` may be waiting for: wakes it if
    /// it sleeps. Costs a fence and a load when nobody sleeps.
    pub fn wake(&self, side: Side) {
        let (event, sleepers) = self.bell(side);
        // Our change (made before this call) and the sleeper's count (made
        // before its last look at the condition) are ordered by two SeqCst
        // fences: either we see the sleeper, or it sees our change.
        fence(Ordering::SeqCst);
        if sleepers.load(Ordering::Relaxed) > 0 {
            event.fetch_add(1, Ordering::Release);
            futex_wake(event);
        }
    }
    // ANCHOR_END: bell-wake

    // ANCHOR: bell-wait
    /// Returns once `done()` holds: spins a little, then sleeps in the
    /// kernel until the other side calls [`SharedFile::wake`]. After every
    /// nap that ends without a wake-up, it runs `check`, which may give up.
    pub fn wait_until(
        &self,
        side: Side,
        done: &mut dyn FnMut() -> io::Result<bool>,
        check: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        for _ in 0..SPINS {
            if done()? {
                return Ok(());
            }
            std::hint::spin_loop();
        }
        let (event, sleepers) = self.bell(side);
        loop {
            let seen = event.load(Ordering::Acquire);
            sleepers.fetch_add(1, Ordering::Relaxed);
            fence(Ordering::SeqCst);
            let ready = done();
            // The kernel sleeps only if the event is still `seen`: a wake
            // that came after our look at the condition has changed it.
            let napped_out = matches!(ready, Ok(false)) && futex_wait(event, seen, NAP);
            sleepers.fetch_sub(1, Ordering::Relaxed);
            if ready? {
                return Ok(());
            }
            if napped_out {
                check()?;
            }
        }
    }
}
// ANCHOR_END: bell-wait

// ANCHOR: ring-writer
/// The sending end of a byte ring in a shared file's data region. A file's
/// ring has at most one writer and one reader at a time, in any processes:
/// each end claims its role in the file itself, and a second claimant gets
/// an error.
pub struct RingWriter {
    file: SharedFile,
    head: u64,
}

impl RingWriter {
    pub fn new(file: SharedFile) -> io::Result<RingWriter> {
        if file.data_len() == 0 {
            return Err(invalid("a ring needs a data region"));
        }
        file.claim(WRITER, "writer")?;
        let head = file.control(HEAD).load(Ordering::Acquire);
        let writer = RingWriter { file, head };
        writer.tail()?;
        Ok(writer)
    }

    /// The reader's tail, checked: it never passes our head, and never trails
    /// it by more than the ring holds.
    fn tail(&self) -> io::Result<u64> {
        let capacity = self.file.data_len() as u64;
        // Acquire: the reader's copies out of the space it freed are done.
        let tail = self.file.control(TAIL).load(Ordering::Acquire);
        match self.head.checked_sub(tail) {
            Some(used) if used <= capacity => Ok(tail),
            _ => Err(invalid("the ring's tail is damaged")),
        }
    }
    // ANCHOR_END: ring-writer

    // ANCHOR: ring-write
    /// Copies all of `bytes` into the ring. When the ring is full it sleeps
    /// until the reader makes room, running `check` now and then (see
    /// [`SharedFile::wait_until`]).
    pub fn write_all(
        &mut self,
        mut bytes: &[u8],
        check: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        let capacity = self.file.data_len() as u64;
        while !bytes.is_empty() {
            let mut tail = self.tail()?;
            if self.head - tail == capacity {
                self.file.wait_until(
                    Side::Writer,
                    &mut || Ok(self.tail()? + capacity > self.head),
                    check,
                )?;
                tail = self.tail()?;
            }
            let free = capacity - (self.head - tail);
            let at = (self.head % capacity) as usize;
            let n = bytes
                .len()
                .min(free as usize)
                .min(capacity as usize - at)
                .min(STEP);
            // SAFETY: bytes at..at+n of the data region lie inside the map
            // (at + n ≤ capacity = data_len) and between head and tail +
            // capacity, space the reader handed back and does not touch until
            // `head` says it may (the checked tail guarantees head - tail ≤
            // capacity). We hold the file's writer claim, so no other writer
            // copies into the ring. `bytes` is our own memory, not the map.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.file.data().add(at), n) };
            self.head += n as u64;
            // Release: the copy above is visible before the new head is.
            self.file.control(HEAD).store(self.head, Ordering::Release);
            self.file.wake(Side::Reader);
            bytes = &bytes[n..];
        }
        Ok(())
    }
    // ANCHOR_END: ring-write

    // ANCHOR: ring-writer-end
    /// Tells the reader that nothing more will come.
    pub fn close(&self) {
        self.file.control(CLOSED).store(1, Ordering::Release);
        self.file.wake(Side::Reader);
    }

    pub fn file(&self) -> &SharedFile {
        &self.file
    }
}

impl Drop for RingWriter {
    fn drop(&mut self) {
        self.file.release(WRITER);
    }
}
// ANCHOR_END: ring-writer-end

// ANCHOR: ring-reader
/// The receiving end of the ring: see [`RingWriter`].
pub struct RingReader {
    file: SharedFile,
    tail: u64,
}

impl RingReader {
    pub fn new(file: SharedFile) -> io::Result<RingReader> {
        if file.data_len() == 0 {
            return Err(invalid("a ring needs a data region"));
        }
        file.claim(READER, "reader")?;
        let tail = file.control(TAIL).load(Ordering::Acquire);
        let reader = RingReader { file, tail };
        reader.head()?;
        Ok(reader)
    }

    /// The writer's head, checked: never behind our tail, and never ahead of
    /// it by more than the ring holds.
    fn head(&self) -> io::Result<u64> {
        let capacity = self.file.data_len() as u64;
        // Acquire: the writer's copy into the bytes before the head is done.
        let head = self.file.control(HEAD).load(Ordering::Acquire);
        match head.checked_sub(self.tail) {
            Some(ready) if ready <= capacity => Ok(head),
            _ => Err(invalid("the ring's head is damaged")),
        }
    }

    fn closed(&self) -> bool {
        self.file.control(CLOSED).load(Ordering::Acquire) == 1
    }
    // ANCHOR_END: ring-reader

    // ANCHOR: ring-read-wait
    /// Fills `buf` from the ring, sleeping while it is empty and running
    /// `check` now and then. Returns `false` if the writer closed the ring
    /// before the first byte.
    pub fn read_exact(
        &mut self,
        buf: &mut [u8],
        check: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<bool> {
        let capacity = self.file.data_len() as u64;
        let mut filled = 0;
        while filled < buf.len() {
            let mut head = self.head()?;
            if head == self.tail {
                // Closed is read before the head: a writer closes only after
                // its last head, so a head still equal to our tail then is the
                // end of the stream.
                self.file.wait_until(
                    Side::Reader,
                    &mut || Ok(self.closed() || self.head()? != self.tail),
                    check,
                )?;
                head = self.head()?;
                if head == self.tail {
                    return match filled {
                        0 => Ok(false),
                        _ => Err(io::ErrorKind::UnexpectedEof.into()),
                    };
                }
            }
            // ANCHOR_END: ring-read-wait
            // ANCHOR: ring-read-copy
            let at = (self.tail % capacity) as usize;
            let n = (buf.len() - filled)
                .min((head - self.tail) as usize)
                .min(capacity as usize - at)
                .min(STEP);
            // SAFETY: bytes at..at+n of the data region lie inside the map
            // (at + n ≤ capacity = data_len) and between tail and head (the
            // checked head is at most capacity ahead): the writer has
            // published them and does not touch them again until `tail` moves
            // past them. We hold the file's reader claim, so no other reader
            // moves the tail. `buf` is our own memory, not the map.
            unsafe {
                ptr::copy_nonoverlapping(self.file.data().add(at), buf[filled..].as_mut_ptr(), n)
            };
            self.tail += n as u64;
            // Release: our copy is done before the writer may reuse the space.
            self.file.control(TAIL).store(self.tail, Ordering::Release);
            self.file.wake(Side::Writer);
            filled += n;
        }
        Ok(true)
    }

    pub fn file(&self) -> &SharedFile {
        &self.file
    }
}

impl Drop for RingReader {
    fn drop(&mut self) {
        self.file.release(READER);
    }
}
// ANCHOR_END: ring-read-copy
