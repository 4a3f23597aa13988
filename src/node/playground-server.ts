/**
 * The small web server behind `scratchnet playground`. It serves a fixed set of routes and nothing
 * else: the regular files found under the site's folder when it starts (no symbolic links, nothing
 * outside it; the folder is listed once, so a file is read only when its route is asked for), plus
 * routes whose bytes are made in memory (the image sets). Every answer carries the COOP/COEP headers
 * that make the page cross-origin isolated, so that its kernels can run on threads.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, relative, sep } from 'node:path';
import { ConfigError } from '../errors.js';

/** Content types by file extension; any other file goes out as application/octet-stream. */
export const CONTENT_TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.csv': 'text/csv; charset=utf-8',
};

export const ISOLATION_HEADERS: Readonly<Record<string, string>> = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * The route a request's target names (`assets/app.js`; `index.html` for `/`), or null when it is not
 * a plain path: a segment `.` or `..` (as typed or percent-encoded), an encoded slash or backslash, a
 * backslash, a NUL, bad percent-encoding. The query and fragment are ignored.
 */
export function routeOf(target: string): string | null {
  const raw = target.split(/[?#]/, 1)[0];
  if (!raw.startsWith('/') || raw.startsWith('//')) return null;
  if (/%(2f|5c|00)/i.test(raw)) return null;
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    return null;
  }
  if (/[\\\0]/.test(path)) return null;
  const segments = path.slice(1).split('/');
  if (segments.some((s, i) => s === '.' || s === '..' || (s === '' && i < segments.length - 1))) return null;
  const route = segments.join('/');
  return route === '' || route.endsWith('/') ? `${route}index.html` : route;
}

/** The regular files below `root` by route (`assets/app.js`); symbolic links and what they point at are left out. */
export function listSite(root: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const e of readdirSync(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile()) continue; // directories, symbolic links (not followed: readdir does not), sockets…
    const path = join(e.parentPath ?? (e as { path?: string }).path ?? root, e.name); // parentPath: Node ≥ 20.12
    const route = relative(root, path).split(sep).join('/');
    if (!route.startsWith('..')) files.set(route, path);
  }
  return files;
}

/** Bytes made on request (once; the promise is kept), or a {@link RouteMissing} that says why there are none. */
export type GeneratedRoute = () => Promise<Uint8Array>;

/** A generated route that cannot be made: answered 404 with this message as plain text. */
export class RouteMissing extends Error {}

export interface PlaygroundServerOptions {
  /** The built site's folder (index.html at its top). */
  root: string;
  /** Routes made in memory, by route (`data/mnist/train-images.idx`); they win over files of the same name. */
  generated?: Record<string, GeneratedRoute>;
  host?: string;
  /** 0: a free port. */
  port?: number;
}

export interface PlaygroundServer {
  url: string;
  server: Server;
  close(): Promise<void>;
}

function answer(res: ServerResponse, status: number, headers: Record<string, string>, body: Uint8Array | string, head: boolean): void {
  const bytes = typeof body === 'string' ? Buffer.from(body) : body;
  res.writeHead(status, { ...ISOLATION_HEADERS, 'Cache-Control': 'no-cache', 'X-Content-Type-Options': 'nosniff', 'Content-Length': String(bytes.length), ...headers });
  res.end(head ? undefined : bytes);
}

/** Starts the server on `host:port`; a port in use or a host that cannot be bound is a ConfigError. */
export async function startPlaygroundServer({ root, generated = {}, host = '127.0.0.1', port = 0 }: PlaygroundServerOptions): Promise<PlaygroundServer> {
  const files = listSite(root);
  if (!files.has('index.html')) throw new ConfigError(`playground: ${root} holds no index.html (the package's built playground is missing: npm run build:web builds it)`);
  const made = new Map<string, Promise<Uint8Array>>();
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const head = req.method === 'HEAD';
    if (req.method !== 'GET' && !head) return answer(res, 405, { Allow: 'GET, HEAD', 'Content-Type': 'text/plain; charset=utf-8' }, 'method not allowed\n', head);
    const route = routeOf(req.url ?? '');
    const notFound = (why = 'not found') => answer(res, 404, { 'Content-Type': 'text/plain; charset=utf-8' }, `${why}\n`, head);
    if (route === null) return notFound();
    const type = CONTENT_TYPES[extname(route)] ?? 'application/octet-stream';
    const make = Object.hasOwn(generated, route) ? generated[route] : undefined;
    if (make) {
      if (!made.has(route)) made.set(route, make());
      try {
        return answer(res, 200, { 'Content-Type': type }, await made.get(route)!, head);
      } catch (e) {
        if (e instanceof RouteMissing) return notFound(e.message);
        throw e;
      }
    }
    const file = files.get(route);
    if (file === undefined) return notFound();
    let bytes: Uint8Array;
    try {
      bytes = readFileSync(file);
    } catch {
      return notFound(); // removed since the start
    }
    answer(res, 200, { 'Content-Type': type }, bytes, head);
  };
  const server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      if (!res.headersSent) answer(res, 500, { 'Content-Type': 'text/plain; charset=utf-8' }, `internal error: ${e instanceof Error ? e.message : e}\n`, false);
      else res.destroy();
    });
  });
  await new Promise<void>((ok, fail) => {
    server.once('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'EADDRINUSE') fail(new ConfigError(`playground: port ${port} on ${host} is in use (pick another with --port, or --port 0 for a free one)`));
      else if (e.code === 'EADDRNOTAVAIL' || e.code === 'ENOTFOUND' || e.code === 'EACCES') fail(new ConfigError(`playground: cannot listen on ${host}:${port} (${e.code})`));
      else fail(e);
    });
    server.listen(port, host, ok);
  });
  const address = server.address() as AddressInfo;
  const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  return {
    url: `http://${shown}:${address.port}/`,
    server,
    close: () =>
      new Promise<void>((ok) => {
        server.close(() => ok());
        server.closeAllConnections();
      }),
  };
}
