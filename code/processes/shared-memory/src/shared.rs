//! The one module of this crate that uses `unsafe`: a file mapped into the
//! memory of several processes at once. The compiler checks one process at a
//! time. It cannot see that another process has the same bytes mapped and is
//! writing them right now, so every access here rests on rules the program
//! keeps by itself, written down at each `unsafe` block:
//!
//! - the control words (the first `words` × 64 bytes) are only ever touched as
//!   whole `AtomicU64`s, by every process;
//! - the data region after them is only touched by one [`RingWriter`] and one
//!   [`RingReader`], in different processes, and only in the parts the ring's
//!   head and tail give each of them;
//! - nobody shrinks the file while it is mapped.
#![allow(unsafe_code)]

use std::fs::{File, OpenOptions};
use std::io;
use std::path::Path;
use std::ptr;
use std::sync::atomic::{AtomicU64, Ordering};

use memmap2::MmapRaw;

/// Bytes per control word: each word gets a cache line of its own, so two
/// processes writing neighbouring words do not slow each other down.
pub const WORD_BYTES: usize = 64;

/// Words the ring uses for itself: the layout, the head, the tail, the
/// closed flag. Callers may use the words from here on.
pub const FIRST_FREE_WORD: usize = 4;

/// The most either side copies before it publishes its progress. Smaller
/// steps let the writer fill one part of the ring while the reader empties
/// another, instead of taking turns over the whole ring.
const STEP: usize = 16 * 1024;

const LAYOUT: usize = 0;
const HEAD: usize = 1;
const TAIL: usize = 2;
const CLOSED: usize = 3;

// ANCHOR: shared_file
/// A file mapped into this process's memory: `words` control words, then a
/// data region. Other processes map the same file and see the same bytes.
pub struct SharedFile {
    map: MmapRaw,
    words: usize,
}

impl SharedFile {
    /// Creates a new file of `words` control words and `data_bytes` bytes of
    /// data, all zero, and maps it. Fails if the file exists.
    pub fn create(path: &Path, words: usize, data_bytes: usize) -> io::Result<SharedFile> {
        let words = words.max(FIRST_FREE_WORD);
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create_new(true)
            .open(path)?;
        file.set_len((words * WORD_BYTES + data_bytes) as u64)?;
        let shared = SharedFile::map(&file, words)?;
        shared.word(LAYOUT).store(words as u64, Ordering::Release);
        Ok(shared)
    }

    /// Maps a file made by [`SharedFile::create`], usually in another process.
    pub fn open(path: &Path) -> io::Result<SharedFile> {
        let file = OpenOptions::new().read(true).write(true).open(path)?;
        let first = SharedFile::map(&file, 1)?;
        let words = first.word(LAYOUT).load(Ordering::Acquire) as usize;
        if words < FIRST_FREE_WORD || words * WORD_BYTES > first.map.len() {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                "not a shared file made by SharedFile::create",
            ));
        }
        Ok(SharedFile {
            map: first.map,
            words,
        })
    }

    fn map(file: &File, words: usize) -> io::Result<SharedFile> {
        // A raw map hands out pointers, never `&[u8]` or `&mut [u8]`: a slice
        // would promise the compiler that nobody else changes the bytes.
        let map = MmapRaw::map_raw(file)?;
        if map.len() < words * WORD_BYTES {
            return Err(io::Error::new(io::ErrorKind::InvalidData, "file too short"));
        }
        Ok(SharedFile { map, words })
    }

    /// Control word number `index`, shared with every process that maps the file.
    pub fn word(&self, index: usize) -> &AtomicU64 {
        assert!(index < self.words, "word {index} of {}", self.words);
        let at = self.map.as_mut_ptr().wrapping_add(index * WORD_BYTES);
        // SAFETY: `at` is inside the map (index < words, and the map holds
        // words × 64 bytes) and 8-aligned (the map starts on a page boundary
        // and every word on a multiple of 64). The map lives as long as `self`,
        // which the returned reference borrows. Every process of this program
        // touches these 8 bytes only as an AtomicU64, so no access to them is a
        // data race, whichever process makes it.
        unsafe { AtomicU64::from_ptr(at.cast::<u64>()) }
    }

    /// Bytes in the data region.
    pub fn data_len(&self) -> usize {
        self.map.len() - self.words * WORD_BYTES
    }

    fn data(&self) -> *mut u8 {
        self.map.as_mut_ptr().wrapping_add(self.words * WORD_BYTES)
    }
}
// ANCHOR_END: shared_file

