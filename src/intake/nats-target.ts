// Where a JetStream queue is and how to log in: `nats://HOST:PORT[,HOST:PORT…][?stream=NAME]`
// parsed here, credentials read from a file or the environment (never the command line, where
// `ps` shows them to every user of the host), and the connection opened.
import { readFile } from "node:fs/promises";
import { z } from "zod";
import { connect, credsAuthenticator, type ConnectionOptions, type NatsConnection } from "nats";
import { MeshroomError } from "../errors/index.js";

export const NATS_AUTH_FILE_ENV = "MESHROOM_INTAKE_NATS_AUTH_FILE";
export const NATS_TOKEN_ENV = "MESHROOM_INTAKE_NATS_TOKEN";
export const NATS_USER_ENV = "MESHROOM_INTAKE_NATS_USER";
export const NATS_PASSWORD_ENV = "MESHROOM_INTAKE_NATS_PASSWORD";

export const DEFAULT_STREAM = "MESHROOM_INTAKE";
const STREAM_NAME = /^[A-Za-z0-9_-]{1,32}$/;

export interface NatsTarget {
  servers: string[];
  stream: string;
  /** Replicas of the streams and buckets when this intake creates them (1, 3 or 5). */
  replicas: number;
}

export interface NatsAuthOptions {
  /** A NATS `.creds` file, or a JSON file `{"token": …}` / `{"user": …, "password": …}`. */
  authFile?: string;
  env?: NodeJS.ProcessEnv;
}

/** Parses `nats://h1:4222,h2:4222?stream=NAME`; `stream` (e.g. `--stream`) wins over the URL's. */
export function parseNatsTarget(spec: string, stream?: string): NatsTarget {
  const m = /^nats:\/\/([^/?#]*)\/?(?:\?([^#]*))?$/.exec(spec);
  if (!m) throw badTarget(spec, "it is not of the form nats://HOST:PORT[,HOST:PORT…][?stream=NAME&replicas=R]");
  const hosts = (m[1] as string).split(",").filter((h) => h !== "");
  if (hosts.length === 0) throw badTarget(spec, "it names no server");
  const servers: string[] = [];
  for (const h of hosts) {
    if (h.includes("@")) {
      throw new MeshroomError("E_BAD_VALUE", "the NATS URL carries credentials: they would be visible in the process list", {
        detail: `Put them in a file (--nats-auth-file, or $${NATS_AUTH_FILE_ENV}) or in $${NATS_TOKEN_ENV} / $${NATS_USER_ENV} + $${NATS_PASSWORD_ENV}, and give the URL without them.`,
      });
    }
    if (!/^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9.-]+)(:\d{1,5})?$/.test(h)) throw badTarget(spec, `\`${h}\` is not HOST[:PORT]`);
    servers.push(h);
  }
  const params = new URLSearchParams(m[2] ?? "");
  for (const k of params.keys()) if (k !== "stream" && k !== "replicas") throw badTarget(spec, `unknown parameter \`${k}\` (only \`stream\` and \`replicas\`)`);
  const replicas = Number(params.get("replicas") ?? "1");
  if (![1, 3, 5].includes(replicas)) throw badTarget(spec, "`replicas` must be 1, 3 or 5");
  const name = stream ?? params.get("stream") ?? DEFAULT_STREAM;
  if (!STREAM_NAME.test(name)) {
    throw new MeshroomError("E_BAD_VALUE", `the stream name ${JSON.stringify(name)} is not allowed`, { detail: "Use 1-32 letters, digits, `_` or `-`." });
  }
  return { servers, stream: name, replicas };
}

function badTarget(spec: string, why: string): MeshroomError {
  return new MeshroomError("E_BAD_VALUE", `the NATS queue ${JSON.stringify(spec)} is not usable: ${why}`, {
    detail: "Example: --queue nats://127.0.0.1:4222,10.0.0.2:4222 --stream MESHROOM_INTAKE",
  });
}

const AuthJson = z.union([z.strictObject({ token: z.string().min(1) }), z.strictObject({ user: z.string().min(1), password: z.string() })]);

/** The connection options carrying the credentials, from the auth file or the environment (none: no login). */
export async function natsAuth(opts: NatsAuthOptions): Promise<Partial<ConnectionOptions>> {
  const env = opts.env ?? {};
  const file = opts.authFile ?? (env[NATS_AUTH_FILE_ENV] || undefined);
  if (file !== undefined) {
    let text: string;
    try {
      text = await readFile(file, "utf8");
    } catch (e) {
      throw new MeshroomError("E_NOT_FOUND", `cannot read the NATS credentials file ${file}: ${(e as Error).message}`);
    }
    if (text.includes("-----BEGIN NATS USER JWT-----")) return { authenticator: credsAuthenticator(new TextEncoder().encode(text)) };
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    const r = AuthJson.safeParse(json);
    if (!r.success) {
      throw new MeshroomError("E_BAD_VALUE", `${file} is neither a NATS .creds file nor JSON credentials`, {
        detail: 'Write {"token": "…"} or {"user": "…", "password": "…"} (mode 0600), or use a .creds file from `nsc`.',
      });
    }
    return "token" in r.data ? { token: r.data.token } : { user: r.data.user, pass: r.data.password };
  }
  if (env[NATS_TOKEN_ENV]) return { token: env[NATS_TOKEN_ENV] };
  if (env[NATS_USER_ENV]) return { user: env[NATS_USER_ENV], pass: env[NATS_PASSWORD_ENV] ?? "" };
  return {};
}

/** Connects to the first reachable server of the target; reconnects (to any of them) for ever after. */
export async function connectNats(target: NatsTarget, auth: NatsAuthOptions): Promise<NatsConnection> {
  try {
    return await connect({
      servers: target.servers,
      name: `meshroom-intake-${process.pid}`,
      maxReconnectAttempts: -1,
      reconnectTimeWait: 250,
      waitOnFirstConnect: false,
      // no stack captured per request (the client made an Error, and a timeout error, for each publish)
      noAsyncTraces: true,
      ...(await natsAuth(auth)),
    });
  } catch (e) {
    if (e instanceof MeshroomError) throw e;
    throw new MeshroomError("E_EXEC", `cannot connect to NATS at ${target.servers.join(",")}: ${(e as Error).message}`, {
      detail: "Check that nats-server runs with JetStream (-js), that the address is right, and the credentials.",
    });
  }
}
