/** The playground page: modes as tabs, the state in the URL, keyboard shortcuts, environment notes. */
import { Playground } from './playground';
import { fromQuery, MODES, toQuery, type Mode } from './state';
import { announce, frames } from './ui';

const state = fromQuery(location.search);
/** Set in this tab's session once the page reloaded itself to come under its service worker. */
const SW_RELOADED = 'scratchnet-sw-reloaded';
const writeUrl = () => history.replaceState(null, '', `?${toQuery(state)}`);
const panels = new Map<Mode, HTMLElement>(MODES.map((m) => [m, document.getElementById(`panel-${m}`)!]));
const tabs = [...document.querySelectorAll<HTMLButtonElement>('nav [role=tab]')];

const playground = new Playground(panels.get('2d')!, state, { changed: writeUrl });
const started = new Set<Mode>(['2d']);
let digits: Promise<import('./digits').DigitsApi> | null = null;
const mountDigits = () => (digits ??= import('./digits').then((m) => m.mountDigits(panels.get('digits')!)));

async function show(mode: Mode): Promise<void> {
  state.mode = mode;
  writeUrl();
  for (const t of tabs) {
    const on = t.dataset.mode === mode;
    t.setAttribute('aria-selected', String(on));
    t.tabIndex = on ? 0 : -1;
  }
  for (const [m, p] of panels) p.hidden = m !== mode;
  if (started.has(mode)) return;
  started.add(mode);
  if (mode === 'digits') await mountDigits();
  if (mode === 'compare') (await import('./compare')).mountCompare(panels.get('compare')!, state, writeUrl);
  if (mode === 'images') {
    (await import('./images')).mountImages(panels.get('images')!, state, writeUrl, {
      useInDigits: async (bytes) => {
        await show('digits');
        const pad = await mountDigits();
        await pad.ready;
        pad.use(bytes, 'the model trained in the page');
      },
    });
  }
}

tabs.forEach((t, i) => {
  t.onclick = () => void show(t.dataset.mode as Mode);
  // arrow keys move between tabs (WAI-ARIA tabs pattern)
  t.onkeydown = (e) => {
    const d = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
    if (!d) return;
    const next = tabs[(i + d + tabs.length) % tabs.length];
    next.focus();
    void show(next.dataset.mode as Mode);
  };
});

// shortcuts of the 2-D mode when focus is not in a text field
document.addEventListener('keydown', (e) => {
  const t = e.target as HTMLElement;
  if (state.mode !== '2d' || e.ctrlKey || e.metaKey || e.altKey || /^(INPUT|SELECT|TEXTAREA)$/.test(t.tagName)) return;
  if (e.key === ' ' && t.tagName !== 'BUTTON') {
    e.preventDefault();
    playground.toggle();
  } else if (e.key === 's' || e.key === 'S') playground.step();
  else if (e.key === 'r' || e.key === 'R') playground.reset();
  else if (/^[0-9]$/.test(e.key)) playground.setClickClass(Number(e.key));
});

const env = document.getElementById('env')!;
const cores = navigator.hardwareConcurrency || 1;
const viaWorker = crossOriginIsolated && sessionStorage.getItem(SW_RELOADED) !== null;
env.textContent = crossOriginIsolated
  ? `Cross-origin isolated${viaWorker ? ' (through the page’s service worker: this host sends no COOP/COEP headers)' : ''}: training uses the WebAssembly kernels on ${cores} threads.`
  : 'This page is not cross-origin isolated (served without COOP/COEP headers, and no service worker could add them), so training runs on one thread — correct, just slower.';

// Offline once loaded, and threads on static hosts without COOP/COEP: sw.js caches what the page
// loads and adds those headers; a first visit that is not isolated reloads once to get them.
// (Built app only: the dev server sends the headers itself. `?nosw` opts out.)
if (import.meta.env.PROD && 'serviceWorker' in navigator && !new URLSearchParams(location.search).has('nosw')) {
  navigator.serviceWorker
    .register('./sw.js')
    .then(async () => {
      await navigator.serviceWorker.ready;
      if (!crossOriginIsolated && sessionStorage.getItem(SW_RELOADED) === null) {
        sessionStorage.setItem(SW_RELOADED, '1');
        location.reload();
        return;
      }
      // Under the worker: load the other modes' code and the shipped model once, so that they are
      // cached for offline use (the image sets are cached when image mode first loads them).
      if (navigator.serviceWorker.controller) {
        const warm = () => void Promise.all([import('./digits'), import('./compare'), import('./images'), fetch(new URL('models/mnist.safetensors', document.baseURI))]).catch(() => {});
        if ('requestIdleCallback' in window) requestIdleCallback(warm);
        else setTimeout(warm, 1000);
      }
    })
    .catch((e: unknown) => console.info(`scratchnet playground: no service worker (${String(e)}); no offline use`));
}

const perf = document.getElementById('perf')!;
setInterval(() => {
  const f = frames.stats();
  const sps = playground.info.stepsPerSecond;
  perf.textContent = f.frames ? `Page while training: frame time p50 ${f.p50.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms over ${f.frames} frames${Number.isFinite(sps) ? `; ${sps.toFixed(0)} training steps/s` : ''}` : '';
}, 500);

// what the end-to-end test reads
Object.assign(window, {
  playground,
  frames,
  pageLoadMs: performance.now(),
  showMode: show,
});

void show(state.mode);
if (state.mode === '2d') announce('Ready: press Start or Space to train', true);
