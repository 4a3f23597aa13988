/** The 2-D playground: data in the plane, any MLP, live boundary, hidden units and curves. */
import * as sn from 'scratchnet';
import { dataControls } from './controls2d';
import { makeData, type Data2d } from './data2d';
import { NetworkDiagram } from './diagram';
import { probe, structureOf, weightsOf } from './probe';
import { domainOf, drawBoundary, drawPoints, gridPoints, LineChart, PALETTE, type Domain } from './plot';
import type { EpochReport } from './protocol';
import { pageConfig } from './options';
import { runFieldsets } from './run-controls';
import { trainCommand, type PlaygroundState } from './state';
import { Trainer } from './trainer';
import { announce, download, el, frames, reducedMotion } from './ui';

const GRID = 48;

export interface PlaygroundHooks {
  /** The state changed (the page writes it to the URL). */
  changed(): void;
}

export class Playground {
  readonly trainer: Trainer;
  private data: Data2d | null = null;
  private domain: Domain = { lo: -1.2, hi: 1.2 };
  private grid = gridPoints(GRID, this.domain);
  private latest: EpochReport | null = null;
  /** Newest grid outputs: probabilities [m, outputs] and hidden activations; the weights they came with. */
  private probe: { grid: Float32Array; hidden: Float32Array[]; weights?: Float32Array } | null = null;
  /** Bumped by each report or probe; render draws when it moved. */
  private version = 0;
  private drawn = 0;
  private clickClass = 0;
  readonly boundary = el('canvas', { className: 'boundary', width: 420, height: 420, tabIndex: 0, 'aria-label': 'decision boundary: click, or move the cross-hair with the arrow keys and press Enter, to add a point of the chosen class' });
  readonly chart = new LineChart(el('canvas', { width: 560, height: 220, 'aria-label': 'loss and accuracy curves' }));
  readonly diagram = new NetworkDiagram(GRID);
  private figures = el('p', { className: 'figures' });
  private startButton = el('button', { className: 'primary', 'aria-keyshortcuts': 'Space' }, 'Start');
  private stepButton = el('button', { 'aria-keyshortcuts': 'S' }, 'Step (1 epoch)');
  private resetButton = el('button', { 'aria-keyshortcuts': 'R' }, 'Reset');
  private command = el('code', { className: 'cmd', hidden: true });
  private commandNote = el('p', { className: 'note', hidden: true });
  private classButtons: HTMLButtonElement[] = [];
  readonly info = { threads: 0, isolated: false, parameters: 0, stepsPerSecond: NaN, renderMs: [] as number[] };

  constructor(
    readonly root: HTMLElement,
    readonly state: PlaygroundState,
    private readonly hooks: PlaygroundHooks,
  ) {
    this.trainer = new Trainer({
      onReady: (m) => {
        Object.assign(this.info, { threads: m.threads, isolated: m.isolated, parameters: m.parameters });
        this.diagram.setStructure(m.structure, this.grid);
        this.updateFigures();
      },
      onEpoch: (r) => {
        this.latest = r;
        if (r.grid && r.hidden) this.probe = { grid: r.grid, hidden: r.hidden, weights: r.weights };
        this.version++;
        this.info.stepsPerSecond = r.stepsPerSecond;
        announce(`Epoch ${r.epoch}: train loss ${r.loss.toFixed(4)}, test loss ${r.testLoss.toFixed(4)}, test accuracy ${(r.testAccuracy * 100).toFixed(1)}%`);
      },
      onProbe: (p) => {
        this.probe = p;
        this.version++;
      },
      onPaused: (epoch) => {
        this.updateButtons();
        announce(`Paused after epoch ${epoch}`, true);
      },
      onDone: (epochs) => {
        frames.stop();
        this.updateButtons();
        const r = this.trainer.history.at(-1);
        announce(`Done: ${epochs} epochs, test loss ${r?.testLoss.toFixed(4)}, test accuracy ${((r?.testAccuracy ?? 0) * 100).toFixed(1)}%`, true);
      },
      onError: (message) => {
        frames.stop();
        this.updateButtons();
        announce(`Error: ${message}`, true);
      },
    });
    this.chart.onHover = (t) => announce(t, true);
    this.build();
    const draw = () => {
      this.render();
      requestAnimationFrame(draw);
    };
    requestAnimationFrame(draw);
    void this.reload();
  }

