//! `byline completions SHELL` and `byline man`: shell completions and a man page, both
//! generated from the same clap definitions as `--help`, so they cannot drift from it.

use std::io::Write;
use std::process::ExitCode;

use clap::{Args, CommandFactory};
use clap_complete::Shell;

use crate::cli::Cli;

/// Print a shell completion script.
///
/// For example `byline completions bash > /etc/bash_completion.d/byline`, or
/// `byline completions zsh > "${fpath[1]}/_byline"`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// bash, zsh, fish, elvish or powershell.
    #[arg(value_enum)]
    pub shell: Shell,
}

/// Print the man page (roff), for example `byline man > /usr/local/share/man/man1/byline.1`.
#[derive(Debug, Args)]
pub struct ManArgs {}

pub fn completions(args: CompletionsArgs, identity: &crate::Identity) -> anyhow::Result<ExitCode> {
    let mut command = identity.apply(Cli::command());
    let name = command.get_name().to_string();
    clap_complete::generate(args.shell, &mut command, name, &mut std::io::stdout());
    Ok(ExitCode::SUCCESS)
}

pub fn man(_: ManArgs, identity: &crate::Identity) -> anyhow::Result<ExitCode> {
    let command = identity.apply(Cli::command());
    let mut page = Vec::new();
    clap_mangen::Man::new(command).render(&mut page)?;
    std::io::stdout().write_all(&page)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn completions_and_the_man_page_cover_every_subcommand() {
        let identity = crate::Identity::byline();
        let mut command = identity.apply(Cli::command());
        let mut script = Vec::new();
        clap_complete::generate(Shell::Bash, &mut command, "byline", &mut script);
        let script = String::from_utf8(script).expect("UTF-8");
        let mut page = Vec::new();
        clap_mangen::Man::new(identity.apply(Cli::command()))
            .render(&mut page)
            .expect("renders");
        let page = String::from_utf8(page).expect("UTF-8");
        for subcommand in ["run", "validate", "annotate", "list", "eval", "completions"] {
            assert!(
                script.contains(subcommand),
                "{subcommand} not in the completions"
            );
            assert!(
                page.contains(subcommand),
                "{subcommand} not in the man page"
            );
        }
    }
}
