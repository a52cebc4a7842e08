//! Exposition text as the Exposition pane shows it: each line cut into classed
//! runs for highlighting (the classes are the PromQL highlighter's `tok-*` ones).

/// A sample or metadata line cut into classed runs: `# TYPE`/`# HELP` keyword,
/// metric name, label names, label values, value and timestamp.
pub fn highlight_line(line: &str) -> Vec<(String, &'static str)> {
    if let Some(rest) = line.strip_prefix('#') {
        let mut words = rest.splitn(3, ' ');
        let (_, keyword, tail) = (words.next(), words.next(), words.next());
        return match (keyword, tail) {
            (Some(k @ ("TYPE" | "HELP" | "UNIT")), Some(tail)) => {
                let (name, text) = tail.split_once(' ').unwrap_or((tail, ""));
                vec![
                    (format!("# {k} "), "tok-keyword"),
                    (name.to_string(), "tok-metric"),
                    (format!(" {text}").trim_end().to_string(), "tok-comment"),
                ]
            }
            _ => vec![(line.to_string(), "tok-comment")],
        };
    }
    let name_end = line.find(['{', ' ']).unwrap_or(line.len());
    let mut out = vec![(line[..name_end].to_string(), "tok-metric")];
    let mut rest = &line[name_end..];
    if rest.starts_with('{')
        && let Some(close) = rest.rfind('}')
    {
        let labels = &rest[..=close];
        // Names before `=`, quoted values after, the rest punctuation.
        let mut in_value = false;
        let mut run = String::new();
        let mut class = "tok-punct";
        let mut escaped = false;
        for c in labels.chars() {
            // A value's quotes belong to the string, as in the PromQL highlighter.
            let opening = c == '"' && !in_value;
            let next_class = if in_value || opening {
                "tok-string"
            } else if c.is_alphanumeric() || c == '_' {
                "tok-label"
            } else {
                "tok-punct"
            };
            if next_class != class && !run.is_empty() {
                out.push((std::mem::take(&mut run), class));
            }
            class = next_class;
            run.push(c);
            if c == '"' && !escaped {
                if in_value {
                    out.push((std::mem::take(&mut run), "tok-string"));
                    class = "tok-punct";
                }
                in_value = !in_value;
            }
            escaped = c == '\\' && !escaped;
        }
        if !run.is_empty() {
            out.push((run, class));
        }
        rest = &rest[close + 1..];
    }
    let trimmed = rest.trim_start();
    let gap = &rest[..rest.len() - trimmed.len()];
    let mut parts = trimmed.splitn(2, ' ');
    if let Some(value) = parts.next().filter(|v| !v.is_empty()) {
        if !gap.is_empty() {
            out.push((gap.to_string(), ""));
        }
        out.push((value.to_string(), "tok-number"));
    }
    if let Some(tail) = parts.next() {
        out.push((format!(" {tail}"), "tok-comment"));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::highlight_line;

    fn classes(line: &str) -> Vec<(String, &'static str)> {
        highlight_line(line)
    }

    #[test]
    fn metadata_samples_labels_values_and_timestamps() {
        assert_eq!(
            classes("# TYPE http_requests counter"),
            [
                ("# TYPE ".to_string(), "tok-keyword"),
                ("http_requests".to_string(), "tok-metric"),
                (" counter".to_string(), "tok-comment"),
            ]
        );
        assert_eq!(classes("# EOF"), [("# EOF".to_string(), "tok-comment")]);
        let runs = classes(r#"x_total{path="/a\"b",code="200"} 3 1714521600.000"#);
        let text: String = runs.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(text, r#"x_total{path="/a\"b",code="200"} 3 1714521600.000"#);
        assert_eq!(runs[0], ("x_total".to_string(), "tok-metric"));
        assert!(runs.contains(&("path".to_string(), "tok-label")));
        assert!(runs.contains(&(r#""/a\"b""#.to_string(), "tok-string")));
        assert!(runs.contains(&("3".to_string(), "tok-number")));
        assert_eq!(
            runs.last().unwrap(),
            &(" 1714521600.000".to_string(), "tok-comment")
        );
        // Nothing is lost from odd lines.
        for odd in ["", "{", "x{", "x{a=\"", "# ", "x 1 2 3"] {
            let joined: String = classes(odd).iter().map(|(t, _)| t.as_str()).collect();
            assert_eq!(joined.trim_end(), odd.trim_end(), "{odd:?}");
        }
    }
}
