/**
 * Instrumentation injected before the webview's own scripts (Playwright init script, so the page's CSP does not apply
 * and the bundle stays untouched). It times, from outside the bundle:
 * - the bundle's start, main.ts's start and its 'ready' message, and the page's handling of the host's answer, the
 *   `init` message with the snapshot (when its 'message' listener is called, and when it returns);
 * - every animation frame that drew the chart (a rAF callback that called `clearRect`, which the renderer does once per
 *   draw): the callback itself, and the end of the frame's rendering work (style, layout, paint), taken as the moment
 *   a message posted from the callback is delivered, which is after the rendering update task;
 * - every wheel listener call (d3-zoom's handler), whose zoom events schedule the draw;
 * - in counting mode, the canvas calls each drawn frame makes (off in timed loads: the wrappers would cost time).
 * The page reads as `window.__bench`.
 */
export interface FrameRecord {
  /** performance.now() at the start of the drawing rAF callback, at its end, and when the frame's rendering ended. */
  readonly start: number;
  readonly drawEnd: number;
  frameEnd: number;
  /** Time spent in wheel listeners since the previous drawn frame. */
  readonly input: number;
  /** Counting mode only. */
  readonly fillRect: number;
  readonly fillText: number;
  readonly strokeRect: number;
  /** The bar rows (see BarStrip in webview/chart/flameRenderer.ts). */
  readonly drawImage: number;
}

export interface ProbeData {
  readonly responseEnd: number;
  readonly bundleStart: number;
  readonly mainStart: number;
  /** When main.ts posted 'ready', asking the host for the trace. */
  readonly ready: number;
  /** When the page's listener got the `init` message, and when it returned (app built, first draw requested). */
  readonly initStart: number;
  readonly initEnd: number;
  /** When the stand-in host's fetch of the init message's bytes started and ended (resource timing). */
  readonly bytesStart: number;
  readonly bytesEnd: number;
  readonly frames: readonly FrameRecord[];
}

export function probeScript(counting: boolean): string {
  return `(() => {
  const now = () => performance.now();
  const probe = { bundleStart: NaN, mainStart: NaN, ready: NaN, initStart: NaN, initEnd: NaN, frames: [], waiters: [] };
  window.__bench = probe;

  // The bundle's first act is defining its custom elements; main.ts starts by acquiring the VS Code API and ends by
  // posting 'ready' through it (the test page assigns its stand-in after this script has run).
  const define = CustomElementRegistry.prototype.define;
  CustomElementRegistry.prototype.define = function (...args) {
    if (Number.isNaN(probe.bundleStart)) probe.bundleStart = now();
    return define.apply(this, args);
  };
  let acquireApi;
  Object.defineProperty(window, 'acquireVsCodeApi', {
    configurable: true,
    get: () => acquireApi,
    set: (acquire) => {
      acquireApi = () => {
        probe.mainStart = now();
        const api = acquire();
        const post = api.postMessage;
        api.postMessage = (message) => {
          if (message?.type === 'ready' && Number.isNaN(probe.ready)) probe.ready = now();
          return post(message);
        };
        return api;
      };
    },
  });

  let drew = false;
  const counts = { fillRect: 0, fillText: 0, strokeRect: 0, drawImage: 0 };
  const proto = CanvasRenderingContext2D.prototype;
  const clearRect = proto.clearRect;
  proto.clearRect = function (...args) { drew = true; return clearRect.apply(this, args); };
  if (${counting}) {
    for (const name of Object.keys(counts)) {
      const original = proto[name];
      proto[name] = function (...args) { counts[name]++; return original.apply(this, args); };
    }
  }

  let input = 0;
  const wrapped = new WeakMap();
  const add = EventTarget.prototype.addEventListener;
  const remove = EventTarget.prototype.removeEventListener;
  EventTarget.prototype.addEventListener = function (type, listener, options) {
    if (type === 'message' && this === window && typeof listener === 'function') {
      const timed = function (event) {
        const init = event.data?.type === 'init' && Number.isNaN(probe.initStart);
        if (init) probe.initStart = now();
        try { return listener.call(this, event); } finally { if (init) probe.initEnd = now(); }
      };
      return add.call(this, type, timed, options);
    }
    if (type !== 'wheel' || typeof listener !== 'function') return add.call(this, type, listener, options);
    let timed = wrapped.get(listener);
    if (timed === undefined) {
      timed = function (event) {
        const started = now();
        try { return listener.call(this, event); } finally { input += now() - started; }
      };
      wrapped.set(listener, timed);
    }
    return add.call(this, type, timed, options);
  };
  EventTarget.prototype.removeEventListener = function (type, listener, options) {
    return remove.call(this, type, wrapped.get(listener) ?? listener, options);
  };

  const afterRendering = (callback) => {
    const channel = new MessageChannel();
    channel.port1.onmessage = () => { channel.port1.close(); callback(); };
    channel.port2.postMessage(null);
  };
  const raf = window.requestAnimationFrame.bind(window);
  window.requestAnimationFrame = (callback) => raf((time) => {
    drew = false;
    for (const name of Object.keys(counts)) counts[name] = 0;
    const start = now();
    try {
      callback(time);
    } finally {
      if (drew) {
        const frame = { start, drawEnd: now(), frameEnd: NaN, input, ...counts };
        input = 0;
        probe.frames.push(frame);
        afterRendering(() => {
          frame.frameEnd = now();
          probe.waiters = probe.waiters.filter((waiter) => !waiter());
        });
      }
    }
  });

  /** Resolves once more than \`count\` frames have drawn and finished rendering, or after \`timeoutMs\`. */
  probe.drawn = (count, timeoutMs) => new Promise((done) => {
    const check = () => {
      const last = probe.frames[probe.frames.length - 1];
      if (probe.frames.length <= count || Number.isNaN(last.frameEnd)) return false;
      done(true);
      return true;
    };
    if (check()) return;
    probe.waiters.push(check);
    setTimeout(() => done(false), timeoutMs);
  });
  probe.data = () => ({
    responseEnd: performance.getEntriesByType('navigation')[0]?.responseEnd ?? NaN,
    bundleStart: probe.bundleStart,
    mainStart: probe.mainStart,
    ready: probe.ready,
    initStart: probe.initStart,
    initEnd: probe.initEnd,
    bytesStart: performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('/init'))?.startTime ?? NaN,
    bytesEnd: performance.getEntriesByType('resource').find((entry) => entry.name.endsWith('/init'))?.responseEnd ?? NaN,
    frames: probe.frames,
  });
})();`;
}

