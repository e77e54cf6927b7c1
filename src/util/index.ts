// util: pure helpers and small file primitives with no meshroom domain: atomic writes, the lock
// file primitive, confined project paths, redaction, terminal-safe text, plain YAML, sorted keys,
// process checks, the compile cache, the version. Import each file directly (no barrel: callers
// load only what they use).
// May import: errors only.
export {};
