//! Between the two ways families are named (see `model`): canonical (OpenMetrics,
//! the instrumentation API) and text 0.0.4. The mapping is the one client_python
//! applies when it writes text 0.0.4, so a converted document reads as the
//! official client would have written it.

use crate::expo::{MetricFamily, MetricType};

/// Canonical families as text 0.0.4 names them: counters gain `_total`, info
/// families `_info` (as gauges), statesets become gauges, gauge histograms
/// histograms, unknown untyped; `_created`, `_gsum` and `_gcount` samples move to
/// gauge families of their own, after the family they belong to.
pub fn to_text_families(families: &[MetricFamily]) -> Vec<MetricFamily> {
    let mut out = Vec::with_capacity(families.len());
    for family in families {
        let (name, metric_type) = match family.metric_type {
            MetricType::Counter => (format!("{}_total", family.name), MetricType::Counter),
            MetricType::Info => (format!("{}_info", family.name), MetricType::Gauge),
            MetricType::StateSet => (family.name.clone(), MetricType::Gauge),
            MetricType::GaugeHistogram => (family.name.clone(), MetricType::Histogram),
            other => (family.name.clone(), other),
        };
        let mut main = MetricFamily {
            name,
            metric_type,
            help: family.help.clone(),
            unit: None,
            samples: Vec::new(),
        };
        // Sorted by suffix, as client_python writes them.
        let mut split: Vec<(&str, MetricFamily)> = Vec::new();
        for sample in &family.samples {
            let suffix = ["_created", "_gcount", "_gsum"]
                .into_iter()
                .find(|s| sample.name.strip_prefix(family.name.as_str()) == Some(s));
            match suffix {
                Some(suffix) => {
                    let index = match split.iter().position(|(s, _)| *s == suffix) {
                        Some(i) => i,
                        None => {
                            let mut gauge = MetricFamily::new(
                                format!("{}{}", family.name, suffix),
                                MetricType::Gauge,
                            );
                            gauge.help = family.help.clone();
                            split.push((suffix, gauge));
                            split.len() - 1
                        }
                    };
                    let mut moved = sample.clone();
                    moved.exemplar = None;
                    split[index].1.samples.push(moved);
                }
                None => {
                    let mut kept = sample.clone();
                    kept.exemplar = None;
                    main.samples.push(kept);
                }
            }
        }
        crate::sort::sort_by_key(&mut split[..], |(suffix, _)| *suffix);
        out.push(main);
        out.extend(split.into_iter().map(|(_, f)| f));
    }
    out
}

/// Text 0.0.4 families named canonically: a counter `x_total` becomes family `x`
/// (a counter without `_total` gets its samples renamed to `x_total`, which
/// OpenMetrics requires); untyped is unknown.
pub fn to_canonical(families: &[MetricFamily]) -> Vec<MetricFamily> {
    families
        .iter()
        .map(|family| {
            let mut family = family.clone();
            if family.metric_type == MetricType::Counter {
                if let Some(base) = family.name.strip_suffix("_total") {
                    family.name = base.to_string();
                } else {
                    let total = format!("{}_total", family.name);
                    for sample in &mut family.samples {
                        if sample.name == family.name {
                            sample.name = total.clone();
                        }
                    }
                }
            }
            family
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::expo::Sample;

    fn family(name: &str, t: MetricType, samples: &[&str]) -> MetricFamily {
        let mut f = MetricFamily::new(name, t);
        f.samples = samples
            .iter()
            .map(|s| Sample::new(*s, vec![], 1.0))
            .collect();
        f
    }

    #[test]
    fn canonical_counter_and_created_split_like_client_python() {
        let text = to_text_families(&[family(
            "cc",
            MetricType::Counter,
            &["cc_total", "cc_created"],
        )]);
        let names: Vec<(&str, MetricType)> = text
            .iter()
            .map(|f| (f.name.as_str(), f.metric_type))
            .collect();
        assert_eq!(
            names,
            [
                ("cc_total", MetricType::Counter),
                ("cc_created", MetricType::Gauge)
            ]
        );
        assert_eq!(text[0].samples[0].name, "cc_total");
    }

    #[test]
    fn gaugehistogram_info_and_stateset_map_to_text_types() {
        let text = to_text_families(&[
            family(
                "gh",
                MetricType::GaugeHistogram,
                &["gh_bucket", "gh_gcount", "gh_gsum"],
            ),
            family("build", MetricType::Info, &["build_info"]),
            family("state", MetricType::StateSet, &["state"]),
        ]);
        let names: Vec<&str> = text.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(names, ["gh", "gh_gcount", "gh_gsum", "build_info", "state"]);
        assert_eq!(text[0].metric_type, MetricType::Histogram);
        assert_eq!(text[3].metric_type, MetricType::Gauge);
    }

    #[test]
    fn text_counters_become_canonical() {
        let canonical = to_canonical(&[
            family("a_total", MetricType::Counter, &["a_total"]),
            family("b", MetricType::Counter, &["b"]),
        ]);
        assert_eq!(canonical[0].name, "a");
        assert_eq!(canonical[0].samples[0].name, "a_total");
        assert_eq!(canonical[1].name, "b");
        assert_eq!(canonical[1].samples[0].name, "b_total");
    }
}
