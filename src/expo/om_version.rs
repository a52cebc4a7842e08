//! Which OpenMetrics text the parser reads and the encoder writes: 1.0.0, or the
//! 2.0 draft's additions as client_python 0.26 writes them with `version=2.0.0`
//! (native histogram sample values `{count:…,sum:…,schema:…,…}` and several
//! exemplars on such a sample). Everything else follows OpenMetrics 1.0 in both.

/// An OpenMetrics text version (the `version=` parameter of the content type).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum OpenMetricsVersion {
    /// OpenMetrics 1.0.0: native histograms cannot be written and are left out.
    #[default]
    V1,
    /// `version=2.0.0`: the draft's native histogram syntax (experimental; it may change).
    V2Draft,
}

impl OpenMetricsVersion {
    /// The version a `version=` parameter value names (`1.0.0`, `2.0.0`; `1` and `2` too).
    pub fn from_param(value: &str) -> Option<OpenMetricsVersion> {
        match value.trim().trim_matches('"') {
            "1.0.0" | "1.0" | "1" => Some(OpenMetricsVersion::V1),
            "2.0.0" | "2.0" | "2" => Some(OpenMetricsVersion::V2Draft),
            _ => None,
        }
    }

    /// The version an OpenMetrics `Content-Type` names; 1.0 when it names none (or
    /// is not OpenMetrics at all).
    pub fn from_content_type(content_type: &str) -> OpenMetricsVersion {
        content_type
            .split(';')
            .skip(1)
            .filter_map(|param| param.split_once('='))
            .find(|(key, _)| key.trim().eq_ignore_ascii_case("version"))
            .and_then(|(_, value)| OpenMetricsVersion::from_param(value))
            .unwrap_or_default()
    }

    /// The `version=` value.
    pub fn param(self) -> &'static str {
        match self {
            OpenMetricsVersion::V1 => "1.0.0",
            OpenMetricsVersion::V2Draft => "2.0.0",
        }
    }

    /// The `Content-Type` of OpenMetrics text of this version.
    pub fn content_type(self) -> &'static str {
        match self {
            OpenMetricsVersion::V1 => "application/openmetrics-text; version=1.0.0; charset=utf-8",
            OpenMetricsVersion::V2Draft => {
                "application/openmetrics-text; version=2.0.0; charset=utf-8"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::OpenMetricsVersion::{self, *};

    #[test]
    fn the_version_comes_from_the_content_type() {
        for (content_type, version) in [
            (
                "application/openmetrics-text; version=2.0.0; charset=utf-8",
                V2Draft,
            ),
            ("application/openmetrics-text;version=\"2.0.0\"", V2Draft),
            ("application/openmetrics-text; version=1.0.0", V1),
            ("application/openmetrics-text", V1),
            ("text/plain; version=0.0.4", V1),
        ] {
            assert_eq!(OpenMetricsVersion::from_content_type(content_type), version);
        }
        assert_eq!(
            OpenMetricsVersion::from_content_type(V2Draft.content_type()),
            V2Draft
        );
    }
}
