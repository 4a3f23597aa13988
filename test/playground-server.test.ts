// The server behind `scratchnet playground` (src/node/playground-server.ts): which request targets
// name a route and which climb out of the site (`..`, `%2e%2e`, encoded slashes, backslashes, NUL);
// over real HTTP, that only the site's regular files and the generated routes answer (a symbolic
// link in the site, to a file or a folder outside it, is 404), with the COOP/COEP headers and the
// content types the page needs.
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { listSite, routeOf, RouteMissing, startPlaygroundServer, type PlaygroundServer } from '../src/node/playground-server.js';

describe('routeOf: the route a request target names', () => {
  it('maps plain paths, drops the query, and / and folders to their index.html', () => {
    assert.equal(routeOf('/'), 'index.html');
    assert.equal(routeOf('/?mode=2d&data=custom&pts=1_2_0~3_4_1'), 'index.html');
    assert.equal(routeOf('/assets/index-1.js'), 'assets/index-1.js');
    assert.equal(routeOf('/models/'), 'models/index.html');
    assert.equal(routeOf('/data/mnist/train-images.idx#x'), 'data/mnist/train-images.idx');
    assert.equal(routeOf('/a%20b.txt'), 'a b.txt');
  });

  it('rejects whatever could climb out of the site or is not a plain path', () => {
    for (const target of [
      '/..', '/../package.json', '/assets/../../etc/passwd', '/./index.html', '/assets/./x.js',
      '/%2e%2e/package.json', '/%2E%2E/package.json', '/.%2e/x', '/assets/%2e%2e/%2e%2e/x',
      '/..%2fpackage.json', '/assets%2F..%2F..%2Fx', '/..%5cx', '/..\\x', '/a%00.js', '/a\0b',
      '/%E0%A4%A', '//etc/passwd', 'index.html', '', 'http://example.com/index.html', '/a//b',
    ]) {
      assert.equal(routeOf(target), null, target);
    }
  });
});

/** GET (or `method`) of `target` sent as is, without the client's normalisation of `..`. */
function get(base: string, target: string, method = 'GET'): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((ok, fail) => {
    const req = request({ host: hostname, port, path: target, method }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (body += d));
      res.on('end', () => ok({ status: res.statusCode!, headers: res.headers, body }));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('the playground server over HTTP', () => {
  const work = mkdtempSync(join(tmpdir(), 'scratchnet-serve-'));
  const site = join(work, 'site');
  let server: PlaygroundServer;
  let made = 0;

  before(async () => {
    mkdirSync(join(site, 'assets'), { recursive: true });
    writeFileSync(join(site, 'index.html'), '<!doctype html><title>p</title>');
    writeFileSync(join(site, 'assets', 'app.js'), 'export {};');
    writeFileSync(join(site, 'assets', 'k.wasm'), new Uint8Array([0, 97, 115, 109]));
    writeFileSync(join(work, 'secret.txt'), 'secret');
    mkdirSync(join(work, 'outside'));
    writeFileSync(join(work, 'outside', 'x.js'), 'secret');
    symlinkSync(join(work, 'secret.txt'), join(site, 'link.txt'));
    symlinkSync(join(work, 'outside'), join(site, 'linked'));
    server = await startPlaygroundServer({
      root: site,
      port: 0,
      generated: {
        'data/set/classes.json': async () => (made++, new TextEncoder().encode('["a","b"]')),
        'data/gone/classes.json': () => Promise.reject(new RouteMissing('gone is not available: not found in /nowhere')),
      },
    });
  });
  after(async () => {
    await server.close();
    rmSync(work, { recursive: true, force: true });
  });

  it('lists only the regular files inside the site', () => {
    assert.deepEqual([...listSite(site).keys()].sort(), ['assets/app.js', 'assets/k.wasm', 'index.html']);
  });

  it('listens on the loopback address and serves the page cross-origin isolated, with its content types', async () => {
    assert.match(server.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await get(server.url, '/');
    assert.equal(page.status, 200);
    assert.equal(page.headers['cross-origin-opener-policy'], 'same-origin');
    assert.equal(page.headers['cross-origin-embedder-policy'], 'require-corp');
    assert.equal(page.headers['content-type'], 'text/html; charset=utf-8');
    assert.match(page.body, /<title>p<\/title>/);
    assert.equal((await get(server.url, '/assets/app.js')).headers['content-type'], 'text/javascript; charset=utf-8');
    assert.equal((await get(server.url, '/assets/k.wasm')).headers['content-type'], 'application/wasm');
    const head = await get(server.url, '/assets/app.js', 'HEAD');
    assert.equal(head.status, 200);
    assert.equal(head.body, '');
    assert.equal((await get(server.url, '/index.html', 'POST')).status, 405);
  });

  it('answers 404 to targets that climb out, to symbolic links and to what it does not have', async () => {
    for (const target of ['/../secret.txt', '/assets/../../secret.txt', '/%2e%2e/secret.txt', '/..%2fsecret.txt', '/assets%2f..%2f..%2fsecret.txt', '/..%5csecret.txt', '/link.txt', '/linked/x.js', '/nope.js', '/assets/']) {
      const r = await get(server.url, target);
      assert.equal(r.status, 404, target);
      assert.doesNotMatch(r.body, /secret/, target);
      assert.equal(r.headers['cross-origin-embedder-policy'], 'require-corp');
    }
  });

  it('makes a generated route once; one that cannot be made says why', async () => {
    for (let i = 0; i < 2; i++) {
      const r = await get(server.url, '/data/set/classes.json');
      assert.equal(r.status, 200);
      assert.equal(r.headers['content-type'], 'application/json');
      assert.equal(r.body, '["a","b"]');
    }
    assert.equal(made, 1);
    const gone = await get(server.url, '/data/gone/classes.json');
    assert.equal(gone.status, 404);
    assert.match(gone.headers['content-type'] as string, /^text\/plain/);
    assert.match(gone.body, /gone is not available: not found in \/nowhere/);
  });

  it('a site without index.html and a port in use are clear errors', async () => {
    await assert.rejects(startPlaygroundServer({ root: join(work, 'outside') }), /holds no index\.html.*npm run build:web/);
    const port = new URL(server.url).port;
    await assert.rejects(startPlaygroundServer({ root: site, port: Number(port) }), new RegExp(`port ${port} on 127\\.0\\.0\\.1 is in use`));
  });
});
