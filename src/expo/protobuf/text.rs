//! The messages in the protobuf text format, as client_golang's `expfmt` writes
//! `FmtProtoText` (`prototext.Format`, then a newline, per family): set fields in
//! the order `metrics.proto` declares them, nested messages as `name: {` … `}`
//! indented by two spaces, enums by name, floats as Go's `%g` (`inf`, `nan`).
//! (Go's prototext sometimes adds a random extra space to discourage byte
//! comparisons; this writes the stable form.)

use super::messages as m;
use super::{DecodeError, DecodeOptions, decode_messages};

/// The stream's messages as text (for the Exposition pane).
pub fn render_text_bytes(bytes: &[u8]) -> Result<String, DecodeError> {
    Ok(render_text(&decode_messages(
        bytes,
        DecodeOptions::default(),
    )?))
}

/// Messages as text, one family after another.
pub fn render_text(families: &[m::MetricFamily]) -> String {
    let mut w = Writer::default();
    for f in families {
        w.family(f);
    }
    w.out
}

#[derive(Default)]
struct Writer {
    out: String,
    depth: usize,
}

impl Writer {
    fn line(&mut self, name: &str, value: &str) {
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str(name);
        self.out.push_str(": ");
        self.out.push_str(value);
        self.out.push('\n');
    }

    fn open(&mut self, name: &str) {
        self.line(name, "{");
        self.depth += 1;
    }

    fn close(&mut self) {
        self.depth -= 1;
        for _ in 0..self.depth {
            self.out.push_str("  ");
        }
        self.out.push_str("}\n");
    }

    /// A nested message: `name: {}` when it has no set field.
    fn message(&mut self, name: &str, empty: bool, body: impl FnOnce(&mut Writer)) {
        if empty {
            self.line(name, "{}");
        } else {
            self.open(name);
            body(self);
            self.close();
        }
    }

    fn string(&mut self, name: &str, v: &Option<String>) {
        if let Some(v) = v {
            self.line(name, &quote(v));
        }
    }

    fn double(&mut self, name: &str, v: Option<f64>) {
        if let Some(v) = v {
            self.line(name, &float(v));
        }
    }

    fn int(&mut self, name: &str, v: Option<impl ToString>) {
        if let Some(v) = v {
            self.line(name, &v.to_string());
        }
    }

    fn family(&mut self, f: &m::MetricFamily) {
        self.string("name", &f.name);
        self.string("help", &f.help);
        if let Some(t) = f.r#type {
            match m::MetricType::try_from(t) {
                Ok(t) => self.line("type", t.proto_name()),
                Err(_) => self.line("type", &t.to_string()),
            }
        }
        for metric in &f.metric {
            self.message("metric", *metric == m::Metric::default(), |w| {
                w.metric(metric)
            });
        }
        self.string("unit", &f.unit);
    }

    fn labels(&mut self, name: &str, labels: &[m::LabelPair]) {
        for l in labels {
            self.message(name, *l == m::LabelPair::default(), |w| {
                w.string("name", &l.name);
                w.string("value", &l.value);
            });
        }
    }

    fn metric(&mut self, metric: &m::Metric) {
        self.labels("label", &metric.label);
        if let Some(g) = &metric.gauge {
            self.message("gauge", g.value.is_none(), |w| w.double("value", g.value));
        }
        if let Some(c) = &metric.counter {
            self.message("counter", *c == m::Counter::default(), |w| {
                w.double("value", c.value);
                if let Some(e) = &c.exemplar {
                    w.exemplar("exemplar", e);
                }
                w.timestamp("created_timestamp", &c.created_timestamp);
            });
        }
        if let Some(s) = &metric.summary {
            self.message("summary", *s == m::Summary::default(), |w| {
                w.int("sample_count", s.sample_count);
                w.double("sample_sum", s.sample_sum);
                for q in &s.quantile {
                    w.message("quantile", *q == m::Quantile::default(), |w| {
                        w.double("quantile", q.quantile);
                        w.double("value", q.value);
                    });
                }
                w.timestamp("created_timestamp", &s.created_timestamp);
            });
        }
        if let Some(u) = &metric.untyped {
            self.message("untyped", u.value.is_none(), |w| w.double("value", u.value));
        }
        if let Some(h) = &metric.histogram {
            self.message("histogram", *h == m::Histogram::default(), |w| {
                w.histogram(h)
            });
        }
        self.int("timestamp_ms", metric.timestamp_ms);
    }

    fn histogram(&mut self, h: &m::Histogram) {
        self.int("sample_count", h.sample_count);
        self.double("sample_count_float", h.sample_count_float);
        self.double("sample_sum", h.sample_sum);
        for b in &h.bucket {
            self.message("bucket", *b == m::Bucket::default(), |w| {
                w.int("cumulative_count", b.cumulative_count);
                w.double("cumulative_count_float", b.cumulative_count_float);
                w.double("upper_bound", b.upper_bound);
                if let Some(e) = &b.exemplar {
                    w.exemplar("exemplar", e);
                }
            });
        }
        self.timestamp("created_timestamp", &h.created_timestamp);
        self.int("schema", h.schema);
        self.double("zero_threshold", h.zero_threshold);
        self.int("zero_count", h.zero_count);
        self.double("zero_count_float", h.zero_count_float);
        self.spans("negative_span", &h.negative_span);
        h.negative_delta
            .iter()
            .for_each(|d| self.line("negative_delta", &d.to_string()));
        h.negative_count
            .iter()
            .for_each(|c| self.line("negative_count", &float(*c)));
        self.spans("positive_span", &h.positive_span);
        h.positive_delta
            .iter()
            .for_each(|d| self.line("positive_delta", &d.to_string()));
        h.positive_count
            .iter()
            .for_each(|c| self.line("positive_count", &float(*c)));
        for e in &h.exemplars {
            self.exemplar("exemplars", e);
        }
    }

    fn spans(&mut self, name: &str, spans: &[m::BucketSpan]) {
        for s in spans {
            self.message(name, *s == m::BucketSpan::default(), |w| {
                w.int("offset", s.offset);
                w.int("length", s.length);
            });
        }
    }

    fn exemplar(&mut self, name: &str, e: &m::Exemplar) {
        self.message(name, *e == m::Exemplar::default(), |w| {
            w.labels("label", &e.label);
            w.double("value", e.value);
            w.timestamp("timestamp", &e.timestamp);
        });
    }

    fn timestamp(&mut self, name: &str, t: &Option<m::Timestamp>) {
        if let Some(t) = t {
            self.message(name, *t == m::Timestamp::default(), |w| {
                w.int("seconds", Some(t.seconds).filter(|&s| s != 0));
                w.int("nanos", Some(t.nanos).filter(|&n| n != 0));
            });
        }
    }
}

/// Go's `strconv.FormatFloat(v, 'g', -1, 64)` with prototext's names for the specials.
fn float(v: f64) -> String {
    if v.is_nan() {
        "nan".into()
    } else if v.is_infinite() {
        if v > 0.0 { "inf".into() } else { "-inf".into() }
    } else {
        crate::gofmt::go_g(v)
    }
}

/// A quoted string as prototext writes it: UTF-8 kept, quotes, backslashes and
/// control characters escaped (as Go's `%q` for printable text).
fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    let _ = crate::tsdb::labels::write_quoted(&mut out, s);
    out
}
