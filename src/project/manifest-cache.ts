import { createHash } from "node:crypto";
import { readFileSync, readdirSync, rmSync, statSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { writeFileAtomicSync } from "../util/atomic-write.js";
import { privateCacheDir } from "../util/private-cache.js";
import { VERSION } from "../util/version.js";
import type { ListedEntry, ListingCache } from "./dir-listing.js";

/**
 * Parsed manifests of a project, keyed by file identity (size, mtime, ctime and inode), so a
 * big catalog (500 products, 2,000 integrations) is not parsed again by every command. Only files
 * that loaded without any problem are remembered; anything else is parsed each time so its
 * diagnostics keep their line and column. The cache lives in the user's private cache folder
 * (util/private-cache.ts: a folder another user can write is neither read nor written), never in
 * the project (loading a project writes nothing there). `MESHROOM_NO_CACHE=1` turns it off.
 *
 * It also keeps the project's folder listings, by the folder's identity: adding, removing or
 * renaming an entry changes the folder's mtime and ctime, so an unchanged identity is an
 * unchanged listing, and a `stat` costs a third of a `readdir` (a 10,000-plug project has 15,000
 * folders). A listing with a symbolic link is not kept (what it points at may change alone).
 */
interface Entry {
  kind: string;
  id: string;
  value: unknown;
}

/** A folder's listing: its identity, and each entry as its kind's letter then its name. */
interface DirEntry {
  id: string;
  entries: string[];
}

interface CacheFile {
  version: string;
  entries: Record<string, Entry>;
  dirs?: Record<string, DirEntry>;
}

const KIND_LETTER = { file: "f", dir: "d", other: "o" } as const;
const LETTER_KIND: Record<string, ListedEntry["kind"]> = { f: "file", d: "dir", o: "other" };

export class ManifestCache implements ListingCache {
  private entries: Record<string, Entry> = {};
  private dirs: Record<string, DirEntry> = {};
  /** Folders listed during this load; the others are dropped on save. */
  private readonly listed = new Set<string>();
  private dirty = false;
  /** Files asked for during this load, with their identity before they were read; the others are dropped on save. */
  private readonly seen = new Map<string, string>();

  /** `file`: this project's cache file name in the cache folder; undefined when caching is off. */
  private constructor(
    private readonly file: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  static open(root: string, env: NodeJS.ProcessEnv = process.env): ManifestCache {
    // read only from a folder no one else can write (its values are trusted as checked)
    const where = privateCacheDir(MANIFESTS, env, { create: false, what: "the manifest cache" });
    if (where.dir === false && where.unsafe) return new ManifestCache(undefined, env);
    // one file per project and build: two builds of one version (the bundled CLI and the tsc
    // output a code mesh's app loads) would otherwise discard each other's cache on every run
    const key = createHash("sha256").update(`${root}\u0000${BUILD}`).digest("hex").slice(0, 24);
    const cache = new ManifestCache(`${key}.json`, env);
    if (where.dir === false) return cache; // nothing cached yet
    try {
      const doc = JSON.parse(readFileSync(join(where.dir, cache.file!), "utf8")) as CacheFile;
      if (doc.version === BUILD && isRecord(doc.entries)) {
        cache.entries = doc.entries;
        if (isRecord(doc.dirs)) cache.dirs = doc.dirs;
      }
    } catch {
      // no cache yet, or an unreadable one: start empty
    }
    return cache;
  }

  /** The remembered value of `file` when the file has not changed since. */
  get(file: string, kind: string): unknown {
    const id = identity(file);
    this.seen.set(file, id);
    const e = this.entries[file];
    if (!e || e.kind !== kind) return undefined;
    return e.id === id ? e.value : undefined;
  }

  /** True when the last `get` of `file` found no file there. */
  missing(file: string): boolean {
    return this.seen.get(file) === "";
  }

  remember(file: string, kind: string, value: unknown): void {
    if (!this.file) return;
    // the identity taken before the file was read: a change made while it was parsed is not hidden
    const id = this.seen.get(file) ?? "";
    if (!settled(id)) return;
    this.entries[file] = { kind, id, value };
    this.dirty = true;
  }

  /** The listing of `dir`: remembered while the folder's identity is unchanged, else `read`. */
  listing(dir: string, read: () => ListedEntry[]): ListedEntry[] {
    if (!this.file) return read();
    // the identity taken before the folder is read: an entry added meanwhile is not hidden
    const id = identity(dir);
    this.listed.add(dir);
    const known = this.dirs[dir];
    if (known && known.id === id && id !== "") return known.entries.map((e) => ({ kind: LETTER_KIND[e[0]!]!, name: e.slice(1) }));
    const entries = read();
    if (settled(id) && entries.every((e) => e.kind !== "link")) {
      this.dirs[dir] = { id, entries: entries.map((e) => KIND_LETTER[e.kind as keyof typeof KIND_LETTER] + e.name) };
      this.dirty = true;
    } else if (known) {
      delete this.dirs[dir];
      this.dirty = true;
    }
    return entries;
  }

  /** Drops entries of files that are gone, then writes the cache (best effort: a cache never fails a command). */
  save(): void {
    if (!this.file) return;
    for (const f of Object.keys(this.entries)) {
      if (!this.seen.has(f)) {
        delete this.entries[f];
        this.dirty = true;
      }
    }
    for (const d of Object.keys(this.dirs)) {
      if (!this.listed.has(d)) {
        delete this.dirs[d];
        this.dirty = true;
      }
    }
    if (!this.dirty) return;
    const where = privateCacheDir(MANIFESTS, this.env, { what: "the manifest cache" });
    if (where.dir === false) return;
    try {
      writeFileAtomicSync(join(where.dir, this.file), JSON.stringify({ version: BUILD, entries: this.entries, dirs: this.dirs } satisfies CacheFile), { mode: 0o600 });
      this.dirty = false;
      pruneOldCaches(where.dir);
    } catch {
      // read-only home or full disk: the next command parses again
    }
  }
}

const MANIFESTS = "manifests";
const RACY_MS = 2_000;

/**
 * A file changed in the last moments may change again within the filesystem's
 * timestamp granularity without its identity changing ("racily clean", as git calls it): it is
 * read again next time rather than trusted.
 */
function settled(id: string): boolean {
  return id !== "" && Date.now() - Number(id.split(":")[1]) >= RACY_MS;
}

function isRecord(v: unknown): v is Record<string, never> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/**
 * Values are trusted as they were checked when remembered, so a cache is only read by the build
 * that wrote it: the version plus this module's build time (any rebuild, schema change included,
 * starts a fresh cache). Checking every hit with zod again would cost as much as a tenth of a
 * second on a 2,500-file catalog.
 */
const BUILD = `${VERSION}:${Math.round(statSync(fileURLToPath(import.meta.url)).mtimeMs)}`;

/** One cache file per project and build: keep the most recently used ones only. */
const MAX_CACHED_PROJECTS = 32;

function pruneOldCaches(dir: string): void {
  const files = readdirSync(dir).filter((f) => f.endsWith(".json"));
  if (files.length <= MAX_CACHED_PROJECTS) return;
  const byAge = files.map((f) => ({ f, t: statSync(join(dir, f)).mtimeMs })).sort((a, b) => b.t - a.t);
  for (const { f } of byAge.slice(MAX_CACHED_PROJECTS)) rmSync(join(dir, f), { force: true });
}

/**
 * Size, mtime and ctime (in ms, to a fraction of a microsecond) and inode; "" when missing. Plain
 * numbers rather than bigint nanoseconds: a catalog stats thousands of files per command, and
 * two changes closer than a microsecond are "racy" anyway (see settled()).
 */
function identity(file: string): string {
  try {
    const s = statSync(file, { throwIfNoEntry: false });
    return s ? `${s.size}:${s.mtimeMs}:${s.ctimeMs}:${s.ino}` : "";
  } catch {
    return "";
  }
}
