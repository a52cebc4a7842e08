//! What both histogram types share (Prometheus's `model/histogram/generic.go`):
//! buckets and their bounds, span compaction and resolution reduction. The
//! errors are in `error.rs`, the validation checks in `validate.rs`.

use std::fmt;

use super::Span;
use super::{EXPONENTIAL_SCHEMA_MAX_RESERVED, EXPONENTIAL_SCHEMA_MIN_RESERVED};

pub use super::error::{HistogramError, HistogramErrorKind};
pub(crate) use super::validate::{
    check_float_buckets, check_histogram_custom_bounds, check_histogram_spans, check_int_buckets,
};
use crate::gofmt::go_g;

/// Schemas -9..=52: accepted, then reduced to the nearest supported one.
pub fn is_exponential_schema_reserved(schema: i32) -> bool {
    (EXPONENTIAL_SCHEMA_MIN_RESERVED..=EXPONENTIAL_SCHEMA_MAX_RESERVED).contains(&schema)
}

/// A supported schema (exponential -4..=8 or custom buckets).
pub fn is_valid_schema(schema: i32) -> bool {
    super::is_custom_buckets_schema(schema) || super::is_exponential_schema(schema)
}

/// A known schema (possibly needing reduction to a supported one).
pub fn is_known_schema(schema: i32) -> bool {
    super::is_custom_buckets_schema(schema) || is_exponential_schema_reserved(schema)
}

/// Whether two sets of custom bounds are equal (by value, as upstream).
pub fn custom_bucket_bounds_match(c1: &[f64], c2: &[f64]) -> bool {
    c1.len() == c2.len() && c1.iter().zip(c2).all(|(a, b)| a == b)
}

/// The custom values as a slice (empty when absent).
pub(crate) fn cv(c: &Option<super::CustomValues>) -> &[f64] {
    c.as_deref().unwrap_or(&[])
}

/// A bucket count as reported: `u64` for [`super::Histogram`], `f64` for
/// [`super::FloatHistogram`]. Printed as Go's `%v`.
pub trait BucketCount: Copy + PartialEq + PartialOrd + Default + fmt::Debug {
    fn write_go(&self, out: &mut String);
}

impl BucketCount for u64 {
    fn write_go(&self, out: &mut String) {
        out.push_str(&self.to_string());
    }
}

impl BucketCount for f64 {
    fn write_go(&self, out: &mut String) {
        out.push_str(&go_g(*self));
    }
}

/// A bucket count as stored: `i64` deltas or `f64` absolute counts. Integer
/// arithmetic wraps as Go's does.
pub trait InternalCount: Copy + PartialEq + PartialOrd + Default + fmt::Debug {
    fn add(self, o: Self) -> Self;
    fn sub(self, o: Self) -> Self;
    fn neg(self) -> Self;
    fn is_zero(self) -> bool;
}

impl InternalCount for i64 {
    fn add(self, o: i64) -> i64 {
        self.wrapping_add(o)
    }
    fn sub(self, o: i64) -> i64 {
        self.wrapping_sub(o)
    }
    fn neg(self) -> i64 {
        self.wrapping_neg()
    }
    fn is_zero(self) -> bool {
        self == 0
    }
}

impl InternalCount for f64 {
    fn add(self, o: f64) -> f64 {
        self + o
    }
    fn sub(self, o: f64) -> f64 {
        self - o
    }
    fn neg(self) -> f64 {
        -self
    }
    fn is_zero(self) -> bool {
        self == 0.0
    }
}

/// A bucket with its bounds and (absolute) count. With `lower` at -Inf it is a
/// cumulative bucket.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Bucket<T> {
    pub lower: f64,
    pub upper: f64,
    pub lower_inclusive: bool,
    pub upper_inclusive: bool,
    pub count: T,
    /// The index within the schema (irrelevant for the zero bucket).
    pub index: i32,
}

impl<T: BucketCount> fmt::Display for Bucket<T> {
    /// Go's `Bucket.String()`: `[lower,upper):count`, brackets by inclusiveness.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut s = String::new();
        s.push(if self.lower_inclusive { '[' } else { '(' });
        s.push_str(&go_g(self.lower));
        s.push(',');
        s.push_str(&go_g(self.upper));
        s.push(if self.upper_inclusive { ']' } else { ')' });
        s.push(':');
        self.count.write_go(&mut s);
        f.write_str(&s)
    }
}

