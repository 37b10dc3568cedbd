/** The signals that end a process by default, as a shell reports them (128 + number). */
const EXIT_CODES = { SIGHUP: 129, SIGINT: 130, SIGQUIT: 131, SIGUSR1: 138, SIGUSR2: 140, SIGPIPE: 141, SIGALRM: 142, SIGTERM: 143 } as const;
type Signal = keyof typeof EXIT_CODES;

const cleanUps = new Set<() => void>();

/**
 * Runs `cleanUp` if a signal ends this process first (the terminal back to normal mode, dialogs and ykman
 * killed), then exits as the signal would. Returns the function that takes it back once done with.
 */
export function cleanUpOnSignal(cleanUp: () => void): () => void {
  if (cleanUps.size === 0) for (const signal of Object.keys(EXIT_CODES)) process.on(signal, exitOnSignal);
  cleanUps.add(cleanUp);
  return () => {
    if (!cleanUps.delete(cleanUp) || cleanUps.size > 0) return;
    for (const signal of Object.keys(EXIT_CODES)) process.off(signal, exitOnSignal);
  };
}

function exitOnSignal(signal: Signal): void {
  for (const cleanUp of cleanUps) {
    try {
      cleanUp();
    } catch {}
  }
  process.exit(EXIT_CODES[signal]);
}
