use super::*;

fn sp(v: &[(i32, u32)]) -> Vec<Span> {
    v.iter()
        .map(|&(offset, length)| Span { offset, length })
        .collect()
}

fn ins(pos: usize, num: usize) -> Insert {
    Insert {
        pos,
        num,
        bucket_idx: 0,
    }
}

#[test]
fn bucket_indices_walk_spans() {
    let s = sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]);
    let got: Vec<i64> = BucketIndices::new(&s).collect();
    assert_eq!(got, vec![0, 1, 4, 8, 9, 13, 15]);
    // Empty spans in between are skipped but their offset counts.
    let s = sp(&[(-2, 1), (2, 0), (3, 2)]);
    let got: Vec<i64> = BucketIndices::new(&s).collect();
    assert_eq!(got, vec![-2, 4, 5]);
    assert_eq!(BucketIndices::new(&[]).next(), None);
}

#[test]
fn expand_both_ways_and_insert() {
    // (spans a, spans b, forward, backward, buckets in, buckets out, merged)
    #[allow(clippy::type_complexity)]
    let cases: Vec<(
        Vec<Span>,
        Vec<Span>,
        Vec<Insert>,
        Vec<Insert>,
        Vec<i64>,
        Vec<i64>,
        Vec<Span>,
    )> = vec![
        (
            sp(&[(-10, 3)]),
            sp(&[(-11, 4)]),
            vec![ins(0, 1)],
            vec![],
            vec![6, -3, 0],
            vec![0, 6, -3, 0],
            sp(&[(-11, 4)]),
        ),
        (
            sp(&[(-10, 3)]),
            sp(&[(-10, 4)]),
            vec![ins(3, 1)],
            vec![],
            vec![6, -3, 0],
            vec![6, -3, 0, -3],
            sp(&[(-10, 4)]),
        ),
        (
            sp(&[(-10, 3)]),
            sp(&[(-12, 5)]),
            vec![ins(0, 2)],
            vec![],
            vec![6, -3, 0],
            vec![0, 0, 6, -3, 0],
            sp(&[(-12, 5)]),
        ),
        (
            sp(&[(-10, 3)]),
            sp(&[(-10, 5)]),
            vec![ins(3, 2)],
            vec![],
            vec![6, -3, 0],
            vec![6, -3, 0, -3, 0],
            sp(&[(-10, 5)]),
        ),
        // A gap filled in the middle, and b missing a's first bucket.
        (
            sp(&[(0, 2), (2, 1)]),
            sp(&[(1, 4)]),
            vec![ins(2, 2)],
            vec![ins(0, 1)],
            vec![6, -3, 1],
            vec![6, -3, -3, 0, 4],
            sp(&[(0, 5)]),
        ),
        // Entirely disjoint.
        (
            sp(&[(0, 1)]),
            sp(&[(5, 1)]),
            vec![ins(1, 1)],
            vec![ins(0, 1)],
            vec![3],
            vec![3, -3],
            sp(&[(0, 1), (4, 1)]),
        ),
    ];
    for (a, b, fwd, bwd, bin, bout, merged) in cases {
        let (f, bk, m) = expand_spans_both_ways(&a, &b);
        assert_eq!(f, fwd, "{a:?} {b:?}");
        assert_eq!(bk, bwd, "{a:?} {b:?}");
        assert_eq!(m, merged, "{a:?} {b:?}");
        let got = insert(&bin, count_spans(&merged), &f, true);
        assert_eq!(got, bout, "{a:?} {b:?}");
    }
}

#[test]
fn expand_int_spans_and_buckets_upstream_example() {
    // The example in upstream's expandIntSpansAndBuckets comment.
    let a = sp(&[(0, 2), (2, 1), (3, 2), (3, 1), (1, 1)]);
    let a_b = [6i64, -3, 0, -1, 2, 1, -4];
    let b = sp(&[(0, 3), (1, 1), (1, 4), (3, 3)]);
    let b_b = [6i64, -3, -3, 3, -3, 0, 2, 2, 1, -5, 1];
    let (f, bk) = expand_spans_and_buckets(&a, &b, absolute(&a_b), absolute(&b_b)).unwrap();
    let want = vec![
        Insert {
            pos: 2,
            num: 1,
            bucket_idx: 2,
        },
        Insert {
            pos: 3,
            num: 2,
            bucket_idx: 6,
        },
        Insert {
            pos: 6,
            num: 1,
            bucket_idx: 14,
        },
    ];
    assert_eq!(f, want);
    assert!(bk.is_empty());
    assert_eq!(insert(&a_b, 11, &f, true), b_b.to_vec());
    // Floats, absolute counts.
    let abs: Vec<f64> = absolute(&a_b).map(|v| v as f64).collect();
    let got = insert(&abs, 11, &f, false);
    assert_eq!(
        got,
        vec![6.0, 3.0, 0.0, 3.0, 0.0, 0.0, 2.0, 4.0, 5.0, 0.0, 1.0]
    );
    // The reverse only drops empty buckets: backward inserts, no reset.
    let (f2, bk2) = expand_spans_and_buckets(&b, &a, absolute(&b_b), absolute(&a_b)).unwrap();
    assert!(f2.is_empty());
    assert_eq!(bk2, f);
    // Dropping a used bucket (index 15) is a reset.
    let a_less = sp(&[(0, 2), (2, 1), (3, 2), (3, 1)]);
    assert!(expand_spans_and_buckets(&a, &a_less, absolute(&a_b), absolute(&a_b[..6])).is_none());
    // A bucket decreasing is a reset too.
    let mut less = a_b;
    less[0] = 5;
    assert!(expand_spans_and_buckets(&a, &a, absolute(&a_b), absolute(&less)).is_none());
}

