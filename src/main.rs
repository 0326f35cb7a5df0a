//! The `tocsin` binary: parse the command line, set up logging, run, map errors to an exit code.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;

fn main() -> ExitCode {
    tocsin::run::limit_malloc_arenas();
    let cli = tocsin::cli::Cli::parse();
    let filter = EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new(cli.log_filter()));
    let logs = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    match cli.log_format {
        tocsin::cli::LogFormat::Json => logs.json().with_current_span(true).init(),
        tocsin::cli::LogFormat::Text => logs.init(),
    }
    match tocsin::cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}
