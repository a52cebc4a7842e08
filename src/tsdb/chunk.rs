//! A stored chunk of any encoding, and the open appender of any encoding: what a
//! series' chunk list holds when floats and native histograms follow each other
//! (a change of encoding cuts a new chunk, as in Prometheus's head).

use crate::histogram::FloatHistogram;

use super::chunkenc::{
    Encoding, FloatHistogramAppender, FloatHistogramChunk, FloatHistogramIterator,
    HistogramAppender, HistogramChunk, HistogramIterator, XorAppender, XorChunk,
};

/// A finished chunk.
#[derive(Clone, Debug)]
pub(crate) enum ChunkData {
    Xor(XorChunk),
    Histogram(HistogramChunk),
    FloatHistogram(FloatHistogramChunk),
}

impl ChunkData {
    pub fn bytes(&self) -> &[u8] {
        match self {
            ChunkData::Xor(c) => c.bytes(),
            ChunkData::Histogram(c) => c.bytes(),
            ChunkData::FloatHistogram(c) => c.bytes(),
        }
    }

    pub fn num_samples(&self) -> usize {
        match self {
            ChunkData::Xor(c) => c.num_samples(),
            ChunkData::Histogram(c) => c.num_samples(),
            ChunkData::FloatHistogram(c) => c.num_samples(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        match self {
            ChunkData::Xor(_) => Encoding::Xor,
            ChunkData::Histogram(_) => Encoding::Histogram,
            ChunkData::FloatHistogram(_) => Encoding::FloatHistogram,
        }
    }
}

/// The head chunk's appender.
#[derive(Clone, Debug)]
pub(crate) enum Appender {
    Xor(XorAppender),
    Histogram(HistogramAppender),
    FloatHistogram(FloatHistogramAppender),
}

impl Appender {
    pub fn new(encoding: Encoding, cap: usize) -> Appender {
        match encoding {
            Encoding::Xor => Appender::Xor(XorAppender::with_capacity(cap)),
            Encoding::Histogram => Appender::Histogram(HistogramAppender::with_capacity(cap)),
            Encoding::FloatHistogram => {
                Appender::FloatHistogram(FloatHistogramAppender::with_capacity(cap))
            }
        }
    }

    pub fn bytes(&self) -> &[u8] {
        match self {
            Appender::Xor(a) => a.bytes(),
            Appender::Histogram(a) => a.bytes(),
            Appender::FloatHistogram(a) => a.bytes(),
        }
    }

    pub fn num_samples(&self) -> usize {
        match self {
            Appender::Xor(a) => a.num_samples(),
            Appender::Histogram(a) => a.num_samples(),
            Appender::FloatHistogram(a) => a.num_samples(),
        }
    }

    pub fn encoding(&self) -> Encoding {
        match self {
            Appender::Xor(_) => Encoding::Xor,
            Appender::Histogram(_) => Encoding::Histogram,
            Appender::FloatHistogram(_) => Encoding::FloatHistogram,
        }
    }

    pub fn finish(self) -> ChunkData {
        match self {
            Appender::Xor(a) => ChunkData::Xor(a.finish()),
            Appender::Histogram(a) => ChunkData::Histogram(a.finish()),
            Appender::FloatHistogram(a) => ChunkData::FloatHistogram(a.finish()),
        }
    }
}

/// Decodes a histogram chunk of either encoding as float histograms.
pub(crate) enum HistogramDecoder<'a> {
    Int(HistogramIterator<'a>),
    Float(FloatHistogramIterator<'a>),
}

impl<'a> HistogramDecoder<'a> {
    /// `None` for an XOR chunk.
    pub fn new(encoding: Encoding, bytes: &'a [u8]) -> Option<HistogramDecoder<'a>> {
        match encoding {
            Encoding::Xor => None,
            Encoding::Histogram => Some(HistogramDecoder::Int(HistogramIterator::new(bytes))),
            Encoding::FloatHistogram => {
                Some(HistogramDecoder::Float(FloatHistogramIterator::new(bytes)))
            }
        }
    }
}

impl Iterator for HistogramDecoder<'_> {
    type Item = (i64, FloatHistogram);

    fn next(&mut self) -> Option<(i64, FloatHistogram)> {
        match self {
            HistogramDecoder::Int(it) => it.next_float(),
            HistogramDecoder::Float(it) => it.next(),
        }
    }
}
