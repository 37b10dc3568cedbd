import { type OutputStyle, emoji, paint } from "./outputStyle.ts";
import { printableLine } from "./printableText.ts";
import { tellTerminal } from "./terminalNotice.ts";

/** What a run did, for its line in the log (see log/runLog.ts). Never a key, token, code or password. */
export interface RunFacts {
  profile?: string;
  roleArn?: string;
  mfaSerial?: string;
  cache?: "hit" | "miss";
  /** Which MFA source gave the code (terminal, dialog (zenity), YubiKey): never the code. */
  codeFrom?: string;
  sts?: string;
}

/** Where messages for a person go. Never pass it a secret. */
export interface Reporter {
  /** Steps, with timings, on stderr: only with --verbose. */
  verbose(message: string): void;
  /** Something went wrong but the run goes on: on the terminal when there is one, else stderr. */
  warn(message: string): void;
  /** Something the person should know now (which sources listen, what a run waits for): as warn. */
  notice(message: string): void;
  /** Facts for the run's log line. */
  record(facts: RunFacts): void;
}

export interface PersonReporter extends Reporter {
  readonly facts: RunFacts;
}

export function personReporter(verbose: boolean, style: OutputStyle): PersonReporter {
  const started = performance.now();
  const facts: RunFacts = {};
  const tell = (line: string, plain: string) => {
    // Under the AWS tools stderr is a pipe shown only on failure: the terminal is where a person looks.
    if (!tellTerminal(line)) console.error(plain);
  };
  // Messages carry text from outside (STS, ykman, the config): never an escape sequence to the terminal.
  return {
    facts,
    verbose: verbose ? (message) => console.error(printableLine(`vegas-credentials [${(performance.now() - started).toFixed(1)} ms] ${message}`)) : () => {},
    warn: (message) => {
      const line = printableLine(`vegas-credentials: warning: ${message}`);
      tell(`${emoji(style, "⚠️")}${paint(style, "yellow", line)}`, line);
    },
    notice: (message) => {
      const line = printableLine(`vegas-credentials: ${message}`);
      tell(`${emoji(style, "🔐")}${line}`, line);
    },
    record: (more) => Object.assign(facts, more),
  };
}
