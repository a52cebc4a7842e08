//! Native histograms drawn as the heatmap and bar charts draw classic ones: each
//! histogram point becomes cumulative counts at bucket upper bounds, one series per
//! bound with an `le` label, so [`super::buckets`] turns them into cells exactly as
//! it does `rate(x_bucket[5m])`. The points of a series are first brought to one
//! schema (the lowest they use, coarser still if that would give more than
//! [`MAX_ROWS`] rows), so its rows line up over time.

use crate::gofmt::go_float;
use crate::histogram::{EXPONENTIAL_SCHEMA_MIN, FloatHistogram};
use crate::promql::engine::HPoint;

use super::ChartSeries;

/// The most bucket rows a heatmap of one native histogram series gets.
pub const MAX_ROWS: usize = 64;

/// The `le` series of one native histogram series (times in seconds); empty if it
/// has no histogram points.
pub fn native_bucket_series(
    name: &str,
    labels: &[(String, String)],
    points: &[HPoint],
) -> Vec<ChartSeries> {
    if points.is_empty() {
        return Vec::new();
    }
    // The lowest exponential schema (custom-bucket points keep their bounds).
    let mut schema = points
        .iter()
        .filter(|p| !p.h.uses_custom_buckets())
        .map(|p| p.h.schema)
        .min();
    let (hists, bounds) = loop {
        let hists: Vec<(i64, FloatHistogram)> = points
            .iter()
            .map(|p| match schema {
                Some(s) if !p.h.uses_custom_buckets() => (p.t, p.h.copy_to_schema(s)),
                _ => (p.t, (*p.h).clone()),
            })
            .collect();
        let bounds = upper_bounds(hists.iter().map(|(_, h)| h));
        match schema {
            Some(s) if bounds.len() > MAX_ROWS && s > EXPONENTIAL_SCHEMA_MIN => {
                schema = Some(s - 1);
            }
            _ => break (hists, bounds),
        }
    };
    let mut out: Vec<ChartSeries> = bounds
        .iter()
        .map(|&b| {
            let mut l = labels.to_vec();
            l.retain(|(n, _)| n != "le");
            l.push(("le".to_string(), bound_text(b)));
            ChartSeries {
                name: format!("{name} le={}", bound_text(b)),
                labels: l,
                points: Vec::with_capacity(hists.len()),
            }
        })
        .collect();
    for (t, h) in &hists {
        let mut cumulative = 0.0;
        let mut buckets = h.all_bucket_iter().peekable();
        for (k, &b) in bounds.iter().enumerate() {
            while let Some(bucket) = buckets.next_if(|bucket| bucket.upper <= b) {
                cumulative += bucket.count;
            }
            out[k].points.push((*t as f64 / 1e3, cumulative));
        }
    }
    out
}

/// The distinct upper bounds of the histograms' buckets, ascending.
fn upper_bounds<'a>(hists: impl Iterator<Item = &'a FloatHistogram>) -> Vec<f64> {
    let mut bounds: Vec<f64> = hists
        .flat_map(|h| h.all_bucket_iter().map(|b| b.upper).collect::<Vec<_>>())
        .filter(|b| !b.is_nan())
        .collect();
    crate::sort::sort_by(&mut bounds[..], f64::total_cmp);
    bounds.dedup();
    bounds
}

fn bound_text(b: f64) -> String {
    if b == f64::INFINITY {
        "+Inf".into()
    } else {
        go_float(b)
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::histogram::notation::parse_histogram;

    fn point(t: i64, text: &str) -> HPoint {
        HPoint {
            t,
            h: Arc::new(parse_histogram(text).unwrap()),
        }
    }

    #[test]
    fn points_become_cumulative_counts_at_shared_bounds() {
        // Schema 1 then schema 0: both drawn at schema 0 (bounds 1, 2, 4).
        let points = [
            point(0, "{{schema:0 count:3 sum:4 buckets:[1 2]}}"),
            point(
                60_000,
                "{{schema:1 count:4 sum:6 offset:1 buckets:[1 1 2]}}",
            ),
        ];
        let series = native_bucket_series("h", &[], &points);
        let les: Vec<&str> = series.iter().map(|s| s.labels[0].1.as_str()).collect();
        assert_eq!(les, vec!["1", "2", "4"]);
        // At t=0: buckets (0.5,1]:1 (1,2]:2.
        assert_eq!(series[0].points[0], (0.0, 1.0));
        assert_eq!(series[1].points[0], (0.0, 3.0));
        assert_eq!(series[2].points[0], (0.0, 3.0));
        // At 60 s, schema 1's (1,1.41]:1 (1.41,2]:1 merge into (1,2]:2, (2,2.83]+(2.83,4]: 2.
        assert_eq!(series[0].points[1], (60.0, 0.0));
        assert_eq!(series[1].points[1], (60.0, 2.0));
        assert_eq!(series[2].points[1], (60.0, 4.0));
        let cells = super::super::buckets(&series);
        assert_eq!(cells.counts[0], vec![1.0, 2.0, 0.0]);
    }

    #[test]
    fn wide_histograms_are_coarsened_to_the_row_limit() {
        let many = format!(
            "{{{{schema:3 count:200 sum:1 buckets:[{}]}}}}",
            vec!["1"; 200].join(" ")
        );
        let series = native_bucket_series("h", &[], &[point(0, &many)]);
        assert!(series.len() <= MAX_ROWS, "{}", series.len());
        let total = series.last().unwrap().points[0].1;
        assert_eq!(total, 200.0);
    }
}
