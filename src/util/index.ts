// util: pure helpers and small file primitives with no meshroom domain: atomic writes, the lock
// file primitive (and who holds it), confined project paths, redaction, terminal-safe text, plain
// YAML (writing, and reading the plain subset), sorted keys, shape checks of parsed JSON, process
// checks, private cache folders (checked before any cache is trusted) and the compile cache on
// top of them, the version. Import each file directly (no barrel: callers load only what they use).
// May import: errors only.
export {};
