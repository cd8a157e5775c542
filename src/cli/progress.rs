//! The progress of `tether sync` while it runs: each step of the engine's
//! sync progress channel ([`EngineEvent::SyncStep`]) as a line for people
//! on stderr, or as a JSON line on stdout (`-o json --progress`; README,
//! "JSON shapes").

use super::args::{OutputFormat, SyncArgs};
use super::output::print_out;
use crate::engine::EngineEvent;
use serde::Serialize;
use std::io::IsTerminal;
use tokio::sync::broadcast;
use tokio::sync::broadcast::error::RecvError;

/// Steps held for a slow reader before it misses some (it then says so).
const CAPACITY: usize = 4096;

/// Where the steps of a sync go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ProgressOutput {
    /// `  1.2s  wave 0: 3 resources` lines on stderr.
    Lines,
    /// One JSON object per line on stdout, the sync's result last.
    Json,
}

impl ProgressOutput {
    /// JSON lines with `-o json --progress`; lines on stderr with
    /// `--progress` otherwise, and by default when stderr is a terminal
    /// and the output is a table; else nothing.
    pub fn of(args: &SyncArgs) -> Option<ProgressOutput> {
        match (args.output.format, args.progress) {
            (OutputFormat::Json, true) => Some(ProgressOutput::Json),
            (_, true) => Some(ProgressOutput::Lines),
            (OutputFormat::Table, false) if std::io::stderr().is_terminal() => {
                Some(ProgressOutput::Lines)
            }
            _ => None,
        }
    }
}

/// A running printer of sync steps: send them on [`Self::channel`].
pub struct ProgressPrinter {
    channel: broadcast::Sender<EngineEvent>,
    task: tokio::task::JoinHandle<()>,
}

impl ProgressPrinter {
    /// Starts printing what arrives on a new channel, as `output` says.
    pub fn start(output: ProgressOutput) -> Self {
        let (channel, mut rx) = broadcast::channel(CAPACITY);
        let task = tokio::spawn(async move {
            loop {
                match rx.recv().await {
                    Ok(event) => print_step(output, &event),
                    Err(RecvError::Lagged(missed)) => match output {
                        ProgressOutput::Lines => eprintln!("({missed} steps not shown)"),
                        ProgressOutput::Json => {
                            print_json(&serde_json::json!({"event": "missed", "steps": missed}))
                        }
                    },
                    Err(RecvError::Closed) => break,
                }
            }
        });
        ProgressPrinter { channel, task }
    }

    /// The channel to hand to the sync.
    pub fn channel(&self) -> broadcast::Sender<EngineEvent> {
        self.channel.clone()
    }

    /// Waits until every step sent so far is printed (every other clone
    /// of the channel must be dropped first).
    pub async fn finish(self) {
        drop(self.channel);
        let _ = self.task.await;
    }
}

fn print_step(output: ProgressOutput, event: &EngineEvent) {
    let EngineEvent::SyncStep {
        app,
        elapsed_ms,
        step,
    } = event
    else {
        return;
    };
    match output {
        ProgressOutput::Lines => {
            eprintln!("{:>7.1}s  {step}", *elapsed_ms as f64 / 1000.0);
        }
        ProgressOutput::Json => {
            let mut line = serde_json::to_value(step).unwrap_or_default();
            if let Some(fields) = line.as_object_mut() {
                fields.insert("app".to_string(), app.clone().into());
                fields.insert("elapsed_ms".to_string(), (*elapsed_ms).into());
            }
            print_json(&line);
        }
    }
}

/// Prints the last JSON line: `{"event": "result", …the sync report}`,
/// or `{"event": "error", "app", "message"}`.
pub fn print_result<T: Serialize>(app: &str, result: Result<&T, &str>) {
    let line = match result {
        Ok(report) => {
            let mut line = serde_json::to_value(report).unwrap_or_default();
            if let Some(fields) = line.as_object_mut() {
                fields.insert("event".to_string(), "result".into());
            }
            line
        }
        Err(message) => serde_json::json!({"event": "error", "app": app, "message": message}),
    };
    print_json(&line);
}

fn print_json(line: &serde_json::Value) {
    print_out(&format!("{line}\n"));
}
