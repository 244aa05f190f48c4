// The demo spider: crawls the demo shop that `trawler serve --demo` serves, one item per product.
import { Request, Spider, type Response } from "trawler/sdk";

export default class Shop extends Spider {
  static override name = "shop";

  // Arguments (-a start_url=…) are set after construction, so they are read here.
  override async *startRequests() {
    yield new Request(this.args.start_url ?? "http://127.0.0.1:6800/demo/shop/");
  }

  override async *parse(response: Response) {
    for (const href of response.css("a.category::attr(href)").all()) yield response.follow(href, "parseCategory");
  }

  async *parseCategory(response: Response) {
    for (const href of response.css("a.product::attr(href)").all()) yield response.follow(href, "parseProduct");
    const next = response.css("a.next::attr(href)").get();
    if (next) yield response.follow(next, "parseCategory");
  }

  async *parseProduct(response: Response) {
    this.state.products = ((this.state.products as number | undefined) ?? 0) + 1;
    yield {
      url: response.url,
      name: response.css("h1::text").get(),
      sku: response.css(".sku::text").get(),
      price: Number(response.css(".price::text").get()),
      rating: Number(response.css(".rating::text").get()),
      stock: Number(response.css(".stock::text").get()),
    };
  }
}
