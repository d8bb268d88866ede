//! The command line of ifenslave v1.1.0: `getopt_long(argc, argv,
//! "acdfhuvV")` with its long names, and its rule that at most one option
//! other than -v may be given.

/// What to do.
#[derive(Debug, PartialEq, Eq)]
pub enum Action {
    /// Print the usage message to stderr and exit 2.
    UsageError,
    /// `-V`: print the version and exit 0.
    Version,
    /// `-u`: print the usage to stdout and exit 0.
    Usage,
    /// `-h`: print usage and help and exit 0.
    Help,
    /// `-a` alone: show every interface.
    ShowAll,
    /// `master` alone: show the master.
    Show { master: String },
    /// Enslave (default; `-f` skips the Ethernet check).
    Enslave {
        master: String,
        slaves: Vec<String>,
        force: bool,
    },
    /// `-d`.
    Detach { master: String, slaves: Vec<String> },
    /// `-c`.
    ChangeActive { master: String, slave: String },
}

/// Parsed command line: the action and whether -v was given.
#[derive(Debug, PartialEq, Eq)]
pub struct Command {
    pub action: Action,
    pub verbose: bool,
}

/// Parses `args` (without the program name). GNU getopt permutes, so
/// options may follow operands; `--` ends options.
pub fn parse<S: AsRef<str>>(args: &[S]) -> Command {
    let (mut a, mut c, mut d, mut f, mut h, mut u, mut v, mut big_v) = (0, 0, 0, 0, 0, 0, 0, 0);
    let mut count = |opt: char| -> bool {
        match opt {
            'a' => a += 1,
            'c' => c += 1,
            'd' => d += 1,
            'f' => f += 1,
            'h' => h += 1,
            'u' => u += 1,
            'v' => v += 1,
            'V' => big_v += 1,
            _ => return false,
        }
        true
    };
    let mut operands = Vec::new();
    let mut only_operands = false;
    let mut bad = false;
    for arg in args.iter().map(AsRef::as_ref) {
        if only_operands || arg == "-" || !arg.starts_with('-') {
            operands.push(arg.to_string());
            continue;
        }
        if arg == "--" {
            only_operands = true;
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            // getopt_long accepts unambiguous prefixes of long options.
            const LONG: [(&str, char); 8] = [
                ("all-interfaces", 'a'),
                ("change-active", 'c'),
                ("detach", 'd'),
                ("force", 'f'),
                ("help", 'h'),
                ("usage", 'u'),
                ("verbose", 'v'),
                ("version", 'V'),
            ];
            let exact = LONG.iter().find(|(n, _)| *n == long);
            let matches: Vec<_> = LONG.iter().filter(|(n, _)| n.starts_with(long)).collect();
            let opt = match (exact, matches.as_slice()) {
                (Some((_, o)), _) => *o,
                (None, [(_, o)]) => *o,
                _ => {
                    bad = true;
                    continue;
                }
            };
            count(opt);
            continue;
        }
        for ch in arg[1..].chars() {
            bad |= !count(ch);
        }
    }
    let verbose = v > 0;
    let exclusive = a + c + d + f + h + u + big_v;
    let action = if bad || exclusive > 1 {
        Action::UsageError
    } else if big_v > 0 {
        Action::Version
    } else if u > 0 {
        Action::Usage
    } else if h > 0 {
        Action::Help
    } else if a > 0 {
        if operands.is_empty() {
            Action::ShowAll
        } else {
            Action::UsageError
        }
    } else {
        let mut it = operands.into_iter();
        match (it.next(), it.next()) {
            (None, _) => Action::UsageError,
            (Some(master), None) => {
                if c > 0 || d > 0 {
                    Action::UsageError
                } else {
                    Action::Show { master }
                }
            }
            (Some(master), Some(first)) => {
                let mut slaves = vec![first];
                slaves.extend(it);
                if c > 0 {
                    // -c accepts one slave; v1.1.0 ignored any others.
                    Action::ChangeActive {
                        master,
                        slave: slaves.swap_remove(0),
                    }
                } else if d > 0 {
                    Action::Detach { master, slaves }
                } else {
                    Action::Enslave {
                        master,
                        slaves,
                        force: f > 0,
                    }
                }
            }
        }
    };
    Command { action, verbose }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn act(args: &[&str]) -> Action {
        parse(args).action
    }

    #[test]
    fn enslave_is_the_default() {
        assert_eq!(
            act(&["bond0", "eth0", "eth1"]),
            Action::Enslave {
                master: "bond0".into(),
                slaves: vec!["eth0".into(), "eth1".into()],
                force: false
            }
        );
        assert_eq!(
            act(&["-f", "bond0", "eth0"]),
            Action::Enslave {
                master: "bond0".into(),
                slaves: vec!["eth0".into()],
                force: true
            }
        );
        assert_eq!(
            act(&["--force", "bond0", "eth0"]),
            Action::Enslave {
                master: "bond0".into(),
                slaves: vec!["eth0".into()],
                force: true
            }
        );
    }

    #[test]
    fn detach_and_change_active() {
        assert_eq!(
            act(&["-d", "bond0", "eth0"]),
            Action::Detach {
                master: "bond0".into(),
                slaves: vec!["eth0".into()]
            }
        );
        assert_eq!(
            act(&["--detach", "bond0", "a", "b"]),
            Action::Detach {
                master: "bond0".into(),
                slaves: vec!["a".into(), "b".into()]
            }
        );
        assert_eq!(
            act(&["-c", "bond0", "eth1"]),
            Action::ChangeActive {
                master: "bond0".into(),
                slave: "eth1".into()
            }
        );
        assert_eq!(
            act(&["bond0", "eth1", "--change-active"]),
            Action::ChangeActive {
                master: "bond0".into(),
                slave: "eth1".into()
            }
        );
        assert_eq!(
            act(&["--change", "bond0", "eth1"]),
            Action::ChangeActive {
                master: "bond0".into(),
                slave: "eth1".into()
            }
        );
    }

    #[test]
    fn options_are_exclusive_except_verbose() {
        assert_eq!(act(&["-d", "-c", "bond0", "eth0"]), Action::UsageError);
        assert_eq!(act(&["-df", "bond0", "eth0"]), Action::UsageError);
        let c = parse(&["-v", "-d", "bond0", "eth0"]);
        assert!(c.verbose);
        assert_eq!(
            c.action,
            Action::Detach {
                master: "bond0".into(),
                slaves: vec!["eth0".into()]
            }
        );
    }

    #[test]
    fn missing_operands_and_unknown_options_are_usage_errors() {
        assert_eq!(act(&[]), Action::UsageError);
        assert_eq!(act(&["-d", "bond0"]), Action::UsageError);
        assert_eq!(act(&["-c", "bond0"]), Action::UsageError);
        assert_eq!(act(&["-x", "bond0", "eth0"]), Action::UsageError);
        assert_eq!(act(&["--bogus", "bond0"]), Action::UsageError);
        assert_eq!(act(&["-a", "bond0"]), Action::UsageError);
    }

    #[test]
    fn informational_forms() {
        assert_eq!(
            act(&["bond0"]),
            Action::Show {
                master: "bond0".into()
            }
        );
        assert_eq!(act(&["-a"]), Action::ShowAll);
        assert_eq!(act(&["--all-interfaces"]), Action::ShowAll);
        assert_eq!(act(&["-V"]), Action::Version);
        assert_eq!(act(&["--version"]), Action::Version);
        assert_eq!(act(&["-u"]), Action::Usage);
        assert_eq!(act(&["-h"]), Action::Help);
        assert_eq!(act(&["--help"]), Action::Help);
    }
}
