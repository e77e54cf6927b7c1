// PostgreSQL connection strings: both forms libpq accepts (URI and keyword=value), by libpq's
// own quoting rules, mapped to the `pg` client's settings; malformed ones refused with a message
// that never shows a password.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MeshroomError } from "../../src/errors/index.js";
import { connStringForm, parseKeywordValue, pgConnSettings } from "../../src/state/pg/conn-string.js";
import { redactConnString, resolvePgConfig } from "../../src/state/pg/index.js";

function refusal(conn: string): MeshroomError {
  try {
    pgConnSettings(conn);
  } catch (e) {
    expect(e).toBeInstanceOf(MeshroomError);
    return e as MeshroomError;
  }
  throw new Error(`accepted ${conn}`);
}

describe("connection string forms", () => {
  it("hands a URI to the pg client as is", () => {
    expect(connStringForm("postgres://u:p@h/db")).toBe("uri");
    expect(connStringForm("PostgreSQL://h/db")).toBe("uri");
    expect(pgConnSettings("postgresql://u:p@h:5433/db?sslmode=disable")).toEqual({ connectionString: "postgresql://u:p@h:5433/db?sslmode=disable" });
  });

  it("maps the keyword=value form Terraform accepts to the client's settings", () => {
    expect(pgConnSettings("host=127.0.0.1 port=5432 user=u password=p dbname=d")).toEqual({
      host: "127.0.0.1", port: 5432, user: "u", password: "p", database: "d",
    });
    expect(pgConnSettings("  host = db.internal\tport= 6543  application_name =ci connect_timeout=7 options='-c search_path=x' ")).toEqual({
      host: "db.internal", port: 6543, application_name: "ci", connectionTimeoutMillis: 7000, options: "-c search_path=x",
    });
    expect(pgConnSettings("")).toEqual({});
    // hostaddr is where libpq connects; a repeated keyword: the last counts
    expect(pgConnSettings("host=db.example hostaddr=10.0.0.5 user=a user=b")).toMatchObject({ host: "10.0.0.5", user: "b" });
    expect(pgConnSettings("host=/var/run/postgresql dbname=x")).toEqual({ host: "/var/run/postgresql", database: "x" });
  });

  it("follows libpq's quoting: single quotes, backslash escapes, empty values", () => {
    const kv = parseKeywordValue(String.raw`password='it\'s a \\ secret' user=o\'brien dbname='' options=a\ b application_name=x`);
    expect(Object.fromEntries(kv)).toEqual({ password: "it's a \\ secret", user: "o'brien", dbname: "", options: "a b", application_name: "x" });
    // after "=", spaces are skipped: the value is the next word, as libpq reads it
    expect(parseKeywordValue("password= user=x").get("password")).toBe("user=x");
  });

  it("maps sslmode as libpq means it", () => {
    expect(pgConnSettings("host=h sslmode=disable").ssl).toBe(false);
    expect(pgConnSettings("host=h sslmode=require").ssl).toEqual({ rejectUnauthorized: false });
    expect(pgConnSettings("host=h sslmode=verify-full").ssl).toEqual({});
    expect(pgConnSettings("host=h").ssl).toBeUndefined();
    const dir = mkdtempSync(join(tmpdir(), "mr-ca-"));
    try {
      writeFileSync(join(dir, "ca.pem"), "CA");
      const ca = pgConnSettings(`host=h sslmode=verify-ca sslrootcert=${join(dir, "ca.pem")}`).ssl as { ca: string; checkServerIdentity: unknown };
      expect(ca.ca).toBe("CA");
      expect(typeof ca.checkServerIdentity).toBe("function");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect(refusal("host=h sslmode=verify-ca").message).toMatch(/sslrootcert/);
    expect(refusal("host=h sslmode=sometimes").message).toMatch(/sslmode/);
  });

  it("refuses unknown options, options the client cannot honour, and malformed strings", () => {
    expect(refusal("host=h colour=blue").message).toMatch(/unknown option "colour"/);
    expect(refusal("host=h target_session_attrs=read-write").message).toMatch(/target_session_attrs is not supported/);
    expect(refusal("host=h port=fivefour").message).toMatch(/port must be an integer/);
    expect(refusal("host=a,b").message).toMatch(/several hosts/);
    expect(refusal("mysql://u@h/db").message).toMatch(/not a PostgreSQL scheme/);
    expect(refusal("host=h dbname").message).toMatch(/without "="/);
  });

  it("never shows a password in a refusal", () => {
    for (const conn of [
      "host=h password=hunter2 Wxyzq", // an unquoted password with a space
      "host=h password=hunter2 Mqrst=x", // …whose second word looks like a keyword
      "host=h password='hunter2", // an unclosed quote
      "host=h sslpassword=hunter2 Wxyzq",
      "password=hunter2 host=h port=x",
    ]) {
      const e = refusal(conn);
      expect(`${e.message}\n${e.detail ?? ""}`).not.toMatch(/hunter2|Wxyzq|Mqrst/);
    }
    expect(redactConnString("host=h password='a b\\' c' user=u")).toBe("host=h password=*** user=u");
    expect(redactConnString(String.raw`host=h password=a\ b user=u`)).toBe("host=h password=*** user=u");
    expect(redactConnString("host=h password = 'unclosed secret")).not.toContain("secret");
  });

  it("is checked when the backend settings are resolved, before any connection", () => {
    expect(() => resolvePgConfig({ type: "pg", conn_str: "host=h bogus=1" }, {})).toThrow(/unknown option "bogus"/);
    const cfg = resolvePgConfig({ type: "pg" }, { MESHROOM_PG_CONN_STR: "host=127.0.0.1 user=u password=s3cret dbname=d" });
    expect(cfg.display).toBe("host=127.0.0.1 user=u password=*** dbname=d");
  });
});
