//! The integer native-histogram chunk encoding, as Prometheus's
//! `tsdb/chunkenc/histogram.go` (`EncHistogram`), byte for byte:
//!
//! - 2 bytes sample count (big-endian), 1 flags byte (top two bits: the
//!   [`CounterResetHeader`]);
//! - the first sample writes the layout (zero threshold, schema, spans, custom
//!   bounds), then t (varbit int), count and zero count (varbit uint), the sum
//!   (64 raw bits) and the delta-encoded buckets (varbit int);
//! - later samples write the delta-of-delta of t, count, zero count and each
//!   bucket (varbit int), the sum XOR-encoded against the previous one. A stale
//!   sample writes no buckets.
//!
//! The layout is fixed per chunk: a sample with new buckets recodes the chunk to
//! the wider layout; one that needs a new chunk (reset, schema change...) gets one.

use std::borrow::Cow;

use super::Encoding;
use super::bstream::{BitReader, BitWriter};
use super::histogram_meta::{
    AppendError, AppendOutcome, CounterResetHeader, HISTOGRAM_HEADER_SIZE, Insert, absolute,
    adjust_for_inserts, bounds_match, count_spans, counter_reset_hint, expand_spans_and_buckets,
    expand_spans_both_ways, header_of, insert, is_known_schema, is_stale, new_chunk_writer,
    num_samples_of, read_layout, set_header, set_num_samples, write_layout, xor_read, xor_write,
};
use super::varbit::{put_varbit_int, put_varbit_uint, read_varbit_int, read_varbit_uint};
use crate::histogram::{
    CounterResetHint, CustomValues, FloatHistogram, Histogram, Span, is_custom_buckets_schema,
};

/// A finished (immutable) integer histogram chunk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HistogramChunk {
    bytes: Box<[u8]>,
}

impl HistogramChunk {
    /// A chunk from bytes a `HistogramAppender` wrote (or Prometheus did).
    pub fn from_bytes(bytes: Box<[u8]>) -> HistogramChunk {
        HistogramChunk { bytes }
    }

    pub fn encoding(&self) -> Encoding {
        Encoding::Histogram
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

    pub fn iter(&self) -> HistogramIterator<'_> {
        HistogramIterator::new(&self.bytes)
    }
}

/// Writes integer histogram samples into a chunk; `finish` seals it.
#[derive(Clone, Debug)]
pub struct HistogramAppender {
    b: BitWriter,
    schema: i32,
    z_threshold: f64,
    p_spans: Vec<Span>,
    n_spans: Vec<Span>,
    custom_values: Option<CustomValues>,
    t: i64,
    cnt: u64,
    z_cnt: u64,
    t_delta: i64,
    cnt_delta: i64,
    z_cnt_delta: i64,
    p_buckets: Vec<i64>,
    n_buckets: Vec<i64>,
    p_buckets_delta: Vec<i64>,
    n_buckets_delta: Vec<i64>,
    sum: f64,
    leading: u8,
    trailing: u8,
}

impl Default for HistogramAppender {
    fn default() -> Self {
        HistogramAppender::new()
    }
}

/// What `appendable` found for a counter histogram.
struct Appendable {
    p_fwd: Vec<Insert>,
    n_fwd: Vec<Insert>,
    p_bwd: Vec<Insert>,
    n_bwd: Vec<Insert>,
    ok: bool,
    header: CounterResetHeader,
}

impl Appendable {
    fn refused(header: CounterResetHeader) -> Appendable {
        Appendable {
            p_fwd: Vec::new(),
            n_fwd: Vec::new(),
            p_bwd: Vec::new(),
            n_bwd: Vec::new(),
            ok: false,
            header,
        }
    }
}

/// What `appendable_gauge` found: inserts both ways and the merged spans.
struct GaugeAppendable {
    p_fwd: Vec<Insert>,
    n_fwd: Vec<Insert>,
    p_bwd: Vec<Insert>,
    n_bwd: Vec<Insert>,
    p_spans: Vec<Span>,
    n_spans: Vec<Span>,
}

impl HistogramAppender {
    pub fn new() -> HistogramAppender {
        HistogramAppender::with_capacity(128)
    }

