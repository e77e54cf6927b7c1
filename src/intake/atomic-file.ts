// Whole-file writes that are either fully there or not at all; intake files default to 0600
// (sources hold token hashes). The mechanism itself is the shared one in src/util.
import { writeFileAtomic as writeAtomic } from "../util/atomic-write.js";

export async function writeFileAtomic(path: string, data: string, mode = 0o600): Promise<void> {
  await writeAtomic(path, data, { mode });
}
