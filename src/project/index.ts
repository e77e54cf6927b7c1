// project: a meshroom project on disk — `loadProject` (load.ts) reads meshroom.yaml, products,
// integrations, instances and plugs with file:line errors; save.ts, plug-file.ts and
// yaml-file.ts write them back (comments kept); paths.ts names every file; product-trust.ts and
// trust-lock.ts hash products' hook files against meshroom.lock; templates/ holds the product
// templates of `create product --from`. Hooks are listed (hook-files.ts), never loaded here.
// Import each file directly (no barrel: callers load only what they use).
// May import: model, util, errors.
export {};