    /// An appender whose buffer starts with room for `cap` bytes.
    pub fn with_capacity(cap: usize) -> HistogramAppender {
        HistogramAppender {
            b: new_chunk_writer(cap),
            schema: 0,
            z_threshold: 0.0,
            p_spans: Vec::new(),
            n_spans: Vec::new(),
            custom_values: None,
            t: i64::MIN,
            cnt: 0,
            z_cnt: 0,
            t_delta: 0,
            cnt_delta: 0,
            z_cnt_delta: 0,
            p_buckets: Vec::new(),
            n_buckets: Vec::new(),
            p_buckets_delta: Vec::new(),
            n_buckets_delta: Vec::new(),
            sum: 0.0,
            leading: 0xff,
            trailing: 0,
        }
    }

    pub fn num_samples(&self) -> usize {
        num_samples_of(self.b.bytes())
    }

    pub fn counter_reset_header(&self) -> CounterResetHeader {
        header_of(self.b.bytes())
    }

    /// The chunk so far (header included): readable with `HistogramIterator` at any time.
    pub fn bytes(&self) -> &[u8] {
        self.b.bytes()
    }

    /// Bytes the open buffer holds reserved.
    pub fn capacity(&self) -> usize {
        self.b.capacity()
    }

    /// Seals the chunk: the buffer shrinks to its length.
    pub fn finish(self) -> HistogramChunk {
        HistogramChunk {
            bytes: self.b.into_bytes().into_boxed_slice(),
        }
    }

    /// Appends a sample, recoding the chunk or starting a new one as needed
    /// (upstream's `AppendHistogram(nil, t, h, false)`). The caller keeps
    /// timestamps in order and `h` well-formed (buckets matching spans).
    pub fn append_histogram(&mut self, t: i64, h: &Histogram) -> AppendOutcome<HistogramAppender> {
        self.append_histogram_after(None, t, h)
    }

    /// As `append_histogram`; when this chunk is empty, `prev` (the previous chunk's
    /// appender of the series) decides the counter-reset header.
    pub fn append_histogram_after(
        &mut self,
        prev: Option<&HistogramAppender>,
        t: i64,
        h: &Histogram,
    ) -> AppendOutcome<HistogramAppender> {
        self.append_inner(prev, t, h, false)
            .expect("only append-only appends fail")
    }

    /// Appends only if the sample fits the current chunk as it is (upstream's
    /// `appendOnly = true`, for out-of-order chunks); otherwise nothing changes.
    pub fn try_append_histogram(&mut self, t: i64, h: &Histogram) -> Result<(), AppendError> {
        self.append_inner(None, t, h, true).map(|_| ())
    }

