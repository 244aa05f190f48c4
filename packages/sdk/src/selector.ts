// Scrapy-style CSS selection over cheerio (htmlparser2 backend): `::text` and `::attr(name)`
// pseudo-elements, `get()` / `all()`, nested `css()`.
import type { Cheerio, CheerioAPI } from "cheerio/slim";

// Structural view of the DOM nodes cheerio returns, so domhandler's types do not leak out.
interface DomNode {
  type: string;
  data?: string;
  attribs?: Record<string, string>;
  children?: DomNode[];
}

const PSEUDO_RE = /::(text|attr\(\s*([^)\s]+)\s*\))\s*$/;

type Extract = { kind: "html" } | { kind: "text" } | { kind: "attr"; name: string };

function splitPseudo(query: string): [string, Extract] {
  const m = PSEUDO_RE.exec(query);
  if (!m) return [query, { kind: "html" }];
  const selector = query.slice(0, m.index).trim() || "*";
  return [selector, m[2] !== undefined ? { kind: "attr", name: m[2] } : { kind: "text" }];
}

export class SelectorList implements Iterable<SelectorList> {
  private valuesCache: string[] | undefined;

  constructor(
    private readonly $: CheerioAPI,
    private readonly nodes: Cheerio<DomNode & never>,
    private readonly extract: Extract = { kind: "html" },
  ) {}

  static select($: CheerioAPI, query: string): SelectorList {
    const [selector, extract] = splitPseudo(query);
    return new SelectorList($, $(selector) as Cheerio<DomNode & never>, extract);
  }

  get length(): number {
    return this.extract.kind === "html" ? this.nodes.length : this.all().length;
  }

  /** Selects inside every element of this list. */
  css(query: string): SelectorList {
    const [selector, extract] = splitPseudo(query);
    return new SelectorList(this.$, this.nodes.find(selector) as Cheerio<DomNode & never>, extract);
  }

  /** The first value, or `fallback` when nothing matched. */
  get(): string | undefined;
  get(fallback: string): string;
  get(fallback?: string): string | undefined {
    const values = this.all();
    return values.length > 0 ? values[0] : fallback;
  }

  /** Every value: text nodes for `::text`, attribute values for `::attr()`, outer HTML otherwise. */
  all(): string[] {
    this.valuesCache ??= this.compute();
    return this.valuesCache;
  }

  getAll(): string[] {
    return this.all();
  }

  /** All descendant text of the matched elements, joined (not Scrapy; handy for `h1`). */
  text(): string {
    return this.nodes.text();
  }

  attr(name: string): string | undefined {
    return this.nodes.attr(name);
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
    for (let i = 0; i < this.nodes.length; i++) yield new SelectorList(this.$, this.nodes.eq(i), this.extract);
  }

  private compute(): string[] {
    const out: string[] = [];
    const { extract } = this;
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[i] as unknown as DomNode;
      if (extract.kind === "attr") {
        const v = node.attribs?.[extract.name];
        if (v !== undefined) out.push(v);
      } else if (extract.kind === "text") {
        if (node.type === "text") out.push(node.data ?? "");
        else for (const child of node.children ?? []) if (child.type === "text") out.push(child.data ?? "");
      } else {
        out.push(this.$.html(this.nodes.eq(i)) ?? "");
      }
    }
    return out;
  }
}
