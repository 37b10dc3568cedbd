/** What the command line hands the commands (cli/ parses argv into these; commands/ owns their shape). */
export interface GlobalFlags {
  readonly verbose: boolean;
  readonly color: boolean;
  readonly emoji: boolean;
  readonly gui: boolean;
}

export interface AssumeArgs extends GlobalFlags {
  readonly profile: string;
  /**
   * --mfa-code on exec, export, login and serve, for scripts: used instead of asking (a code is single-use, so
   * its short life in argv is acceptable there; `assume`, which the AWS tools run, never takes it).
   */
  readonly mfaCode?: string;
}

/** A command other than assume, as yargs parsed it: its path (`cache clean`) and its options. */
export interface CommandArgs extends GlobalFlags {
  readonly command: string;
  readonly options: Readonly<Record<string, unknown>>;
}

export interface ExportArgs extends AssumeArgs {
  readonly format: string;
}

export interface LoginArgs extends AssumeArgs {
  /** Print the sign-in URL instead of opening it. */
  readonly stdout: boolean;
  /** The console's region; default: the profile's. */
  readonly region: string | undefined;
  /** Where in the console to land, like /s3/home; default: the console's home. */
  readonly path: string | undefined;
  /** A service's console home (/NAME/home), instead of --path. */
  readonly service?: string;
  /** A full console URL to land on, instead of --path. */
  readonly destination?: string;
  /** The browser profile to open it in, over vegas_browser_profile. */
  readonly browserProfile?: string;
  /** Sign out of the console first: the new role replaces the one signed in there. */
  readonly logoutFirst?: boolean;
}

export interface ServeArgs extends AssumeArgs {
  /** As given; undefined: a free port. */
  readonly port: string | undefined;
}
