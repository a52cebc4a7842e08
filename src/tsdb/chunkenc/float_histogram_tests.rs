use super::*;
use crate::tsdb::STALE_NAN;

fn sp(v: &[(i32, u32)]) -> Vec<Span> {
    v.iter()
        .map(|&(offset, length)| Span { offset, length })
        .collect()
}

/// Upstream's `eh` of TestFloatHistogramChunkAppendable.
fn eh() -> FloatHistogram {
    FloatHistogram {
        count: 5.0,
        zero_count: 2.0,
        sum: 18.4,
        zero_threshold: 1e-125,
        schema: 1,
        positive_spans: sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]),
        positive_buckets: vec![6.0, 3.0, 3.0, 2.0, 4.0, 5.0, 1.0],
        ..FloatHistogram::default()
    }
}

const TS: i64 = 1234567890;

fn setup(h: &FloatHistogram) -> FloatHistogramAppender {
    let mut app = FloatHistogramAppender::new();
    assert!(matches!(
        app.append_histogram(TS, h),
        AppendOutcome::Appended
    ));
    app
}

fn read(bytes: &[u8]) -> Vec<(i64, FloatHistogram)> {
    let mut it = FloatHistogramIterator::new(bytes);
    let out: Vec<_> = it.by_ref().collect();
    assert!(!it.failed());
    out
}

fn new_chunk_header(app: &mut FloatHistogramAppender, h: &FloatHistogram) -> CounterResetHeader {
    let before = app.bytes().to_vec();
    let out = app.append_histogram(TS + 1, h);
    assert_eq!(app.bytes(), &before[..]);
    match out {
        AppendOutcome::NewChunk { app: new, header } => {
            assert_eq!(new.counter_reset_header(), header);
            assert_eq!(read(new.bytes()).len(), 1);
            header
        }
        other => panic!("expected a new chunk, got {other:?}"),
    }
}

#[test]
fn known_bytes_for_a_small_chunk() {
    let h1 = FloatHistogram {
        count: 1.0,
        sum: 1.0,
        positive_spans: sp(&[(0, 1)]),
        positive_buckets: vec![1.0],
        ..FloatHistogram::default()
    };
    let h2 = FloatHistogram {
        count: 2.0,
        positive_buckets: vec![2.0],
        ..h1.clone()
    };
    let mut app = FloatHistogramAppender::new();
    app.append_histogram(0, &h1);
    app.append_histogram(10, &h2);
    let mut w = BitWriter::new();
    w.write_bits(0x00_02_00, 24);
    w.write_byte(0); // zero threshold 0
    w.write_bit(false); // schema 0
    w.write_bits(0b10_001, 5); // 1 positive span
    w.write_bits(0b10_001, 5); // length 1
    w.write_bit(false); // offset 0
    w.write_bit(false); // 0 negative spans
    w.write_bit(false); // t 0
    for v in [1.0f64, 0.0, 1.0, 1.0] {
        w.write_bits(v.to_bits(), 64); // count, zero count, sum, bucket
    }
    w.write_bits(0b110_001010, 9); // t dod 10
    let one_to_two = |w: &mut BitWriter| {
        // 1.0 ^ 2.0 = 0x7ff0...: leading 1, 11 significant bits.
        w.write_bits(0b11, 2);
        w.write_bits(1, 5);
        w.write_bits(11, 6);
        w.write_bits(0x7ff, 11);
    };
    one_to_two(&mut w); // count
    w.write_bit(false); // zero count
    w.write_bit(false); // sum
    one_to_two(&mut w); // bucket
    assert_eq!(app.bytes(), w.bytes());
    let chunk = app.finish();
    assert_eq!(chunk.encoding(), Encoding::FloatHistogram);
    let got: Vec<_> = chunk.iter().collect();
    assert_eq!(got[1].1.positive_buckets, vec![2.0]);
    assert_eq!(
        got[1].1.counter_reset_hint,
        CounterResetHint::NotCounterReset
    );
}

#[test]
fn round_trip_and_recode() {
    let mut h1 = FloatHistogram {
        negative_spans: sp(&[(1, 1)]),
        negative_buckets: vec![1.0],
        count: 27.0,
        ..eh()
    };
    let mut app = setup(&h1);
    let mut h = h1.clone();
    h.count = 28.5;
    h.sum = 19.25;
    h.positive_buckets[2] = 4.5;
    assert!(matches!(
        app.append_histogram(TS + 1, &h),
        AppendOutcome::Appended
    ));
    let h3 = FloatHistogram {
        positive_spans: sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]),
        negative_spans: sp(&[(0, 2)]),
        count: 35.0,
        zero_count: 3.0,
        sum: 30.0,
        positive_buckets: vec![7.0, 5.0, 1.0, 4.5, 1.0, 0.0, 2.0, 5.0, 5.0, 0.0, 1.0],
        negative_buckets: vec![2.0, 1.0],
        ..h1.clone()
    };
    assert!(matches!(
        app.append_histogram(TS + 2, &h3),
        AppendOutcome::Recoded
    ));
    let got = read(app.bytes());
    h1.positive_spans = h3.positive_spans.clone();
    h1.positive_buckets = vec![6.0, 3.0, 0.0, 3.0, 0.0, 0.0, 2.0, 4.0, 5.0, 0.0, 1.0];
    h1.negative_spans = h3.negative_spans.clone();
    h1.negative_buckets = vec![0.0, 1.0];
    assert_eq!(got[0], (TS, h1.clone()));
    assert_eq!(
        got[1].1.positive_buckets,
        vec![6.0, 3.0, 0.0, 4.5, 0.0, 0.0, 2.0, 4.0, 5.0, 0.0, 1.0]
    );
    assert_eq!(got[1].1.sum, 19.25);
    let mut e3 = h3.clone();
    e3.counter_reset_hint = CounterResetHint::NotCounterReset;
    assert_eq!(got[2], (TS + 2, e3));
    // The recoded chunk is what appending the widened samples gives.
    let mut fresh = FloatHistogramAppender::new();
    for (t, h) in &got {
        fresh.append_histogram(*t, h);
    }
    assert_eq!(fresh.bytes(), app.bytes());
}

