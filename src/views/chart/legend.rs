//! Legend names: Grafana-style templates (`{{method}} {{path}}`) and Prometheus's
//! `name{label="value", ...}` form.

/// Fills `{{label}}` placeholders (spaces inside the braces allowed) from `labels`;
/// a label the series lacks becomes empty, as in Grafana. Text outside placeholders
/// is kept as is, an unclosed `{{` too.
pub fn legend_name(template: &str, labels: &[(String, String)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find("{{") {
        out.push_str(&rest[..open]);
        let after = &rest[open + 2..];
        let Some(close) = after.find("}}") else {
            out.push_str(&rest[open..]);
            return out;
        };
        let key = after[..close].trim();
        if let Some((_, v)) = labels.iter().find(|(k, _)| k == key) {
            out.push_str(v);
        }
        rest = &after[close + 2..];
    }
    out.push_str(rest);
    out
}

/// Prometheus's text form of a label set: `up{instance="a:9090", job="api"}`, the
/// metric name (`__name__`) in front, other labels sorted, values escaped; `{}` for none.
pub fn prometheus_name(labels: &[(String, String)]) -> String {
    let name = labels
        .iter()
        .find(|(k, _)| k == "__name__")
        .map(|(_, v)| v.as_str())
        .unwrap_or("");
    let mut rest: Vec<&(String, String)> = labels.iter().filter(|(k, _)| k != "__name__").collect();
    crate::sort::sort(&mut rest[..]);
    if rest.is_empty() && !name.is_empty() {
        return name.to_string();
    }
    let pairs: Vec<String> = rest
        .iter()
        .map(|(k, v)| {
            let v = v
                .replace('\\', "\\\\")
                .replace('"', "\\\"")
                .replace('\n', "\\n");
            format!("{k}=\"{v}\"")
        })
        .collect();
    format!("{name}{{{}}}", pairs.join(", "))
}
