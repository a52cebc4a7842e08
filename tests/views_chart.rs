//! The chart view models (src/views/chart/), natively: buckets, units, legend
//! names, downsampling, gaps, stacking, hover lookup, isolation, gauges, CSV and
//! markers. The drawing itself is tested in the browser (tests/browser/charts.rs).

use promplay::views::chart::*;

#[path = "common/chart_fixtures.rs"]
mod chart_fixtures;

use chart_fixtures::*;

#[test]
fn buckets_become_per_bucket_counts() {
    let at = |v: f64| vec![(T0, v), (T0 + 15.0, v * 2.0)];
    let data = vec![
        series("", &[("le", "+Inf")], at(10.0)),
        series("", &[("le", "0.5")], at(7.0)),
        series("", &[("le", "0.1")], at(3.0)),
        // A second instance of the same bucket is summed in.
        series("", &[("le", "0.1"), ("instance", "b")], at(1.0)),
        // Not a bucket: ignored.
        series("", &[("job", "x")], at(100.0)),
    ];
    let b = buckets(&data);
    assert_eq!(b.les, [0.1, 0.5, f64::INFINITY]);
    assert_eq!(b.times, [T0, T0 + 15.0]);
    assert_eq!(b.step, 15.0);
    assert_eq!(b.counts[0], [4.0, 3.0, 3.0]);
    assert_eq!(b.counts[1], [8.0, 6.0, 6.0]);
    // A non-monotonic cumulative value (a scrape between bucket updates) clamps at 0.
    let odd = vec![
        series("", &[("le", "1")], vec![(T0, 5.0)]),
        series("", &[("le", "2")], vec![(T0, 4.0)]),
    ];
    assert_eq!(buckets(&odd).counts[0], [5.0, 0.0]);
    assert_eq!(parse_le("+Inf"), Some(f64::INFINITY));
    assert_eq!(parse_le("0.005"), Some(0.005));
    assert_eq!(parse_le("x"), None);
    // Bars: the distribution at the last timestamp.
    assert_eq!(
        last_distribution(&data),
        vec![
            ("0.1".to_string(), 8.0),
            ("0.5".to_string(), 6.0),
            ("+Inf".to_string(), 6.0)
        ]
    );
    assert!(heat_fraction(1.0, 4.0) == 0.5 && heat_fraction(0.0, 0.0) == 0.0);
}

#[test]
fn units_format_with_auto_scaling() {
    let cases: &[(Unit, f64, &str)] = &[
        (Unit::Seconds, 0.0, "0 s"),
        (Unit::Seconds, 0.00000025, "250 ns"),
        (Unit::Seconds, 0.00035, "350 µs"),
        (Unit::Seconds, 0.35, "350 ms"),
        (Unit::Seconds, 0.9999, "1 s"),
        (Unit::Seconds, 1.5, "1.5 s"),
        (Unit::Seconds, 90.0, "1.5 min"),
        (Unit::Seconds, 7200.0, "2 h"),
        (Unit::Seconds, 3.0 * 86_400.0, "3 d"),
        (Unit::Seconds, -0.25, "-250 ms"),
        (Unit::Bytes, 512.0, "512 B"),
        (Unit::Bytes, 1536.0, "1.5 KiB"),
        (Unit::Bytes, 10.0 * 1024.0 * 1024.0, "10 MiB"),
        (Unit::Bytes, 3.0 * 1024.0 * 1024.0 * 1024.0, "3 GiB"),
        (Unit::BytesPerSecond, 2048.0, "2 KiB/s"),
        (Unit::Ratio, 0.425, "42.5%"),
        (Unit::Ratio, 1.0, "100%"),
        (Unit::Percent, 42.0, "42%"),
        (Unit::PerSecond, 1234.0, "1.23k/s"),
        (Unit::PerSecond, 2_500_000.0, "2.5M/s"),
        (Unit::PerSecond, 0.05, "0.05/s"),
        (Unit::PerSecond, 12.345, "12.3/s"),
        (Unit::None, 1500.0, "1.5k"),
        (Unit::None, 0.001234, "0.00123"),
        (Unit::None, 42.0, "42"),
        (Unit::None, f64::NAN, "NaN"),
        (Unit::Seconds, f64::INFINITY, "+Inf"),
        (Unit::Bytes, f64::NEG_INFINITY, "-Inf"),
    ];
    for &(unit, v, want) in cases {
        assert_eq!(unit.format(v), want, "{unit:?} {v}");
    }
}

