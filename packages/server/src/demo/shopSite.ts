// A small deterministic shop served by Trawler itself under /demo/shop/, so the demo spider has
// something real to crawl without internet: category pages with pagination and product pages.

import type { FastifyInstance } from "fastify";

const CATEGORIES = ["lamps", "kettles", "backpacks", "speakers", "watches", "chairs"];
const ADJ = ["Red", "Blue", "Quick", "Silent", "Heavy", "Smart", "Tiny", "Golden", "Rustic", "Modern", "Classic", "Portable"];
const PER_CATEGORY = 40;
const PER_PAGE = 10;

function rand(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), a | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function product(category: string, i: number) {
  const r = rand(CATEGORIES.indexOf(category) * 1000 + i + 1);
  const noun = category.replace(/s$/, "");
  return {
    id: `${category}-${i}`,
    name: `${ADJ[Math.floor(r() * ADJ.length)]} ${noun[0]!.toUpperCase()}${noun.slice(1)} ${i}`,
    price: (5 + r() * 495).toFixed(2),
    rating: 1 + Math.floor(r() * 5),
    stock: Math.floor(r() * 50),
  };
}

export const DEMO_PRODUCT_COUNT = CATEGORIES.length * PER_CATEGORY;

const page = (title: string, body: string) =>
  `<!doctype html><html><head><meta charset="utf-8"><title>${title} · Demo Shop</title></head><body><nav><a href="/demo/shop/">Home</a></nav><h1>${title}</h1>${body}</body></html>`;

export function registerShopSite(app: FastifyInstance): void {
  app.get("/demo/shop/", { schema: { hide: true } }, async (_req, reply) =>
    reply
      .type("text/html")
      .send(page("Demo Shop", `<ul class="categories">${CATEGORIES.map((c) => `<li><a class="category" href="/demo/shop/c/${c}/1">${c}</a></li>`).join("")}</ul>`)),
  );
  app.get<{ Params: { cat: string; page: string } }>("/demo/shop/c/:cat/:page", { schema: { hide: true } }, async (req, reply) => {
    const { cat } = req.params;
    const n = Number(req.params.page);
    const pages = PER_CATEGORY / PER_PAGE;
    if (!CATEGORIES.includes(cat) || !Number.isInteger(n) || n < 1 || n > pages) return reply.status(404).type("text/html").send(page("Not found", ""));
    const items = Array.from({ length: PER_PAGE }, (_, k) => product(cat, (n - 1) * PER_PAGE + k + 1));
    const list = items.map((p) => `<li><a class="product" href="/demo/shop/p/${p.id}">${p.name}</a> <span class="price">${p.price}</span></li>`).join("");
    const next = n < pages ? `<a class="next" href="/demo/shop/c/${cat}/${n + 1}">Next</a>` : "";
    return reply.type("text/html").send(page(`Category ${cat}, page ${n}`, `<ul class="products">${list}</ul>${next}`));
  });
  app.get<{ Params: { id: string } }>("/demo/shop/p/:id", { schema: { hide: true } }, async (req, reply) => {
    const m = /^([a-z]+)-(\d+)$/.exec(req.params.id);
    const cat = m?.[1] ?? "";
    const i = Number(m?.[2]);
    if (!CATEGORIES.includes(cat) || i < 1 || i > PER_CATEGORY) return reply.status(404).type("text/html").send(page("Not found", ""));
    const p = product(cat, i);
    return reply
      .type("text/html")
      .send(
        page(
          p.name,
          `<div class="product"><span class="sku">${p.id}</span><span class="price">${p.price}</span><span class="rating">${p.rating}</span><span class="stock">${p.stock}</span><a class="category" href="/demo/shop/c/${cat}/1">${cat}</a></div>`,
        ),
      );
  });
}