impl<T> Bucket<T> {
    /// The fraction of the bucket's width at or below `v` (strictly inside the
    /// finite bounds): linear for custom and zero buckets, else on a log scale.
    pub fn fraction_below(&self, v: f64, linear: bool) -> f64 {
        if linear {
            return (v - self.lower) / (self.upper - self.lower);
        }
        let log_lower = self.lower.abs().log2();
        let log_upper = self.upper.abs().log2();
        let log_v = v.abs().log2();
        if v > 0.0 {
            return (log_v - log_lower) / (log_upper - log_lower);
        }
        1.0 - ((log_v - log_upper) / (log_lower - log_upper))
    }
}

/// The bounds of bucket `idx` for a given schema and (for custom buckets) bound
/// list: the upper bound; the lower is `get_bound(idx - 1)`. Panics on a custom
/// index out of range, as upstream.
pub fn get_bound(idx: i32, schema: i32, custom_values: &[f64]) -> f64 {
    if super::is_custom_buckets_schema(schema) {
        let length = custom_values.len() as i32;
        if idx > length || idx < -1 {
            panic!("index {idx} out of bounds for custom bounds of length {length}");
        }
        if idx == length {
            return f64::INFINITY;
        }
        if idx == -1 {
            return f64::NEG_INFINITY;
        }
        return custom_values[idx as usize];
    }
    get_bound_exponential(idx, schema)
}

/// The upper bound of exponential bucket `idx`; the last finite bucket ends at
/// `f64::MAX` (so ±Inf observations get a bucket of their own).
pub fn get_bound_exponential(idx: i32, schema: i32) -> f64 {
    if schema < 0 {
        let exp = (idx as i64) << (-schema);
        if exp == 1024 {
            return f64::MAX;
        }
        return ldexp(1.0, exp);
    }
    let frac_idx = (idx & ((1 << schema) - 1)) as usize;
    let frac = EXPONENTIAL_BOUNDS_SCHEMA_8[frac_idx << (8 - schema)];
    let exp = ((idx >> schema) as i64) + 1;
    if frac == 0.5 && exp == 1025 {
        return f64::MAX;
    }
    ldexp(frac, exp)
}

/// `math.Ldexp` for `frac` near 1 (the callers' 0.5..=1): `frac * 2^exp` with a
/// single rounding, ±Inf on overflow and 0 on underflow as Go's.
pub(crate) fn ldexp(frac: f64, exp: i64) -> f64 {
    // 2^e, exact for -1074 <= e <= 1023.
    fn pow2(e: i64) -> f64 {
        if e >= -1022 {
            f64::from_bits(((e + 1023) as u64) << 52)
        } else {
            f64::from_bits(1u64 << (e + 1074))
        }
    }
    if frac == 0.0 || !frac.is_finite() {
        return frac;
    }
    if exp > 1023 {
        if exp > 2046 {
            return frac * f64::INFINITY;
        }
        return frac * pow2(1023) * pow2(exp - 1023);
    }
    if exp >= -1000 {
        return frac * pow2(exp);
    }
    // Into the subnormal range: an exact step first, then one rounding.
    let k = -1000 - exp;
    if k > 1074 {
        return frac * 0.0;
    }
    frac * pow2(-1000) * pow2(-k)
}

/// The bucket index in `target_schema` that holds bucket `idx` of `origin_schema`.
pub(crate) fn target_idx(idx: i32, origin_schema: i32, target_schema: i32) -> i32 {
    ((idx - 1) >> (origin_schema - target_schema)) + 1
}

