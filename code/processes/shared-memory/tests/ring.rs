//! The ring's rules hold against safe callers and damaged files: one writer
//! and one reader at a time, no caller stores into the ring's own words, and
//! a header that makes no sense is an error, never a copy out of bounds.
//! These tests map the file twice in one process, which the ring treats
//! exactly like two processes.

use std::io::{ErrorKind, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::thread;

use processes_shared_memory::shared::{
    FIRST_FREE_WORD, RingReader, RingWriter, SharedFile, WORD_BYTES,
};

/// The ring's head is its second control word; the tests write it by hand to
/// play a damaged or hostile file.
const HEAD_OFFSET: u64 = WORD_BYTES as u64;

fn ring_file(data_bytes: usize) -> (tempfile::TempDir, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ring");
    drop(SharedFile::create(&path, FIRST_FREE_WORD, data_bytes).unwrap());
    (dir, path)
}

fn open(path: &Path) -> SharedFile {
    SharedFile::open(path).unwrap()
}

fn never() -> impl FnMut() -> std::io::Result<()> {
    || panic!("a healthy transfer never naps out for 10 ms in these tests")
}

fn give_up() -> impl FnMut() -> std::io::Result<()> {
    || Err(ErrorKind::TimedOut.into())
}

/// Gives up only after a minute of naps: a busy machine may keep the other
/// thread off the CPU for longer than one nap, and that is no failure.
fn patient() -> impl FnMut() -> std::io::Result<()> {
    let start = std::time::Instant::now();
    move || match start.elapsed().as_secs() {
        0..60 => Ok(()),
        _ => Err(ErrorKind::TimedOut.into()),
    }
}

#[test]
fn a_second_writer_is_refused_until_the_first_is_dropped() {
    let (_dir, path) = ring_file(1_024);
    let first = RingWriter::new(open(&path)).unwrap();
    let second = RingWriter::new(open(&path))
        .err()
        .expect("a second writer is refused");
    assert_eq!(second.kind(), ErrorKind::ResourceBusy);
    // A reader is a different role: it is not refused.
    let _reader = RingReader::new(open(&path)).unwrap();
    drop(first);
    RingWriter::new(open(&path)).expect("the writer's place is free again");
}

#[test]
fn a_second_reader_is_refused_until_the_first_is_dropped() {
    let (_dir, path) = ring_file(1_024);
    let first = RingReader::new(open(&path)).unwrap();
    let second = RingReader::new(open(&path))
        .err()
        .expect("a second reader is refused");
    assert_eq!(second.kind(), ErrorKind::ResourceBusy);
    drop(first);
    RingReader::new(open(&path)).expect("the reader's place is free again");
}

#[test]
fn a_file_without_a_data_region_cannot_carry_a_ring() {
    let (_dir, path) = ring_file(0);
    assert_eq!(
        RingWriter::new(open(&path)).err().unwrap().kind(),
        ErrorKind::InvalidData
    );
    assert_eq!(
        RingReader::new(open(&path)).err().unwrap().kind(),
        ErrorKind::InvalidData
    );
}

#[test]
#[should_panic(expected = "belongs to the ring")]
fn callers_cannot_reach_the_rings_own_words() {
    let (_dir, path) = ring_file(1_024);
    open(&path).word(1);
}

#[test]
fn a_layout_word_that_does_not_fit_the_file_is_an_error() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad");
    // Too few words, more words than the file holds, and counts whose size in
    // bytes overflows: every one must be refused before anything is mapped
    // past the end of the file.
    let bad_layouts = [
        0,
        FIRST_FREE_WORD as u64 - 1,
        64,
        (usize::MAX / WORD_BYTES) as u64 + 1,
        u64::MAX,
    ];
    for layout in bad_layouts {
        let mut bytes = vec![0u8; 2 * 1_024];
        bytes[..8].copy_from_slice(&layout.to_ne_bytes());
        std::fs::write(&path, &bytes).unwrap();
        let err = SharedFile::open(&path).err().expect("refused");
        assert_eq!(err.kind(), ErrorKind::InvalidData, "layout {layout}");
    }
    // And the same file with a layout that fits opens.
    let mut bytes = vec![0u8; 2 * 1_024];
    bytes[..8].copy_from_slice(&(FIRST_FREE_WORD as u64).to_ne_bytes());
    std::fs::write(&path, &bytes).unwrap();
    let file = SharedFile::open(&path).unwrap();
    assert_eq!(file.data_len(), 2 * 1_024 - FIRST_FREE_WORD * WORD_BYTES);
}

#[test]
fn a_damaged_head_is_an_error_not_a_read_past_the_written_bytes() {
    let capacity = 1_024u64;
    for head in [capacity + 1, u64::MAX] {
        let (_dir, path) = ring_file(capacity as usize);
        let mut reader = RingReader::new(open(&path)).unwrap();
        let mut raw = std::fs::OpenOptions::new().write(true).open(&path).unwrap();
        raw.seek(SeekFrom::Start(HEAD_OFFSET)).unwrap();
        raw.write_all(&head.to_ne_bytes()).unwrap();
        let mut buf = vec![0; 64];
        let err = reader.read_exact(&mut buf, &mut give_up()).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::InvalidData, "head {head}");
    }
}

#[test]
fn a_stream_through_a_small_ring_arrives_whole_and_in_order() {
    // A ring much smaller than the stream, and chunks of awkward sizes, so
    // that both sides wait for each other many times and the bytes wrap
    // around the ring's end again and again.
    let (_dir, path) = ring_file(4_099);
    let stream: Vec<u8> = (0..3_000_000u32).map(|i| (i % 253) as u8).collect();
    let mut writer = RingWriter::new(open(&path)).unwrap();
    let mut reader = RingReader::new(open(&path)).unwrap();
    let sent = stream.clone();
    let sender = thread::spawn(move || {
        for chunk in sent.chunks(7_919) {
            writer.write_all(chunk, &mut patient()).unwrap();
        }
        writer.close();
    });
    let mut received = Vec::new();
    let mut buf = vec![0; 1_000];
    while reader.read_exact(&mut buf, &mut patient()).unwrap() {
        received.extend_from_slice(&buf);
    }
    sender.join().unwrap();
    assert_eq!(received.len(), stream.len());
    assert!(
        received == stream,
        "the bytes arrived changed or out of order"
    );
}

#[test]
fn the_end_is_clean_only_between_messages() {
    let (_dir, path) = ring_file(1_024);
    let mut writer = RingWriter::new(open(&path)).unwrap();
    let mut reader = RingReader::new(open(&path)).unwrap();
    writer.write_all(&[7; 10], &mut never()).unwrap();
    writer.close();
    let mut whole = [0; 10];
    assert!(reader.read_exact(&mut whole, &mut never()).unwrap());
    assert_eq!(whole, [7; 10]);
    assert!(
        !reader.read_exact(&mut whole, &mut never()).unwrap(),
        "clean end"
    );

    let (_dir, path) = ring_file(1_024);
    let mut writer = RingWriter::new(open(&path)).unwrap();
    let mut reader = RingReader::new(open(&path)).unwrap();
    writer.write_all(&[7; 5], &mut never()).unwrap();
    writer.close();
    let err = reader.read_exact(&mut whole, &mut never()).unwrap_err();
    assert_eq!(
        err.kind(),
        ErrorKind::UnexpectedEof,
        "half a message, then the end"
    );
}
