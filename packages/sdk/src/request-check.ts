// Checks, at the moment a request is yielded, that it can be stored and resumed: callbacks
// must be method names of the spider and meta must be JSON. Cheap when meta is empty.
import { RequestSerializationError } from "./errors.ts";
import type { CallbackRef, Request } from "./request.ts";

export function checkRequest(req: Request, spider: object, spiderName: string, yieldedBy: string): void {
  req.callback = methodName(req.callback, "callback", spider, spiderName, yieldedBy);
  req.errback = methodName(req.errback, "errback", spider, spiderName, yieldedBy);
  for (const key in req.meta) {
    const problem = jsonProblem(req.meta[key], `meta.${key}`);
    if (problem) throw new RequestSerializationError(spiderName, yieldedBy, problem[0], problem[1]);
  }
  if (req.body !== undefined && typeof req.body !== "string")
    throw new RequestSerializationError(spiderName, yieldedBy, "body", "must be a string");
}

function methodName(
  ref: CallbackRef | undefined,
  field: string,
  spider: object,
  spiderName: string,
  yieldedBy: string,
): string | undefined {
  if (ref === undefined) return undefined;
  const methods = spider as Record<string, unknown>;
  if (typeof ref === "string") {
    if (typeof methods[ref] !== "function")
      throw new RequestSerializationError(
        spiderName,
        yieldedBy,
        field,
        `names ${JSON.stringify(ref)}, which is not a method of the spider`,
      );
    return ref;
  }
  if (typeof ref === "function") {
    const name = ref.name.replace(/^bound /, "");
    const own = methods[name];
    if (name !== "" && typeof own === "function" && (own === ref || ref.name.startsWith("bound "))) return name;
    throw new RequestSerializationError(
      spiderName,
      yieldedBy,
      field,
      `is a function that is not a method of the spider (${ref.name || "anonymous"}); pass a method name`,
    );
  }
  throw new RequestSerializationError(spiderName, yieldedBy, field, "must be a method name");
}

function jsonProblem(value: unknown, path: string): [string, string] | undefined {
  switch (typeof value) {
    case "string":
    case "boolean":
      return undefined;
    case "number":
      return Number.isFinite(value) ? undefined : [path, `is ${value}, which JSON cannot hold`];
    case "object": {
      if (value === null) return undefined;
      if (Array.isArray(value)) {
        for (let i = 0; i < value.length; i++) {
          const p = jsonProblem(value[i], `${path}[${i}]`);
          if (p) return p;
        }
        return undefined;
      }
      const proto = Object.getPrototypeOf(value);
      if (proto !== Object.prototype && proto !== null)
        return [path, `is a ${proto?.constructor?.name ?? "object"}, not a plain JSON object`];
      for (const k in value as Record<string, unknown>) {
        const p = jsonProblem((value as Record<string, unknown>)[k], `${path}.${k}`);
        if (p) return p;
      }
      return undefined;
    }
    default:
      return [path, `is a ${typeof value}, not a JSON value`];
  }
}
