use super::*;
use crate::expo::model::NativeHistogram;
use crate::expo::{Exemplar, MetricType, Sample, Timestamp};
use crate::histogram::{CounterResetHint, FloatHistogram, Histogram, Span};

fn sample(name: &str, labels: &[(&str, &str)], value: f64) -> Sample {
    let labels = labels
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Sample::new(name, labels, value)
}

fn family(name: &str, t: MetricType, samples: Vec<Sample>) -> MetricFamily {
    let mut f = MetricFamily::new(name, t);
    f.help = Some(format!("Help for {name}."));
    f.samples = samples;
    f
}

fn ex(value: f64, secs: i64, nanos: u32) -> Option<Exemplar> {
    Some(Exemplar {
        labels: vec![("trace_id".into(), "abc".into())],
        value,
        timestamp: Some(Timestamp::Exact { secs, nanos }),
    })
}

fn native(h: NativeHistogram, labels: &[(&str, &str)], name: &str) -> Sample {
    let mut s = sample(name, labels, 0.0);
    s.native = Some(Box::new(h));
    s
}

fn int_histogram() -> Histogram {
    Histogram {
        schema: 1,
        zero_threshold: 0.001,
        zero_count: 2,
        count: 9,
        sum: 12.5,
        positive_spans: vec![
            Span {
                offset: -2,
                length: 2,
            },
            Span {
                offset: 3,
                length: 1,
            },
        ],
        positive_buckets: vec![1, 1, -1],
        negative_spans: vec![Span {
            offset: 0,
            length: 1,
        }],
        negative_buckets: vec![3],
        ..Histogram::default()
    }
}

fn round_trip(families: &[MetricFamily]) {
    let bytes = encode(families).expect("encodes");
    let back = decode(&bytes).unwrap_or_else(|e| panic!("decodes: {e}"));
    assert_eq!(back, families);
}

#[test]
fn counters_gauges_untyped_round_trip() {
    let mut total = sample("requests_total", &[("code", "200")], 7.0);
    total.exemplar = ex(0.25, 1_700_000_000, 500_000_000);
    let mut stamped = sample("temp", &[("room", "a")], -1.5);
    stamped.timestamp = Some(Timestamp::Millis(1_700_000_000_123));
    round_trip(&[
        family(
            "requests",
            MetricType::Counter,
            vec![
                total,
                sample("requests_created", &[("code", "200")], 1_700_000_000.5),
            ],
        ),
        family(
            "temp",
            MetricType::Gauge,
            vec![stamped, sample("temp", &[("room", "b")], 3.0)],
        ),
        family(
            "legacy",
            MetricType::Unknown,
            vec![sample("legacy", &[], f64::INFINITY)],
        ),
    ]);
}

#[test]
fn summary_round_trips() {
    let l = [("path", "/")];
    round_trip(&[family(
        "latency",
        MetricType::Summary,
        vec![
            sample("latency", &[("path", "/"), ("quantile", "0.5")], 0.1),
            sample("latency", &[("path", "/"), ("quantile", "0.99")], 0.7),
            sample("latency_sum", &l, 12.0),
            sample("latency_count", &l, 40.0),
            sample("latency_created", &l, 1_600_000_000.25),
        ],
    )]);
}

#[test]
fn classic_histogram_round_trips_with_exemplar_and_implied_inf() {
    let mut bucket = sample("h_bucket", &[("le", "0.1")], 2.0);
    bucket.exemplar = ex(0.05, 1_700_000_000, 0);
    let samples = vec![
        bucket,
        sample("h_bucket", &[("le", "1.0")], 5.0),
        sample("h_bucket", &[("le", "+Inf")], 6.0),
        sample("h_count", &[], 6.0),
        sample("h_sum", &[], 4.5),
        sample("h_created", &[], 1_700_000_000.0),
    ];
    let families = [family("h", MetricType::Histogram, samples)];
    // client_golang leaves the +Inf bucket out; reading adds it back.
    let msgs = encode_messages(&families).unwrap();
    assert_eq!(
        msgs[0].metric[0].histogram.as_ref().unwrap().bucket.len(),
        2
    );
    round_trip(&families);
}