#[test]
fn units_are_guessed_from_names_and_functions() {
    let cases: &[(&str, Unit)] = &[
        ("http_request_duration_seconds", Unit::Seconds),
        ("process_resident_memory_bytes", Unit::Bytes),
        ("cache_hit_ratio", Unit::Ratio),
        ("cpu_usage_percent", Unit::Percent),
        ("up", Unit::None),
        ("http_requests_total", Unit::None),
        ("rate(http_requests_total[5m])", Unit::PerSecond),
        (
            "sum by (path) (irate(http_requests_total{job=\"api\"}[1m]))",
            Unit::PerSecond,
        ),
        (
            "rate(node_network_receive_bytes_total[5m])",
            Unit::BytesPerSecond,
        ),
        ("rate(process_cpu_seconds_total[1m])", Unit::Ratio),
        (
            "sum by (le) (rate(http_request_duration_seconds_bucket[5m]))",
            Unit::PerSecond,
        ),
        (
            "rate(http_request_duration_seconds_count[5m])",
            Unit::PerSecond,
        ),
        (
            "rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])",
            Unit::Seconds,
        ),
        (
            "histogram_quantile(0.99, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))",
            Unit::Seconds,
        ),
        ("increase(http_response_size_bytes_total[1h])", Unit::Bytes),
        ("increase(http_requests_total[1h])", Unit::None),
        ("avg_over_time(queue_latency_seconds[5m])", Unit::Seconds),
        ("time() - process_start_time_seconds", Unit::Seconds),
        ("process_start_time_seconds", Unit::None),
        ("count(http_request_duration_seconds)", Unit::None),
        ("count by (job) (process_resident_memory_bytes)", Unit::None),
        (
            "max by (instance) (process_resident_memory_bytes{job=~\"a_seconds\"})",
            Unit::Bytes,
        ),
        // Same units divided: a share, not "/s".
        (
            "sum(rate(a_total[5m])) / sum(rate(b_total[5m]))",
            Unit::Ratio,
        ),
        (
            "(sum(rate(http_requests_total{status=~\"5..\"}[5m])) or vector(0))\n/ sum(rate(http_requests_total[5m]))",
            Unit::Ratio,
        ),
        ("max(disk_usage_bytes / disk_total_bytes)", Unit::Ratio),
        (
            "sum by (mode) (rate(cpu_seconds_total[1m])) / ignoring(mode) group_left sum(rate(cpu_seconds_total[1m]))",
            Unit::Ratio,
        ),
        ("rate(x_bytes_total[5m]) / 1024", Unit::BytesPerSecond),
        ("a_total / b_total", Unit::None),
        (
            "sum(rate(x_seconds_sum[5m])) / sum(rate(x_seconds_count[5m]))",
            Unit::Seconds,
        ),
    ];
    for &(expr, want) in cases {
        assert_eq!(Unit::for_metric(expr), want, "{expr}");
    }
    assert_eq!(Unit::Ratio.natural_range(), Some((0.0, 1.0)));
    assert_eq!(Unit::Bytes.natural_range(), None);
}

