//! Receivers and their integrations (`email_configs`, `slack_configs`, …): the kind
//! of each, whether it sends resolved notifications (`send_resolved`, whose default
//! depends on the kind: `config/notifiers.go`), and the checks Alertmanager 0.25
//! makes when it reads them, with its messages. Nothing is sent anywhere: the
//! settings that address a real service are only checked.

use serde::Deserialize;

/// One notifier of a receiver, as the notification pipeline knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Integration {
    /// Alertmanager's integration name: `email`, `slack`, `webhook`, …
    pub kind: &'static str,
    /// Its position among the receiver's integrations of the same kind (the
    /// notification log tells `webhook_configs[0]` from `webhook_configs[1]`).
    pub index: usize,
    pub send_resolved: bool,
}

/// A receiver: its name and integrations, in the order Alertmanager builds them.
#[derive(Clone, Debug)]
pub struct ReceiverConfig {
    pub name: String,
    pub integrations: Vec<Integration>,
}

/// The kinds in the order Alertmanager 0.25 builds a receiver's integrations
/// (`buildReceiverIntegrations`), with the default of `send_resolved` for each.
const KINDS: [(&str, bool); 12] = [
    ("webhook", true),
    ("email", false),
    ("pagerduty", true),
    ("opsgenie", true),
    ("wechat", false),
    ("slack", false),
    ("victorops", true),
    ("pushover", true),
    ("sns", true),
    ("telegram", true),
    ("discord", true),
    ("webex", true),
];

