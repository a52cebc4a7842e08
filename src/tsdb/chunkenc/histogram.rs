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
mod tests {
    use super::*;
    use crate::tsdb::STALE_NAN;
    use std::sync::Arc;

    fn sp(v: &[(i32, u32)]) -> Vec<Span> {
        v.iter()
            .map(|&(offset, length)| Span { offset, length })
            .collect()
    }

    /// Upstream's `eh` of TestHistogramChunkAppendable.
    fn eh() -> Histogram {
        Histogram {
            count: 5,
            zero_count: 2,
            sum: 18.4,
            zero_threshold: 1e-125,
            schema: 1,
            positive_spans: sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]),
            positive_buckets: vec![6, -3, 0, -1, 2, 1, -4],
            ..Histogram::default()
        }
    }

    /// Upstream's `cbh`: custom buckets.
    fn cbh() -> Histogram {
        Histogram {
            count: 24,
            sum: 18.4,
            schema: -53,
            positive_spans: sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]),
            positive_buckets: vec![6, -3, 0, -1, 2, 1, -4],
            custom_values: Some((1..=20).map(f64::from).collect::<Vec<_>>().into()),
            ..Histogram::default()
        }
    }

    const TS: i64 = 1234567890;

    fn setup(h: &Histogram) -> HistogramAppender {
        let mut app = HistogramAppender::new();
        assert!(matches!(
            app.append_histogram(TS, h),
            AppendOutcome::Appended
        ));
        assert_eq!(app.num_samples(), 1);
        app
    }

    fn read(bytes: &[u8]) -> Vec<(i64, Histogram)> {
        let mut it = HistogramIterator::new(bytes);
        let out: Vec<_> = it.by_ref().collect();
        assert!(!it.failed());
        out
    }

    /// Appending `h` cuts a new chunk with `header`; the old one is untouched.
    fn assert_new_chunk(
        app: &mut HistogramAppender,
        h: &Histogram,
        header: CounterResetHeader,
        hint: CounterResetHint,
    ) {
        let before = app.bytes().to_vec();
        match app.append_histogram(TS + 1, h) {
            AppendOutcome::NewChunk {
                app: new,
                header: got,
            } => {
                assert_eq!(got, header);
                assert_eq!(new.counter_reset_header(), header);
                let samples = read(new.bytes());
                assert_eq!(samples.len(), 1);
                assert_eq!(samples[0].1.counter_reset_hint, hint);
            }
            other => panic!("expected a new chunk, got {other:?}"),
        }
        assert_eq!(app.bytes(), &before[..]);
    }

    fn assert_appended(app: &mut HistogramAppender, h: &Histogram, header: CounterResetHeader) {
        let before = app.bytes().len();
        assert!(matches!(
            app.append_histogram(TS + 1, h),
            AppendOutcome::Appended
        ));
        assert!(app.bytes().len() > before);
        assert_eq!(app.counter_reset_header(), header);
        assert_eq!(read(app.bytes()).len(), 2);
    }

    fn assert_recoded(app: &mut HistogramAppender, h: &Histogram, header: CounterResetHeader) {
        assert!(matches!(
            app.append_histogram(TS + 1, h),
            AppendOutcome::Recoded
        ));
        assert_eq!(app.counter_reset_header(), header);
        assert_eq!(read(app.bytes()).len(), 2);
    }

    #[test]
    fn known_bytes_for_a_small_chunk() {
        let h1 = Histogram {
            count: 1,
            sum: 1.0,
            positive_spans: sp(&[(0, 1)]),
            positive_buckets: vec![1],
            ..Histogram::default()
        };
        let h2 = Histogram {
            count: 2,
            positive_buckets: vec![2],
            ..h1.clone()
        };
        let mut app = HistogramAppender::new();
        app.append_histogram(0, &h1);
        app.append_histogram(10, &h2);
        let mut w = BitWriter::new();
        w.write_bits(0x00_02_00, 24); // 2 samples, unknown counter reset
        w.write_byte(0); // zero threshold 0
        w.write_bit(false); // schema 0
        w.write_bits(0b10_001, 5); // 1 positive span
        w.write_bits(0b10_001, 5); // length 1
        w.write_bit(false); // offset 0
        w.write_bit(false); // 0 negative spans
        w.write_bit(false); // t 0
        w.write_bits(0b10_001, 5); // count 1
        w.write_bit(false); // zero count 0
        w.write_bits(1f64.to_bits(), 64);
        w.write_bits(0b10_001, 5); // bucket 1
        w.write_bits(0b110_001010, 9); // t dod 10
        w.write_bits(0b10_001, 5); // count dod 1
        w.write_bit(false); // zero count dod 0
        w.write_bit(false); // sum unchanged
        w.write_bits(0b10_001, 5); // bucket dod 1
        assert_eq!(app.bytes(), w.bytes());
        let chunk = app.finish();
        assert_eq!(chunk.encoding(), Encoding::Histogram);
        assert_eq!(chunk.num_samples(), 2);
        let got: Vec<_> = chunk.iter().collect();
        assert_eq!(got[1].1.positive_buckets, vec![2]);
    }

    #[test]
    fn first_sample_explicit_counter_reset_hint() {
        use CounterResetHeader as C;
        use CounterResetHint as H;
        for (hint, header, first_hint) in [
            (H::CounterReset, C::CounterReset, H::Unknown),
            (H::NotCounterReset, C::UnknownCounterReset, H::Unknown),
            (H::Unknown, C::UnknownCounterReset, H::Unknown),
            (H::Gauge, C::GaugeType, H::Gauge),
        ] {
            let mut app = HistogramAppender::new();
            let h = Histogram {
                counter_reset_hint: hint,
                ..Histogram::default()
            };
            assert!(matches!(
                app.append_histogram(0, &h),
                AppendOutcome::Appended
            ));
            let chunk = app.finish();
            assert_eq!(chunk.counter_reset_header(), header);
            assert_eq!(
                chunk.iter().next().unwrap().1.counter_reset_hint,
                first_hint
            );
        }
    }

    #[test]
    fn same_buckets_round_trip() {
        let mut h = Histogram {
            count: 15,
            zero_count: 2,
            sum: 18.4,
            zero_threshold: 1e-100,
            schema: 1,
            positive_spans: sp(&[(0, 2), (1, 2)]),
            positive_buckets: vec![1, 1, -1, 0],
            negative_spans: sp(&[(1, 1), (2, 3)]),
            negative_buckets: vec![2, 1, -1, -1],
            ..Histogram::default()
        };
        let mut app = HistogramAppender::new();
        let mut ts = TS;
        let mut exp = Vec::new();
        assert!(matches!(
            app.append_histogram(ts, &h),
            AppendOutcome::Appended
        ));
        exp.push((ts, h.clone()));
        for (dt, count, zc, sum, pb, nb) in [
            (16, 32, 3, 24.4, vec![5, -2, 1, -2], vec![4, -1, 1, -1]),
            (14, 54, 5, 24.4, vec![6, 1, -3, 6], vec![5, 1, -2, 3]),
        ] {
            ts += dt;
            h.count = count;
            h.zero_count = zc;
            h.sum = sum;
            h.positive_buckets = pb;
            h.negative_buckets = nb;
            assert!(matches!(
                app.append_histogram(ts, &h),
                AppendOutcome::Appended
            ));
            let mut e = h.clone();
            e.counter_reset_hint = CounterResetHint::NotCounterReset;
            exp.push((ts, e));
        }
        assert_eq!(read(app.bytes()), exp);
        // Floats: absolute buckets.
        let mut it = HistogramIterator::new(app.bytes());
        let (_, f) = it.next_float().unwrap();
        assert_eq!(f.positive_buckets, vec![1.0, 2.0, 1.0, 1.0]);
        assert_eq!(f.negative_buckets, vec![2.0, 3.0, 2.0, 1.0]);
        assert_eq!((f.count, f.zero_count), (15.0, 2.0));
        let (t3, f3) = it.nth(1).map(|(t, h)| (t, to_float(&h))).unwrap();
        assert_eq!(t3, ts);
        assert_eq!(f3.positive_buckets, vec![6.0, 7.0, 4.0, 10.0]);
        assert_eq!(f3.counter_reset_hint, CounterResetHint::NotCounterReset);
    }

    #[test]
    fn bucket_changes_recode_the_chunk() {
        let mut h1 = Histogram {
            count: 27,
            zero_count: 2,
            sum: 18.4,
            zero_threshold: 1e-125,
            schema: 1,
            positive_spans: sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]),
            positive_buckets: vec![6, -3, 0, -1, 2, 1, -4],
            negative_spans: sp(&[(1, 1)]),
            negative_buckets: vec![1],
            ..Histogram::default()
        };
        let mut app = setup(&h1);
        let h2 = Histogram {
            positive_spans: sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]),
            negative_spans: sp(&[(0, 2)]),
            count: 35,
            zero_count: 3,
            sum: 30.0,
            positive_buckets: vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 1],
            negative_buckets: vec![2, -1],
            ..h1.clone()
        };
        let before = app.clone();
        assert_recoded(&mut app, &h2, CounterResetHeader::UnknownCounterReset);
        h1.positive_spans = h2.positive_spans.clone();
        h1.positive_buckets = vec![6, -3, -3, 3, -3, 0, 2, 2, 1, -5, 1];
        h1.negative_spans = h2.negative_spans.clone();
        h1.negative_buckets = vec![0, 1];
        let mut e2 = h2.clone();
        e2.counter_reset_hint = CounterResetHint::NotCounterReset;
        assert_eq!(read(app.bytes()), vec![(TS, h1.clone()), (TS + 1, e2)]);
        // The recoded chunk is what appending the widened samples gives.
        let mut fresh = HistogramAppender::new();
        fresh.append_histogram(TS, &h1);
        fresh.append_histogram(TS + 1, &h2);
        assert_eq!(app.bytes(), fresh.bytes());
        // Append-only refuses and leaves the chunk alone.
        let mut ao = before.clone();
        assert_eq!(
            ao.try_append_histogram(TS + 1, &h2),
            Err(AppendError::LayoutChange)
        );
        assert_eq!(ao.bytes(), before.bytes());
    }

    #[test]
    fn appendable_decisions() {
        use CounterResetHeader as C;
        use CounterResetHint as H;
        let wider = sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]);

        // Schema change.
        let mut h2 = eh();
        h2.schema += 1;
        assert_new_chunk(&mut setup(&eh()), &h2, C::UnknownCounterReset, H::Unknown);
        // Zero threshold change.
        let mut h2 = eh();
        h2.zero_threshold += 0.1;
        assert_new_chunk(&mut setup(&eh()), &h2, C::UnknownCounterReset, H::Unknown);
        // More buckets.
        let mut h2 = eh();
        h2.positive_spans = wider.clone();
        h2.count += 9;
        h2.zero_count += 1;
        h2.sum = 30.0;
        h2.positive_buckets = vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 1];
        assert_recoded(&mut setup(&eh()), &h2, C::UnknownCounterReset);
        // A used bucket missing.
        let mut h2 = eh();
        h2.positive_spans = sp(&[(0, 2), (5, 2), (3, 1), (1, 1)]);
        h2.sum = 21.0;
        h2.positive_buckets = vec![6, -3, -1, 2, 1, -4];
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // Buckets missing that were empty: h2 is widened to the chunk's layout.
        let mut empty = eh();
        empty.positive_buckets = vec![6, -6, 1, 1, -2, 1, 1];
        let mut h2 = empty.clone();
        h2.positive_spans = sp(&[(0, 1), (3, 1), (3, 1), (4, 1), (1, 1)]);
        h2.positive_buckets = vec![7, -5, 1, 0, 1];
        let mut app = setup(&empty);
        assert_appended(&mut app, &h2, C::UnknownCounterReset);
        let got = &read(app.bytes())[1].1;
        assert_eq!(got.positive_buckets, vec![7, -7, 2, 1, -3, 3, 1]);
        assert_eq!(got.positive_spans, empty.positive_spans);
        // New buckets and empty ones missing.
        let mut h2 = empty.clone();
        h2.positive_spans = sp(&[(0, 1), (3, 1), (3, 1), (4, 1), (1, 2)]);
        h2.positive_buckets = vec![7, -5, 1, 0, 1, 1];
        let mut app = setup(&empty);
        assert_recoded(&mut app, &h2, C::UnknownCounterReset);
        let got = &read(app.bytes())[1].1;
        assert_eq!(got.positive_buckets, vec![7, -7, 2, 1, -3, 3, 1, 1]);
        assert_eq!(
            got.positive_spans,
            sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 2)])
        );
        // A bucket decreasing.
        let mut h2 = eh();
        h2.sum = 23.0;
        h2.positive_buckets = vec![6, -4, 1, -1, 2, 1, -4];
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // A reset while new buckets came.
        let mut h2 = eh();
        h2.positive_spans = wider.clone();
        h2.sum = 29.0;
        h2.positive_buckets = vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 0];
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // New buckets in front, reset in the first old one.
        let mut h2 = eh();
        h2.positive_spans = sp(&[(-3, 2), (1, 2), (2, 1), (3, 2), (3, 1), (1, 1)]);
        h2.sum = 26.0;
        h2.positive_buckets = vec![1, 1, 3, -2, 0, -1, 2, 1, -4];
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // Explicit counter reset.
        let mut h2 = eh();
        h2.counter_reset_hint = H::CounterReset;
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // Count decreasing.
        let mut h2 = eh();
        h2.count -= 1;
        assert_new_chunk(&mut setup(&eh()), &h2, C::CounterReset, H::Unknown);
        // Chunk with an extra empty bucket, sample without it.
        let mut h1 = eh();
        h1.positive_spans.insert(
            0,
            Span {
                offset: -10,
                length: 1,
            },
        );
        h1.positive_spans[1].offset = 9;
        h1.positive_buckets.insert(0, 0);
        assert_appended(&mut setup(&h1), &eh(), C::UnknownCounterReset);

        // Custom buckets.
        assert_appended(&mut setup(&cbh()), &cbh(), C::UnknownCounterReset);
        let mut h2 = cbh();
        h2.count += 1;
        h2.positive_buckets = vec![6, -3, 0, -1, 2, 1, -3];
        assert_appended(&mut setup(&cbh()), &h2, C::UnknownCounterReset);
        let mut h2 = cbh();
        h2.count -= 1;
        h2.positive_buckets = vec![6, -3, 0, -1, 2, 1, -5];
        assert_new_chunk(&mut setup(&cbh()), &h2, C::CounterReset, H::Unknown);
        let mut h2 = cbh();
        h2.custom_values = Some((1..=21).map(f64::from).collect::<Vec<_>>().into());
        assert_new_chunk(&mut setup(&cbh()), &h2, C::CounterReset, H::Unknown);
        let mut h2 = cbh();
        h2.positive_spans = wider;
        h2.count += 6;
        h2.sum = 30.0;
        h2.positive_buckets = vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 1];
        let mut app = setup(&cbh());
        assert_recoded(&mut app, &h2, C::UnknownCounterReset);
        assert_eq!(read(app.bytes())[0].1.custom_values, cbh().custom_values);
    }

    #[test]
    fn prev_appender_decides_the_new_chunk_header() {
        use CounterResetHeader as C;
        let prev = setup(&eh());
        let mut wider = eh();
        wider.positive_spans = sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]);
        wider.count += 9;
        wider.zero_count += 1;
        wider.positive_buckets = vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 1];
        let mut reset = eh();
        reset.count -= 1;
        for (h, header) in [
            (eh(), C::NotCounterReset),
            (reset, C::CounterReset),
            (wider, C::NotCounterReset),
        ] {
            let mut app = HistogramAppender::new();
            assert!(matches!(
                app.append_histogram_after(Some(&prev), TS + 1, &h),
                AppendOutcome::Appended
            ));
            assert_eq!(app.counter_reset_header(), header);
            // The first sample's hint stays unknown whatever the header.
            assert_eq!(
                read(app.bytes())[0].1.counter_reset_hint,
                CounterResetHint::Unknown
            );
        }
    }

    #[test]
    fn gauge_buckets_appear_and_disappear() {
        use CounterResetHeader as C;
        let g = || {
            let mut h = eh();
            h.counter_reset_hint = CounterResetHint::Gauge;
            h
        };
        let setup_g = |h: &Histogram| {
            let app = setup(h);
            assert_eq!(app.counter_reset_header(), C::GaugeType);
            app
        };
        // Schema change.
        let mut h2 = g();
        h2.schema += 1;
        assert_new_chunk(
            &mut setup_g(&g()),
            &h2,
            C::GaugeType,
            CounterResetHint::Gauge,
        );
        // More buckets.
        let mut h2 = g();
        h2.positive_spans = sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]);
        h2.count += 9;
        h2.positive_buckets = vec![7, -2, -4, 2, -2, -1, 2, 3, 0, -5, 1];
        assert_recoded(&mut setup_g(&g()), &h2, C::GaugeType);
        // Used buckets missing: fine for gauges, the sample is widened.
        let mut h2 = g();
        h2.positive_spans = sp(&[(0, 2), (2, 1), (3, 1), (4, 1), (1, 1)]);
        h2.count -= 4;
        h2.sum -= 1.0;
        h2.positive_buckets = vec![6, -3, 0, -1, 3, -4]; // 6 3 3 2 5 1
        let mut app = setup_g(&g());
        assert_appended(&mut app, &h2, C::GaugeType);
        let got = read(app.bytes());
        assert_eq!(got[1].1.counter_reset_hint, CounterResetHint::Gauge);
        assert_eq!(got[1].1.positive_spans, g().positive_spans);
        // 6 3 3 2 0 5 1 as deltas.
        assert_eq!(got[1].1.positive_buckets, vec![6, -3, 0, -1, -2, 5, -4]);
        // Buckets missing and new ones: both widen.
        let mut h2 = g();
        h2.positive_spans = sp(&[(0, 2), (5, 2), (3, 1), (1, 1)]);
        h2.sum = 21.0;
        h2.positive_buckets = vec![6, -3, -1, 2, 1, -4]; // 6 3 | 2@7 4@8 | 5@12 | 1@14
        let mut app = setup_g(&g());
        assert_recoded(&mut app, &h2, C::GaugeType);
        let got = read(app.bytes());
        // The union of 0 1 4 8 9 13 15 and 0 1 7 8 12 14.
        let idx: Vec<i64> =
            super::super::histogram_meta::BucketIndices::new(&got[1].1.positive_spans).collect();
        assert_eq!(idx, vec![0, 1, 4, 7, 8, 9, 12, 13, 14, 15]);
        let abs: Vec<i64> = absolute(&got[1].1.positive_buckets).collect();
        assert_eq!(abs, vec![6, 3, 0, 2, 4, 0, 5, 0, 1, 0]);
        let abs0: Vec<i64> = absolute(&got[0].1.positive_buckets).collect();
        assert_eq!(abs0, vec![6, 3, 3, 0, 2, 4, 0, 5, 0, 1]);
        // Gauge after counter, counter after gauge: new chunks.
        assert_new_chunk(
            &mut setup(&eh()),
            &g(),
            C::GaugeType,
            CounterResetHint::Gauge,
        );
        assert_new_chunk(
            &mut setup_g(&g()),
            &eh(),
            C::NotCounterReset,
            CounterResetHint::Unknown,
        );
        // Append-only refuses layout changes for gauges either way.
        let mut app = setup_g(&g());
        assert_eq!(
            app.try_append_histogram(TS + 1, &h2),
            Err(AppendError::LayoutChange)
        );
        assert_eq!(app.num_samples(), 1);
    }

    #[test]
    fn stale_markers() {
        let stale = Histogram {
            sum: f64::from_bits(STALE_NAN),
            ..Histogram::default()
        };
        for gauge in [false, true] {
            let mut h = eh();
            if gauge {
                h.counter_reset_hint = CounterResetHint::Gauge;
            }
            let mut st = stale.clone();
            st.counter_reset_hint = h.counter_reset_hint;
            let mut app = setup(&h);
            let mut h2 = h.clone();
            h2.count += 1;
            h2.positive_buckets[0] += 1;
            assert!(matches!(
                app.append_histogram(TS + 1, &h2),
                AppendOutcome::Appended
            ));
            assert!(matches!(
                app.append_histogram(TS + 2, &st),
                AppendOutcome::Appended
            ));
            assert!(matches!(
                app.append_histogram(TS + 3, &st),
                AppendOutcome::Appended
            ));
            // After a stale marker only stale markers fit.
            match app.append_histogram(TS + 4, &h2) {
                AppendOutcome::NewChunk { header, .. } => assert_eq!(
                    header,
                    if gauge {
                        CounterResetHeader::GaugeType
                    } else {
                        CounterResetHeader::UnknownCounterReset
                    }
                ),
                other => panic!("{other:?}"),
            }
            let got = read(app.bytes());
            assert_eq!(got.len(), 4);
            assert_eq!(got[1].1.positive_buckets, h2.positive_buckets);
            for (t, s) in &got[2..] {
                assert!(*t == TS + 2 || *t == TS + 3);
                assert_eq!(s.sum.to_bits(), STALE_NAN);
                assert!(s.positive_spans.is_empty() && s.positive_buckets.is_empty());
                assert_eq!(s.count, 0);
            }
        }
        // A chunk starting with a stale marker.
        let mut app = HistogramAppender::new();
        app.append_histogram(5, &stale);
        app.append_histogram(6, &stale);
        let got = read(app.bytes());
        assert_eq!(got.len(), 2);
        assert!(got.iter().all(|(_, h)| h.sum.to_bits() == STALE_NAN));
    }

    #[test]
    fn custom_values_come_back_shared() {
        let mut app = setup(&cbh());
        let mut h2 = cbh();
        h2.count += 1;
        h2.positive_buckets[6] += 1;
        app.append_histogram(TS + 1, &h2);
        let got = read(app.bytes());
        let (a, b) = (
            got[0].1.custom_values.clone().unwrap(),
            got[1].1.custom_values.clone().unwrap(),
        );
        assert!(Arc::ptr_eq(&a, &b));
        assert_eq!(&a[..], &cbh().custom_values.unwrap()[..]);
    }

    #[test]
    fn unknown_schema_and_truncation_fail() {
        let mut h = eh();
        h.schema = 60;
        let mut app = HistogramAppender::new();
        app.append_histogram(0, &h);
        let mut it = HistogramIterator::new(app.bytes());
        assert!(it.next().is_none());
        assert!(it.failed());

        let mut app = setup(&eh());
        let mut h2 = eh();
        for i in 1..20 {
            h2.count += 1;
            h2.positive_buckets[0] += 1;
            app.append_histogram(TS + i * 1000, &h2);
        }
        let bytes = app.bytes();
        let mut it = HistogramIterator::new(&bytes[..bytes.len() / 2]);
        assert!(it.by_ref().count() < 20);
        assert!(it.failed());
    }

    #[test]
    #[should_panic(expected = "capacity exceeded")]
    fn overflow_panics() {
        let mut app = HistogramAppender::new();
        let h = Histogram::default();
        for i in 0..=i64::from(u16::MAX) {
            app.append_histogram(i, &h);
        }
    }
}
