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
