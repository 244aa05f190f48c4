// Finds the spiders a module exports: classes extending Spider with their own static `name`.
import path from "node:path";
import { pathToFileURL } from "node:url";
import { Spider, type SpiderClass } from "./spider.ts";

export interface FoundSpider {
  name: string;
  className: string;
  cls: SpiderClass;
}

export async function importSpiders(file: string): Promise<FoundSpider[]> {
  const mod = (await import(pathToFileURL(path.resolve(file)).href)) as Record<string, unknown>;
  const found: FoundSpider[] = [];
  const seen = new Set<unknown>();
  for (const value of Object.values(mod)) {
    if (seen.has(value) || !isSpiderClass(value)) continue;
    seen.add(value);
    const name = ownStaticName(value);
    if (name) found.push({ name, className: classNameOf(value), cls: value });
  }
  return found;
}

/** Extends this copy of Spider, or — for a project bundling its own SDK copy — one named Spider. */
export function isSpiderClass(value: unknown): value is SpiderClass {
  if (typeof value !== "function" || value === Spider) return false;
  if (value.prototype instanceof Spider) return true;
  for (let p = Object.getPrototypeOf(value); p && p !== Function.prototype; p = Object.getPrototypeOf(p))
    if (classNameOf(p) === "Spider" && typeof p.prototype?.startRequests === "function") return true;
  return false;
}

/** A `static name = "x"` field is writable; the built-in Function#name is not. */
function ownStaticName(cls: object): string | undefined {
  const d = Object.getOwnPropertyDescriptor(cls, "name");
  return d && d.writable && typeof d.value === "string" && d.value !== "" ? d.value : undefined;
}

function classNameOf(cls: object): string {
  const src = Function.prototype.toString.call(cls);
  const m = /^class\s+([A-Za-z_$][\w$]*)/.exec(src);
  return m?.[1] ?? "";
}

export function pickSpider(found: FoundSpider[], file: string, name?: string): FoundSpider {
  if (name) {
    const match = found.find((s) => s.name === name);
    if (!match)
      throw new Error(
        `no spider named ${JSON.stringify(name)} in ${file} (found: ${found.map((s) => s.name).join(", ") || "none"})`,
      );
    return match;
  }
  const [only, ...rest] = found;
  if (!only) throw new Error(`no spider in ${file}: export a class that extends Spider with a static name`);
  if (rest.length > 0)
    throw new Error(`${file} has several spiders (${found.map((s) => s.name).join(", ")}); choose one by name`);
  return only;
}
