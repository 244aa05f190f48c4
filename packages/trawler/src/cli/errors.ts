// The CLI's failure kinds and how each is shown: the exit code is part of the interface
// (1: the request or the usage was wrong, 2: the server's configuration is invalid).

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "ApiError";
  }
}

export class ServerUnreachableError extends Error {
  constructor(
    readonly url: string,
    cause?: unknown,
  ) {
    super(`no Trawler server at ${url} — start one with \`trawler serve\``, { cause });
    this.name = "ServerUnreachableError";
  }
}

/** A mistake in the command line that commander's own checks cannot see. */
export class UsageError extends Error {
  override name = "UsageError";
}

/** An invalid server setting (flag or environment variable); `serve` exits 2 on it. */
export class ConfigError extends Error {
  override name = "ConfigError";
}

/** Prints the error on stderr and returns the process exit code. */
export function reportError(err: unknown): number {
  if (err instanceof ApiError) {
    process.stderr.write(`error: ${err.message} (${err.code})\n`);
    return 1;
  }
  if (err instanceof ServerUnreachableError || err instanceof UsageError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 1;
  }
  if (err instanceof ConfigError) {
    process.stderr.write(`error: ${err.message}\n`);
    return 2;
  }
  // An unexpected failure: keep the stack, it is a bug report.
  process.stderr.write(`error: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  return 1;
}