#[test]
fn native_int_histogram_alongside_classic_round_trips() {
    let l = [("job", "x")];
    let mut n = native(NativeHistogram::Int(int_histogram()), &l, "h");
    n.exemplar = ex(0.3, 1_700_000_001, 7);
    let samples = vec![
        n,
        sample("h_bucket", &[("job", "x"), ("le", "1.0")], 4.0),
        sample("h_bucket", &[("job", "x"), ("le", "+Inf")], 9.0),
        sample("h_count", &l, 9.0),
        sample("h_sum", &l, 12.5),
        sample("h_created", &l, 1_700_000_000.0),
    ];
    let families = [family("h", MetricType::Histogram, samples)];
    let msgs = encode_messages(&families).unwrap();
    let h = msgs[0].metric[0].histogram.as_ref().unwrap();
    assert_eq!(
        (h.bucket.len(), h.positive_span.len(), h.exemplars.len()),
        (1, 2, 1)
    );
    round_trip(&families);
}

#[test]
fn native_only_and_float_gauge_histograms_round_trip() {
    let float = FloatHistogram {
        counter_reset_hint: CounterResetHint::Gauge,
        schema: -1,
        zero_threshold: 0.5,
        zero_count: 0.5,
        count: 5.5,
        sum: -3.25,
        negative_spans: vec![
            Span {
                offset: 1,
                length: 1,
            },
            Span {
                offset: 2,
                length: 2,
            },
        ],
        negative_buckets: vec![1.0, 2.5, 1.5],
        ..FloatHistogram::default()
    };
    let mut stamped = native(NativeHistogram::Float(float), &[("a", "1")], "g");
    stamped.timestamp = Some(Timestamp::Millis(5000));
    let empty = Histogram::default();
    round_trip(&[
        family("g", MetricType::GaugeHistogram, vec![stamped]),
        family(
            "n",
            MetricType::Histogram,
            vec![
                native(NativeHistogram::Int(int_histogram()), &[], "n"),
                native(NativeHistogram::Int(empty), &[("b", "2")], "n"),
            ],
        ),
    ]);
}

#[test]
fn gauge_and_counter_encode_byte_exact() {
    // Worked by hand: length 18; name "g"; type GAUGE; metric { gauge { value: 1 } }.
    let g = encode(&[MetricFamily {
        help: None,
        ..family("g", MetricType::Gauge, vec![sample("g", &[], 1.0)])
    }])
    .unwrap();
    let expected = [
        0x12, 0x0a, 0x01, b'g', 0x18, 0x01, 0x22, 0x0b, 0x12, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0xf0,
        0x3f,
    ];
    assert_eq!(g, expected);
    // type COUNTER (0) is written: proto2 optional, set by client_golang.
    let c = encode(&[MetricFamily {
        help: None,
        ..family(
            "c",
            MetricType::Counter,
            vec![sample("c_total", &[("a", "b")], 0.0)],
        )
    }])
    .unwrap();
    let mut expected = vec![0x20, 0x0a, 0x07];
    expected.extend(b"c_total");
    expected.extend([
        0x18, 0x00, 0x22, 0x13, 0x0a, 0x06, 0x0a, 0x01, b'a', 0x12, 0x01, b'b',
    ]);
    expected.extend([0x1a, 0x09, 0x09, 0, 0, 0, 0, 0, 0, 0, 0]);
    assert_eq!(c, expected);
}

#[test]
fn native_histogram_encodes_byte_exact() {
    let h = Histogram {
        count: 2,
        sum: 3.0,
        positive_spans: vec![Span {
            offset: 0,
            length: 1,
        }],
        positive_buckets: vec![2],
        ..Histogram::default()
    };
    let mut f = family(
        "h",
        MetricType::Histogram,
        vec![native(NativeHistogram::Int(h), &[], "h")],
    );
    f.help = None;
    let mut expected = vec![0x29, 0x0a, 0x01, b'h', 0x18, 0x04, 0x22, 0x22, 0x3a, 0x20];
    expected.extend([0x08, 0x02, 0x11, 0, 0, 0, 0, 0, 0, 0x08, 0x40]); // count, sum
    expected.extend([0x28, 0x00, 0x31, 0, 0, 0, 0, 0, 0, 0, 0, 0x38, 0x00]); // schema, zero bucket
    expected.extend([0x62, 0x04, 0x08, 0x00, 0x10, 0x01, 0x68, 0x04]); // span, delta 2 (zigzag 4)
    assert_eq!(encode(&[f]).unwrap(), expected);
    // Packed deltas (proto3 writers) read the same.
    let mut packed = expected.clone();
    let n = packed.len();
    packed.splice(n - 2.., [0x6a, 0x01, 0x04]);
    packed[0] += 1;
    packed[7] += 1;
    packed[9] += 1;
    assert_eq!(decode(&packed).unwrap(), decode(&expected).unwrap());
}