#[test]
fn empty_buckets_may_vanish_backward() {
    // a has an empty bucket at index 1 which b lacks.
    let a = sp(&[(0, 3)]);
    let a_abs = [2i64, 0, 1];
    let b = sp(&[(0, 1), (1, 2)]);
    let b_abs = [2i64, 1, 5];
    let (f, bk) =
        expand_spans_and_buckets(&a, &b, a_abs.iter().copied(), b_abs.iter().copied()).unwrap();
    assert_eq!(
        f,
        vec![Insert {
            pos: 3,
            num: 1,
            bucket_idx: 3
        }]
    );
    assert_eq!(
        bk,
        vec![Insert {
            pos: 1,
            num: 1,
            bucket_idx: 1
        }]
    );
    assert_eq!(adjust_for_inserts(&b, &bk), sp(&[(0, 4)]));
    // b's deltas 2, -1, 4 widened to 2, -2, 1, 4.
    assert_eq!(insert(&[2i64, -1, 4], 4, &bk, true), vec![2, -2, 1, 4]);
}

#[test]
fn zero_threshold_encoding() {
    for (th, bytes) in [
        (0.0, vec![0u8]),
        (2f64.powi(-128), vec![116]),
        (1.0, vec![244]),
        (1024.0, vec![254]),
        (2f64.powi(-243), vec![1]),
    ] {
        let mut w = BitWriter::new();
        put_zero_threshold(&mut w, th);
        assert_eq!(w.bytes(), &bytes[..], "{th}");
        let mut r = BitReader::new(w.bytes());
        assert_eq!(read_zero_threshold(&mut r), Some(th));
    }
    for th in [2048.0, 2f64.powi(-244), 0.001, -1.0, f64::INFINITY] {
        let mut w = BitWriter::new();
        put_zero_threshold(&mut w, th);
        assert_eq!(w.bytes().len(), 9);
        assert_eq!(w.bytes()[0], 255);
        let mut r = BitReader::new(w.bytes());
        assert_eq!(
            read_zero_threshold(&mut r).map(f64::to_bits),
            Some(th.to_bits())
        );
    }
}

#[test]
fn layout_round_trip_with_custom_bounds() {
    let layouts = [
        Layout {
            schema: 3,
            zero_threshold: 2f64.powi(-128),
            positive_spans: sp(&[(-4, 3), (2, 7)]),
            negative_spans: sp(&[]),
            custom_values: vec![],
        },
        Layout {
            schema: -53,
            zero_threshold: 0.0,
            positive_spans: sp(&[(0, 2), (1, 1)]),
            negative_spans: vec![],
            custom_values: vec![0.005, 0.1, 1.0, 33554.43, 33554.431, -2.5, 0.1234567],
        },
    ];
    for l in layouts {
        let mut w = BitWriter::new();
        write_layout(
            &mut w,
            l.schema,
            l.zero_threshold,
            &l.positive_spans,
            &l.negative_spans,
            &l.custom_values,
        );
        w.write_bits(0b101, 3);
        let bytes = w.into_bytes();
        let mut r = BitReader::new(&bytes);
        assert_eq!(read_layout(&mut r).as_ref(), Some(&l));
        assert_eq!(r.read_bits(3), Some(0b101));
    }
    // Bound sizes: 0.1 -> varbit uint 101 (13 bits); 0.1234567 -> 65 bits.
    let mut w = BitWriter::new();
    put_custom_bound(&mut w, 0.1);
    put_custom_bound(&mut w, 0.1234567);
    assert_eq!(w.bytes().len(), (13 + 65usize).div_ceil(8));
}

#[test]
fn header_bits_and_hints() {
    let mut b = [0u8, 5, 0b0010_1010];
    set_header(&mut b, CounterResetHeader::GaugeType);
    assert_eq!(b[2], 0b1110_1010);
    assert_eq!(header_of(&b), CounterResetHeader::GaugeType);
    set_header(&mut b, CounterResetHeader::NotCounterReset);
    assert_eq!(b[2], 0b0110_1010);
    assert_eq!(num_samples_of(&b), 5);
    use CounterResetHint as H;
    assert_eq!(
        counter_reset_hint(CounterResetHeader::CounterReset, 1),
        H::Unknown
    );
    assert_eq!(
        counter_reset_hint(CounterResetHeader::CounterReset, 2),
        H::NotCounterReset
    );
    assert_eq!(
        counter_reset_hint(CounterResetHeader::GaugeType, 1),
        H::Gauge
    );
}
