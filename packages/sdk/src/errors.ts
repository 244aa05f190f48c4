// Error classes make a callback's or pipeline's intent explicit to the engine.

/** Thrown by an item pipeline to drop an item (counted in item_dropped_count). */
export class DropItem extends Error {
  override name = "DropItem";
}

/** Thrown from a callback to close the spider with `reason`, like Scrapy's CloseSpider. */
export class CloseSpider extends Error {
  override name = "CloseSpider";
  constructor(readonly reason = "cancelled") {
    super(`close spider: ${reason}`);
  }
}

/** Ignore a request or response without counting an error (e.g. robots.txt, offsite). */
export class IgnoreRequest extends Error {
  override name = "IgnoreRequest";
}

/** A download failure that must not be retried. */
export class NonRetryableError extends Error {
  override name = "NonRetryableError";
}

/** Passed to an errback when a response's status is not handled (Scrapy's HttpError). */
export class HttpError extends Error {
  override name = "HttpError";
  constructor(
    readonly status: number,
    readonly url: string,
  ) {
    super(`Ignoring non-200 response (${status}) for ${url}`);
  }
}

/** A yielded request that could not be kept in a job directory: names spider, callback and field. */
export class RequestSerializationError extends Error {
  override name = "RequestSerializationError";
  constructor(
    readonly spider: string,
    readonly callback: string,
    readonly field: string,
    problem: string,
  ) {
    super(`spider ${spider}: request yielded by ${callback}() cannot be persisted: ${field} ${problem}`);
  }
}
