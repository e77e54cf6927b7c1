// Defaults the CLI shows in its help; kept apart so importing them loads nothing heavy.
export const DEFAULT_MAX_BODY = 1024 * 1024;
