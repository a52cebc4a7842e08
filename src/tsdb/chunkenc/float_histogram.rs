//! The float native-histogram chunk encoding, as Prometheus's
//! `tsdb/chunkenc/float_histogram.go` (`EncFloatHistogram`), byte for byte:
//!
//! - the same 3-byte header and layout as the integer chunk;
//! - the first sample writes t (varbit int), then count, zero count, sum and every
//!   (absolute) bucket as 64 raw bits;
//! - later samples write the delta-of-delta of t (varbit int), then count, zero
//!   count, sum and each bucket XOR-encoded against its previous value, each with
//!   its own leading/trailing-zero window. A stale sample writes no buckets.

use std::borrow::Cow;

use super::Encoding;
use super::bstream::{BitReader, BitWriter};
use super::histogram_meta::{
    AppendError, AppendOutcome, CounterResetHeader, HISTOGRAM_HEADER_SIZE, Insert,
    adjust_for_inserts, bounds_match, count_spans, counter_reset_hint, expand_spans_and_buckets,
    expand_spans_both_ways, header_of, insert, is_known_schema, is_stale, new_chunk_writer,
    num_samples_of, read_layout, set_header, set_num_samples, write_layout, xor_read, xor_write,
};
use super::varbit::{put_varbit_int, read_varbit_int};
use crate::histogram::{
    CounterResetHint, CustomValues, FloatHistogram, Span, is_custom_buckets_schema,
};

/// A finished (immutable) float histogram chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FloatHistogramChunk {
    bytes: Box<[u8]>,
}

impl FloatHistogramChunk {
    /// A chunk from bytes a `FloatHistogramAppender` wrote (or Prometheus did).
    pub fn from_bytes(bytes: Box<[u8]>) -> FloatHistogramChunk {
        FloatHistogramChunk { bytes }
    }

    pub fn encoding(&self) -> Encoding {
        Encoding::FloatHistogram
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    pub fn num_samples(&self) -> usize {
        num_samples_of(&self.bytes)
    }

    pub fn counter_reset_header(&self) -> CounterResetHeader {
        header_of(&self.bytes)
    }

    pub fn iter(&self) -> FloatHistogramIterator<'_> {
        FloatHistogramIterator::new(&self.bytes)
    }
}

/// A value XOR-encoded against its predecessor, with its window (upstream's `xorValue`).
#[derive(Clone, Copy, Debug)]
struct XorValue {
    value: f64,
    leading: u8,
    trailing: u8,
}

impl XorValue {
    fn new(value: f64) -> XorValue {
        XorValue {
            value,
            leading: 0xff,
            trailing: 0,
        }
    }

    fn write(&mut self, b: &mut BitWriter, v: f64) {
        xor_write(b, v, self.value, &mut self.leading, &mut self.trailing);
        self.value = v;
    }
}

/// Writes float histogram samples into a chunk; `finish` seals it.
#[derive(Clone, Debug)]
pub struct FloatHistogramAppender {
    b: BitWriter,
    schema: i32,
    z_threshold: f64,
    p_spans: Vec<Span>,
    n_spans: Vec<Span>,
    custom_values: Option<CustomValues>,
    t: i64,
    t_delta: i64,
    sum: XorValue,
    cnt: XorValue,
    z_cnt: XorValue,
    p_buckets: Vec<XorValue>,
    n_buckets: Vec<XorValue>,
}

impl Default for FloatHistogramAppender {
    fn default() -> Self {
        FloatHistogramAppender::new()
    }
}

/// What `appendable` found for a counter histogram.
struct Appendable {
    p_fwd: Vec<Insert>,
    n_fwd: Vec<Insert>,
    p_bwd: Vec<Insert>,
    n_bwd: Vec<Insert>,
    ok: bool,
    counter_reset: bool,
}

impl Appendable {
    fn refused(counter_reset: bool) -> Appendable {
        Appendable {
            p_fwd: Vec::new(),
            n_fwd: Vec::new(),
            p_bwd: Vec::new(),
            n_bwd: Vec::new(),
            ok: false,
            counter_reset,
        }
    }
}