#[test]
fn appendable_decisions() {
    use CounterResetHeader as C;
    let mut h2 = eh();
    h2.schema += 1;
    assert_eq!(
        new_chunk_header(&mut setup(&eh()), &h2),
        C::UnknownCounterReset
    );
    let mut h2 = eh();
    h2.positive_buckets[1] = 2.5;
    assert_eq!(new_chunk_header(&mut setup(&eh()), &h2), C::CounterReset);
    let mut h2 = eh();
    h2.counter_reset_hint = CounterResetHint::CounterReset;
    assert_eq!(new_chunk_header(&mut setup(&eh()), &h2), C::CounterReset);
    assert_eq!(
        setup(&eh()).try_append_histogram(TS + 1, &h2),
        Err(AppendError::CounterReset)
    );
    // Empty buckets may go missing: the sample is widened.
    let mut empty = eh();
    empty.positive_buckets = vec![6.0, 0.0, 1.0, 2.0, 0.0, 1.0, 2.0];
    let mut h2 = empty.clone();
    h2.positive_spans = sp(&[(0, 1), (3, 1), (3, 1), (4, 1), (1, 1)]);
    h2.positive_buckets = vec![7.0, 2.0, 3.0, 3.0, 4.0];
    let mut app = setup(&empty);
    assert_eq!(app.try_append_histogram(TS + 1, &h2), Ok(()));
    let got = read(app.bytes());
    assert_eq!(got[1].1.positive_spans, empty.positive_spans);
    assert_eq!(
        got[1].1.positive_buckets,
        vec![7.0, 0.0, 2.0, 3.0, 0.0, 3.0, 4.0]
    );
    // prev: float chunks get NotCounterReset even across a schema change.
    let prev = setup(&eh());
    let mut h2 = eh();
    h2.schema += 1;
    let mut app = FloatHistogramAppender::new();
    app.append_histogram_after(Some(&prev), TS + 1, &h2);
    assert_eq!(app.counter_reset_header(), C::NotCounterReset);
    let mut h2 = eh();
    h2.count = 1.0;
    let mut app = FloatHistogramAppender::new();
    app.append_histogram_after(Some(&prev), TS + 1, &h2);
    assert_eq!(app.counter_reset_header(), C::CounterReset);
}

#[test]
fn gauge_buckets_appear_and_disappear() {
    let g = FloatHistogram {
        counter_reset_hint: CounterResetHint::Gauge,
        ..eh()
    };
    let mut app = setup(&g);
    assert_eq!(app.counter_reset_header(), CounterResetHeader::GaugeType);
    // Buckets 4 and 15 gone, 7 new; counts go down.
    let h2 = FloatHistogram {
        positive_spans: sp(&[(0, 2), (5, 3), (3, 1)]),
        positive_buckets: vec![1.0, 1.0, 9.0, 1.0, 1.0, 1.0],
        count: 2.0,
        ..g.clone()
    };
    assert!(matches!(
        app.append_histogram(TS + 1, &h2),
        AppendOutcome::Recoded
    ));
    // Bucket 4 back, 7 gone: fits the widened layout.
    assert!(matches!(
        app.append_histogram(TS + 2, &g),
        AppendOutcome::Appended
    ));
    let got = read(app.bytes());
    let spans = sp(&[(0, 2), (2, 1), (2, 3), (3, 1), (1, 1)]); // 0 1 4 7 8 9 13 15
    assert!(got.iter().all(|(_, h)| h.positive_spans == spans));
    assert!(
        got.iter()
            .all(|(_, h)| h.counter_reset_hint == CounterResetHint::Gauge)
    );
    assert_eq!(
        got[0].1.positive_buckets,
        vec![6.0, 3.0, 3.0, 0.0, 2.0, 4.0, 5.0, 1.0]
    );
    assert_eq!(
        got[1].1.positive_buckets,
        vec![1.0, 1.0, 0.0, 9.0, 1.0, 1.0, 1.0, 0.0]
    );
    assert_eq!(got[2].1.positive_buckets, got[0].1.positive_buckets);
    // A counter sample cuts a new chunk with an unknown header.
    assert_eq!(
        new_chunk_header(&mut app, &eh()),
        CounterResetHeader::UnknownCounterReset
    );
}

#[test]
fn stale_markers() {
    let stale = FloatHistogram {
        sum: f64::from_bits(STALE_NAN),
        ..FloatHistogram::default()
    };
    let mut app = setup(&eh());
    assert!(matches!(
        app.append_histogram(TS + 1, &stale),
        AppendOutcome::Appended
    ));
    assert!(matches!(
        app.append_histogram(TS + 2, &stale),
        AppendOutcome::Appended
    ));
    assert_eq!(
        new_chunk_header(&mut app, &eh()),
        CounterResetHeader::UnknownCounterReset
    );
    let got = read(app.bytes());
    assert_eq!(got.len(), 3);
    assert_eq!(got[0].1, eh());
    for (_, h) in &got[1..] {
        assert_eq!(h.sum.to_bits(), STALE_NAN);
        assert!(h.positive_buckets.is_empty());
    }
}
