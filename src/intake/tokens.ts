// Source and admin tokens: generation, hashing (only sha256 hashes are ever stored) and
// constant-time comparison.
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

const TOKEN_PREFIX = "mri_";

/** A fresh random bearer token (256 bits, base64url). Shown once; only its hash is kept. */
export function newToken(): string {
  return TOKEN_PREFIX + randomBytes(32).toString("base64url");
}

/** Hex sha256 of a token: what `sources.json` stores. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/**
 * True when `presented` hashes to `expectedHash`. Both sides are 32-byte digests, so the
 * comparison takes the same time whatever the token's length or content.
 */
export function tokenMatchesHash(presented: string, expectedHash: string): boolean {
  const a = createHash("sha256").update(presented, "utf8").digest();
  const b = Buffer.from(expectedHash, "hex");
  if (b.length !== a.length) return false;
  return timingSafeEqual(a, b);
}

/** A hash that matches no token: compared against when the source is unknown, to keep timing flat. */
export const NO_MATCH_HASH = createHash("sha256").update("meshroom-intake:no-such-source").digest("hex");

/** Extracts the token from an `Authorization: Bearer <token>` header; undefined when absent or malformed. */
export function bearerToken(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1];
}