/// Bucket bounds in [0.5, 1) for schema 8; schema s uses every 2^(8-s)-th.
const EXPONENTIAL_BOUNDS_SCHEMA_8: [f64; 256] = [
    0.5,
    0.5013556375251013,
    0.5027149505564014,
    0.5040779490592088,
    0.5054446430258502,
    0.5068150424757447,
    0.5081891574554764,
    0.509566998038869,
    0.5109485743270583,
    0.5123338964485679,
    0.5137229745593818,
    0.5151158188430205,
    0.5165124395106142,
    0.5179128468009786,
    0.5193170509806894,
    0.520725062344158,
    0.5221368912137069,
    0.5235525479396449,
    0.5249720429003435,
    0.526395386502313,
    0.5278225891802786,
    0.5292536613972564,
    0.5306886136446309,
    0.5321274564422321,
    0.5335702003384117,
    0.5350168559101208,
    0.5364674337629877,
    0.5379219445313954,
    0.5393803988785598,
    0.5408428074966075,
    0.5423091811066545,
    0.5437795304588847,
    0.5452538663326288,
    0.5467321995364429,
    0.5482145409081883,
    0.549700901315111,
    0.5511912916539204,
    0.5526857228508706,
    0.5541842058618393,
    0.5556867516724088,
    0.5571933712979462,
    0.5587040757836845,
    0.5602188762048033,
    0.5617377836665098,
    0.5632608093041209,
    0.564787964283144,
    0.5663192597993595,
    0.5678547070789026,
    0.5693943173783458,
    0.5709381019847808,
    0.572486072215902,
    0.5740382394200894,
    0.5755946149764913,
    0.5771552102951081,
    0.5787200368168754,
    0.5802891060137493,
    0.5818624293887887,
    0.5834400184762408,
    0.585021884841625,
    0.5866080400818185,
    0.5881984958251406,
    0.5897932637314379,
    0.5913923554921704,
    0.5929957828304968,
    0.5946035575013605,
    0.5962156912915756,
    0.5978321960199137,
    0.5994530835371903,
    0.6010783657263515,
    0.6027080545025619,
    0.6043421618132907,
    0.6059806996384005,
    0.6076236799902344,
    0.6092711149137041,
    0.6109230164863786,
    0.6125793968185725,
    0.6142402680534349,
    0.6159056423670379,
    0.6175755319684665,
    0.6192499490999082,
    0.620928906036742,
    0.622612415087629,
    0.6243004885946023,
    0.6259931389331581,
    0.6276903785123455,
    0.6293922197748583,
    0.6310986751971253,
    0.6328097572894031,
    0.6345254785958666,
    0.6362458516947014,
    0.637970889198196,
    0.6397006037528346,
    0.6414350080393891,
    0.6431741147730128,
    0.6449179367033329,
    0.6466664866145447,
    0.6484197773255048,
    0.6501778216898253,
    0.6519406325959679,
    0.6537082229673385,
    0.6554806057623822,
    0.6572577939746774,
    0.659039800633032,
    0.6608266388015788,
    0.6626183215798706,
    0.6644148621029772,
    0.6662162735415805,
    0.6680225691020727,
    0.6698337620266515,
    0.6716498655934177,
    0.6734708931164728,
    0.6752968579460171,
    0.6771277734684463,
    0.6789636531064505,
    0.6808045103191123,
    0.6826503586020058,
    0.6845012114872953,
    0.6863570825438342,
    0.688217985377265,
    0.690083933630119,
    0.6919549409819159,
    0.6938310211492645,
    0.6957121878859629,
    0.6975984549830999,
    0.6994898362691555,
    0.7013863456101023,
    0.7032879969095076,
    0.7051948041086352,
    0.7071067811865475,
    0.7090239421602076,
    0.7109463010845827,
    0.7128738720527471,
    0.7148066691959849,
    0.7167447066838943,
    0.718687998724491,
    0.7206365595643126,
    0.7225904034885232,
    0.7245495448210174,
    0.7265139979245261,
    0.7284837772007218,
    0.7304588970903234,
    0.7324393720732029,
    0.7344252166684908,
    0.7364164454346837,
    0.7384130729697496,
    0.7404151139112358,
    0.7424225829363761,
    0.7444354947621984,
    0.7464538641456323,
    0.7484777058836176,
    0.7505070348132126,
    0.7525418658117031,
    0.7545822137967112,
    0.7566280937263048,
    0.7586795205991071,
    0.7607365094544071,
    0.762799075372269,
    0.7648672334736434,
    0.7669409989204777,
    0.7690203869158282,
    0.7711054127039704,
    0.7731960915705107,
    0.7752924388424999,
    0.7773944698885442,
    0.7795022001189185,
    0.7816156449856788,
    0.7837348199827764,
    0.7858597406461707,
    0.7879904225539431,
    0.7901268813264122,
    0.7922691326262467,
    0.7944171921585818,
    0.7965710756711334,
    0.7987307989543135,
    0.8008963778413465,
    0.8030678282083853,
    0.805245165974627,
    0.8074284071024302,
    0.8096175675974316,
    0.8118126635086642,
    0.8140137109286738,
    0.8162207259936375,
    0.8184337248834821,
    0.820652723822003,
    0.8228777390769823,
    0.8251087869603088,
    0.8273458838280969,
    0.8295890460808079,
    0.8318382901633681,
    0.8340936325652911,
    0.8363550898207981,
    0.8386226785089391,
    0.8408964152537144,
    0.8431763167241966,
    0.8454623996346523,
    0.8477546807446661,
    0.8500531768592616,
    0.8523579048290255,
    0.8546688815502312,
    0.8569861239649629,
    0.8593096490612387,
    0.8616394738731368,
    0.8639756154809185,
    0.8663180910111553,
    0.8686669176368529,
    0.871022112577578,
    0.8733836930995842,
    0.8757516765159389,
    0.8781260801866495,
    0.8805069215187917,
    0.8828942179666361,
    0.8852879870317771,
    0.8876882462632604,
    0.890095013257712,
    0.8925083056594671,
    0.8949281411607002,
    0.8973545375015533,
    0.8997875124702672,
    0.9022270839033115,
    0.9046732696855155,
    0.9071260877501991,
    0.909585556079304,
    0.9120516927035263,
    0.9145245157024483,
    0.9170040432046711,
    0.9194902933879467,
    0.9219832844793128,
    0.9244830347552253,
    0.9269895625416926,
    0.92950288621441,
    0.9320230241988943,
    0.9345499949706191,
    0.9370838170551498,
    0.93962450902828,
    0.9421720895161669,
    0.9447265771954693,
    0.9472879907934827,
    0.9498563490882775,
    0.9524316709088368,
    0.9550139751351947,
    0.9576032806985735,
    0.9601996065815236,
    0.9628029718180622,
    0.9654133954938133,
    0.9680308967461471,
    0.9706554947643201,
    0.9732872087896164,
    0.9759260581154889,
    0.9785720620876999,
    0.9812252401044634,
    0.9838856116165875,
    0.9865531961276168,
    0.9892280131939752,
    0.9919100824251095,
    0.9945994234836328,
    0.9972960560854698,
];