struct GaugeAppendable {
    p_fwd: Vec<Insert>,
    n_fwd: Vec<Insert>,
    p_bwd: Vec<Insert>,
    n_bwd: Vec<Insert>,
    p_spans: Vec<Span>,
    n_spans: Vec<Span>,
}

fn values(b: &[XorValue]) -> impl Iterator<Item = f64> + '_ {
    b.iter().map(|x| x.value)
}

impl FloatHistogramAppender {
    pub fn new() -> FloatHistogramAppender {
        FloatHistogramAppender::with_capacity(128)
    }

    /// An appender whose buffer starts with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> FloatHistogramAppender {
        FloatHistogramAppender {
            b: new_chunk_writer(cap),
            schema: 0,
            z_threshold: 0.0,
            p_spans: Vec::new(),
            n_spans: Vec::new(),
            custom_values: None,
            t: i64::MIN,
            t_delta: 0,
            sum: XorValue::new(0.0),
            cnt: XorValue::new(0.0),
            z_cnt: XorValue::new(0.0),
            p_buckets: Vec::new(),
            n_buckets: Vec::new(),
        }
    }

    pub fn num_samples(&self) -> usize {
        num_samples_of(self.b.bytes())
    }

    pub fn counter_reset_header(&self) -> CounterResetHeader {
        header_of(self.b.bytes())
    }

    /// The chunk so far (header included): readable with `FloatHistogramIterator` at any time.
    pub fn bytes(&self) -> &[u8] {
        self.b.bytes()
    }

    /// Bytes the open buffer holds reserved.
    pub fn capacity(&self) -> usize {
        self.b.capacity()
    }

    /// Seals the chunk: the buffer shrinks to its length.
    pub fn finish(self) -> FloatHistogramChunk {
        FloatHistogramChunk {
            bytes: self.b.into_bytes().into_boxed_slice(),
        }
    }

    /// Appends a sample, recoding the chunk or starting a new one as needed
    /// (upstream's `AppendFloatHistogram(nil, t, h, false)`). The caller keeps
    /// timestamps in order and `h` well-formed (buckets matching spans).
    pub fn append_histogram(
        &mut self,
        t: i64,
        h: &FloatHistogram,
    ) -> AppendOutcome<FloatHistogramAppender> {
        self.append_histogram_after(None, t, h)
    }

    /// As `append_histogram`; when this chunk is empty, `prev` (the previous chunk's
    /// appender of the series) decides the header: `CounterReset` or, as upstream
    /// for float chunks, `NotCounterReset`.
    pub fn append_histogram_after(
        &mut self,
        prev: Option<&FloatHistogramAppender>,
        t: i64,
        h: &FloatHistogram,
    ) -> AppendOutcome<FloatHistogramAppender> {
        self.append_inner(prev, t, h, false)
            .expect("only append-only appends fail")
    }

    /// Appends only if the sample fits the current chunk as it is (upstream's
    /// `appendOnly = true`); otherwise nothing changes.
    pub fn try_append_histogram(&mut self, t: i64, h: &FloatHistogram) -> Result<(), AppendError> {
        self.append_inner(None, t, h, true).map(|_| ())
    }

    fn append_inner(
        &mut self,
        prev: Option<&FloatHistogramAppender>,
        t: i64,
        h: &FloatHistogram,
        append_only: bool,
    ) -> Result<AppendOutcome<FloatHistogramAppender>, AppendError> {
        let num = self.num_samples();
        assert!(
            num < usize::from(u16::MAX),
            "histogram chunk capacity exceeded"
        );
        if num == 0 {
            self.append_raw(t, h);
            let header = match (h.counter_reset_hint, prev) {
                (CounterResetHint::Gauge, _) => Some(CounterResetHeader::GaugeType),
                (CounterResetHint::CounterReset, _) => Some(CounterResetHeader::CounterReset),
                (_, Some(p)) if p.appendable(h).counter_reset => {
                    Some(CounterResetHeader::CounterReset)
                }
                (_, Some(_)) => Some(CounterResetHeader::NotCounterReset),
                _ => None,
            };
            if let Some(header) = header {
                set_header(self.b.bytes_mut(), header);
            }
            return Ok(AppendOutcome::Appended);
        }

        if h.counter_reset_hint != CounterResetHint::Gauge {
            let r = self.appendable(h);
            if !r.ok || r.counter_reset {
                if append_only {
                    return Err(if r.counter_reset {
                        AppendError::CounterReset
                    } else {
                        AppendError::SchemaChange
                    });
                }
                let header = if r.counter_reset {
                    CounterResetHeader::CounterReset
                } else {
                    CounterResetHeader::UnknownCounterReset
                };
                return Ok(self.new_chunk(header, t, h));
            }
            let mut h = Cow::Borrowed(h);
            if !r.p_bwd.is_empty() || !r.n_bwd.is_empty() {
                let hm = h.to_mut();
                if r.p_fwd.is_empty() && r.n_fwd.is_empty() {
                    hm.positive_spans = self.p_spans.clone();
                    hm.negative_spans = self.n_spans.clone();
                } else {
                    hm.positive_spans = adjust_for_inserts(&hm.positive_spans, &r.p_bwd);
                    hm.negative_spans = adjust_for_inserts(&hm.negative_spans, &r.n_bwd);
                }
                recode_histogram(hm, &r.p_bwd, &r.n_bwd);
            }
            if !r.p_fwd.is_empty() || !r.n_fwd.is_empty() {
                if append_only {
                    return Err(AppendError::LayoutChange);
                }
                let mut app = self.recode(&r.p_fwd, &r.n_fwd, &h.positive_spans, &h.negative_spans);
                app.append_raw(t, &h);
                *self = app;
                return Ok(AppendOutcome::Recoded);
            }
            self.append_raw(t, &h);
            return Ok(AppendOutcome::Appended);
        }

        let Some(g) = self.appendable_gauge(h) else {
            if append_only {
                return Err(AppendError::SchemaChange);
            }
            return Ok(self.new_chunk(CounterResetHeader::GaugeType, t, h));
        };
        let mut h = Cow::Borrowed(h);
        if !g.p_bwd.is_empty() || !g.n_bwd.is_empty() {
            if append_only {
                return Err(AppendError::LayoutChange);
            }
            let hm = h.to_mut();
            hm.positive_spans = g.p_spans;
            hm.negative_spans = g.n_spans;
            recode_histogram(hm, &g.p_bwd, &g.n_bwd);
        }
        if !g.p_fwd.is_empty() || !g.n_fwd.is_empty() {
            if append_only {
                return Err(AppendError::LayoutChange);
            }
            let mut app = self.recode(&g.p_fwd, &g.n_fwd, &h.positive_spans, &h.negative_spans);
            app.append_raw(t, &h);
            *self = app;
            return Ok(AppendOutcome::Recoded);
        }
        self.append_raw(t, &h);
        Ok(AppendOutcome::Appended)
    }

    fn new_chunk(
        &self,
        header: CounterResetHeader,
        t: i64,
        h: &FloatHistogram,
    ) -> AppendOutcome<FloatHistogramAppender> {
        let mut app = FloatHistogramAppender::new();
        set_header(app.b.bytes_mut(), header);
        app.append_raw(t, h);
        AppendOutcome::NewChunk { app, header }
    }

    /// Upstream's `appendable` for float counter histograms.
    fn appendable(&self, h: &FloatHistogram) -> Appendable {
        if self.num_samples() > 0 && self.counter_reset_header() == CounterResetHeader::GaugeType {
            return Appendable::refused(false);
        }
        if h.counter_reset_hint == CounterResetHint::CounterReset {
            return Appendable::refused(true);
        }
        if is_stale(h.sum) {
            let mut r = Appendable::refused(false);
            r.ok = true;
            return r;
        }
        if is_stale(self.sum.value) {
            return Appendable::refused(false);
        }
        if h.count < self.cnt.value {
            return Appendable::refused(true);
        }
        if h.schema != self.schema || h.zero_threshold != self.z_threshold {
            return Appendable::refused(false);
        }
        if is_custom_buckets_schema(h.schema)
            && !bounds_match(h.custom_values.as_deref(), self.custom_values.as_deref())
        {
            return Appendable::refused(true);
        }
        if h.zero_count < self.z_cnt.value {
            return Appendable::refused(true);
        }
        let Some((p_fwd, p_bwd)) = expand_spans_and_buckets(
            &self.p_spans,
            &h.positive_spans,
            values(&self.p_buckets),
            h.positive_buckets.iter().copied(),
        ) else {
            return Appendable::refused(true);
        };
        let Some((n_fwd, n_bwd)) = expand_spans_and_buckets(
            &self.n_spans,
            &h.negative_spans,
            values(&self.n_buckets),
            h.negative_buckets.iter().copied(),
        ) else {
            return Appendable::refused(true);
        };
        Appendable {
            p_fwd,
            n_fwd,
            p_bwd,
            n_bwd,
            ok: true,
            counter_reset: false,
        }
    }

    /// Upstream's `appendableGauge`; `None` when a new chunk is needed.
    fn appendable_gauge(&self, h: &FloatHistogram) -> Option<GaugeAppendable> {
        if self.num_samples() > 0 && self.counter_reset_header() != CounterResetHeader::GaugeType {
            return None;
        }
        if is_stale(h.sum) {
            return Some(GaugeAppendable {
                p_fwd: Vec::new(),
                n_fwd: Vec::new(),
                p_bwd: Vec::new(),
                n_bwd: Vec::new(),
                p_spans: Vec::new(),
                n_spans: Vec::new(),
            });
        }
        if is_stale(self.sum.value)
            || h.schema != self.schema
            || h.zero_threshold != self.z_threshold
        {
            return None;
        }
        if is_custom_buckets_schema(h.schema)
            && !bounds_match(h.custom_values.as_deref(), self.custom_values.as_deref())
        {
            return None;
        }
        let (p_fwd, p_bwd, p_spans) = expand_spans_both_ways(&self.p_spans, &h.positive_spans);
        let (n_fwd, n_bwd, n_spans) = expand_spans_both_ways(&self.n_spans, &h.negative_spans);
        Some(GaugeAppendable {
            p_fwd,
            n_fwd,
            p_bwd,
            n_bwd,
            p_spans,
            n_spans,
        })
    }

    /// Upstream's `appendFloatHistogram`: encodes `h` as the next sample, no checks.
    fn append_raw(&mut self, t: i64, h: &FloatHistogram) {
        let stale_h;
        let h = if is_stale(h.sum) {
            stale_h = FloatHistogram {
                sum: h.sum,
                ..FloatHistogram::default()
            };
            &stale_h
        } else {
            h
        };
        let num = self.num_samples();
        let mut t_delta = 0i64;
        if num == 0 {
            let custom: &[f64] = h.custom_values.as_deref().unwrap_or(&[]);
            write_layout(
                &mut self.b,
                h.schema,
                h.zero_threshold,
                &h.positive_spans,
                &h.negative_spans,
                custom,
            );
            self.schema = h.schema;
            self.z_threshold = h.zero_threshold;
            self.p_spans = h.positive_spans.clone();
            self.n_spans = h.negative_spans.clone();
            self.custom_values = h.custom_values.clone().filter(|c| !c.is_empty());
            let (np, nn) = (
                count_spans(&h.positive_spans),
                count_spans(&h.negative_spans),
            );
            self.p_buckets = (0..np)
                .map(|i| XorValue::new(h.positive_buckets[i]))
                .collect();
            self.n_buckets = (0..nn)
                .map(|i| XorValue::new(h.negative_buckets[i]))
                .collect();

            put_varbit_int(&mut self.b, t);
            self.b.write_bits(h.count.to_bits(), 64);
            self.b.write_bits(h.zero_count.to_bits(), 64);
            self.b.write_bits(h.sum.to_bits(), 64);
            self.cnt.value = h.count;
            self.z_cnt.value = h.zero_count;
            self.sum.value = h.sum;
            for &v in h.positive_buckets.iter().chain(&h.negative_buckets) {
                self.b.write_bits(v.to_bits(), 64);
            }
        } else {
            t_delta = t.wrapping_sub(self.t);
            put_varbit_int(&mut self.b, t_delta.wrapping_sub(self.t_delta));
            self.cnt.write(&mut self.b, h.count);
            self.z_cnt.write(&mut self.b, h.zero_count);
            self.sum.write(&mut self.b, h.sum);
            for (x, &v) in self.p_buckets.iter_mut().zip(&h.positive_buckets) {
                x.write(&mut self.b, v);
            }
            for (x, &v) in self.n_buckets.iter_mut().zip(&h.negative_buckets) {
                x.write(&mut self.b, v);
            }
        }
        self.t = t;
        self.t_delta = t_delta;
        set_num_samples(self.b.bytes_mut(), num + 1);
    }

    /// Upstream's `recode`, for absolute float buckets.
    fn recode(
        &self,
        p_inserts: &[Insert],
        n_inserts: &[Insert],
        p_spans: &[Span],
        n_spans: &[Span],
    ) -> FloatHistogramAppender {
        let mut app = FloatHistogramAppender::with_capacity(self.b.bytes().len() * 5 / 4 + 16);
        let (np, nn) = (count_spans(p_spans), count_spans(n_spans));
        for (t, mut old) in FloatHistogramIterator::new(self.b.bytes()) {
            old.positive_spans = p_spans.to_vec();
            old.negative_spans = n_spans.to_vec();
            if !p_inserts.is_empty() {
                old.positive_buckets = insert(&old.positive_buckets, np, p_inserts, false);
            }
            if !n_inserts.is_empty() {
                old.negative_buckets = insert(&old.negative_buckets, nn, n_inserts, false);
            }
            app.append_raw(t, &old);
        }
        set_header(app.b.bytes_mut(), self.counter_reset_header());
        app
    }
}

