//! The errors scaffold reports, each with the exit code it maps to.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input from the user: exit code 2, nothing written.
    #[error("{0}")]
    Input(String),
    /// Files exist with other content: exit code 1, nothing written.
    #[error("{0}")]
    Conflict(String),
    /// Reading or writing a file failed: exit code 1.
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// A write failed and putting back the files already written failed too: exit code 1.
    #[error("{failure}\nputting the project back failed too; check these files:\n  {}", left.join("\n  "))]
    NotRestored {
        failure: Box<Error>,
        /// Each file that may hold the new content, with why it could not be restored.
        left: Vec<String>,
    },
    /// A template failed to render (see [`crate::render`]): exit code 2 when a template of the
    /// user's (`.scaffold/templates/`) is involved, since the fix is in their file; 1 when only
    /// built-in templates are, since that is a bug in scaffold.
    #[error("{message}")]
    Template {
        message: String,
        user_override: bool,
    },
    /// Ctrl-C or an aborted prompt: exit code 130, nothing written.
    #[error("cancelled; nothing was written")]
    Cancelled,
    /// Ctrl-C while files were being written: the write was finished first. Exit code 130.
    #[error("interrupted: Ctrl-C came while the files were being written, so they were all written first")]
    Interrupted,
}

impl Error {
    pub fn input(message: impl Into<String>) -> Error {
        Error::Input(message.into())
    }

    pub fn io(path: &Path, source: std::io::Error) -> Error {
        Error::Io {
            path: path.to_path_buf(),
            source,
        }
    }

    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Input(_) => 2,
            Error::Template { user_override, .. } => {
                if *user_override {
                    2
                } else {
                    1
                }
            }
            Error::Conflict(_) | Error::Io { .. } | Error::NotRestored { .. } => 1,
            Error::Cancelled | Error::Interrupted => 130,
        }
    }
}
