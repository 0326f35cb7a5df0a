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
        // A reader that stopped early (`tocsin lexicon stats | head`) is no failure: stop
        // quietly, as other command-line tools do. Only when standard output is that pipe: a
        // broken connection elsewhere (a webhook, a socket) is an error like any other.
        Err(e) if is_broken_pipe(&e) && stdout_reader_gone() => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// Whether `e` comes from writing to a pipe whose reader has gone.
fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

/// Whether standard output is a pipe whose reader has gone (poll reports an error on it).
fn stdout_reader_gone() -> bool {
    let mut out = libc::pollfd { fd: libc::STDOUT_FILENO, events: 0, revents: 0 };
    // SAFETY: one valid pollfd, which poll only writes `revents` of; no timeout.
    let ready = unsafe { libc::poll(&mut out, 1, 0) };
    ready == 1 && out.revents & libc::POLLERR != 0
}
