//! INTERIM: replaced by the Go text/template port (in progress).
pub trait Querier {
    fn query(
        &mut self,
        expr: &str,
        at_ms: i64,
    ) -> Result<Vec<(Vec<(String, String)>, f64)>, String>;
}

#[allow(clippy::too_many_arguments)]
pub fn expand_alert_text(
    _rule_name: &str,
    text: &str,
    _labels: &[(String, String)],
    _external_labels: &[(String, String)],
    _external_url: &str,
    _value: f64,
    _at_ms: i64,
    _querier: Option<&mut dyn Querier>,
) -> String {
    text.to_string()
}

pub fn check_alert_text(_rule_name: &str, _text: &str) -> Result<(), String> {
    Ok(())
}
