// Defaults the CLI shows in its help; kept apart so importing them loads nothing heavy.
export const DEFAULT_MAX_BODY = 1024 * 1024;
/** The whole request head must arrive within this (slowloris on headers). */
export const DEFAULT_HEADERS_TIMEOUT_MS = 10_000;
/** The whole request, body included, must arrive within this (a slow upload is cut with 408). */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** An idle keep-alive connection is closed after this. */
export const DEFAULT_KEEP_ALIVE_TIMEOUT_MS = 5_000;
/** Open connections per listener; more are closed as soon as they are accepted. */
export const DEFAULT_MAX_CONNECTIONS = 1024;