#[test]
fn legend_templates_and_prometheus_names() {
    let labels: Vec<(String, String)> = [
        ("__name__", "http_requests_total"),
        ("method", "GET"),
        ("path", "/api"),
        ("code", "200"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    assert_eq!(legend_name("{{method}} {{path}}", &labels), "GET /api");
    assert_eq!(legend_name("{{ code }}: {{missing}}!", &labels), "200: !");
    assert_eq!(legend_name("{{__name__}}", &labels), "http_requests_total");
    assert_eq!(legend_name("plain", &labels), "plain");
    assert_eq!(legend_name("open {{method", &labels), "open {{method");
    assert_eq!(
        prometheus_name(&labels),
        r#"http_requests_total{code="200", method="GET", path="/api"}"#
    );
    let quoted = vec![("q".to_string(), "a\"b\\".to_string())];
    assert_eq!(prometheus_name(&quoted), r#"{q="a\"b\\"}"#);
    assert_eq!(prometheus_name(&labels[..1]), "http_requests_total");
    assert_eq!(prometheus_name(&[]), "{}");

    let mut s = spec(ChartKind::Lines, Unit::None, two_lines());
    assert_eq!(
        s.names(),
        [
            r#"reqs{method="GET", path="/api"}"#,
            r#"reqs{method="POST", path="/login"}"#
        ]
    );
    s.legend = Some("{{method}} {{path}}".into());
    assert_eq!(s.names(), ["GET /api", "POST /login"]);
    s.legend = Some("  ".into());
    s.series[0].name = "given".into();
    assert_eq!(s.names()[0], "given");
}

#[test]
fn downsampling_keeps_minima_and_maxima() {
    let mut points = wave(10_000, |i| (i / 50.0).sin());
    points[4321].1 = 100.0;
    points[777].1 = -50.0;
    points[9000].1 = f64::NAN;
    let out = downsample(&points, 200);
    assert!(out.len() <= 2 * 200 + 1, "{} points", out.len());
    assert!(out.iter().any(|p| p.1 == 100.0), "the spike survives");
    assert!(out.iter().any(|p| p.1 == -50.0), "the dip survives");
    assert!(out.iter().any(|p| p.1.is_nan()), "the gap survives");
    assert!(
        out.windows(2).all(|w| w[0].0 <= w[1].0),
        "still in time order"
    );
    assert_eq!(out.first(), points.first());
    // Few points: unchanged.
    let few = wave(50, |i| i);
    assert_eq!(downsample(&few, 200), few);
}

#[test]
fn lines_break_where_steps_are_missing() {
    let points = [
        (0.0, 1.0),
        (15.0, 2.0),
        (60.0, 3.0),
        (75.0, 4.0),
        (80.0, 5.0),
    ];
    let out = break_gaps(&points);
    // The smallest spacing is 5 s: every wider gap breaks.
    let breaks: Vec<f64> = out.iter().filter(|p| p.1.is_nan()).map(|p| p.0).collect();
    assert_eq!(breaks, [5.0, 20.0, 65.0]);
    let even = wave(10, |i| i);
    assert_eq!(break_gaps(&even), even);
}

#[test]
fn stacking_fills_missing_with_zero_only_where_others_have_points() {
    let a = [(0.0, 1.0), (15.0, 2.0), (30.0, 3.0), (90.0, 1.0)];
    let b = [(15.0, 10.0), (30.0, f64::NAN), (45.0, 5.0), (90.0, 2.0)];
    let st = stack(&[&a, &b]);
    assert_eq!(st.times, [0.0, 15.0, 30.0, 45.0, 90.0]);
    assert_eq!(st.tops[0], [1.0, 2.0, 3.0, 0.0, 1.0]);
    assert_eq!(st.tops[1], [1.0, 12.0, 3.0, 5.0, 3.0]);
    assert_eq!(st.bottom(1, 1), 2.0);
    // No series has points at 60 and 75: the stack breaks there.
    assert_eq!(st.runs(), [0..4, 4..5]);
}

#[test]
fn hover_reads_values_at_the_nearest_timestamp() {
    let mut s = spec(ChartKind::Lines, Unit::PerSecond, two_lines());
    s.legend = Some("{{method}}".into());
    let t = T0 + 150.0;
    let h = hover_at(&s, &[], t + 6.0).unwrap();
    assert_eq!(h.time, t);
    assert_eq!(
        h.rows.iter().map(|r| r.name.as_str()).collect::<Vec<_>>(),
        ["GET", "POST"]
    );
    assert_eq!(h.rows[0].value, s.series[0].points[10].1);
    assert_eq!(h.rows[1].color, Some(1));
    let h = hover_at(&s, &[false, true], t).unwrap();
    assert_eq!(h.rows.len(), 1);
    assert_eq!(h.rows[0].name, "POST");
    // Heatmaps list the buckets, +Inf first; stat has no time axis.
    let heat = spec(ChartKind::Heatmap, Unit::PerSecond, histogram(4));
    let h = hover_at(&heat, &[], T0).unwrap();
    assert_eq!(h.rows[0].name, "le +Inf");
    assert_eq!(h.rows.len(), 6);
    assert!(hover_at(&spec(ChartKind::Stat, Unit::None, two_lines()), &[], T0).is_none());
    assert_eq!(nearest_index(&[1.0, 2.0, 4.0], 2.9), Some(1));
    assert_eq!(nearest_index(&[1.0, 2.0, 4.0], 3.1), Some(2));
    assert_eq!(nearest_index(&[], 3.1), None);
}

#[test]
fn isolation_and_gauge_helpers() {
    let names: Vec<String> = ["a", "b", "c"].iter().map(|s| s.to_string()).collect();
    assert_eq!(visibility(&names, None), [true, true, true]);
    assert_eq!(visibility(&names, Some("b")), [false, true, false]);
    assert_eq!(visibility(&names, Some("gone")), [true, true, true]);
    assert_eq!(toggle_isolation(None, "b").as_deref(), Some("b"));
    assert_eq!(toggle_isolation(Some("b"), "b"), None);
    assert_eq!(toggle_isolation(Some("a"), "b").as_deref(), Some("b"));

    let pts = [(0.0, 2.0), (1.0, 8.0), (2.0, 4.0)];
    assert_eq!(gauge_range(None, None, Unit::Ratio, &pts), (0.0, 1.0));
    assert_eq!(gauge_range(None, None, Unit::None, &pts), (0.0, 8.0));
    assert_eq!(
        gauge_range(Some(2.0), Some(6.0), Unit::Ratio, &pts),
        (2.0, 6.0)
    );
    assert_eq!(gauge_range(None, None, Unit::None, &[]), (0.0, 1.0));
    assert_eq!(gauge_fraction(4.0, (0.0, 8.0)), 0.5);
    assert_eq!(gauge_fraction(40.0, (0.0, 8.0)), 1.0);
    assert_eq!(last_value(&[(1.0, 2.0), (2.0, f64::NAN)]), Some((1.0, 2.0)));
}

#[test]
fn csv_export_quotes_names() {
    let mut s = spec(ChartKind::Lines, Unit::None, two_lines());
    s.series.truncate(1);
    s.series[0].points = vec![(T0, 1.5), (T0 + 15.0, f64::NAN)];
    let csv = to_csv(&s);
    assert_eq!(
        csv,
        "time,series,value\n\
         1700000000.000,\"reqs{method=\"\"GET\"\", path=\"\"/api\"\"}\",1.5\n\
         1700000015.000,\"reqs{method=\"\"GET\"\", path=\"\"/api\"\"}\",NaN\n"
    );
    assert_eq!(file_name("p99 latency/api", "png"), "p99_latency_api.png");
    assert_eq!(file_name("", "csv"), "chart.csv");
}

#[test]
fn markers_are_placed_and_clipped_to_the_axis() {
    let outage = ChartMarker {
        t: 100.0,
        until: Some(400.0),
        text: "outage".into(),
        alert: false,
    };
    assert_eq!(
        outage.placement((0.0, 1000.0)),
        (Some(100.0), Some((100.0, 400.0)))
    );
    // Started before the axis and still on: the span only, clipped.
    assert_eq!(
        outage.placement((200.0, 1000.0)),
        (None, Some((200.0, 400.0)))
    );
    assert_eq!(outage.placement((500.0, 1000.0)), (None, None));
    let change = ChartMarker {
        t: 50.0,
        until: None,
        text: "traffic".into(),
        alert: false,
    };
    assert_eq!(change.placement((0.0, 10.0)), (None, None));
    assert_eq!(change.placement((0.0, 50.0)), (Some(50.0), None));
}

/// Unix seconds of `2024-05-01T<hh>:<mm>:<ss>Z` plus `days`.
fn at(days: i64, hh: i64, mm: i64, ss: i64) -> f64 {
    (1_714_521_600 + days * 86_400 + hh * 3600 + mm * 60 + ss) as f64
}

fn labels(ticks: &[Tick]) -> Vec<&str> {
    ticks.iter().map(|t| t.label.as_str()).collect()
}

#[test]
fn time_ticks_fall_on_round_times() {
    // An hour from 03:28:20: round minutes, not every 16m40s (03:30:00, 03:46:40).
    let ticks = time_ticks(at(0, 3, 28, 20), at(0, 4, 28, 20), 6);
    assert_eq!(
        labels(&ticks),
        ["03:30", "03:40", "03:50", "04:00", "04:10", "04:20"]
    );
    let ticks = time_ticks(at(0, 3, 28, 20), at(0, 4, 28, 20), 4);
    assert_eq!(labels(&ticks), ["03:30", "03:45", "04:00", "04:15"]);
    assert_eq!(ticks[0].at, at(0, 3, 30, 0));
    // Steps from the round list: 1, 2, 5, 10, 15, 30 s or min, hours, days.
    let steps: Vec<f64> = [50.0, 100.0, 240.0, 600.0, 1500.0, 3600.0, 5400.0, 86_400.0]
        .iter()
        .map(|span| time_step(*span, 5))
        .collect();
    assert_eq!(
        steps,
        [10.0, 30.0, 60.0, 120.0, 300.0, 900.0, 1800.0, 6.0 * 3600.0]
    );
    assert_eq!(time_step(10.0 * 86_400.0, 6), 2.0 * 86_400.0);
    // Under a minute a step: seconds shown.
    let ticks = time_ticks(at(0, 12, 0, 3), at(0, 12, 1, 3), 6);
    assert_eq!(
        labels(&ticks),
        [
            "12:00:10", "12:00:20", "12:00:30", "12:00:40", "12:00:50", "12:01:00"
        ]
    );
    assert!(time_ticks(5.0, 5.0, 6).is_empty());
}

#[test]
fn time_ticks_name_the_day_on_ranges_crossing_midnight() {
    // A day from 03:47 on May 1: 3-hourly, midnight named by its date.
    let ticks = time_ticks(at(0, 3, 47, 0), at(1, 3, 47, 0), 8);
    assert_eq!(
        labels(&ticks),
        [
            "06:00", "09:00", "12:00", "15:00", "18:00", "21:00", "May 2", "03:00"
        ]
    );
    // Two days: every midnight named.
    let ticks = time_ticks(at(0, 10, 0, 0), at(2, 10, 0, 0), 4);
    assert_eq!(labels(&ticks), ["12:00", "May 2", "12:00", "May 3"]);
    // Steps of days: dates only; the month turns.
    let ticks = time_ticks(at(-3, 0, 0, 0), at(7, 0, 0, 0), 6);
    assert_eq!(
        labels(&ticks),
        ["Apr 29", "May 1", "May 3", "May 5", "May 7"]
    );
    // Within one day: no date.
    let ticks = time_ticks(at(0, 1, 0, 0), at(0, 23, 0, 0), 8);
    assert!(ticks.iter().all(|t| t.label.contains(':')), "{ticks:?}");
}

#[test]
fn value_ticks_are_round_and_never_read_alike() {
    let cases: &[(Unit, f64, f64, &[&str])] = &[
        // A scrape duration near 1 ms that barely moves: as many decimals as
        // the step needs, not "1 ms" four times.
        (
            Unit::Seconds,
            0.00100005,
            0.00100035,
            &["1.0001 ms", "1.0002 ms", "1.0003 ms"],
        ),
        (
            Unit::Seconds,
            0.0,
            0.0016,
            &["0 s", "0.5 ms", "1 ms", "1.5 ms"],
        ),
        (
            Unit::Seconds,
            0.0,
            200.0,
            &["0 s", "1 min", "2 min", "3 min"],
        ),
        (
            Unit::Bytes,
            0.0,
            9.0 * 1024.0 * 1024.0,
            &["0 B", "2 MiB", "4 MiB", "6 MiB", "8 MiB"],
        ),
        (Unit::Ratio, 0.0, 1.05, &["0%", "50%", "100%"]),
        (
            Unit::PerSecond,
            -100.0,
            1600.0,
            &["0/s", "0.5k/s", "1k/s", "1.5k/s"],
        ),
        (
            Unit::None,
            0.0012,
            0.0019,
            &["0.0012", "0.0014", "0.0016", "0.0018"],
        ),
    ];
    for &(unit, lo, hi, want) in cases {
        let ticks = value_ticks(unit, lo, hi, 5);
        assert_eq!(labels(&ticks), want, "{unit:?} {lo}..{hi}");
        assert!(ticks.iter().all(|t| (lo..=hi).contains(&t.at)));
    }
    // Whatever the range, labels are distinct.
    for (lo, hi) in [(0.99e-3, 1.01e-3), (41.999, 42.001), (1e9, 1e9 + 3.0)] {
        for unit in [Unit::Seconds, Unit::None, Unit::Bytes, Unit::PerSecond] {
            let ticks = value_ticks(unit, lo, hi, 6);
            let mut seen = labels(&ticks);
            assert!(seen.len() >= 2, "{unit:?} {lo}..{hi}: {ticks:?}");
            seen.dedup();
            assert_eq!(seen.len(), ticks.len(), "{unit:?} {lo}..{hi}: {ticks:?}");
        }
    }
    assert!(value_ticks(Unit::None, 1.0, 1.0, 5).is_empty());
}

#[test]
fn bucket_bounds_are_labelled_in_the_histograms_unit() {
    let query = "sum by (le) (rate(http_request_duration_seconds_bucket[5m]))";
    assert_eq!(Unit::for_buckets(query), Unit::Seconds);
    assert_eq!(
        Unit::for_buckets("rate(queue_depth_bucket[5m])"),
        Unit::None
    );
    let les = [0.005, 0.25, 2.5, f64::INFINITY];
    let spelled: Vec<String> = ["0.005", "0.25", "2.5", "+Inf"].map(String::from).to_vec();
    assert_eq!(
        bound_labels(Unit::Seconds, &les, &spelled),
        ["5 ms", "250 ms", "2.5 s", "+Inf"]
    );
    assert_eq!(bound_labels(Unit::None, &les, &spelled), spelled);
    // Bounds the unit would write alike keep their spelling.
    let close = [0.0010001, 0.0010002];
    let close_spelled: Vec<String> = ["0.0010001", "0.0010002"].map(String::from).to_vec();
    assert_eq!(
        bound_labels(Unit::Seconds, &close, &close_spelled),
        close_spelled
    );
    // The heatmap's hover names its rows the same way.
    let mut heat = spec(ChartKind::Heatmap, Unit::PerSecond, histogram(4));
    heat.le_unit = Unit::Seconds;
    let h = hover_at(&heat, &[], T0).unwrap();
    assert_eq!(h.rows[0].name, "le +Inf");
    assert_eq!(h.rows[1].name, "le 1 s");
    assert_eq!(h.rows[5].name, "le 50 ms");
}
