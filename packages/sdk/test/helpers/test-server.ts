// A small node:http server with a route table, recording every request it gets.
import http from "node:http";
import type { AddressInfo } from "node:net";

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, url: URL) => unknown;

export interface TestServer {
  url(path: string): string;
  hits: Array<{ path: string; time: number; headers: http.IncomingHttpHeaders; host: string }>;
  close(): Promise<void>;
}

export async function startServer(routes: Record<string, Handler>, host = "127.0.0.1"): Promise<TestServer> {
  const hits: TestServer["hits"] = [];
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? "/", `http://${req.headers.host}`);
    hits.push({ path: url.pathname + url.search, time: performance.now(), headers: req.headers, host: url.hostname });
    const route =
      routes[url.pathname] ??
      Object.entries(routes).find(([p]) => p.endsWith("*") && url.pathname.startsWith(p.slice(0, -1)))?.[1];
    if (!route) return void res.writeHead(404).end("not found");
    void Promise.resolve(route(req, res, url)).catch((e: unknown) => res.writeHead(500).end(String(e)));
  });
  await new Promise<void>((r) => server.listen(0, host, r));
  const port = (server.address() as AddressInfo).port;
  return {
    url: (path) => `http://${host}:${port}${path}`,
    hits,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

export function html(res: http.ServerResponse, body: string, status = 200, headers: Record<string, string> = {}): void {
  res.writeHead(status, { "content-type": "text/html; charset=utf-8", ...headers }).end(body);
}
