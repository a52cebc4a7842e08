//! One-line documentation of every function, aggregation and keyword, for
//! autocompletion and the explain view (after Prometheus's querying docs).

/// The one-line doc of a function, aggregation or keyword (empty if unknown).
pub fn doc(name: &str) -> &'static str {
    DOCS.binary_search_by(|(n, _)| (*n).cmp(name))
        .map(|i| DOCS[i].1)
        .unwrap_or("")
}

/// Sorted by name.
static DOCS: &[(&str, &str)] = &[
    ("abs", "absolute value of each sample"),
    (
        "absent",
        "1 if the vector has no elements, else nothing (alert on missing series)",
    ),
    (
        "absent_over_time",
        "1 if the range has no samples, else nothing",
    ),
    ("acos", "arccosine of each sample, in radians"),
    ("acosh", "inverse hyperbolic cosine of each sample"),
    (
        "and",
        "set intersection: left-hand series that have a match on the right",
    ),
    ("asin", "arcsine of each sample, in radians"),
    ("asinh", "inverse hyperbolic sine of each sample"),
    ("atan", "arctangent of each sample, in radians"),
    (
        "atan2",
        "binary operator: arctangent of left / right, in radians",
    ),
    ("atanh", "inverse hyperbolic tangent of each sample"),
    ("avg", "aggregation: average of the values in each group"),
    (
        "avg_over_time",
        "average of each series' samples in the range",
    ),
    (
        "bool",
        "comparison modifier: return 0 or 1 instead of filtering",
    ),
    (
        "bottomk",
        "aggregation: the k smallest samples of each group",
    ),
    ("by", "grouping: keep only these labels"),
    ("ceil", "rounds each sample up to the nearest integer"),
    (
        "changes",
        "how often each series' value changed in the range",
    ),
    ("clamp", "limits each sample to [min, max]"),
    ("clamp_max", "limits each sample to at most max"),
    ("clamp_min", "limits each sample to at least min"),
    ("cos", "cosine of each sample (radians)"),
    ("cosh", "hyperbolic cosine of each sample"),
    ("count", "aggregation: number of series in each group"),
    (
        "count_over_time",
        "number of samples of each series in the range",
    ),
    (
        "count_values",
        "aggregation: number of series per distinct value",
    ),
    (
        "day_of_month",
        "day of the month (1-31) of each sample's value as a Unix time, UTC",
    ),
    (
        "day_of_week",
        "day of the week (0 = Sunday) of each Unix time, UTC",
    ),
    (
        "day_of_year",
        "day of the year (1-366) of each Unix time, UTC",
    ),
    (
        "days_in_month",
        "number of days in the month of each Unix time, UTC",
    ),
    ("deg", "converts radians to degrees"),
    (
        "delta",
        "difference between the first and last value in the range, extrapolated (gauges)",
    ),
    (
        "deriv",
        "per-second derivative of a gauge by linear regression over the range",
    ),
    (
        "double_exponential_smoothing",
        "smoothed value of a gauge (Holt's linear method)",
    ),
    ("end", "the query's end time, in seconds"),
    ("exp", "e raised to the power of each sample"),
    (
        "first_over_time",
        "the oldest sample of each series in the range",
    ),
    ("floor", "rounds each sample down to the nearest integer"),
    ("group", "aggregation: 1 for each group (lists the groups)"),
    (
        "group_left",
        "many-to-one matching: keep the left side's labels (plus those listed from the right)",
    ),
    (
        "group_right",
        "one-to-many matching: keep the right side's labels",
    ),
    (
        "histogram_avg",
        "average of observations in native histograms",
    ),
    (
        "histogram_count",
        "count of observations in native histograms",
    ),
    (
        "histogram_fraction",
        "fraction of observations between two bounds",
    ),
    (
        "histogram_quantile",
        "φ-quantile from histogram buckets (sum by (le) of rate(..._bucket) for classic ones)",
    ),
    (
        "histogram_quantiles",
        "several φ-quantiles at once, told apart by a label",
    ),
    (
        "histogram_stddev",
        "standard deviation of observations in native histograms",
    ),
    (
        "histogram_stdvar",
        "variance of observations in native histograms",
    ),
    ("histogram_sum", "sum of observations in native histograms"),
    ("hour", "hour of the day (0-23) of each Unix time, UTC"),
    (
        "idelta",
        "difference between the last two samples in the range (gauges)",
    ),
    (
        "ignoring",
        "vector matching: match on all labels except these",
    ),
    (
        "increase",
        "how much a counter grew over the range, reset-aware and extrapolated",
    ),
    (
        "info",
        "adds the data labels of info metrics (target_info) to each series",
    ),
    (
        "irate",
        "per-second rate from the last two samples in the range (counters; spiky)",
    ),
    (
        "label_join",
        "joins the values of some labels into a new label",
    ),
    (
        "label_replace",
        "sets a label from a regex match on another label",
    ),
    (
        "last_over_time",
        "the newest sample of each series in the range",
    ),
    (
        "limit_ratio",
        "aggregation: a deterministic sample of about ratio of the series",
    ),
    ("limitk", "aggregation: k series of each group, whichever"),
    ("ln", "natural logarithm of each sample"),
    ("log10", "decimal logarithm of each sample"),
    ("log2", "binary logarithm of each sample"),
    (
        "mad_over_time",
        "median absolute deviation of each series' samples in the range",
    ),
    ("max", "aggregation: largest value in each group"),
    ("max_of", "the larger of two scalars"),
    (
        "max_over_time",
        "largest sample of each series in the range",
    ),
    ("min", "aggregation: smallest value in each group"),
    ("min_of", "the smaller of two scalars"),
    (
        "min_over_time",
        "smallest sample of each series in the range",
    ),
    ("minute", "minute of the hour (0-59) of each Unix time, UTC"),
    ("month", "month of the year (1-12) of each Unix time, UTC"),
    ("offset", "modifier: look at data this much earlier"),
    ("on", "vector matching: match only on these labels"),
    (
        "or",
        "set union: left-hand series plus right-hand series without a match",
    ),
    ("pi", "the number π"),
    (
        "predict_linear",
        "predicted value t seconds ahead, by linear regression over the range",
    ),
    (
        "present_over_time",
        "1 for each series with any sample in the range",
    ),
    (
        "quantile",
        "aggregation: φ-quantile of the values in each group",
    ),
    (
        "quantile_over_time",
        "φ-quantile of each series' samples in the range",
    ),
    ("rad", "converts degrees to radians"),
    ("range", "the query's range, in seconds"),
    (
        "rate",
        "per-second average rate of a counter over the range, reset-aware",
    ),
    (
        "resets",
        "how many counter resets each series had in the range",
    ),
    (
        "round",
        "rounds each sample to the nearest integer (or multiple of to_nearest)",
    ),
    (
        "scalar",
        "the value of a one-element vector as a scalar (NaN otherwise)",
    ),
    ("sgn", "sign of each sample: -1, 0 or 1"),
    ("sin", "sine of each sample (radians)"),
    ("sinh", "hyperbolic sine of each sample"),
    ("sort", "sorts by value, ascending (instant queries)"),
    ("sort_by_label", "sorts by label values, ascending"),
    ("sort_by_label_desc", "sorts by label values, descending"),
    ("sort_desc", "sorts by value, descending (instant queries)"),
    ("sqrt", "square root of each sample"),
    ("start", "the query's start time, in seconds"),
    (
        "start_timestamp",
        "the start (created) timestamp of each sample",
    ),
    (
        "stddev",
        "aggregation: population standard deviation in each group",
    ),
    (
        "stddev_over_time",
        "population standard deviation of each series' samples in the range",
    ),
    ("stdvar", "aggregation: population variance in each group"),
    (
        "stdvar_over_time",
        "population variance of each series' samples in the range",
    ),
    ("step", "the query's step, in seconds"),
    ("sum", "aggregation: sum of the values in each group"),
    ("sum_over_time", "sum of each series' samples in the range"),
    ("tan", "tangent of each sample (radians)"),
    ("tanh", "hyperbolic tangent of each sample"),
    ("time", "the evaluation time, in seconds since 1970"),
    ("timestamp", "the timestamp of each sample, in seconds"),
    ("topk", "aggregation: the k largest samples of each group"),
    (
        "ts_of_first_over_time",
        "time of the oldest sample in the range",
    ),
    (
        "ts_of_last_over_time",
        "time of the newest sample in the range",
    ),
    (
        "ts_of_max_over_time",
        "time of the largest sample in the range",
    ),
    (
        "ts_of_min_over_time",
        "time of the smallest sample in the range",
    ),
    (
        "unless",
        "set complement: left-hand series without a match on the right",
    ),
    (
        "vector",
        "the scalar as a one-element vector without labels",
    ),
    ("without", "grouping: drop these labels, keep the rest"),
    ("year", "year of each Unix time, UTC"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_function_and_aggregation_is_documented() {
        assert!(DOCS.windows(2).all(|w| w[0].0 < w[1].0), "sorted");
        for f in super::super::functions::FUNCTIONS {
            assert!(!doc(f.name).is_empty(), "{}", f.name);
        }
        for op in super::super::ast::AggOp::ALL {
            assert!(!doc(op.name()).is_empty(), "{}", op.name());
        }
    }
}