  private build(): void {
    const s = this.state;
    const r = s.run;
    const controls = el('div', { className: 'controls' });
    const changed = (f: () => void, reload = true) => () => {
      f();
      this.hooks.changed();
      if (reload) void this.reload();
    };

    const data = dataControls(s, changed, (c) => this.setClickClass(c));
    this.classButtons.push(...data.querySelectorAll<HTMLButtonElement>('button[aria-pressed]'));

    // a new learning rate reaches a running run at its next epoch; any other change makes a new run
    const onChange = (key: string) => {
      this.hooks.changed();
      if (key === 'lr' && r.lr !== undefined) this.trainer.setLr(r.lr);
      else void this.reload();
    };
    const sets = runFieldsets('2d', r, { onChange, data, idSuffix: '2d' });

    this.startButton.onclick = () => this.toggle();
    this.stepButton.onclick = () => this.step();
    this.resetButton.onclick = () => this.reset();
    const link = el('button', {}, 'Copy link');
    link.onclick = () => {
      void navigator.clipboard?.writeText(location.href).catch(() => undefined);
      announce('Link to this exact run copied', true);
    };
    const cmd = el('button', { 'aria-expanded': 'false' }, 'CLI command');
    cmd.onclick = () => {
      const { command, differences } = trainCommand(this.state);
      this.command.textContent = command;
      this.commandNote.textContent = differences.length
        ? `Not the same run: ${differences.join('; ')}.`
        : 'The same run: the CLI builds the same data, layers and initial weights from the seed and prints the same test loss, bit for bit.';
      this.command.hidden = !this.command.hidden;
      this.commandNote.hidden = this.command.hidden;
      cmd.setAttribute('aria-expanded', String(!this.command.hidden));
    };
    const exp = el('button', {}, 'Export model');
    exp.onclick = async () => {
      if (!this.trainer.active) return announce('Train a model first', true);
      download(await this.trainer.exportModel(), `playground-${this.state.dataset}.safetensors`);
    };
    const imp = el('input', { type: 'file', accept: '.safetensors', className: 'visually-hidden', id: 'import-2d', tabIndex: -1, 'aria-label': 'model file to import (.safetensors)' });
    imp.onchange = async () => {
      const f = imp.files?.[0];
      if (f) await this.importModel(new Uint8Array(await f.arrayBuffer()), f.name).catch((e) => announce(e instanceof Error ? e.message : String(e), true));
      imp.value = '';
    };
    const impButton = el('button', {}, 'Import model');
    impButton.onclick = () => imp.click();
    controls.append(data, ...sets);
    const buttons = el('div', { className: 'buttons' }, this.startButton, this.stepButton, this.resetButton, link, cmd, exp, impButton, imp);
    const left = el('div', {}, el('h2', {}, 'Decision boundary'), this.boundary, el('p', { className: 'note' }, 'Filled: train points. Rings: test points. Colour: predicted class, paler where the model is unsure.'));
    const right = el('div', {}, el('h2', {}, 'Loss and accuracy'), this.chart.canvas, this.figures, el('h2', {}, 'The network'), this.diagram.root);
    this.root.append(el('div', { className: 'layout' }, controls, el('div', {}, buttons, this.command, this.commandNote, el('div', { className: 'views' }, left, right))));
    this.boundary.addEventListener('click', (e) => {
      const rect = this.boundary.getBoundingClientRect();
      const d = this.domain;
      this.addPoint(d.lo + ((e.clientX - rect.left) / rect.width) * (d.hi - d.lo), d.hi - ((e.clientY - rect.top) / rect.height) * (d.hi - d.lo));
    });
    // keyboard: arrows move a cross-hair (Shift: 5× faster), Enter adds a point of the chosen class there
    this.boundary.addEventListener('keydown', (e) => {
      const d = this.domain;
      const step = ((d.hi - d.lo) / 40) * (e.shiftKey ? 5 : 1);
      const move: Record<string, [number, number]> = { ArrowLeft: [-step, 0], ArrowRight: [step, 0], ArrowUp: [0, step], ArrowDown: [0, -step] };
      if (move[e.key]) {
        e.preventDefault();
        const clamp = (v: number) => Math.max(d.lo, Math.min(d.hi, v));
        this.cursor = [clamp(this.cursor[0] + move[e.key][0]), clamp(this.cursor[1] + move[e.key][1])];
        this.version++;
      } else if (e.key === 'Enter') {
        e.preventDefault();
        this.addPoint(...this.cursor);
        announce(`Added a point of class ${this.clickClass} at (${this.cursor[0].toFixed(2)}, ${this.cursor[1].toFixed(2)})`, true);
      }
    });
    this.boundary.addEventListener('focus', () => this.version++);
    this.boundary.addEventListener('blur', () => this.version++);
    this.updateButtons();
  }

