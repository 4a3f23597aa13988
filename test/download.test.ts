// Downloads against a local HTTP server on 127.0.0.1 only: never the internet.
import assert from 'node:assert/strict';
import { cliAsync } from './cli-helper.js';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { downloadFiles, type DownloadProgress, type RemoteFile } from '../src/node/data/download.js';
import { FASHION_MNIST_FILES, loadFashionMnist } from '../src/node/data/fashion-mnist.js';
import { DataError } from '../src/errors.js';

const DEBIAN = '/usr/share/datasets/fashion-mnist';
const noDebian = existsSync(DEBIAN) ? false : `${DEBIAN} is absent (apt-get install dataset-fashion-mnist)`;

type Mode = 'range' | 'no-range' | 'drop-once' | 'drop-always';

/** A file server: `files` by name, Range support per `mode`; every request is logged. */
class TestServer {
  files = new Map<string, Buffer>();
  mode: Mode = 'range';
  log: { path: string; range?: string; status: number }[] = [];
  private server: Server;
  private dropped = new Set<string>();
  url = '';

  constructor() {
    this.server = createServer((req, res) => {
      const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname.slice(1));
      const body = this.files.get(path);
      const range = req.headers.range;
      const entry = { path, range, status: 200 };
      this.log.push(entry);
      if (!body) {
        entry.status = res.statusCode = 404;
        res.end('not found');
        return;
      }
      let start = 0;
      const m = /^bytes=(\d+)-$/.exec(range ?? '');
      if (m && this.mode !== 'no-range') {
        start = Number(m[1]);
        if (start >= body.length) {
          entry.status = res.statusCode = 416;
          res.setHeader('content-range', `bytes */${body.length}`);
          res.end();
          return;
        }
        entry.status = res.statusCode = 206;
        res.setHeader('content-range', `bytes ${start}-${body.length - 1}/${body.length}`);
      }
      res.setHeader('content-length', body.length - start);
      res.setHeader('content-type', 'application/octet-stream');
      const drop = this.mode === 'drop-always' || (this.mode === 'drop-once' && !this.dropped.has(path));
      if (drop) {
        // Send 40% of what is left, then close the connection (FIN after the bytes, so the count is exact).
        this.dropped.add(path);
        res.write(body.subarray(start, start + Math.floor((body.length - start) * 0.4)), () => res.socket?.end());
        return;
      }
      res.end(body.subarray(start));
    });
  }

  async start(): Promise<void> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/`;
  }

  reset(mode: Mode = 'range'): void {
    this.mode = mode;
    this.log = [];
    this.dropped.clear();
  }

  stop(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const server = new TestServer();
before(() => server.start());
after(() => server.stop());

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const tmp = () => mkdtempSync(join(tmpdir(), 'scratchnet-download-'));

/** Two fake files of random bytes on the server, with their true hashes. */
function fakeFiles(): RemoteFile[] {
  const a = randomBytes(300_000);
  const b = randomBytes(1_000);
  server.files.set('a.bin', a);
  server.files.set('sub/b.bin', b); // a name with a path is fine
  return [
    { name: 'a.bin', sha256: [sha256(a)] },
    { name: 'b.bin', sha256: [sha256(b)] },
  ];
}

describe('downloadFiles', () => {
  it('downloads, verifies, renames; a second call finds the files present', async () => {
    server.reset();
    const files = fakeFiles().slice(0, 1);
    const dir = join(tmp(), 'new', 'dir');
    const events: DownloadProgress[] = [];
    assert.deepEqual(await downloadFiles({ dir, baseUrl: server.url, files, onProgress: (p) => events.push(p) }), { 'a.bin': 'downloaded' });
    assert.ok(readFileSync(join(dir, 'a.bin')).equals(server.files.get('a.bin')!));
    assert.deepEqual(readdirSync(dir), ['a.bin'], 'no .part file left');
    assert.equal(events[0].event, 'start');
    assert.equal(events[0].total, 300_000);
    assert.equal(events.at(-1)!.event, 'done');
    server.reset();
    assert.deepEqual(await downloadFiles({ dir, baseUrl: server.url, files }), { 'a.bin': 'present' });
    assert.equal(server.log.length, 0, 'a verified file is not fetched again');
  });

  it('resumes with a Range request after the connection drops midway', async () => {
    server.reset('drop-once');
    const files = fakeFiles().slice(0, 1);
    const dir = tmp();
    const events: DownloadProgress[] = [];
    await downloadFiles({ dir, baseUrl: server.url, files, onProgress: (p) => events.push(p), retryDelayMs: 0 });
    assert.ok(readFileSync(join(dir, 'a.bin')).equals(server.files.get('a.bin')!));
    assert.equal(server.log.length, 2);
    assert.equal(server.log[0].range, undefined);
    // Resumes where the written part ends: somewhere in the 40% the first response sent (bytes the
    // client had buffered but not yet read when the connection closed are lost, so not exactly there).
    const at = Number(/^bytes=(\d+)-$/.exec(server.log[1].range ?? '')?.[1]);
    assert.ok(at > 0 && at <= 120_000, `second request's Range: ${server.log[1].range}`);
    assert.equal(server.log[1].status, 206);
    assert.ok(events.some((e) => e.event === 'resume' && e.received === at));
  });

  it('keeps the .part file when it gives up, and a later call resumes from it', async () => {
    server.reset('drop-always');
    const files = fakeFiles().slice(0, 1);
    const dir = tmp();
    await assert.rejects(downloadFiles({ dir, baseUrl: server.url, files, retries: 1, retryDelayMs: 0 }), (e: unknown) => {
      assert.ok(e instanceof DataError);
      assert.match(e.message, /a\.bin: connection lost after .* gave up after 2 attempts \(run again to resume from .*a\.bin\.part\)/);
      return true;
    });
    const partial = readFileSync(join(dir, 'a.bin.part'));
    assert.ok(partial.length > 0 && partial.length < 300_000, `partial length ${partial.length}`);
    assert.ok(partial.equals(server.files.get('a.bin')!.subarray(0, partial.length)));
    server.reset('range');
    await downloadFiles({ dir, baseUrl: server.url, files });
    assert.equal(server.log[0].range, `bytes=${partial.length}-`);
    assert.ok(readFileSync(join(dir, 'a.bin')).equals(server.files.get('a.bin')!));
    assert.ok(!existsSync(join(dir, 'a.bin.part')));
  });

  it('starts over cleanly when the server ignores Range', async () => {
    server.reset('no-range');
    const files = fakeFiles().slice(0, 1);
    const dir = tmp();
    writeFileSync(join(dir, 'a.bin.part'), 'stale bytes that are not the start of the file');
    const events: DownloadProgress[] = [];
    await downloadFiles({ dir, baseUrl: server.url, files, onProgress: (p) => events.push(p) });
    assert.match(server.log[0].range ?? '', /^bytes=\d+-$/, 'asked to resume');
    assert.equal(server.log[0].status, 200);
    assert.ok(events.some((e) => e.event === 'restart'));
    assert.ok(readFileSync(join(dir, 'a.bin')).equals(server.files.get('a.bin')!));
  });

  it('a resumed file that fails its hash is fetched again from byte 0', async () => {
    server.reset('range');
    const files = fakeFiles().slice(0, 1);
    const dir = tmp();
    writeFileSync(join(dir, 'a.bin.part'), randomBytes(1000)); // not a prefix of the file
    await downloadFiles({ dir, baseUrl: server.url, files });
    assert.deepEqual(server.log.map((l) => l.status), [206, 200]);
    assert.ok(readFileSync(join(dir, 'a.bin')).equals(server.files.get('a.bin')!));
  });

  it('a wrong hash is an error and leaves no file behind', async () => {
    server.reset();
    const [a] = fakeFiles();
    const dir = tmp();
    const wrong = { name: a.name, sha256: ['0'.repeat(64)] };
    await assert.rejects(
      downloadFiles({ dir, baseUrl: server.url, files: [wrong] }),
      new RegExp(`a\\.bin: SHA-256 mismatch .*expected 0{64}, found ${a.sha256[0]}; the file was deleted`),
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a 404 is a clear error naming the URL', async () => {
    server.reset();
    const dir = tmp();
    await assert.rejects(
      downloadFiles({ dir, baseUrl: server.url, files: [{ name: 'missing.gz', sha256: ['0'.repeat(64)] }] }),
      (e: unknown) => e instanceof DataError && e.message.includes(`${server.url}missing.gz: download failed: HTTP 404`),
    );
    assert.deepEqual(readdirSync(dir), []);
  });

  it('a base URL without a final slash still appends the name', async () => {
    server.reset();
    const files = fakeFiles().slice(1);
    const dir = tmp();
    await downloadFiles({ dir, baseUrl: `${server.url}sub`, files });
    assert.equal(server.log[0].path, 'sub/b.bin');
    assert.ok(existsSync(join(dir, 'b.bin')));
  });
});

