/** Where messages for a person go (stderr; the AWS CLI shows it only on failure). Never pass it a secret. */
export interface Reporter {
  verbose(message: string): void;
  warn(message: string): void;
}

export function stderrReporter(verbose: boolean): Reporter {
  const started = performance.now();
  return {
    verbose: verbose
      ? (message) => console.error(`vegas-credentials [${(performance.now() - started).toFixed(1)} ms] ${message}`)
      : () => {},
    warn: (message) => console.error(`vegas-credentials: warning: ${message}`),
  };
}
