// Renews the leases of the jobs a worker runs and records the node as alive. Parameters: node
// id, the (job id, attempt) pairs it holds, the lease length. Returns the pairs still held —
// a pair missing from the answer has been taken away (reaped, finished by someone else) and
// the worker must stop that spider — and any cancel, pause or other stop requested since.

import { sql } from "kysely";
import type { Store } from "../../store/database.ts";

export interface HeldJobState {
  id: number;
  attempt: number;
  cancelRequested: boolean;
  /** "pause", or an outcome the platform wants the job to end with (e.g. "project_deleted"). */
  stopRequest: string | null;
}

export interface HeldJob {
  id: number;
  attempt: number;
}

export async function heartbeat(
  store: Store,
  node: { id: string; name: string; slots: number; labels: string[] },
  held: HeldJob[],
  leaseTtlMs: number,
): Promise<HeldJobState[]> {
  await store.db
    .insertInto("nodes")
    .values({
      id: node.id,
      name: node.name,
      slots: node.slots,
      labels: JSON.stringify(node.labels),
      started_at: store.now(),
      heartbeat_at: store.now(),
    })
    .onConflict((oc) => oc.column("id").doUpdateSet({ heartbeat_at: store.now(), slots: node.slots, name: node.name }))
    .execute();
  if (held.length === 0) return [];
  const rows = await store.db
    .updateTable("jobs")
    .set({ lease_expires_at: sql<number>`${store.now()} + ${leaseTtlMs}` })
    .where("state", "=", "running")
    .where("node_id", "=", node.id)
    .where((eb) => eb.or(held.map((h) => eb.and([eb("id", "=", h.id), eb("attempt", "=", h.attempt)]))))
    .returning(["id", "attempt", "cancel_requested_at", "stop_request"])
    .execute();
  return rows.map((r) => ({ id: r.id, attempt: r.attempt, cancelRequested: r.cancel_requested_at !== null, stopRequest: r.stop_request }));
}
