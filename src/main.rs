//! The `tether` binary: parse the command line, dispatch, exit.

use clap::Parser;

fn main() {
    let cli = tether::cli::Cli::parse();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("tether: cannot start the async runtime: {e}");
            std::process::exit(2);
        }
    };
    let code = runtime.block_on(tether::cli::run(cli));
    // Background tasks (watches, sims) end with the runtime.
    runtime.shutdown_timeout(std::time::Duration::from_millis(200));
    // External renderers still running (helm) go with tether.
    tether::render::process::kill_all();
    std::process::exit(code);
}
