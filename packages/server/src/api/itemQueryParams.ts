// The `filter` and `sort` query parameters shared by the items list and the items export, parsed
// against the job's item fields (see store/itemQuery.ts and docs/api.md).

import { Type } from "typebox";
import type { Store } from "../store/database.ts";
import { itemFields } from "../store/jobs.ts";
import { parseItemQuery, type ItemQuery } from "../store/itemQuery.ts";

export const ItemQueryParams = {
  filter: Type.Optional(
    Type.Array(Type.String({ maxLength: 1400 }), { maxItems: 100, description: "FIELD:OP[:VALUE], repeated (AND); OP is eq, ne, gt, gte, lt, lte, contains or exists" }),
  ),
  sort: Type.Optional(Type.String({ maxLength: 1400, description: "FIELD (ascending) or -FIELD (descending)" })),
};

export const CursorParam = Type.Optional(Type.String({ maxLength: 200, description: "nextCursor of the previous page of a sorted list" }));

/** The job's item fields (in first-seen order) and the parsed query; throws 400 invalid_filter / invalid_sort. */
export async function itemQueryFor(
  store: Store,
  jobId: number,
  query: { filter?: string[] | undefined; sort?: string | undefined },
): Promise<{ fields: string[]; q: ItemQuery }> {
  const fields = await itemFields(store, jobId);
  return { fields, q: parseItemQuery(query.filter, query.sort || undefined, fields) };
}
