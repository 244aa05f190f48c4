// Scrapy-style CSS selection: `::text` and `::attr(name)` pseudo-elements, `get()` / `all()`,
// nested `css()`. Selectors are compiled once per process by css-select and run directly on
// htmlparser2's DOM — the same engine cheerio uses, without building cheerio objects per call.
// Selectors css-select does not know (cheerio's jQuery extensions such as `:first`) go
// through cheerio.
import type { CheerioAPI } from "cheerio/slim";
import { compile, selectAll } from "css-select";

/** Structural view of htmlparser2's nodes, so domhandler's types do not leak out. */
export interface DomNode {
  type: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
  parent?: DomNode | null;
}

/** What a selector list needs from its response: the document, and cheerio when asked. */
export interface SelectorContext {
  root: DomNode;
  cheerio(): CheerioAPI;
}

type Extract = { kind: "html" } | { kind: "text" } | { kind: "attr"; name: string };
type Compiled = (node: DomNode) => boolean;

const PSEUDO_RE = /::(text|attr\(\s*([^)\s]+)\s*\))\s*$/;
const compiled = new Map<string, Compiled | null>();
const MAX_COMPILED = 1000;

function splitPseudo(query: string): [string, Extract] {
  const m = PSEUDO_RE.exec(query);
  if (!m) return [query, { kind: "html" }];
  const selector = query.slice(0, m.index).trim() || "*";
  return [selector, m[2] !== undefined ? { kind: "attr", name: m[2] } : { kind: "text" }];
}

function compiledQuery(selector: string): Compiled | null {
  let q = compiled.get(selector);
  if (q === undefined) {
    try {
      q = compile<DomNode, DomNode>(selector) as Compiled;
    } catch {
      q = null;
    }
    if (compiled.size >= MAX_COMPILED) compiled.clear();
    compiled.set(selector, q);
  }
  return q;
}

function find(ctx: SelectorContext, within: DomNode[] | DomNode, selector: string): DomNode[] {
  const q = compiledQuery(selector);
  if (q) {
    const found = selectAll<DomNode, DomNode>(q, within);
    return Array.isArray(within) && within.length > 1 ? [...new Set(found)] : found;
  }
  const $ = ctx.cheerio();
  const base = Array.isArray(within) ? $(within as never) : $(within as never);
  return base.find(selector).toArray() as unknown as DomNode[];
}

export class SelectorList implements Iterable<SelectorList> {
  private valuesCache: string[] | undefined;

  constructor(
    private readonly ctx: SelectorContext,
    readonly nodes: DomNode[],
    private readonly extract: Extract = { kind: "html" },
  ) {}

  static select(ctx: SelectorContext, query: string): SelectorList {
    const [selector, extract] = splitPseudo(query);
    return new SelectorList(ctx, find(ctx, ctx.root, selector), extract);
  }

  get length(): number {
    return this.extract.kind === "html" ? this.nodes.length : this.all().length;
  }

  /** Selects inside every element of this list. */
  css(query: string): SelectorList {
    const [selector, extract] = splitPseudo(query);
    return new SelectorList(this.ctx, find(this.ctx, this.nodes, selector), extract);
  }

  /** The first value, or `fallback` when nothing matched. */
  get(): string | undefined;
  get(fallback: string): string;
  get(fallback?: string): string | undefined {
    if (this.valuesCache === undefined && this.extract.kind !== "html") {
      // The first value only: no need to extract the rest.
      for (const node of this.nodes) {
        const v = this.valueOf(node, true);
        if (v !== undefined) return v;
      }
      return fallback;
    }
    const values = this.all();
    return values.length > 0 ? values[0] : fallback;
  }

  /** Every value: text nodes for `::text`, attribute values for `::attr()`, outer HTML otherwise. */
  all(): string[] {
    if (this.valuesCache === undefined) {
      const out: string[] = [];
      for (const node of this.nodes) {
        if (this.extract.kind === "text") pushOwnText(node, out);
        else {
          const v = this.valueOf(node, false);
          if (v !== undefined) out.push(v);
        }
      }
      this.valuesCache = out;
    }
    return this.valuesCache;
  }

  getAll(): string[] {
    return this.all();
  }

  /** All descendant text of the matched elements, joined (not Scrapy; handy for `h1`). */
  text(): string {
    let s = "";
    for (const node of this.nodes) s += textContent(node);
    return s;
  }

  attr(name: string): string | undefined {
    return this.nodes[0]?.attribs?.[name];
  }

  /** Values matching a regular expression; its first group when it has one. */
  re(pattern: RegExp | string): string[] {
    const re =
      typeof pattern === "string"
        ? new RegExp(pattern, "g")
        : new RegExp(pattern.source, pattern.flags.includes("g") ? pattern.flags : `${pattern.flags}g`);
    const out: string[] = [];
    for (const v of this.all()) for (const m of v.matchAll(re)) out.push(m[1] ?? m[0]);
    return out;
  }

  *[Symbol.iterator](): Iterator<SelectorList> {
    for (const node of this.nodes) yield new SelectorList(this.ctx, [node], this.extract);
  }

  private valueOf(node: DomNode, firstText: boolean): string | undefined {
    const { extract } = this;
    if (extract.kind === "attr") return node.attribs?.[extract.name];
    if (extract.kind === "text") {
      const texts: string[] = [];
      pushOwnText(node, texts);
      return firstText ? texts[0] : texts.join("");
    }
    return this.ctx.cheerio().html(node as never) ?? "";
  }
}

/** Scrapy's `::text`: the element's own text nodes, not its descendants'. */
function pushOwnText(node: DomNode, out: string[]): void {
  if (node.type === "text") out.push(node.data ?? "");
  else for (const child of node.children ?? []) if (child.type === "text") out.push(child.data ?? "");
}

function textContent(node: DomNode): string {
  if (node.type === "text" || node.type === "cdata") return node.data ?? "";
  if (!node.children || node.type === "comment") return "";
  let s = "";
  for (const child of node.children) s += textContent(child);
  return s;
}
