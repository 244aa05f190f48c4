// The benchmark crawl with the Trawler SDK: one item per page (url, title, price, sku), follow
// every <a href>, the duplicates filter keeps each page once — the same work as peers/.
import { Request, Spider, type Response } from "trawler/sdk";

export default class Bench extends Spider {
  static override name = "bench";

  override async *startRequests() {
    yield new Request(this.args.start ?? "http://127.0.0.1:18080/");
  }

  override *parse(response: Response) {
    yield {
      url: response.url,
      title: response.css("title::text").get(),
      price: response.css("span.price::text").get(),
      sku: response.css("span.sku::text").get(),
    };
    for (const href of response.css("a::attr(href)").all()) yield response.follow(href);
  }
}