/// `compactBuckets`: drops empty buckets at the ends of spans, merges spans at most
/// `max_empty_buckets` apart and splits spans at longer runs of empty buckets.
/// `delta` says the buckets are deltas (integer histograms); `comp` holds Kahan
/// compensation buckets kept in step with `primary`.
pub(crate) fn compact_buckets<C: InternalCount>(
    primary: &mut Vec<C>,
    mut comp: Option<&mut Vec<f64>>,
    spans: &mut Vec<Span>,
    max_empty_buckets: usize,
    delta: bool,
) {
    let max = max_empty_buckets.min(i64::MAX as usize) as i64;
    if delta && comp.is_some() {
        panic!(
            "histogram type mismatch: deltaBuckets cannot be true when compensationBuckets is provided"
        );
    }
    if let Some(c) = comp.as_deref()
        && c.len() != primary.len()
    {
        panic!(
            "primary buckets layout ({primary:?}) mismatch against associated compensation buckets layout ({c:?})"
        );
    }
    let zero = C::default();
    // Fast path: nothing empty, no small gaps, no empty spans.
    let mut nothing_to_do = true;
    let mut cur = zero;
    for &b in primary.iter() {
        cur = if delta { cur.add(b) } else { b };
        if cur.is_zero() {
            nothing_to_do = false;
            break;
        }
    }
    if nothing_to_do {
        if spans
            .iter()
            .any(|s| i64::from(s.offset) <= max || s.length == 0)
        {
            nothing_to_do = false;
        }
        if nothing_to_do {
            return;
        }
    }

    let mut i_bucket = 0usize;
    let mut i_span = 0usize;
    let mut pos_in_span = 0u32;
    cur = zero;

    // Merge spans with zero offset.
    if spans.len() > 1 {
        for i in 0..spans.len() - 1 {
            let span = spans[i + 1];
            if span.offset == 0 {
                spans[i_span].length += span.length;
                continue;
            }
            i_span += 1;
            if i + 1 != i_span {
                spans[i_span] = span;
            }
        }
        spans.truncate(i_span + 1);
        i_span = 0;
    }

    // Drop zero-length spans, moving their offset to the next.
    for i in 0..spans.len() {
        let span = spans[i];
        if span.length == 0 {
            if i + 1 < spans.len() {
                spans[i + 1].offset += span.offset;
            }
            continue;
        }
        if i != i_span {
            spans[i_span] = span;
        }
        i_span += 1;
    }
    spans.truncate(i_span);
    i_span = 0;

    if spans.is_empty() {
        primary.clear();
        if let Some(c) = comp.as_deref_mut() {
            c.clear();
        }
        return;
    }

    while i_bucket < primary.len() && i_span < spans.len() {
        cur = if delta {
            cur.add(primary[i_bucket])
        } else {
            primary[i_bucket]
        };
        // How many empty buckets start here (within the span).
        let n_empty = {
            let mut i = 0usize;
            let mut abs = cur;
            let mut c = comp.as_deref().map_or(0.0, |c| c[i_bucket]);
            while (i as u32) + pos_in_span < spans[i_span].length && abs.is_zero() && c == 0.0 {
                i += 1;
                if i + i_bucket >= primary.len() {
                    break;
                }
                abs = primary[i + i_bucket];
                if let Some(cb) = comp.as_deref() {
                    c = cb[i + i_bucket];
                }
            }
            i
        };
        if n_empty > 0 {
            if pos_in_span > 0
                && n_empty < (spans[i_span].length - pos_in_span) as usize
                && n_empty as i64 <= max
            {
                // Few empty buckets inside a span: keep them.
                i_bucket += n_empty;
                if delta {
                    cur = zero;
                }
                pos_in_span += n_empty as u32;
                continue;
            }
            if delta && i_bucket + n_empty < primary.len() {
                cur = primary[i_bucket].neg();
                primary[i_bucket + n_empty] = primary[i_bucket + n_empty].add(primary[i_bucket]);
            }
            primary.drain(i_bucket..i_bucket + n_empty);
            if let Some(c) = comp.as_deref_mut() {
                c.drain(i_bucket..i_bucket + n_empty);
            }
            if pos_in_span == 0 {
                if n_empty == spans[i_span].length as usize {
                    // The whole span is empty.
                    let offset = spans[i_span].offset;
                    spans.remove(i_span);
                    if spans.len() > i_span {
                        spans[i_span].offset += offset + n_empty as i32;
                    }
                    continue;
                }
                spans[i_span].length -= n_empty as u32;
                spans[i_span].offset += n_empty as i32;
                continue;
            }
            // In the middle or at the end of the span: split it.
            let new_span = Span {
                offset: n_empty as i32,
                length: spans[i_span].length - pos_in_span - n_empty as u32,
            };
            spans[i_span].length = pos_in_span;
            i_span += 1;
            pos_in_span = 0;
            if new_span.length == 0 {
                if i_span < spans.len() {
                    spans[i_span].offset += n_empty as i32;
                }
                continue;
            }
            spans.insert(i_span, new_span);
            continue;
        }
        i_bucket += 1;
        pos_in_span += 1;
        if pos_in_span >= spans[i_span].length {
            pos_in_span = 0;
            i_span += 1;
        }
    }
    if max == 0 || primary.is_empty() {
        return;
    }

    // Merge spans whose gap is small enough, filling in empty buckets.
    i_bucket = spans[0].length as usize;
    if delta {
        cur = zero;
        for &b in &primary[..i_bucket] {
            cur = cur.add(b);
        }
    }
    i_span = 1;
    while i_span < spans.len() {
        if i64::from(spans[i_span].offset) > max {
            let l = spans[i_span].length as usize;
            if delta {
                for &b in &primary[i_bucket..i_bucket + l] {
                    cur = cur.add(b);
                }
            }
            i_bucket += l;
            i_span += 1;
            continue;
        }
        let offset = spans[i_span].offset as usize;
        let l = spans[i_span].length as usize;
        spans[i_span - 1].length += offset as u32 + spans[i_span].length;
        spans.remove(i_span);
        primary.splice(i_bucket..i_bucket, std::iter::repeat_n(zero, offset));
        if delta {
            primary[i_bucket] = cur.neg();
            primary[i_bucket + offset] = primary[i_bucket + offset].add(cur);
        }
        if let Some(c) = comp.as_deref_mut() {
            c.splice(i_bucket..i_bucket, std::iter::repeat_n(0.0, offset));
        }
        i_bucket += offset;
        if delta {
            cur = zero;
            for &b in &primary[i_bucket..i_bucket + l] {
                cur = cur.add(b);
            }
        }
        i_bucket += l;
    }
}

