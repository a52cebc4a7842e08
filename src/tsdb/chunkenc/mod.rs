//! Chunk encodings, one per file as in Prometheus's `tsdb/chunkenc/`: today only
//! XOR (Gorilla) for float samples. `bstream` is the bit-level writer and reader
//! they share.

pub mod bstream;
pub mod xor;

pub use xor::{XorAppender, XorChunk, XorIterator};

/// A chunk's encoding, numbered as Prometheus's `chunkenc.Encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Encoding {
    Xor = 1,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Xor => "XOR",
        }
    }
}
