// Every error a user can see carries a stable code (docs/errors.md) and an HTTP status.

export class TrawlerError extends Error {
  constructor(
    readonly statusCode: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = "TrawlerError";
  }
}

export const badRequest = (code: string, message: string) => new TrawlerError(400, code, message);
export const notFound = (code: string, message: string) => new TrawlerError(404, code, message);
export const conflict = (code: string, message: string) => new TrawlerError(409, code, message);
export const tooLarge = (code: string, message: string) => new TrawlerError(413, code, message);
