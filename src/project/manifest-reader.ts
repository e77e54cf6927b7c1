import type { Diagnostic, SourceLocation } from "../errors/index.js";
import type { ManifestKind, ManifestValue } from "./manifest-kinds.js";
import { ManifestCache } from "./manifest-cache.js";
import type { ListingCache } from "./dir-listing.js";

export interface ReadManifest<T> {
  /** The checked value; undefined when the file has errors. */
  value?: T;
  diagnostics: Diagnostic[];
  /** True when the value came from the manifest cache (the file is unchanged since it loaded cleanly). */
  cached: boolean;
  /** For checks made after the schema: where a field path is in the file (parsed files only). */
  locate?: (path: (string | number)[]) => SourceLocation;
}

type Parser = typeof import("./manifest-parser.js");

/**
 * Reads a project's manifests: from the manifest cache when a file is unchanged since it last
 * loaded cleanly, else parsed and checked. The parser (yaml and zod) is imported on the first
 * miss only, so a command on an unchanged project loads neither.
 */
export class ManifestReader {
  private parser: Parser | undefined;

  private constructor(private readonly root: string, private readonly cache: ManifestCache) {}

  static open(root: string): ManifestReader {
    return new ManifestReader(root, ManifestCache.open(root));
  }

  async read<K extends ManifestKind>(kind: K, file: string): Promise<ReadManifest<ManifestValue<K>>> {
    // a hit passed this schema when it was remembered, by this very build of meshroom (manifest-cache.ts)
    const hit = this.cache.get(file, kind);
    if (hit !== undefined) return { value: hit as ManifestValue<K>, diagnostics: [], cached: true };
    return this.parse(kind, file);
  }

  /** Like `read`, but undefined when there is no file (one `stat` for both questions: a big project has thousands of instances). */
  async readExisting<K extends ManifestKind>(kind: K, file: string): Promise<ReadManifest<ManifestValue<K>> | undefined> {
    const hit = this.cache.get(file, kind);
    if (hit !== undefined) return { value: hit as ManifestValue<K>, diagnostics: [], cached: true };
    return this.cache.missing(file) ? undefined : this.parse(kind, file);
  }

  /** Parses the file itself, cache or not: for the line and column of a problem found after the schema. */
  async parse<K extends ManifestKind>(kind: K, file: string): Promise<ReadManifest<ManifestValue<K>>> {
    this.parser ??= await import("./manifest-parser.js");
    const parsed = this.parser.parseManifest(kind, file, this.root);
    const out: ReadManifest<ManifestValue<K>> = { diagnostics: parsed.diagnostics, cached: false };
    if (parsed.value !== undefined) out.value = parsed.value;
    if (parsed.locate) out.locate = parsed.locate;
    return out;
  }

  /** Remembers a value read from disk that had no problem at all. */
  remember<K extends ManifestKind>(kind: K, file: string, read: ReadManifest<ManifestValue<K>>): void {
    if (!read.cached && read.value !== undefined) this.cache.remember(file, kind, read.value);
  }

  /** The folder listings the cache keeps (dir-listing.ts). */
  get listings(): ListingCache {
    return this.cache;
  }

  /** Writes the cache (best effort). */
  save(): void {
    this.cache.save();
  }
}