/// `reduceResolution`: the spans and buckets of `origin_schema` merged into the
/// lower `target_schema`. Errors on too few or too many buckets or a negative
/// offset after the first span.
pub(crate) fn reduce_resolution<C: InternalCount>(
    origin_spans: &[Span],
    origin_buckets: &[C],
    origin_schema: i32,
    target_schema: i32,
    delta: bool,
) -> Result<(Vec<Span>, Vec<C>), HistogramError> {
    let mut target_spans: Vec<Span> = Vec::new();
    let mut target_buckets: Vec<C> = Vec::new();
    let mut bucket_idx = 0i32;
    let mut bucket_count_idx = 0usize;
    let mut last_bucket_count = C::default();
    let mut last_target_bucket_idx = 0i32;
    let mut last_target_bucket_count = C::default();

    for (n, span) in origin_spans.iter().enumerate() {
        if n > 0 && span.offset < 0 {
            return Err(HistogramError::with_context(
                HistogramErrorKind::SpanNegativeOffset,
                format!("span number {} with offset {}", n + 1, span.offset),
            ));
        }
        bucket_idx += span.offset;
        for _ in 0..span.length {
            if bucket_count_idx >= origin_buckets.len() {
                return Err(HistogramError::with_context(
                    HistogramErrorKind::SpansBucketsMismatch,
                    format!("have {} buckets but spans need more", origin_buckets.len()),
                ));
            }
            let b = origin_buckets[bucket_count_idx];
            let t = target_idx(bucket_idx, origin_schema, target_schema);
            if target_spans.is_empty() {
                target_spans.push(Span {
                    offset: t,
                    length: 1,
                });
                target_buckets.push(b);
                last_target_bucket_idx = t;
                last_bucket_count = b;
                last_target_bucket_count = b;
            } else if last_target_bucket_idx == t {
                let last = target_buckets.len() - 1;
                if delta {
                    last_bucket_count = last_bucket_count.add(b);
                    target_buckets[last] = target_buckets[last].add(last_bucket_count);
                    last_target_bucket_count = last_target_bucket_count.add(last_bucket_count);
                } else {
                    target_buckets[last] = target_buckets[last].add(b);
                }
            } else if last_target_bucket_idx < t {
                if last_target_bucket_idx + 1 == t {
                    target_spans.last_mut().unwrap().length += 1;
                    last_target_bucket_idx += 1;
                } else {
                    target_spans.push(Span {
                        offset: t - last_target_bucket_idx - 1,
                        length: 1,
                    });
                    last_target_bucket_idx = t;
                }
                if delta {
                    last_bucket_count = last_bucket_count.add(b);
                    target_buckets.push(last_bucket_count.sub(last_target_bucket_count));
                    last_target_bucket_count = last_bucket_count;
                } else {
                    target_buckets.push(b);
                }
            }
            bucket_idx += 1;
            bucket_count_idx += 1;
        }
    }
    if bucket_count_idx != origin_buckets.len() {
        return Err(HistogramError::with_context(
            HistogramErrorKind::SpansBucketsMismatch,
            format!(
                "spans need {bucket_count_idx} buckets, have {} buckets",
                origin_buckets.len()
            ),
        ));
    }
    Ok((target_spans, target_buckets))
}

