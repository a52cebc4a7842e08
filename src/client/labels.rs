//! Name rules: the full metric name (namespace, subsystem, unit suffix, counter
//! `_total` munging, as client_python builds it), label-name validation, and the
//! OpenMetrics exemplar length limit.

use super::error::ClientError;
use crate::expo::model::{Labels, MetricType};

/// Naming options common to every metric type, in the style of client_golang's `Opts`.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Opts {
    pub name: String,
    pub help: String,
    pub namespace: String,
    pub subsystem: String,
    /// OpenMetrics unit; appended to the name as `_<unit>` unless already there.
    pub unit: String,
}

impl Opts {
    pub fn new(name: impl Into<String>, help: impl Into<String>) -> Opts {
        Opts {
            name: name.into(),
            help: help.into(),
            ..Opts::default()
        }
    }

    pub fn namespace(mut self, namespace: impl Into<String>) -> Opts {
        self.namespace = namespace.into();
        self
    }

    pub fn subsystem(mut self, subsystem: impl Into<String>) -> Opts {
        self.subsystem = subsystem.into();
        self
    }

    pub fn unit(mut self, unit: impl Into<String>) -> Opts {
        self.unit = unit.into();
        self
    }

    /// The family name, as client_python's `_build_full_name` makes it: a counter's
    /// `_total` is stripped (it is a sample suffix), then the unit is appended unless
    /// the name already ends in it, so `requests` with unit `total` becomes
    /// `requests_total` (whose counter sample is `requests_total_total`).
    pub fn full_name(&self, metric_type: MetricType) -> Result<String, ClientError> {
        if self.name.is_empty() {
            return Err(ClientError::EmptyMetricName);
        }
        let mut full = String::new();
        for prefix in [&self.namespace, &self.subsystem] {
            if !prefix.is_empty() {
                full.push_str(prefix);
                full.push('_');
            }
        }
        full.push_str(&self.name);
        if metric_type == MetricType::Counter
            && let Some(stripped) = full.strip_suffix("_total")
        {
            full = stripped.to_string();
        }
        if !self.unit.is_empty() {
            if matches!(metric_type, MetricType::Info | MetricType::StateSet) {
                return Err(ClientError::UnitNotAllowed { name: full });
            }
            let suffix = format!("_{}", self.unit);
            if !full.ends_with(&suffix) {
                full.push_str(&suffix);
            }
        }
        Ok(full)
    }
}

/// `[a-zA-Z_][a-zA-Z0-9_]*`, not starting with `__` (reserved for Prometheus itself).
pub fn validate_label_name(name: &str) -> Result<(), ClientError> {
    if !crate::expo::encode::format::is_legacy_label_name(name) {
        return Err(ClientError::InvalidLabelName(name.to_string()));
    }
    if name.starts_with("__") {
        return Err(ClientError::ReservedLabelName(name.to_string()));
    }
    Ok(())
}

/// Validates a metric's label names: each valid, none reserved by the type, no repeats.
pub fn validate_label_names(
    names: &[&str],
    reserved_by_type: &[&str],
) -> Result<Vec<String>, ClientError> {
    let mut validated: Vec<String> = Vec::with_capacity(names.len());
    for name in names {
        validate_label_name(name)?;
        if reserved_by_type.contains(name) {
            return Err(ClientError::ReservedLabelName(name.to_string()));
        }
        if validated.iter().any(|seen| seen == name) {
            return Err(ClientError::DuplicateLabelName(name.to_string()));
        }
        validated.push(name.to_string());
    }
    Ok(validated)
}

/// OpenMetrics limits an exemplar's label names and values together to 128 characters.
pub const EXEMPLAR_MAX_RUNES: usize = 128;

/// Validates exemplar labels (names valid, at most 128 characters in all) and returns them.
pub fn validate_exemplar_labels(labels: &[(&str, &str)]) -> Result<Labels, ClientError> {
    let mut runes = 0;
    for (name, value) in labels {
        validate_label_name(name)?;
        runes += name.chars().count() + value.chars().count();
    }
    if runes > EXEMPLAR_MAX_RUNES {
        return Err(ClientError::ExemplarTooLong(runes));
    }
    Ok(labels
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect())
}