#[test]
fn empty_native_histogram_gets_a_no_op_span() {
    let f = family(
        "e",
        MetricType::Histogram,
        vec![native(NativeHistogram::Int(Histogram::default()), &[], "e")],
    );
    let msgs = encode_messages(&[f]).unwrap();
    let h = msgs[0].metric[0].histogram.as_ref().unwrap();
    assert_eq!(
        h.positive_span,
        [messages::BucketSpan {
            offset: Some(0),
            length: Some(0)
        }]
    );
}

#[test]
fn counter_series_keep_the_family_name() {
    let bytes = write_delimited(&[messages::MetricFamily {
        name: Some("hits".into()),
        r#type: Some(0),
        metric: vec![messages::Metric {
            counter: Some(messages::Counter {
                value: Some(2.0),
                ..Default::default()
            }),
            ..Default::default()
        }],
        ..Default::default()
    }]);
    let f = &decode(&bytes).unwrap()[0];
    assert_eq!(
        (f.name.as_str(), f.samples[0].name.as_str()),
        ("hits", "hits")
    );
    // Re-encoded under the same name, not hits_total.
    assert_eq!(encode(std::slice::from_ref(f)).unwrap(), bytes);
}

fn err(bytes: &[u8]) -> DecodeError {
    decode(bytes).expect_err("must fail")
}

#[test]
fn decoding_errors_have_offsets() {
    let e = err(&[0x80]);
    assert_eq!(e.offset, 0);
    assert!(e.message.contains("truncated varint"), "{e}");
    let e = err(&[0xff, 0xff, 0xff, 0xff, 0x0f]);
    assert!(e.message.contains("at most 16777216 bytes"), "{e}");
    assert!(
        err(&[0x80, 0x80, 0x80, 0x80, 0x80, 0x01])
            .message
            .contains("at most 5 bytes")
    );
    let e = err(&[0x05, 0x0a]);
    assert!(e.message.contains("a message of 5 bytes"), "{e}");
    // name (field 1) as a varint.
    let e = err(&[0x02, 0x08, 0x01]);
    assert_eq!(e.offset, 1);
    assert_eq!(
        e.message,
        "expected wire type length-delimited (2) for MetricFamily.name (field 1), found varint (0)"
    );
    let e = err(&[0x02, 0x0f, 0x00]);
    assert!(e.message.contains("invalid wire type"), "{e}");
    // metric { gauge { value: <3 of 8 bytes> } }
    let e = err(&[0x08, 0x22, 0x06, 0x12, 0x04, 0x09, 0x00, 0x00, 0x00]);
    assert_eq!(e.offset, 6);
    assert!(
        e.message
            .ends_with("(in MetricFamily.metric > Metric.gauge)"),
        "{e}"
    );
    // A string length past its message.
    let e = err(&[0x03, 0x0a, 0x05, b'a']);
    assert_eq!(e.offset, 2);
    assert!(
        e.message.contains("at most the 1 bytes left, found 5"),
        "{e}"
    );
    let e = err(&[0x03, 0x0a, 0x01, 0xff]);
    assert!(e.message.contains("valid UTF-8"), "{e}");
}

#[test]
fn semantic_errors_as_prometheus() {
    let one = |mf: messages::MetricFamily| err(&write_delimited(&[mf]));
    let metric = vec![messages::Metric::default()];
    let e = one(messages::MetricFamily {
        name: Some("x".into()),
        r#type: Some(9),
        metric: metric.clone(),
        ..Default::default()
    });
    assert_eq!(e.message, "unknown metric type for metric \"x\": 9");
    let h = messages::Histogram {
        positive_span: vec![messages::BucketSpan {
            offset: Some(0),
            length: Some(2),
        }],
        positive_delta: vec![1],
        ..Default::default()
    };
    let e = one(messages::MetricFamily {
        name: Some("h".into()),
        r#type: Some(4),
        metric: vec![messages::Metric {
            histogram: Some(h),
            ..Default::default()
        }],
        ..Default::default()
    });
    assert_eq!(
        e.message,
        "histogram \"h\": positive side: spans require 2 buckets, have 1"
    );
}