    fn append_inner(
        &mut self,
        prev: Option<&HistogramAppender>,
        t: i64,
        h: &Histogram,
        append_only: bool,
    ) -> Result<AppendOutcome<HistogramAppender>, AppendError> {
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
                (_, Some(p)) => Some(p.appendable(h).header),
                _ => None,
            };
            if let Some(header) = header {
                set_header(self.b.bytes_mut(), header);
            }
            return Ok(AppendOutcome::Appended);
        }

        if h.counter_reset_hint != CounterResetHint::Gauge {
            let r = self.appendable(h);
            if !r.ok || r.header != CounterResetHeader::NotCounterReset {
                if append_only {
                    return Err(if r.header == CounterResetHeader::CounterReset {
                        AppendError::CounterReset
                    } else {
                        AppendError::SchemaChange
                    });
                }
                return Ok(self.new_chunk(r.header, t, h));
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
        h: &Histogram,
    ) -> AppendOutcome<HistogramAppender> {
        let mut app = HistogramAppender::new();
        set_header(app.b.bytes_mut(), header);
        app.append_raw(t, h);
        AppendOutcome::NewChunk { app, header }
    }

    /// Upstream's `appendable`, for counter histograms: whether `h` fits (maybe
    /// with inserts either way), and the counter-reset header a new chunk would get.
    fn appendable(&self, h: &Histogram) -> Appendable {
        use CounterResetHeader as C;
        if self.num_samples() > 0 && self.counter_reset_header() == C::GaugeType {
            return Appendable::refused(C::NotCounterReset);
        }
        if h.counter_reset_hint == CounterResetHint::CounterReset {
            return Appendable::refused(C::CounterReset);
        }
        if is_stale(h.sum) {
            let mut r = Appendable::refused(C::NotCounterReset);
            r.ok = true;
            return r;
        }
        if is_stale(self.sum) {
            return Appendable::refused(C::UnknownCounterReset);
        }
        if h.count < self.cnt {
            return Appendable::refused(C::CounterReset);
        }
        if h.schema != self.schema || h.zero_threshold != self.z_threshold {
            return Appendable::refused(C::UnknownCounterReset);
        }
        if is_custom_buckets_schema(h.schema)
            && !bounds_match(h.custom_values.as_deref(), self.custom_values.as_deref())
        {
            return Appendable::refused(C::CounterReset);
        }
        if h.zero_count < self.z_cnt {
            return Appendable::refused(C::CounterReset);
        }
        let Some((p_fwd, p_bwd)) = expand_spans_and_buckets(
            &self.p_spans,
            &h.positive_spans,
            absolute(&self.p_buckets),
            absolute(&h.positive_buckets),
        ) else {
            return Appendable::refused(C::CounterReset);
        };
        let Some((n_fwd, n_bwd)) = expand_spans_and_buckets(
            &self.n_spans,
            &h.negative_spans,
            absolute(&self.n_buckets),
            absolute(&h.negative_buckets),
        ) else {
            return Appendable::refused(C::CounterReset);
        };
        Appendable {
            p_fwd,
            n_fwd,
            p_bwd,
            n_bwd,
            ok: true,
            header: C::NotCounterReset,
        }
    }

    /// Upstream's `appendableGauge`; `None` when a new chunk is needed.
    fn appendable_gauge(&self, h: &Histogram) -> Option<GaugeAppendable> {
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
        if is_stale(self.sum) || h.schema != self.schema || h.zero_threshold != self.z_threshold {
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

    /// Upstream's `appendHistogram`: encodes `h` as the next sample, no checks.
    fn append_raw(&mut self, t: i64, h: &Histogram) {
        let stale_h;
        let h = if is_stale(h.sum) {
            // No buckets, and an empty layout if first.
            stale_h = Histogram {
                sum: h.sum,
                ..Histogram::default()
            };
            &stale_h
        } else {
            h
        };
        let num = self.num_samples();
        let (mut t_delta, mut cnt_delta, mut z_cnt_delta) = (0i64, 0i64, 0i64);
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
            self.p_buckets = vec![0; np];
            self.p_buckets_delta = vec![0; np];
            self.n_buckets = vec![0; nn];
            self.n_buckets_delta = vec![0; nn];

            put_varbit_int(&mut self.b, t);
            put_varbit_uint(&mut self.b, h.count);
            put_varbit_uint(&mut self.b, h.zero_count);
            self.b.write_bits(h.sum.to_bits(), 64);
            for &v in h.positive_buckets.iter().chain(&h.negative_buckets) {
                put_varbit_int(&mut self.b, v);
            }
        } else {
            t_delta = t.wrapping_sub(self.t);
            cnt_delta = (h.count as i64).wrapping_sub(self.cnt as i64);
            z_cnt_delta = (h.zero_count as i64).wrapping_sub(self.z_cnt as i64);
            let t_dod = t_delta.wrapping_sub(self.t_delta);
            let (mut cnt_dod, mut z_cnt_dod) = (
                cnt_delta.wrapping_sub(self.cnt_delta),
                z_cnt_delta.wrapping_sub(self.z_cnt_delta),
            );
            if is_stale(h.sum) {
                (cnt_dod, z_cnt_dod) = (0, 0);
            }
            put_varbit_int(&mut self.b, t_dod);
            put_varbit_int(&mut self.b, cnt_dod);
            put_varbit_int(&mut self.b, z_cnt_dod);
            xor_write(
                &mut self.b,
                h.sum,
                self.sum,
                &mut self.leading,
                &mut self.trailing,
            );
            for (i, &v) in h.positive_buckets.iter().enumerate() {
                let delta = v.wrapping_sub(self.p_buckets[i]);
                put_varbit_int(&mut self.b, delta.wrapping_sub(self.p_buckets_delta[i]));
                self.p_buckets_delta[i] = delta;
            }
            for (i, &v) in h.negative_buckets.iter().enumerate() {
                let delta = v.wrapping_sub(self.n_buckets[i]);
                put_varbit_int(&mut self.b, delta.wrapping_sub(self.n_buckets_delta[i]));
                self.n_buckets_delta[i] = delta;
            }
        }
        self.t = t;
        self.cnt = h.count;
        self.z_cnt = h.zero_count;
        self.t_delta = t_delta;
        self.cnt_delta = cnt_delta;
        self.z_cnt_delta = z_cnt_delta;
        for (d, s) in self.p_buckets.iter_mut().zip(&h.positive_buckets) {
            *d = *s;
        }
        for (d, s) in self.n_buckets.iter_mut().zip(&h.negative_buckets) {
            *d = *s;
        }
        self.sum = h.sum;
        set_num_samples(self.b.bytes_mut(), num + 1);
    }

    /// Upstream's `recode`: the chunk re-encoded with the wider spans, every
    /// sample's buckets widened by the inserts; same header.
    fn recode(
        &self,
        p_inserts: &[Insert],
        n_inserts: &[Insert],
        p_spans: &[Span],
        n_spans: &[Span],
    ) -> HistogramAppender {
        let mut app = HistogramAppender::with_capacity(self.b.bytes().len() * 5 / 4 + 16);
        let (np, nn) = (count_spans(p_spans), count_spans(n_spans));
        for (t, mut old) in HistogramIterator::new(self.b.bytes()) {
            old.positive_spans = p_spans.to_vec();
            old.negative_spans = n_spans.to_vec();
            if !p_inserts.is_empty() {
                old.positive_buckets = insert(&old.positive_buckets, np, p_inserts, true);
            }
            if !n_inserts.is_empty() {
                old.negative_buckets = insert(&old.negative_buckets, nn, n_inserts, true);
            }
            app.append_raw(t, &old);
        }
        set_header(app.b.bytes_mut(), self.counter_reset_header());
        app
    }
}

/// Upstream's `recodeHistogram`: `h`'s buckets widened to its (already widened) spans.
fn recode_histogram(h: &mut Histogram, p_bwd: &[Insert], n_bwd: &[Insert]) {
    if !p_bwd.is_empty() {
        let n = count_spans(&h.positive_spans);
        h.positive_buckets = insert(&h.positive_buckets, n, p_bwd, true);
    }
    if !n_bwd.is_empty() {
        let n = count_spans(&h.negative_spans);
        h.negative_buckets = insert(&h.negative_buckets, n, n_bwd, true);
    }
}

/// `h` with float counts and absolute buckets (upstream's `ToFloat`).
pub(crate) fn to_float(h: &Histogram) -> FloatHistogram {
    let abs = |b: &[i64]| absolute(b).map(|v| v as f64).collect();
    FloatHistogram {
        counter_reset_hint: h.counter_reset_hint,
        schema: h.schema,
        zero_threshold: h.zero_threshold,
        zero_count: h.zero_count as f64,
        count: h.count as f64,
        sum: h.sum,
        positive_spans: h.positive_spans.clone(),
        negative_spans: h.negative_spans.clone(),
        positive_buckets: abs(&h.positive_buckets),
        negative_buckets: abs(&h.negative_buckets),
        custom_values: h.custom_values.clone(),
    }
}

/// Decodes a chunk's samples in order, with the counter-reset hint upstream's
/// iterator sets. Stops early (and `failed` says so) on a truncated or corrupt
/// chunk or an unknown schema. Schemas 9..=52 come back as stored (upstream
/// reduces them to 8).
#[derive(Clone, Debug)]
pub struct HistogramIterator<'a> {
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
    cnt: u64,
    z_cnt: u64,
    t_delta: i64,
    cnt_delta: i64,
    z_cnt_delta: i64,
    p_buckets: Vec<i64>,
    n_buckets: Vec<i64>,
    p_buckets_delta: Vec<i64>,
    n_buckets_delta: Vec<i64>,
    sum: f64,
    leading: u8,
    trailing: u8,
    failed: bool,
}

