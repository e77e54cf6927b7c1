// Where the admin token comes from: a file, the environment, or (neither given) a token
// generated once and kept in `<dir>/admin.token` (mode 0600) for local tools to read.
import { promises as fsp } from "node:fs";
import { join } from "node:path";
import { MeshroomError } from "../errors/index.js";
import { writeFileAtomic } from "./atomic-file.js";
import { newToken } from "./tokens.js";

export const ADMIN_TOKEN_ENV = "MESHROOM_INTAKE_ADMIN_TOKEN";
export const ADMIN_TOKEN_FILE = "admin.token";
const MIN_LENGTH = 16;

export interface AdminTokenSource {
  token: string;
  /** The file it was read from or written to; undefined when it came from the environment. */
  file?: string;
}

export async function resolveAdminToken(opts: { dir: string; file?: string; env?: NodeJS.ProcessEnv; create?: boolean }): Promise<AdminTokenSource> {
  if (opts.file !== undefined) return { token: await readTokenFile(opts.file), file: opts.file };
  const fromEnv = opts.env?.[ADMIN_TOKEN_ENV];
  if (fromEnv !== undefined && fromEnv !== "") return { token: checked(fromEnv.trim(), `$${ADMIN_TOKEN_ENV}`) };
  const kept = join(opts.dir, ADMIN_TOKEN_FILE);
  try {
    return { token: await readTokenFile(kept), file: kept };
  } catch (e) {
    if (!(e instanceof MeshroomError && e.code === "E_NOT_FOUND") || opts.create !== true) throw e;
  }
  const token = newToken();
  await fsp.mkdir(opts.dir, { recursive: true, mode: 0o700 });
  await writeFileAtomic(kept, token + "\n", 0o600);
  return { token, file: kept };
}

async function readTokenFile(file: string): Promise<string> {
  let text: string;
  try {
    text = await fsp.readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") {
      throw new MeshroomError("E_NOT_FOUND", `admin token file ${file} does not exist`, {
        detail: `Pass --admin-token-file, or set $${ADMIN_TOKEN_ENV}.`,
      });
    }
    throw new MeshroomError("E_BAD_VALUE", `cannot read the admin token file ${file}: ${(e as Error).message}`);
  }
  return checked(text.trim(), file);
}

function checked(token: string, where: string): string {
  if (token.length < MIN_LENGTH || /\s/.test(token)) {
    throw new MeshroomError("E_BAD_VALUE", `the admin token in ${where} is too weak`, {
      detail: `Use at least ${MIN_LENGTH} characters without spaces, e.g. \`openssl rand -hex 32\`.`,
    });
  }
  return token;
}
