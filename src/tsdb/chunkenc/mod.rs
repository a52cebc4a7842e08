//! Chunk encodings, one per file as in Prometheus's `tsdb/chunkenc/`: XOR (Gorilla)
//! for float samples, and the integer and float native-histogram encodings.
//! `bstream` is the bit-level writer and reader they share; `varbit` and
//! `histogram_meta` what the histogram encodings share.

pub mod bstream;
pub mod float_histogram;
pub mod histogram;
pub mod histogram_meta;
pub mod varbit;
pub mod xor;

pub use float_histogram::{FloatHistogramAppender, FloatHistogramChunk, FloatHistogramIterator};
pub use histogram::{HistogramAppender, HistogramChunk, HistogramIterator};
pub use histogram_meta::{AppendError, AppendOutcome, CounterResetHeader};
pub use xor::{XorAppender, XorChunk, XorIterator};

/// A chunk's encoding, numbered as Prometheus's `chunkenc.Encoding`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Encoding {
    Xor = 1,
    Histogram = 2,
    FloatHistogram = 3,
}

impl Encoding {
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Xor => "XOR",
            Encoding::Histogram => "histogram",
            Encoding::FloatHistogram => "floathistogram",
        }
    }
}
