//! The simulated Alertmanager: the notification log (what each receiver would
//! have been sent, and when), its aggregation groups, silences (created here as
//! run events), the routing tree with "which receivers would this label set
//! reach", and the `alertmanager.yml` editor. Nothing leaves the page.

use leptos::prelude::*;

use crate::pipeline::SilenceText;
use crate::time::parse_duration_ms;
use crate::ui::playground::Playground;
use crate::ui::storage;
use crate::views::alertmanager::{
    NotificationView, group_views, notification_views, route_test, routing_tree, silence_views,
};
use crate::views::yaml_editor::FileProblem;

use super::file_editor::FileEditor;

/// The newest notifications shown.
const LOG_ROWS: usize = 200;

#[component]
pub fn AlertmanagerView() -> impl IntoView {
    view! {
        <div class="alertmanager-view">
            <NotificationLog/>
            <Groups/>
            <Silences/>
            <Routing/>
            <ConfigEditor/>
        </div>
    }
}

#[component]
fn NotificationLog() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = move || {
        playground
            .read_data(|p| notification_views(p.alerting().alertmanager(), LOG_ROWS))
            .unwrap_or_default()
    };
    view! {
        <section>
            <h3>"Notification log"</h3>
            <p class="pane-intro">"Newest first: each grouped notification a receiver would get, as Alertmanager's dispatcher sends it (after group_wait, then at group_interval when something changed, again after repeat_interval)."</p>
            <table class="notification-log" data-testid="notification-log">
                <thead><tr><th>"Time"</th><th>"Receiver"</th><th>"Status"</th><th>"Why"</th><th>"Group"</th><th>"Alerts"</th></tr></thead>
                <tbody>{move || rows().into_iter().map(|n| view! { <NotificationRow n=n/> }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn NotificationRow(n: NotificationView) -> impl IntoView {
    let (receiver, group) = (n.receiver.clone(), n.group_labels.clone());
    view! {
        <tr data-testid="notification" data-receiver=receiver data-status=n.status
            data-group=group>
            <td>{n.at}</td>
            <td>{n.receiver}" "<span class="badge">{n.integration}</span></td>
            <td><span class=format!("state-badge state-{}", if n.status == "firing" { "firing" } else { "inactive" })>{n.status}</span></td>
            <td>{n.reason}</td>
            <td><code>{n.group_labels}</code></td>
            <td>{n.alerts.into_iter().map(|a| view! { <div class="annotation">{a}</div> }).collect_view()}</td>
        </tr>
    }
}

#[component]
fn Groups() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = move || {
        let now = playground.clock.get().now_ms;
        playground
            .read_data(|p| group_views(p.alerting().alertmanager(), now))
            .unwrap_or_default()
    };
    view! {
        <section>
            <h3>"Aggregation groups"</h3>
            <table class="notification-log" data-testid="am-groups">
                <thead><tr><th>"Receiver"</th><th>"Group labels"</th><th>"Alerts"</th><th>"Next flush"</th></tr></thead>
                <tbody>{move || rows().into_iter().map(|g| view! {
                    <tr><td>{g.receiver}</td><td><code>{g.labels}</code></td><td class="num">{g.alerts}</td><td>{g.next_flush}</td></tr>
                }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Silences() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let rows = move || {
        let now = playground.clock.get().now_ms;
        playground
            .read_data(|p| {
                let count = p.run().alerting.silences.len();
                let index = |id: &str| (0..count).find(|&n| p.alerting().silence_id(n) == Some(id));
                silence_views(p.alerting().alertmanager(), now, index)
            })
            .unwrap_or_default()
    };
    let expire = move |n: usize| {
        if let Err(e) = playground.change_run(|p| p.expire_silence(n)) {
            playground.error.set(Some(e));
        }
    };
    view! {
        <section>
            <h3>"Silences"</h3>
            <SilenceForm/>
            <table class="notification-log" data-testid="silences">
                <thead><tr><th>"Matchers"</th><th>"State"</th><th>"Starts"</th><th>"Ends"</th><th>"Comment"</th><th></th></tr></thead>
                <tbody>{move || rows().into_iter().map(|s| {
                    let active = s.state != "expired";
                    view! {
                        <tr data-testid="silence" data-state=s.state>
                            <td><code>{s.matchers}</code></td><td>{s.state}</td><td>{s.starts}</td><td>{s.ends}</td><td>{s.comment}</td>
                            <td>{(active && s.run_index.is_some()).then(|| {
                                let n = s.run_index.unwrap_or_default();
                                view! { <button on:click=move |_| expire(n)>"Expire"</button> }
                            })}</td>
                        </tr>
                    }
                }).collect_view()}</tbody>
            </table>
        </section>
    }
}

#[component]
fn SilenceForm() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let matchers = RwSignal::new(String::from("alertname=\"HighLatency\""));
    let duration = RwSignal::new(String::from("1h"));
    let comment = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<String>);
    let create = move |_| {
        let Ok(duration_ms) = parse_duration_ms(&duration.get_untracked()) else {
            problem.set(Some("the duration is written like 30m or 2h".into()));
            return;
        };
        let silence = SilenceText {
            matchers: matchers.get_untracked(),
            duration_ms,
            comment: comment.get_untracked(),
        };
        problem.set(playground.change_run(|p| p.add_silence(silence)).err());
    };
    let field = |label: &'static str, value: RwSignal<String>, testid: &'static str| {
        view! {
            <label>{label}" "
                <input type="text" data-testid=testid prop:value=move || value.get()
                    on:input=move |ev| value.set(event_target_value(&ev))/>
            </label>
        }
    };
    view! {
        <div class="silence-form">
            {field("Matchers", matchers, "silence-matchers")}
            {field("For", duration, "silence-duration")}
            {field("Comment", comment, "silence-comment")}
            <button data-testid="silence-create" on:click=create>"Silence from now"</button>
            {move || problem.get().map(|p| view! { <p class="error" data-testid="silence-error">{p}</p> })}
        </div>
    }
}

#[component]
fn Routing() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let tree = move || {
        playground
            .read_run(|p| routing_tree(p.alerting().alertmanager()))
            .unwrap_or_default()
    };
    let labels = storage::persisted(
        "route-test-labels",
        String::from("alertname=\"HighLatency\", severity=\"page\""),
        |s| Some(s.to_string()),
        |s| s.clone(),
    );
    let answer = move || {
        let text = labels.get();
        playground
            .read_run(|p| route_test(p.alerting().alertmanager(), &text))
            .unwrap_or(Ok(String::new()))
    };
    view! {
        <section>
            <h3>"Routing tree"</h3>
            <pre class="route-tree" data-testid="route-tree">{tree}</pre>
            <label>"Which receivers would these labels reach? "
                <input type="text" class="route-test" data-testid="route-test"
                    prop:value=move || labels.get() on:input=move |ev| labels.set(event_target_value(&ev))/>
            </label>
            <p data-testid="route-test-answer">{move || match answer() {
                Ok(receivers) => view! { <code>{receivers}</code> }.into_any(),
                Err(e) => view! { <span class="error">{e}</span> }.into_any(),
            }}</p>
        </section>
    }
}

#[component]
fn ConfigEditor() -> impl IntoView {
    let playground = expect_context::<Playground>();
    let apply = Callback::new(move |text: String| {
        let refused = playground.change_run(|p| p.apply_alertmanager(&text)).err();
        refused.map(FileProblem::from_message).into_iter().collect()
    });
    view! {
        <FileEditor title="alertmanager.yml" draft_key="alertmanager-draft" testid="alertmanager"
            reset_label="Back to the configuration in effect"
            applied=Signal::derive(move || playground.read_run(|p| p.alertmanager_text()).unwrap_or_default())
            // As Alertmanager checks it at load.
            check=|text| crate::alertmanager::parse(text).err().map(FileProblem::from_message).into_iter().collect()
            apply=apply/>
    }
}