fn recode_histogram(h: &mut FloatHistogram, p_bwd: &[Insert], n_bwd: &[Insert]) {
    if !p_bwd.is_empty() {
        let n = count_spans(&h.positive_spans);
        h.positive_buckets = insert(&h.positive_buckets, n, p_bwd, false);
    }
    if !n_bwd.is_empty() {
        let n = count_spans(&h.negative_spans);
        h.negative_buckets = insert(&h.negative_buckets, n, n_bwd, false);
    }
}

/// Decodes a float histogram chunk's samples in order, with upstream's
/// counter-reset hints. Stops early (and `failed` says so) on a malformed chunk
/// or an unknown schema. Schemas 9..=52 come back as stored.
#[derive(Clone, Debug)]
pub struct FloatHistogramIterator<'a> {
    r: BitReader<'a>,
    total: usize,
    read: usize,
    header: CounterResetHeader,
    schema: i32,
    z_threshold: f64,
    p_spans: Vec<Span>,
    n_spans: Vec<Span>,
    custom_values: Option<CustomValues>,
    t: i64,
    t_delta: i64,
    sum: XorValue,
    cnt: XorValue,
    z_cnt: XorValue,
    p_buckets: Vec<XorValue>,
    n_buckets: Vec<XorValue>,
    failed: bool,
}