/** Runs the CLI in a child process (async: the server lives in this process). */
async function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const r = await cliAsync(args, { env });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scratchnet data download', () => {
  it('a 404 prints one error line, no stack, exit 1', async () => {
    server.reset();
    const r = await cli(['data', 'download', 'fashion-mnist', '--data-dir', tmp(), '--base-url', `${server.url}nowhere/`]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stderr, /scratchnet: error: .*nowhere\/train-images-idx3-ubyte\.gz: download failed: HTTP 404/);
    assert.doesNotMatch(r.stderr, /^\s+at /m);
  });

  it('downloads Fashion-MNIST from a mirror, with progress lines, into a loadable directory', { skip: noDebian }, async () => {
    server.reset();
    for (const n of Object.values(FASHION_MNIST_FILES.gz)) server.files.set(`mirror/${n}`, readFileSync(join(DEBIAN, n)));
    const dir = tmp();
    const r = await cli(['data', 'download', 'fashion-mnist', '--data-dir', dir, '--base-url', `${server.url}mirror/`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /train-images-idx3-ubyte\.gz: downloading 26\.4 MB\n.*: 25% \(6\.\d MB of 26\.4 MB\)\n.*: 50% /);
    assert.match(r.stdout, /t10k-labels-idx1-ubyte\.gz: done, 5\.1 kB, SHA-256 verified/);
    assert.equal(r.stdout.match(/SHA-256 verified/g)?.length, 4);
    assert.deepEqual(readdirSync(dir).sort(), Object.values(FASHION_MNIST_FILES.gz).sort());
    const d = await loadFashionMnist({ dir });
    assert.equal(d.source, `official IDX files in ${dir}`);
    assert.equal(d.train.x.rows, 60000);
    // The XDG cache is where it goes without --data-dir, and `data list` then finds it there.
    const xdg = tmp();
    const r2 = await cli(['data', 'download', 'fashion-mnist', '--base-url', `${server.url}mirror/`], { XDG_CACHE_HOME: xdg });
    assert.equal(r2.code, 0, r2.stderr);
    const list = await cli(['data', 'list'], { XDG_CACHE_HOME: xdg });
    // its description goes on under itself in 80 columns: one line again
    assert.match(list.stdout.replace(/\n +/g, ' '), new RegExp(`fashion-mnist +available .*\\[${join(xdg, 'scratchnet', 'fashion-mnist')}\\]`));
  });
});