  /**
   * Shows a model file (exported here or trained by the CLI on a 2-D set): its boundary, units and
   * test figures on the current data, computed on this page with the WebAssembly kernels on one
   * thread (the same bits as the worker's on any thread count).
   */
  async importModel(bytes: Uint8Array, name: string): Promise<void> {
    this.imported ??= sn.createWasmKernels({ threads: 1 }).catch(() => new sn.JsKernels());
    const kernels = await this.imported;
    const saved = sn.decodeModel(bytes, { batchSize: 256, kernels }, name);
    if (saved.architecture.inputWidth !== 2) throw new sn.ModelFileError(`${name}: the 2-D mode needs a model of 2 inputs, found ${saved.architecture.inputWidth}`);
    if (!this.data) throw new sn.DataError('no data to evaluate the model on');
    this.trainer.reset();
    this.updateButtons();
    const { probs, hidden } = probe(saved.model, this.grid);
    this.diagram.setStructure(structureOf(saved.model), this.grid);
    const weights = weightsOf(saved.model);
    const t = this.data.test;
    const test: sn.Dataset = { name: 'test', x: new sn.Matrix(t.y.length, 2, t.x), y: t.y, numClasses: t.numClasses, classNames: Array.from({ length: t.numClasses }, (_, c) => String(c)) };
    const r = sn.evaluate(saved.model, test, { loss: saved.architecture.loss });
    saved.model.release();
    this.probe = { grid: probs, hidden, weights };
    this.latest = null;
    this.version++;
    this.importedFigures = { loss: r.loss, accuracy: r.accuracy };
    announce(`Imported ${name}: test loss ${r.loss.toFixed(4)}, test accuracy ${(r.accuracy * 100).toFixed(1)}%`, true);
  }

  private imported: Promise<sn.Kernels> | null = null;
  /** Test figures of an imported model on the current data. */
  importedFigures: { loss: number; accuracy: number } | null = null;

  setClickClass(c: number): void {
    this.clickClass = c;
    this.classButtons.forEach((b, i) => b.setAttribute('aria-pressed', String(i === c)));
    announce(`Clicked points get class ${c}`, true);
  }

  /** Keyboard cross-hair on the plot, in data coordinates. */
  private cursor: [number, number] = [0, 0];

  private addPoint(x: number, y: number): void {
    if (this.state.dataset !== 'custom') {
      this.state.dataset = 'custom';
      (this.root.querySelector('select') as HTMLSelectElement).value = 'custom';
    }
    this.state.points.push([x, y, this.clickClass]);
    this.hooks.changed();
    void this.reload(false);
  }

  /** New data (and a fresh, untrained run). `keepDomain` keeps the plot's frame for clicked points. */
  async reload(recomputeDomain = true): Promise<void> {
    this.trainer.reset();
    this.latest = null;
    this.probe = null;
    this.importedFigures = null;
    this.version++;
    this.chart.set([]);
    this.diagram.clear();
    this.updateButtons();
    try {
      this.data = await makeData(this.state);
    } catch (e) {
      this.data = null;
      announce(e instanceof Error ? e.message : String(e), true);
    }
    if (this.data && recomputeDomain && !(this.state.dataset === 'custom' && this.state.points.length < 10)) {
      this.domain = domainOf([this.data.train.x, this.data.test.x]);
    }
    this.grid = gridPoints(GRID, this.domain);
    this.version++;
    this.updateFigures();
  }

  get running(): boolean {
    return this.trainer.state === 'running';
  }

  toggle(): void {
    const t = this.trainer;
    if (t.state === 'running') t.pause();
    else if (t.state === 'paused') {
      t.resume();
      frames.start();
    } else this.start(false);
    this.updateButtons();
  }

  step(): void {
    if (this.trainer.state === 'paused') this.trainer.step();
    else if (!this.trainer.active || this.trainer.state === 'done') this.start(true);
    this.updateButtons();
  }