impl<'a> FloatHistogramIterator<'a> {
    pub fn new(bytes: &'a [u8]) -> FloatHistogramIterator<'a> {
        let zero = XorValue {
            value: 0.0,
            leading: 0,
            trailing: 0,
        };
        FloatHistogramIterator {
            r: BitReader::new(bytes.get(HISTOGRAM_HEADER_SIZE..).unwrap_or(&[])),
            total: if bytes.len() >= HISTOGRAM_HEADER_SIZE {
                num_samples_of(bytes)
            } else {
                0
            },
            read: 0,
            header: header_of(bytes),
            schema: 0,
            z_threshold: 0.0,
            p_spans: Vec::new(),
            n_spans: Vec::new(),
            custom_values: None,
            t: i64::MIN,
            t_delta: 0,
            sum: zero,
            cnt: zero,
            z_cnt: zero,
            p_buckets: Vec::new(),
            n_buckets: Vec::new(),
            failed: false,
        }
    }

    /// Whether decoding stopped on a malformed chunk.
    pub fn failed(&self) -> bool {
        self.failed
    }

    fn step(&mut self) -> Option<()> {
        if self.read == 0 {
            let l = read_layout(&mut self.r)?;
            if !is_known_schema(l.schema) {
                return None;
            }
            self.schema = l.schema;
            self.z_threshold = l.zero_threshold;
            let (np, nn) = (
                count_spans(&l.positive_spans),
                count_spans(&l.negative_spans),
            );
            self.p_spans = l.positive_spans;
            self.n_spans = l.negative_spans;
            self.custom_values = (!l.custom_values.is_empty()).then(|| l.custom_values.into());
            self.t = read_varbit_int(&mut self.r)?;
            self.cnt.value = f64::from_bits(self.r.read_bits(64)?);
            self.z_cnt.value = f64::from_bits(self.r.read_bits(64)?);
            self.sum.value = f64::from_bits(self.r.read_bits(64)?);
            let mut raw = |n: usize| -> Option<Vec<XorValue>> {
                (0..n)
                    .map(|_| {
                        Some(XorValue {
                            value: f64::from_bits(self.r.read_bits(64)?),
                            leading: 0,
                            trailing: 0,
                        })
                    })
                    .collect()
            };
            self.p_buckets = raw(np)?;
            self.n_buckets = raw(nn)?;
            return Some(());
        }
        let t_dod = read_varbit_int(&mut self.r)?;
        self.t_delta = self.t_delta.wrapping_add(t_dod);
        self.t = self.t.wrapping_add(self.t_delta);
        for x in [&mut self.cnt, &mut self.z_cnt, &mut self.sum] {
            xor_read(&mut self.r, &mut x.value, &mut x.leading, &mut x.trailing)?;
        }
        if is_stale(self.sum.value) {
            return Some(());
        }
        for x in self.p_buckets.iter_mut().chain(self.n_buckets.iter_mut()) {
            xor_read(&mut self.r, &mut x.value, &mut x.leading, &mut x.trailing)?;
        }
        Some(())
    }

    fn current(&self) -> FloatHistogram {
        if is_stale(self.sum.value) {
            return FloatHistogram {
                sum: self.sum.value,
                ..FloatHistogram::default()
            };
        }
        FloatHistogram {
            counter_reset_hint: counter_reset_hint(self.header, self.read),
            schema: self.schema,
            zero_threshold: self.z_threshold,
            zero_count: self.z_cnt.value,
            count: self.cnt.value,
            sum: self.sum.value,
            positive_spans: self.p_spans.clone(),
            negative_spans: self.n_spans.clone(),
            positive_buckets: values(&self.p_buckets).collect(),
            negative_buckets: values(&self.n_buckets).collect(),
            custom_values: self.custom_values.clone(),
        }
    }
}

impl Iterator for FloatHistogramIterator<'_> {
    type Item = (i64, FloatHistogram);

    fn next(&mut self) -> Option<(i64, FloatHistogram)> {
        if self.read >= self.total || self.failed {
            return None;
        }
        if self.step().is_none() {
            self.failed = true;
            return None;
        }
        self.read += 1;
        Some((self.t, self.current()))
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total.saturating_sub(self.read);
        (if self.failed { 0 } else { left }, Some(left))
    }
}

#[cfg(test)]
#[path = "float_histogram_tests.rs"]
mod tests;
