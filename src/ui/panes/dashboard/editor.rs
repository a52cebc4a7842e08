//! A panel's editor: title, query, chart kind, legend template and unit. Every
//! change is applied to the panel at once (and saved by the pane); the query is
//! re-evaluated when the text area loses focus or on Ctrl+Enter, not per key.

use leptos::ev::KeyboardEvent;
use leptos::prelude::*;

use crate::views::dashboard::model::{
    KINDS, Panel, UNITS, kind_from_name, kind_name, unit_from_name, unit_name,
};

#[component]
pub fn PanelEditor(
    panel: RwSignal<Panel>,
    /// The panel changed: save it.
    on_edit: Callback<()>,
    /// The panel changed in a way its chart shows: save and re-evaluate it.
    on_apply: Callback<()>,
    on_remove: Callback<()>,
) -> impl IntoView {
    let edit = move |f: &dyn Fn(&mut Panel)| {
        panel.update(|p| f(p));
        on_edit.run(());
    };
    let on_query_key = move |ev: KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            on_apply.run(());
        }
    };
    view! {
        <div class="panel-editor" data-testid="panel-editor">
            <label class="field">
                <span>"Title"</span>
                <input type="text" data-testid="panel-title-input"
                    prop:value=move || panel.with(|p| p.title.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&|p| p.title = v.clone());
                    }/>
            </label>
            <label class="field">
                <span>"PromQL ($__rate_interval, $__interval and $__range are replaced; Ctrl+Enter runs it)"</span>
                <textarea class="code-input" rows="3" spellcheck="false" data-testid="panel-query-input"
                    prop:value=move || panel.with(|p| p.query.clone())
                    on:input=move |ev| {
                        let v = event_target_value(&ev);
                        edit(&|p| p.query = v.clone());
                    }
                    on:change=move |_| on_apply.run(())
                    on:keydown=on_query_key
                ></textarea>
            </label>
            <div class="panel-editor-row">
                <label class="field">
                    <span>"Chart"</span>
                    <select data-testid="panel-kind" on:change=move |ev| {
                        if let Some(kind) = kind_from_name(&event_target_value(&ev)) {
                            edit(&|p| p.kind = kind);
                            on_apply.run(());
                        }
                    }>
                        {KINDS.iter().map(|&(kind, name, label)| view! {
                            <option value=name selected=move || panel.with(|p| kind_name(p.kind)) == kind_name(kind)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
                <label class="field">
                    <span>"Legend ({{label}} per series; empty: all labels)"</span>
                    <input type="text" data-testid="panel-legend"
                        prop:value=move || panel.with(|p| p.legend.clone().unwrap_or_default())
                        on:change=move |ev| {
                            let v = event_target_value(&ev);
                            edit(&|p| p.legend = (!v.trim().is_empty()).then(|| v.clone()));
                            on_apply.run(());
                        }/>
                </label>
                <label class="field">
                    <span>"Unit"</span>
                    <select data-testid="panel-unit" on:change=move |ev| {
                        if let Some(unit) = unit_from_name(&event_target_value(&ev)) {
                            edit(&|p| p.unit = unit);
                            on_apply.run(());
                        }
                    }>
                        {UNITS.iter().map(|&(unit, name, label)| view! {
                            <option value=name selected=move || panel.with(|p| unit_name(p.unit)) == unit_name(unit)>{label}</option>
                        }).collect_view()}
                    </select>
                </label>
            </div>
            <button type="button" class="danger" data-testid="panel-remove" on:click=move |_| on_remove.run(())>
                "Remove panel"
            </button>
        </div>
    }
}