impl<'a> HistogramIterator<'a> {
    pub fn new(bytes: &'a [u8]) -> HistogramIterator<'a> {
        HistogramIterator {
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
            cnt: 0,
            z_cnt: 0,
            t_delta: 0,
            cnt_delta: 0,
            z_cnt_delta: 0,
            p_buckets: Vec::new(),
            n_buckets: Vec::new(),
            p_buckets_delta: Vec::new(),
            n_buckets_delta: Vec::new(),
            sum: 0.0,
            leading: 0,
            trailing: 0,
            failed: false,
        }
    }

    /// Whether decoding stopped on a malformed chunk.
    pub fn failed(&self) -> bool {
        self.failed
    }

    /// The next sample as a float histogram (upstream's `AtFloatHistogram`).
    pub fn next_float(&mut self) -> Option<(i64, FloatHistogram)> {
        self.next().map(|(t, h)| (t, to_float(&h)))
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
            self.cnt = read_varbit_uint(&mut self.r)?;
            self.z_cnt = read_varbit_uint(&mut self.r)?;
            self.sum = f64::from_bits(self.r.read_bits(64)?);
            self.p_buckets = (0..np)
                .map(|_| read_varbit_int(&mut self.r))
                .collect::<Option<_>>()?;
            self.n_buckets = (0..nn)
                .map(|_| read_varbit_int(&mut self.r))
                .collect::<Option<_>>()?;
            self.p_buckets_delta = vec![0; np];
            self.n_buckets_delta = vec![0; nn];
            return Some(());
        }
        let t_dod = read_varbit_int(&mut self.r)?;
        self.t_delta = self.t_delta.wrapping_add(t_dod);
        self.t = self.t.wrapping_add(self.t_delta);
        let cnt_dod = read_varbit_int(&mut self.r)?;
        self.cnt_delta = self.cnt_delta.wrapping_add(cnt_dod);
        self.cnt = (self.cnt as i64).wrapping_add(self.cnt_delta) as u64;
        let z_cnt_dod = read_varbit_int(&mut self.r)?;
        self.z_cnt_delta = self.z_cnt_delta.wrapping_add(z_cnt_dod);
        self.z_cnt = (self.z_cnt as i64).wrapping_add(self.z_cnt_delta) as u64;
        xor_read(
            &mut self.r,
            &mut self.sum,
            &mut self.leading,
            &mut self.trailing,
        )?;
        if is_stale(self.sum) {
            return Some(());
        }
        for (b, d) in self.p_buckets.iter_mut().zip(&mut self.p_buckets_delta) {
            *d = d.wrapping_add(read_varbit_int(&mut self.r)?);
            *b = b.wrapping_add(*d);
        }
        for (b, d) in self.n_buckets.iter_mut().zip(&mut self.n_buckets_delta) {
            *d = d.wrapping_add(read_varbit_int(&mut self.r)?);
            *b = b.wrapping_add(*d);
        }
        Some(())
    }

    fn current(&self) -> Histogram {
        if is_stale(self.sum) {
            return Histogram {
                sum: self.sum,
                ..Histogram::default()
            };
        }
        Histogram {
            counter_reset_hint: counter_reset_hint(self.header, self.read),
            schema: self.schema,
            zero_threshold: self.z_threshold,
            zero_count: self.z_cnt,
            count: self.cnt,
            sum: self.sum,
            positive_spans: self.p_spans.clone(),
            negative_spans: self.n_spans.clone(),
            positive_buckets: self.p_buckets.clone(),
            negative_buckets: self.n_buckets.clone(),
            custom_values: self.custom_values.clone(),
        }
    }
}

impl Iterator for HistogramIterator<'_> {
    type Item = (i64, Histogram);

    fn next(&mut self) -> Option<(i64, Histogram)> {
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
#[path = "histogram_tests.rs"]
mod tests;
