/**
 * Child-side half of "no orphans": a host or witness process exits as soon as the pipe from
 * its parent (stdin) closes, which happens however the parent died (even SIGKILL).
 */
export function exitWithParent(onExit?: () => void): void {
  const bye = (): void => {
    try {
      onExit?.();
    } finally {
      process.exit(0);
    }
  };
  process.stdin.on('end', bye);
  process.stdin.on('close', bye);
  process.stdin.on('error', bye);
  process.stdin.resume();
  process.stdout.on('error', bye); // EPIPE: the reader is gone
}
