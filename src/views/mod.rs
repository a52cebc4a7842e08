//! The views' models, browser-free and tested natively: what the page's charts,
//! tables and panes show, computed from the pipeline's data. `ui` renders them.

pub mod chart;
