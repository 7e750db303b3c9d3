use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let warmup = scaffold::app::warm_up(std::env::args_os().skip(1));
    let cli = scaffold::cli::Cli::parse();
    match scaffold::app::run(cli, warmup) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            scaffold::app::report(&error);
            ExitCode::from(error.exit_code())
        }
    }
}