// ANCHOR: ring
/// The sending end of a byte ring in a shared file's data region. Exactly one
/// process may write to a file's ring, and exactly one may read from it: that
/// rule is the program's, the compiler cannot see it.
pub struct RingWriter {
    file: SharedFile,
    head: u64,
}

impl RingWriter {
    pub fn new(file: SharedFile) -> RingWriter {
        let head = file.word(HEAD).load(Ordering::Acquire);
        RingWriter { file, head }
    }

    /// Copies all of `bytes` into the ring, calling `wait` whenever the ring
    /// is full; `wait` decides how to wait and when to give up.
    pub fn write_all(
        &mut self,
        mut bytes: &[u8],
        wait: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<()> {
        let capacity = self.file.data_len() as u64;
        while !bytes.is_empty() {
            // Acquire: the reader's copies out of the space it freed are done.
            let tail = self.file.word(TAIL).load(Ordering::Acquire);
            let free = capacity - (self.head - tail);
            if free == 0 {
                wait()?;
                continue;
            }
            let at = (self.head % capacity) as usize;
            let n = bytes
                .len()
                .min(free as usize)
                .min(capacity as usize - at)
                .min(STEP);
            // SAFETY: bytes at..at+n of the data region lie inside the map
            // (at + n ≤ capacity) and between tail and tail + capacity, a part
            // the reader does not touch until `head` says it may. This is the
            // only writer of the ring. `bytes` is our own memory, not the map.
            unsafe { ptr::copy_nonoverlapping(bytes.as_ptr(), self.file.data().add(at), n) };
            self.head += n as u64;
            // Release: the copy above is visible before the new head is.
            self.file.word(HEAD).store(self.head, Ordering::Release);
            bytes = &bytes[n..];
        }
        Ok(())
    }

    /// Tells the reader that nothing more will come.
    pub fn close(&self) {
        self.file.word(CLOSED).store(1, Ordering::Release);
    }

    pub fn file(&self) -> &SharedFile {
        &self.file
    }
}

/// The receiving end of the ring: see [`RingWriter`].
pub struct RingReader {
    file: SharedFile,
    tail: u64,
}

impl RingReader {
    pub fn new(file: SharedFile) -> RingReader {
        let tail = file.word(TAIL).load(Ordering::Acquire);
        RingReader { file, tail }
    }

    /// Fills `buf` from the ring, calling `wait` whenever it is empty.
    /// Returns `false` if the writer closed the ring before the first byte.
    pub fn read_exact(
        &mut self,
        buf: &mut [u8],
        wait: &mut dyn FnMut() -> io::Result<()>,
    ) -> io::Result<bool> {
        let capacity = self.file.data_len() as u64;
        let mut filled = 0;
        while filled < buf.len() {
            // Acquire: the writer's copy into these bytes is done.
            let head = self.file.word(HEAD).load(Ordering::Acquire);
            if head == self.tail {
                if self.file.word(CLOSED).load(Ordering::Acquire) == 1
                    && self.file.word(HEAD).load(Ordering::Acquire) == self.tail
                {
                    return match filled {
                        0 => Ok(false),
                        _ => Err(io::ErrorKind::UnexpectedEof.into()),
                    };
                }
                wait()?;
                continue;
            }
            let at = (self.tail % capacity) as usize;
            let n = (buf.len() - filled)
                .min((head - self.tail) as usize)
                .min(capacity as usize - at)
                .min(STEP);
            // SAFETY: bytes at..at+n of the data region lie inside the map and
            // between tail and head: the writer has published them and will
            // not touch them again until `tail` moves past them. This is the
            // only reader of the ring. `buf` is our own memory, not the map.
            unsafe {
                ptr::copy_nonoverlapping(self.file.data().add(at), buf[filled..].as_mut_ptr(), n)
            };
            self.tail += n as u64;
            // Release: our copy is done before the writer may reuse the space.
            self.file.word(TAIL).store(self.tail, Ordering::Release);
            filled += n;
        }
        Ok(true)
    }

    pub fn file(&self) -> &SharedFile {
        &self.file
    }
}
// ANCHOR_END: ring