/**
 * One frame of a blank page's canvas drawing as many rectangles, stretched pixel rows and labels as a flame frame, with
 * no layout behind them (the rows are drawn from a strip filled once); later calls redraw the same canvas, as a live
 * chart does.
 */
export function plainCanvasFrame(options: {
  width: number;
  height: number;
  rects: number;
  images: number;
  texts: number;
  font: string;
}): string {
  return `new Promise((done) => {
  document.body.style.margin = '0';
  let canvas = document.querySelector('canvas');
  if (canvas === null) {
    canvas = document.createElement('canvas');
    canvas.width = ${options.width};
    canvas.height = ${options.height};
    document.body.append(canvas);
  }
  const context = canvas.getContext('2d');
  const strip = new OffscreenCanvas(${options.width}, Math.max(1, ${options.images}));
  const stripContext = strip.getContext('2d');
  stripContext.fillStyle = '#3794ff';
  stripContext.fillRect(0, 0, ${options.width}, ${options.images});
  const colors = ['#b180d7', '#3794ff', '#d18616', '#89d185', '#cca700', '#808080', '#9d9d9d'];
  const rows = Math.floor(${options.height} / 20);
  let seed = 1;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
  requestAnimationFrame(() => {
    const start = performance.now();
    context.clearRect(0, 0, ${options.width}, ${options.height});
    context.imageSmoothingEnabled = false;
    for (let row = 0; row < ${options.images}; row++) {
      context.drawImage(strip, 0, row, ${options.width}, 1, 0, row * 20 + 1, ${options.width}, 18);
    }
    const perColor = Math.ceil(${options.rects} / colors.length);
    for (let r = 0; r < ${options.rects}; r++) {
      if (r % perColor === 0) context.fillStyle = colors[r / perColor];
      context.fillRect(random() * ${options.width}, Math.floor(random() * rows) * 20 + 1, 1 + random() * 40, 18);
    }
    context.font = ${JSON.stringify(options.font)};
    context.textBaseline = 'middle';
    context.fillStyle = '#1e1e1e';
    for (let t = 0; t < ${options.texts}; t++) {
      context.fillText('chat gpt-4o · 1.2k→340 tok', random() * ${options.width}, Math.floor(random() * rows) * 20 + 10);
    }
    const drawEnd = performance.now();
    const channel = new MessageChannel();
    channel.port1.onmessage = () => done({ draw: drawEnd - start, frame: performance.now() - start });
    channel.port2.postMessage(null);
  });
})`;
}
