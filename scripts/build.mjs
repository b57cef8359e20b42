// Builds the extension host bundle and the CLI (node, cjs), the token counter they load on demand, the webview bundles
// of the flame graph, the Statistics view, the service map and the AI Metrics dashboard (browser, iife) and copies the
// codicon font and uPlot's stylesheet the webviews link. `--watch` rebuilds on change; `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFile, mkdir } from 'node:fs/promises';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

const nodeBundle = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  // grpc-js requires proto-loader (and protobufjs with it) only for channelz and ORCA, which the receiver never turns on.
  external: ['@grpc/proto-loader'],
};

// The gateway's token counter (src/core/gateway/tokenizer.ts) carries 2.7 MB of encoding ranks that only a stream
// without usage needs: it is bundled as dist/tokenizer.js beside the bundles that import it, and loaded from there.
const tokenizerApart = {
  name: 'tokenizer-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/tokenizer$/ }, (args) =>
      args.importer.endsWith('tokenCount.ts') ? { path: './tokenizer.js', external: true } : undefined,
    );
  },
};

// The price table (src/core/cost/priceTable.ts) carries some 480 kB of price data that only pricing a model call
// needs: bundled as dist/priceTable.js the same way, and required from there on the first call priced.
const priceTableApart = {
  name: 'price-table-apart',
  setup(build) {
    build.onResolve({ filter: /^\.\/priceTable$/ }, (args) =>
      args.importer.endsWith('prices.ts') ? { path: './priceTable.js', external: true } : undefined,
    );
  },
};

const browserBundle = {
  bundle: true,
  platform: 'browser',
  format: 'iife',
  target: 'es2022',
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  tsconfig: 'webview/tsconfig.json',
};

const contexts = await Promise.all([
  esbuild.context({
    ...nodeBundle,
    entryPoints: ['src/extension.ts'],
    outfile: 'dist/extension.js',
    external: [...nodeBundle.external, 'vscode'],
    plugins: [tokenizerApart, priceTableApart],
  }),
  esbuild.context({
    ...nodeBundle,
    entryPoints: ['src/cli/main.ts'],
    outfile: 'dist/cli.js',
    banner: { js: '#!/usr/bin/env node' },
    plugins: [tokenizerApart, priceTableApart],
  }),
  esbuild.context({
    ...nodeBundle,
    entryPoints: ['src/core/gateway/tokenizer.ts'],
    outfile: 'dist/tokenizer.js',
    // Its ranks are data: a source map would double the file and help no one.
    sourcemap: false,
  }),
  esbuild.context({
    ...nodeBundle,
    entryPoints: ['src/core/cost/priceTable.ts'],
    outfile: 'dist/priceTable.js',
    // Mostly data, like the tokenizer.
    sourcemap: false,
  }),
  esbuild.context({ ...browserBundle, entryPoints: ['webview/main.ts'], outfile: 'dist/webview.js' }),
  esbuild.context({ ...browserBundle, entryPoints: ['webview/stats/main.ts'], outfile: 'dist/stats.js' }),
  esbuild.context({ ...browserBundle, entryPoints: ['webview/serviceMap/main.ts'], outfile: 'dist/serviceMap.js' }),
  esbuild.context({ ...browserBundle, entryPoints: ['webview/dashboard/main.ts'], outfile: 'dist/dashboard.js' }),
]);

const CODICONS = 'node_modules/@vscode/codicons/dist';
await mkdir('dist/codicons', { recursive: true });
await Promise.all(
  ['codicon.css', 'codicon.ttf'].map((name) => copyFile(`${CODICONS}/${name}`, `dist/codicons/${name}`)),
);
// uPlot's own stylesheet (its plot and cursor layout), linked by the dashboard page.
await copyFile('node_modules/uplot/dist/uPlot.min.css', 'dist/uPlot.min.css');

if (watch) {
  await Promise.all(contexts.map((context) => context.watch()));
} else {
  await Promise.all(contexts.map((context) => context.rebuild()));
  await Promise.all(contexts.map((context) => context.dispose()));
}
