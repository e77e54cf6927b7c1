/**
 * openpgp is large; it is imported on first real use only, so commands that touch no secret
 * keep a fast cold start. Everything else imports openpgp types only (`import type`).
 */
export type OpenPGP = typeof import("openpgp");

let _loaded: Promise<OpenPGP> | undefined;

export function loadOpenPGP(): Promise<OpenPGP> {
  return (_loaded ??= import("openpgp"));
}