/// `mustReduceResolution`.
pub(crate) fn must_reduce_resolution<C: InternalCount>(
    spans: &[Span],
    buckets: &[C],
    origin_schema: i32,
    target_schema: i32,
    delta: bool,
) -> (Vec<Span>, Vec<C>) {
    match reduce_resolution(spans, buckets, origin_schema, target_schema, delta) {
        Ok(r) => r,
        Err(e) => panic!("{e}"),
    }
}

/// Whether two span lists describe the same bucket layout once zero-length spans
/// are folded into the next (`spansMatch`).
pub fn spans_match(s1: &[Span], s2: &[Span]) -> bool {
    if s1.is_empty() && s2.is_empty() {
        return true;
    }
    fn all_empty(s: &[Span]) -> bool {
        s.iter().all(|s| s.length == 0)
    }
    fn fold(s: &[Span], idx: &mut usize, mut cur: Span) -> Span {
        if cur.length == 0 {
            while *idx < s.len() && s[*idx].length == 0 {
                cur.offset += s[*idx].offset;
                *idx += 1;
            }
            if *idx < s.len() {
                cur.offset += s[*idx].offset;
                cur.length = s[*idx].length;
                *idx += 1;
            }
        }
        cur
    }
    let (mut i1, mut i2) = (0usize, 0usize);
    loop {
        if i1 >= s1.len() {
            return all_empty(&s2[i2..]);
        }
        if i2 >= s2.len() {
            return all_empty(&s1[i1..]);
        }
        let (c1, c2) = (s1[i1], s2[i2]);
        i1 += 1;
        i2 += 1;
        let c1 = fold(s1, &mut i1, c1);
        let c2 = fold(s2, &mut i2, c2);
        if c1.length == 0 && c2.length == 0 {
            return true;
        }
        if c1 != c2 {
            return false;
        }
    }
}