#[test]
fn allocation_is_bounded_before_decoding() {
    // 100k empty metrics: 200 KB on the wire, far more decoded.
    let mut body = vec![0x0a, 0x01, b'x'];
    for _ in 0..100_000 {
        body.extend([0x22, 0x00]);
    }
    let mut bytes = Vec::new();
    prost::encoding::encode_varint(body.len() as u64, &mut bytes);
    bytes.extend(&body);
    let options = DecodeOptions {
        max_decoded_bytes: 1 << 20,
        ..DecodeOptions::default()
    };
    let e = decode_with(&bytes, options).expect_err("over budget");
    assert!(e.message.contains("max_decoded_bytes"), "{e}");
    assert_eq!(decode(&bytes).unwrap()[0].samples.len(), 100_000);
}

#[test]
fn renders_like_prototext() {
    let f = family(
        "g",
        MetricType::Gauge,
        vec![sample("g", &[("a", "b\"")], 1.5)],
    );
    let mut h = family(
        "h",
        MetricType::Histogram,
        vec![native(
            NativeHistogram::Int(Histogram {
                count: 1,
                positive_spans: vec![Span {
                    offset: -1,
                    length: 1,
                }],
                positive_buckets: vec![1],
                ..Histogram::default()
            }),
            &[],
            "h",
        )],
    );
    h.help = None;
    let text = render_text_bytes(&encode(&[f, h]).unwrap()).unwrap();
    let expected = r#"name: "g"
help: "Help for g."
type: GAUGE
metric: {
  label: {
    name: "a"
    value: "b\""
  }
  gauge: {
    value: 1.5
  }
}
name: "h"
type: HISTOGRAM
metric: {
  histogram: {
    sample_count: 1
    sample_sum: 0
    schema: 0
    zero_threshold: 0
    zero_count: 0
    positive_span: {
      offset: -1
      length: 1
    }
    positive_delta: 1
  }
}
"#;
    assert_eq!(text, expected);
}

#[test]
fn content_type_and_accept_header() {
    use crate::expo::textparse::Format;
    assert_eq!(
        Format::from_content_type(CONTENT_TYPE),
        Some(Format::Protobuf)
    );
    assert_eq!(
        Format::from_content_type(SCRAPE_PROTOCOL_HEADER),
        Some(Format::Protobuf)
    );
    assert_eq!(
        Format::from_content_type("application/vnd.google.protobuf"),
        Some(Format::Protobuf)
    );
    assert_eq!(
        Format::from_content_type("application/vnd.google.protobuf; proto=other.Message"),
        None
    );
    assert_eq!(
        Format::from_content_type(
            "application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=text"
        ),
        None
    );
    assert_eq!(Format::Protobuf.content_type(), CONTENT_TYPE);
    // scrape/scrape_test.go's expectation for the proto-first protocols.
    assert_eq!(proto_first_accept_header("allow-utf-8"), PROTO_FIRST_ACCEPT);
    assert_eq!(
        proto_first_accept_header("dots"),
        "application/vnd.google.protobuf;proto=io.prometheus.client.MetricFamily;encoding=delimited;q=0.6,application/openmetrics-text;version=1.0.0;escaping=dots;q=0.5,application/openmetrics-text;version=0.0.1;q=0.4,text/plain;version=1.0.0;escaping=dots;q=0.3,text/plain;version=0.0.4;q=0.2,*/*;q=0.1"
    );
}

#[test]
fn textparse_routes_protobuf_bytes() {
    use crate::expo::textparse::{Format, ParseOptions, parse};
    let bytes = encode(&[family("g", MetricType::Gauge, vec![sample("g", &[], 2.0)])]).unwrap();
    let parsed = parse(
        &bytes,
        ParseOptions {
            format: Some(Format::Protobuf),
            strict: true,
        },
    );
    assert!(parsed.is_valid());
    assert_eq!(parsed.families[0].samples[0].value, 2.0);
    let mut broken = bytes.clone();
    broken.push(0x80);
    let parsed = parse(
        &broken,
        ParseOptions {
            format: Some(Format::Protobuf),
            strict: true,
        },
    );
    assert_eq!(
        (parsed.families.len(), parsed.errors[0].column as usize),
        (1, bytes.len() + 1)
    );
}