  reset(): void {
    frames.stop();
    void this.reload();
    announce('Reset', true);
  }

  private start(stepOnly: boolean): void {
    if (!this.data) return;
    const copy = (d: Data2d['train']) => ({ ...d, x: d.x.slice(), y: d.y.slice() });
    this.trainer.start({ type: 'start', config: pageConfig(this.state.run, this.state.dataset), train: copy(this.data.train), test: copy(this.data.test), grid: this.grid, paused: stepOnly, threads: this.state.threads || undefined });
    if (stepOnly) this.trainer.step();
    frames.reset();
    frames.start();
  }

  updateButtons(): void {
    const st = this.trainer.state;
    this.startButton.textContent = st === 'running' ? 'Pause' : st === 'paused' ? 'Resume' : st === 'done' ? 'Restart' : 'Start';
    this.startButton.setAttribute('aria-label', `${this.startButton.textContent} training (Space)`);
    this.stepButton.disabled = st === 'running';
  }

  private updateFigures(): void {
    const r = this.trainer.history.at(-1);
    const i = this.info;
    const parts = [
      this.data ? `${this.data.train.y.length} train / ${this.data.test.y.length} test points, ${this.data.numClasses} classes` : 'no data',
      i.parameters ? `${i.parameters} parameters, ${i.threads} thread${i.threads === 1 ? '' : 's'}` : '',
      this.importedFigures ? `imported model: test loss ${this.importedFigures.loss.toFixed(4)} acc ${(this.importedFigures.accuracy * 100).toFixed(1)}%` : '',
      r ? `epoch ${r.epoch}: train loss ${r.loss.toFixed(4)} acc ${(r.accuracy * 100).toFixed(1)}%, test loss ${r.testLoss.toFixed(4)} acc ${(r.testAccuracy * 100).toFixed(1)}%, ${r.stepsPerSecond.toFixed(0)} steps/s` : '',
    ];
    this.figures.textContent = parts.filter(Boolean).join(' · ');
  }

  /** Draws the newest epoch once per frame (once every 0.5 s with reduced motion). */
  private render(): void {
    const [t0, before] = [performance.now(), this.drawn];
    this.draw();
    // main-thread cost of one redraw (boundary, points, curves, units), for the page's timing figures
    if (this.drawn !== before && this.latest) this.info.renderMs.push(performance.now() - t0);
  }

  private draw(): void {
    const r = this.latest;
    const p = this.probe;
    if (this.version === this.drawn) return;
    if (reducedMotion() && r && this.trainer.state === 'running' && performance.now() - this.lastDraw < 500) return;
    this.lastDraw = performance.now();
    this.drawn = this.version;
    const ctx = this.boundary.getContext('2d')!;
    if (p) drawBoundary(this.boundary, p.grid, p.grid.length / (GRID * GRID), GRID);
    else {
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, this.boundary.width, this.boundary.height);
    }
    if (this.data) {
      drawPoints(this.boundary, this.data.train.x, this.data.train.y, this.domain, false);
      drawPoints(this.boundary, this.data.test.x, this.data.test.y, this.domain, true);
    }
    if (document.activeElement === this.boundary) {
      const d = this.domain;
      const sc = this.boundary.width / (d.hi - d.lo);
      const [cx, cy] = [(this.cursor[0] - d.lo) * sc, (d.hi - this.cursor[1]) * sc];
      ctx.strokeStyle = '#000';
      ctx.lineWidth = 1.5;
      ctx.beginPath();
      ctx.moveTo(cx - 9, cy);
      ctx.lineTo(cx + 9, cy);
      ctx.moveTo(cx, cy - 9);
      ctx.lineTo(cx, cy + 9);
      ctx.stroke();
    }
    const h = this.trainer.history;
    this.chart.set([
      { name: 'train loss', color: PALETTE[0], values: h.map((e) => e.loss), axis: 'loss' },
      { name: 'test loss', color: PALETTE[5], dash: [5, 3], values: h.map((e) => e.testLoss), axis: 'loss' },
      { name: 'train acc', color: PALETTE[2], values: h.map((e) => e.accuracy), axis: 'accuracy' },
      { name: 'test acc', color: PALETTE[3], dash: [5, 3], values: h.map((e) => e.testAccuracy), axis: 'accuracy' },
    ]);
    if (p) this.diagram.update(p);
    this.updateFigures();
  }

  private lastDraw = 0;
}