/// The settings of one integration that decide whether the file loads; the
/// others (templates, TLS, …) are accepted and ignored.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct IntegrationFile {
    pub(crate) send_resolved: Option<bool>,
    pub(crate) url: Option<String>,
    pub(crate) to: Option<String>,
    pub(crate) from: Option<String>,
    pub(crate) smarthost: Option<String>,
    pub(crate) api_url: Option<String>,
    pub(crate) api_url_file: Option<String>,
    pub(crate) routing_key: Option<String>,
    pub(crate) routing_key_file: Option<String>,
    pub(crate) service_key: Option<String>,
    pub(crate) service_key_file: Option<String>,
    pub(crate) api_key: Option<String>,
    pub(crate) api_key_file: Option<String>,
    pub(crate) api_secret: Option<String>,
    pub(crate) corp_id: Option<String>,
    pub(crate) message_type: Option<String>,
    pub(crate) user_key: Option<String>,
    pub(crate) token: Option<String>,
    pub(crate) bot_token: Option<String>,
    pub(crate) chat_id: Option<i64>,
    pub(crate) parse_mode: Option<String>,
    pub(crate) topic_arn: Option<String>,
    pub(crate) target_arn: Option<String>,
    pub(crate) phone_number: Option<String>,
    pub(crate) webhook_url: Option<String>,
    pub(crate) room_id: Option<String>,
    pub(crate) http_config: Option<HttpConfigFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct HttpConfigFile {
    authorization: Option<serde::de::IgnoredAny>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct ReceiverFile {
    pub(crate) name: Option<String>,
    pub(crate) webhook_configs: Vec<IntegrationFile>,
    pub(crate) email_configs: Vec<IntegrationFile>,
    pub(crate) pagerduty_configs: Vec<IntegrationFile>,
    pub(crate) opsgenie_configs: Vec<IntegrationFile>,
    pub(crate) wechat_configs: Vec<IntegrationFile>,
    pub(crate) slack_configs: Vec<IntegrationFile>,
    pub(crate) victorops_configs: Vec<IntegrationFile>,
    pub(crate) pushover_configs: Vec<IntegrationFile>,
    pub(crate) sns_configs: Vec<IntegrationFile>,
    pub(crate) telegram_configs: Vec<IntegrationFile>,
    pub(crate) discord_configs: Vec<IntegrationFile>,
    pub(crate) webex_configs: Vec<IntegrationFile>,
}

/// The `global:` settings integrations fall back on.
#[derive(Debug, Default, Deserialize)]
#[serde(default)]
pub(crate) struct GlobalFile {
    pub(crate) resolve_timeout: Option<String>,
    pub(crate) smtp_from: Option<String>,
    pub(crate) smtp_smarthost: Option<String>,
    pub(crate) smtp_auth_password: Option<String>,
    pub(crate) smtp_auth_password_file: Option<String>,
    pub(crate) slack_api_url: Option<String>,
    pub(crate) slack_api_url_file: Option<String>,
    pub(crate) opsgenie_api_key: Option<String>,
    pub(crate) opsgenie_api_key_file: Option<String>,
    pub(crate) wechat_api_secret: Option<String>,
    pub(crate) wechat_api_corp_id: Option<String>,
    pub(crate) victorops_api_key: Option<String>,
    pub(crate) victorops_api_key_file: Option<String>,
}

/// Go's `""` for a missing string.
fn set(value: &Option<String>) -> bool {
    value.as_deref().is_some_and(|v| !v.is_empty())
}

fn at_most_one(a: &Option<String>, b: &Option<String>, names: &str) -> Result<(), String> {
    match set(a) && set(b) {
        true => Err(format!("at most one of {names} must be configured")),
        false => Ok(()),
    }
}

impl GlobalFile {
    /// The conflicts `Config.UnmarshalYAML` rejects first.
    pub(crate) fn check(&self) -> Result<(), String> {
        at_most_one(
            &self.slack_api_url,
            &self.slack_api_url_file,
            "slack_api_url & slack_api_url_file",
        )?;
        at_most_one(
            &self.opsgenie_api_key,
            &self.opsgenie_api_key_file,
            "opsgenie_api_key & opsgenie_api_key_file",
        )?;
        at_most_one(
            &self.victorops_api_key,
            &self.victorops_api_key_file,
            "victorops_api_key & victorops_api_key_file",
        )?;
        at_most_one(
            &self.smtp_auth_password,
            &self.smtp_auth_password_file,
            "smtp_auth_password & smtp_auth_password_file",
        )?;
        if let Some(hostport) = self.smtp_smarthost.as_deref() {
            check_host_port(hostport)?;
        }
        Ok(())
    }
}

impl ReceiverFile {
    pub(crate) fn name(&self) -> &str {
        self.name.as_deref().unwrap_or("")
    }

    fn of_kind(&self, kind: &str) -> &[IntegrationFile] {
        match kind {
            "webhook" => &self.webhook_configs,
            "email" => &self.email_configs,
            "pagerduty" => &self.pagerduty_configs,
            "opsgenie" => &self.opsgenie_configs,
            "wechat" => &self.wechat_configs,
            "slack" => &self.slack_configs,
            "victorops" => &self.victorops_configs,
            "pushover" => &self.pushover_configs,
            "sns" => &self.sns_configs,
            "telegram" => &self.telegram_configs,
            "discord" => &self.discord_configs,
            "webex" => &self.webex_configs,
            _ => &[],
        }
    }

    /// The checks each notifier's `UnmarshalYAML` makes as the file is read, then
    /// `Receiver`'s own (a name).
    pub(crate) fn check_read(&self) -> Result<(), String> {
        for (kind, _) in KINDS {
            for integration in self.of_kind(kind) {
                check_integration(kind, integration)?;
            }
        }
        if self.name().is_empty() {
            return Err("missing name in receiver".into());
        }
        Ok(())
    }

    /// The checks `Config.UnmarshalYAML` makes once everything is read: settings
    /// an integration leaves to `global:` must be there (in its order of kinds).
    pub(crate) fn check_globals(&self, global: &GlobalFile) -> Result<(), String> {
        for c in &self.email_configs {
            if !set(&c.smarthost) && !set(&global.smtp_smarthost) {
                return Err("no global SMTP smarthost set".into());
            }
            if !set(&c.from) && !set(&global.smtp_from) {
                return Err("no global SMTP from set".into());
            }
        }
        for c in &self.slack_configs {
            if !set(&c.api_url)
                && !set(&c.api_url_file)
                && !set(&global.slack_api_url)
                && !set(&global.slack_api_url_file)
            {
                return Err("no global Slack API URL set either inline or in a file".into());
            }
        }
        for c in &self.opsgenie_configs {
            if !set(&c.api_key)
                && !set(&c.api_key_file)
                && !set(&global.opsgenie_api_key)
                && !set(&global.opsgenie_api_key_file)
            {
                return Err("no global OpsGenie API Key set either inline or in a file".into());
            }
        }
        for c in &self.wechat_configs {
            if !set(&c.api_secret) && !set(&global.wechat_api_secret) {
                return Err("no global Wechat ApiSecret set".into());
            }
            if !set(&c.corp_id) && !set(&global.wechat_api_corp_id) {
                return Err("no global Wechat CorpID set".into());
            }
        }
        for c in &self.victorops_configs {
            if !set(&c.api_key)
                && !set(&c.api_key_file)
                && !set(&global.victorops_api_key)
                && !set(&global.victorops_api_key_file)
            {
                return Err("no global VictorOps API Key set".into());
            }
        }
        if self.discord_configs.iter().any(|c| !set(&c.webhook_url)) {
            return Err("no discord webhook URL provided".into());
        }
        Ok(())
    }

    /// The receiver as the pipeline uses it.
    pub(crate) fn build(&self) -> ReceiverConfig {
        let mut integrations = Vec::new();
        for (kind, default_send_resolved) in KINDS {
            for (index, c) in self.of_kind(kind).iter().enumerate() {
                integrations.push(Integration {
                    kind,
                    index,
                    send_resolved: c.send_resolved.unwrap_or(default_send_resolved),
                });
            }
        }
        ReceiverConfig {
            name: self.name().to_string(),
            integrations,
        }
    }
}

fn check_integration(kind: &str, c: &IntegrationFile) -> Result<(), String> {
    match kind {
        "webhook" => {
            let url = c.url.as_deref().ok_or("missing URL in webhook config")?;
            check_url(url)?;
        }
        "email" => {
            // The address is read (and checked) before the config's own checks.
            if let Some(hostport) = c.smarthost.as_deref() {
                check_host_port(hostport)?;
            }
            if !set(&c.to) {
                return Err("missing to address in email config".into());
            }
        }
        "pagerduty" => {
            let keys = [
                &c.routing_key,
                &c.service_key,
                &c.routing_key_file,
                &c.service_key_file,
            ];
            if !keys.into_iter().any(set) {
                return Err("missing service or routing key in PagerDuty config".into());
            }
            at_most_one(
                &c.routing_key,
                &c.routing_key_file,
                "routing_key & routing_key_file",
            )?;
            at_most_one(
                &c.service_key,
                &c.service_key_file,
                "service_key & service_key_file",
            )?;
        }
        "slack" => {
            if let Some(url) = c.api_url.as_deref() {
                check_url(url)?;
            }
            if c.api_url.is_some() && set(&c.api_url_file) {
                return Err("at most one of api_url & api_url_file must be configured".into());
            }
        }
        "wechat" => {
            let kind = c
                .message_type
                .as_deref()
                .filter(|t| !t.is_empty())
                .unwrap_or("text");
            if kind != "text" && kind != "markdown" {
                return Err(format!(
                    "weChat message type {kind:?} does not match valid options ^(text|markdown)$"
                ));
            }
        }
        "opsgenie" => at_most_one(&c.api_key, &c.api_key_file, "api_key & api_key_file")?,
        "victorops" => {
            if !set(&c.routing_key) {
                return Err("missing Routing key in VictorOps config".into());
            }
            at_most_one(&c.api_key, &c.api_key_file, "api_key & api_key_file")?;
        }
        "pushover" => {
            if !set(&c.user_key) {
                return Err("missing user key in Pushover config".into());
            }
            if !set(&c.token) {
                return Err("missing token in Pushover config".into());
            }
        }
        "sns" => {
            // Go's `(a == "") != (b == "") != (c == "")`, read left to right.
            let unset = |v: &Option<String>| !set(v);
            if (unset(&c.target_arn) != unset(&c.topic_arn)) != unset(&c.phone_number) {
                return Err(
                    "must provide either a Target ARN, Topic ARN, or Phone Number for SNS config"
                        .into(),
                );
            }
        }
        "telegram" => {
            if !set(&c.bot_token) {
                return Err("missing bot_token on telegram_config".into());
            }
            if c.chat_id.unwrap_or(0) == 0 {
                return Err("missing chat_id on telegram_config".into());
            }
            if !matches!(
                c.parse_mode.as_deref().unwrap_or(""),
                "" | "Markdown" | "MarkdownV2" | "HTML"
            ) {
                return Err("unknown parse_mode on telegram_config, must be Markdown, MarkdownV2, HTML or empty string".into());
            }
        }
        "webex" => {
            if !set(&c.room_id) {
                return Err("missing room_id on webex_config".into());
            }
            if c.http_config
                .as_ref()
                .and_then(|h| h.authorization.as_ref())
                .is_none()
            {
                return Err("missing webex_configs.http_config.authorization".into());
            }
        }
        _ => {}
    }
    Ok(())
}

/// Alertmanager's URL settings: an `http` or `https` scheme and a host.
fn check_url(text: &str) -> Result<(), String> {
    // Go's url.Parse: a scheme is letters, digits, `+-.` before the first `:`,
    // starting with a letter; anything else means no scheme.
    let scheme = text
        .split_once(':')
        .map(|(s, _)| s)
        .filter(|s| {
            s.starts_with(|c: char| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        })
        .unwrap_or("");
    let lower = scheme.to_ascii_lowercase();
    if lower != "http" && lower != "https" {
        return Err(format!("unsupported scheme {lower:?} for URL"));
    }
    let rest = &text[scheme.len() + 1..];
    let host = rest
        .strip_prefix("//")
        .map(|r| r.split(['/', '?', '#']).next().unwrap_or(""))
        .map(|authority| authority.rsplit('@').next().unwrap_or(""))
        .unwrap_or("");
    if host.is_empty() {
        return Err("missing host for URL".into());
    }
    Ok(())
}

/// `host:port` as `HostPort` reads it (Go's `net.SplitHostPort`, port required).
fn check_host_port(text: &str) -> Result<(), String> {
    if text.is_empty() {
        return Ok(());
    }
    let Some((_, port)) = text.rsplit_once(':') else {
        return Err(format!("address {text}: missing port in address"));
    };
    if port.is_empty() {
        return Err(format!("address {text:?}: port cannot be empty"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_and_addresses_as_alertmanager_reads_them() {
        assert_eq!(check_url("http://hook:8080/x"), Ok(()));
        assert_eq!(check_url("HTTPS://u@h"), Ok(()));
        assert_eq!(
            check_url("hook:8080/x").unwrap_err(),
            "unsupported scheme \"hook\" for URL"
        );
        assert_eq!(
            check_url("/x").unwrap_err(),
            "unsupported scheme \"\" for URL"
        );
        assert_eq!(check_url("http:///x").unwrap_err(), "missing host for URL");
        assert_eq!(check_host_port("localhost:25"), Ok(()));
        assert_eq!(
            check_host_port("localhost").unwrap_err(),
            "address localhost: missing port in address"
        );
        assert_eq!(
            check_host_port("localhost:").unwrap_err(),
            "address \"localhost:\": port cannot be empty"
        );
    }
}
