// `scratchnet playground` (src/cli/playground.ts) in a child process: it serves the package's built
// playground (dist-web/, `npm run build:playground`) on the loopback address, prints its URL, opens
// the 2-D mode on the points of `--data FILE.csv` (bad files are one-line errors that name the file
// and line), goes on without a browser opener under `--open`, and stops cleanly on SIGTERM / SIGINT.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { parsePointsCsv } from '../src/data/points-csv.js';
import { CLI, cli } from './cli-helper.js';

const work = mkdtempSync(join(tmpdir(), 'scratchnet-playground-'));
after(() => rmSync(work, { recursive: true, force: true }));
const file = (name: string, text: string) => (writeFileSync(join(work, name), text), join(work, name));
const SITE = fileURLToPath(new URL('../dist-web/index.html', import.meta.url));

describe('parsePointsCsv: x,y,class rows', () => {
  it('reads rows split by commas, semicolons, tabs or spaces, skipping a header and blank lines', () => {
    assert.deepEqual(parsePointsCsv('x,y,label\n0.5,-1,0\n\n2;3;1\n4\t5\t2\r\n6 7 9\n'), [[0.5, -1, 0], [2, 3, 1], [4, 5, 2], [6, 7, 9]]);
  });

  it('names the source and the line of a bad row', () => {
    assert.throws(() => parsePointsCsv('0,0,0\n1,x,1', 'pts.csv'), { name: 'DataError', message: "pts.csv line 2: expected x,y,class, found '1,x,1'" });
    assert.throws(() => parsePointsCsv('0,0,0\n1,1,1.5'), { name: 'DataError', message: 'CSV line 2: class must be an integer 0..9, found 1.5' });
    assert.throws(() => parsePointsCsv('0,0,10'), /CSV line 1: class must be an integer 0\.\.9, found 10/);
  });
});

describe('scratchnet playground', () => {
  it('rejects a bad --data file or port in one line, naming what and where', () => {
    const cases: [string[], RegExp][] = [
      [['--data', join(work, 'missing.csv')], /^scratchnet: error: playground --data: cannot read .*missing\.csv \(ENOENT\)\n$/],
      [['--data', file('bad.csv', 'x,y,c\n1,2,0\n3,four,1\n')], /^scratchnet: error: .*bad\.csv line 3: expected x,y,class, found '3,four,1'\n$/],
      [['--data', file('one.csv', '1,2,0\n3,4,0\n')], /^scratchnet: error: .*one\.csv: expected points of at least 2 classes \(x,y,class rows\), found 2 points of 1 class\n$/],
      [['--data', file('empty.csv', '')], /found 0 points of 0 classes/],
      [['--port', '70000'], /--port.*expected a port 0\.\.65535 \(0: a free one\), found '70000'/],
    ];
    for (const [args, message] of cases) {
      const r = cli(['playground', ...args]);
      assert.equal(r.status, 1, args.join(' '));
      assert.match(r.stderr, message);
      assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
    }
  });

  it('serves the playground and the --data points, goes on without a browser opener, stops on SIGTERM', { skip: !existsSync(SITE) && 'dist-web/ is not built (npm run build:playground)' }, async () => {
    const csv = file('points.csv', 'x,y,label\n0.1234,1,0\n-2,0.5,1\n3,3,2\n');
    // an empty PATH: no xdg-open or open to find
    const child = spawn(process.execPath, [...CLI, 'playground', '--port', '0', '--data', csv, '--open'], { env: { ...process.env, PATH: work } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    const exited = new Promise<number | null>((ok) => child.on('close', ok));
    try {
      while (!/Ctrl-C stops it/.test(stdout) && child.exitCode === null) await new Promise((ok) => setTimeout(ok, 50));
      const base = /^scratchnet playground: (http:\/\/127\.0\.0\.1:\d+\/)$/m.exec(stdout)?.[1];
      assert.ok(base, stdout + stderr);
      assert.match(stdout, new RegExp(`in the 2-D mode: ${base.replace(/[.?]/g, '\\$&')}\\?mode=2d&data=custom&pts=0\\.123_1\\.000_0~-2\\.000_0\\.500_1~3\\.000_3\\.000_2$`, 'm'));
      const page = await fetch(base);
      assert.equal(page.status, 200);
      assert.equal(page.headers.get('cross-origin-embedder-policy'), 'require-corp');
      assert.match(await page.text(), /id="env"/);
      while (!/--open: could not start a browser/.test(stderr) && child.exitCode === null) await new Promise((ok) => setTimeout(ok, 50));
      assert.match(stderr, /--open: could not start a browser \(\S+: ENOENT\); open http:\/\/127\.0\.0\.1:\d+\/\?mode=2d/);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, stderr);
      assert.match(stderr, /SIGTERM: stopping/);
    } finally {
      child.kill('SIGKILL');
    }
  });
});
