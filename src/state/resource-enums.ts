import { z } from "zod";

// The closed value sets of a state resource: used by the zod schema (schema.ts) and by the
// hand-written quick check (quick-check.ts), which therefore never disagree.
export const ResourceTypeSchema = z.enum(["meshroom_instance", "meshroom_plug"]);
export const ResourceStatusSchema = z.enum(["ready", "tainted", "pending"]);
export const PendingActionSchema = z.enum(["setup", "teardown", "update"]);
