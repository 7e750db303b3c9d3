use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = scaffold::cli::Cli::parse();
    match scaffold::app::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            scaffold::app::report(&error);
            ExitCode::from(error.exit_code())
        }
    }
}
