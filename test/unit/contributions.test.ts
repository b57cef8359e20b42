/** package.json's contribution surface and the ids the code registers must agree, or menus and settings break silently. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, test } from 'node:test';
import { GATEWAY_STATE_KINDS } from '../../src/core/gateway/gatewaySupervisor';
import {
  FINDINGS_DISABLED_KEY,
  FINDINGS_SETTING_DEFAULTS,
  FINDINGS_SETTING_MINIMUMS,
} from '../../src/core/findings/settings';
import { REPLAY_SETTING_DEFAULTS } from '../../src/core/modelRoutes/routes';
import { RULE_IDS } from '../../src/core/findings/types';
import { FORWARD_SETTING_DEFAULTS } from '../../src/core/forward/forwardSettings';
import { STORAGE_SETTING_DEFAULTS, STORAGE_SETTING_LIMITS } from '../../src/core/storage/storageSettings';
import { GATEWAY_SETTING_DEFAULTS, GATEWAY_SETTING_LIMITS } from '../../src/core/gateway/settings';
import { RECEIVER_STATE_KINDS } from '../../src/core/receiver/receiverSupervisor';
import { parseCodeSettings, parseSettings, SETTING_DEFAULTS, SETTING_LIMITS } from '../../src/core/settings';
import {
  Commands,
  CONFIG_SECTION,
  ContextKeys,
  FLAME_GRAPH_VIEW_TYPE,
  SettingKeys,
  STATISTICS_VIEW_ID,
  TRACES_VIEW_ID,
  TreeItemContext,
  VIEW_CONTAINER_ID,
} from '../../src/host/contributions';

const ROOT = resolve(__dirname, '../..');

interface MenuItem {
  command: string;
  when?: string;
  group?: string;
}

interface Manifest {
  main: string;
  icon: string;
  activationEvents: string[];
  extensionKind: string[];
  contributes: {
    commands: { command: string; title: string; category: string; icon?: string }[];
    menus: Record<string, MenuItem[]>;
    viewsContainers: { activitybar: { id: string; icon: string }[] };
    views: Record<string, { id: string; icon?: string }[]>;
    viewsWelcome: { view: string; when: string; contents: string }[];
    configuration: {
      properties: Record<
        string,
        { default: unknown; minimum?: number; maximum?: number; scope?: string; items?: { enum?: string[] } }
      >;
    };
  };
}

const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as Manifest;
const contributes = manifest.contributes;
const declaredCommands = new Set(contributes.commands.map((command) => command.command));
const BUILT_IN_COMMANDS = new Set([`${TRACES_VIEW_ID}.focus`]);

function whenClauses(): string[] {
  const menus = Object.values(contributes.menus).flat();
  return [...menus.map((item) => item.when ?? ''), ...contributes.viewsWelcome.map((welcome) => welcome.when)];
}

describe('package.json contributions', () => {
  test('declares exactly the commands the extension registers, each titled and categorised', () => {
    assert.deepEqual([...declaredCommands].sort(), Object.values(Commands).sort());
    for (const command of contributes.commands) {
      assert.equal(command.category, 'AI Trace Lens', command.command);
      assert.ok(command.title.length > 0, command.command);
    }
  });

  test('menus and welcome links name declared commands only', () => {
    for (const [menu, items] of Object.entries(contributes.menus)) {
      for (const item of items) assert.ok(declaredCommands.has(item.command), `${menu}: ${item.command}`);
    }
    const linked = contributes.viewsWelcome.flatMap((welcome) =>
      [...welcome.contents.matchAll(/\(command:([\w.]+)/g)].map((match) => match[1]!),
    );
    assert.ok(linked.length > 0);
    for (const command of linked) assert.ok(declaredCommands.has(command) || BUILT_IN_COMMANDS.has(command), command);
  });

  test('commands that need a tree item are hidden from the palette', () => {
    const palette = new Map(contributes.menus.commandPalette!.map((item) => [item.command, item.when]));
    assert.equal(palette.get(Commands.copyId), 'false');
  });

  test('when clauses use known context keys, states and item contexts', () => {
    const knownKeys = new Set<string>([...Object.values(ContextKeys), 'view', 'viewItem']);
    const itemContexts = new Set<string>(Object.values(TreeItemContext));
    for (const when of whenClauses()) {
      for (const key of when.match(/aiTraceLens\.\w+/g) ?? []) {
        if (!itemContexts.has(key) && key !== TRACES_VIEW_ID) assert.ok(knownKeys.has(key), `${key} in "${when}"`);
      }
      for (const [, state] of when.matchAll(/aiTraceLens\.receiverState [!=]= (\w+)/g)) {
        assert.ok((RECEIVER_STATE_KINDS as readonly string[]).includes(state!), `state ${state} in "${when}"`);
      }
      for (const [, state] of when.matchAll(/aiTraceLens\.gatewayState [!=]= (\w+)/g)) {
        assert.ok((GATEWAY_STATE_KINDS as readonly string[]).includes(state!), `gateway state ${state} in "${when}"`);
      }
      for (const [, value] of when.matchAll(/viewItem == ([\w.]+)/g)) assert.ok(itemContexts.has(value!), value);
      for (const [, pattern] of when.matchAll(/viewItem =~ \/(.+?)\/(?:\s|$)/g)) {
        const matcher = new RegExp(pattern!);
        assert.ok(
          [...itemContexts].some((value) => matcher.test(value)),
          `${pattern} matches no tree item`,
        );
      }
      for (const [, view] of when.matchAll(/view == ([\w.]+)/g)) assert.equal(view, TRACES_VIEW_ID);
    }
    const welcomeStates = new Set(
      contributes.viewsWelcome.flatMap((welcome) =>
        [...welcome.when.matchAll(/receiverState == (\w+)/g)].map((match) => match[1]),
      ),
    );
    assert.deepEqual(
      [...welcomeStates].sort(),
      [...RECEIVER_STATE_KINDS].sort(),
      'every receiver state has welcome text',
    );
  });

  test('the view container and view use the ids the code uses, with an existing icon', () => {
    const [container] = contributes.viewsContainers.activitybar;
    assert.equal(container!.id, VIEW_CONTAINER_ID);
    assert.deepEqual(
      contributes.views[VIEW_CONTAINER_ID]!.map((view) => view.id),
      [TRACES_VIEW_ID, STATISTICS_VIEW_ID],
    );
    assert.ok(existsSync(join(ROOT, container!.icon)), container!.icon);
    assert.ok(existsSync(join(ROOT, manifest.icon)), manifest.icon);
  });

  test('runs beside the app and activates after startup', () => {
    assert.deepEqual(manifest.extensionKind, ['workspace']);
    // Restoring a flame graph panel after a reload needs its serializer, registered on activation.
    assert.deepEqual(manifest.activationEvents, ['onStartupFinished', `onWebviewPanel:${FLAME_GRAPH_VIEW_TYPE}`]);
    assert.equal(manifest.main, './dist/extension.js');
  });

  test('settings match the code: keys, defaults and limits', () => {
    const properties = contributes.configuration.properties;
    const declared = Object.keys(properties).sort();
    assert.deepEqual(
      declared,
      Object.values(SettingKeys)
        .map((key) => `${CONFIG_SECTION}.${key}`)
        .sort(),
    );
    for (const [key, value] of Object.entries({
      ...SETTING_DEFAULTS,
      ...GATEWAY_SETTING_DEFAULTS,
      ...FORWARD_SETTING_DEFAULTS,
      ...STORAGE_SETTING_DEFAULTS,
      ...FINDINGS_SETTING_DEFAULTS,
      ...REPLAY_SETTING_DEFAULTS,
    })) {
      assert.equal(properties[`${CONFIG_SECTION}.${key}`]!.default, value, key);
    }
    // No user prices by default: the price table alone (src/core/cost/priceOverrides.ts).
    assert.deepEqual(properties[`${CONFIG_SECTION}.${SettingKeys.prices}`]!.default, []);
    // Every finding rule is on by default, and only real rule ids can be turned off.
    const disabledRules = properties[`${CONFIG_SECTION}.${FINDINGS_DISABLED_KEY}`]!;
    assert.deepEqual(disabledRules.default, []);
    assert.deepEqual(disabledRules.items?.enum, [...RULE_IDS]);
    for (const [key, minimum] of Object.entries(FINDINGS_SETTING_MINIMUMS)) {
      assert.equal(properties[`${CONFIG_SECTION}.${key}`]!.minimum, minimum, key);
    }
    for (const [key, limits] of Object.entries({
      ...SETTING_LIMITS,
      ...GATEWAY_SETTING_LIMITS,
      ...STORAGE_SETTING_LIMITS,
    })) {
      const property = properties[`${CONFIG_SECTION}.${key}`]!;
      assert.equal(property.minimum, limits.minimum, key);
      assert.equal(property.maximum, limits.maximum, key);
    }
    // A workspace must not be able to expose the receiver to the network.
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.receiverHost}`]!.scope, 'machine');
    // Nor send the API keys of captured calls to a server of its choosing; capture itself is a per-workspace choice.
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.gatewayHost}`]!.scope, 'machine');
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.gatewayUpstreams}`]!.scope, 'machine');
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.gatewayCapture}`]!.scope, undefined);
    // Nor send the traces received, prompts included, to a collector of its choosing.
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.forwardEndpoint}`]!.scope, 'machine');
    // Nor send replayed prompts to a model server of its choosing.
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.replayEndpoint}`]!.scope, 'machine');
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.replayEndpointModel}`]!.scope, 'machine');
    // Nor make the editor fetch URLs of its choosing every second (a model server's metrics).
    assert.equal(properties[`${CONFIG_SECTION}.${SettingKeys.modelServers}`]!.scope, 'machine');
    assert.deepEqual(properties[`${CONFIG_SECTION}.${SettingKeys.modelServers}`]!.default, []);
  });

  test('capture is offered where there is no trace yet, and each capture command only when it applies', () => {
    const welcome = contributes.viewsWelcome.find((entry) =>
      entry.contents.includes(`command:${Commands.captureLlmCalls}`),
    );
    assert.ok(welcome !== undefined);
    assert.match(welcome.when, new RegExp(`!${ContextKeys.gatewayCapture}\\b`));
    const palette = new Map(contributes.menus.commandPalette!.map((item) => [item.command, item.when]));
    assert.equal(palette.get(Commands.captureLlmCalls), `!${ContextKeys.gatewayCapture}`);
    assert.equal(palette.get(Commands.stopCapturingLlmCalls), ContextKeys.gatewayCapture);
  });
});

describe('parseSettings', () => {
  test('uses the defaults when nothing is set', () => {
    const { settings, problems } = parseSettings(() => undefined);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      receiver: { enabled: true, host: '127.0.0.1', port: 4318, grpcPort: 4317, maxBodyBytes: 20 * 1024 * 1024 },
      maxSpans: 200_000,
      maxLogRecords: 50_000,
      maxMetricPoints: 100_000,
    });
  });

  test('reads valid values and converts MiB to bytes', () => {
    const values: Record<string, unknown> = {
      'receiver.enabled': false,
      'receiver.host': ' ::1 ',
      'receiver.port': 14318,
      'receiver.grpcPort': 0,
      'receiver.maxBodySize': 64,
      'store.maxSpans': 5000,
      'store.maxLogRecords': 2000,
      'store.maxMetricPoints': 1_000_000,
    };
    const { settings, problems } = parseSettings((key) => values[key]);
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      receiver: { enabled: false, host: '::1', port: 14318, grpcPort: 0, maxBodyBytes: 64 * 1024 * 1024 },
      maxSpans: 5000,
      maxLogRecords: 2000,
      maxMetricPoints: 1_000_000,
    });
  });

  test('falls back to the default for each invalid value and says why', () => {
    const values: Record<string, unknown> = {
      'receiver.enabled': 'yes',
      'receiver.host': 42,
      'receiver.port': 70000,
      'receiver.grpcPort': -1,
      'receiver.maxBodySize': 2.5,
      'store.maxSpans': -1,
      'store.maxLogRecords': 999,
      'store.maxMetricPoints': '5000',
    };
    const { settings, problems } = parseSettings((key) => values[key]);
    assert.deepEqual(settings, parseSettings(() => undefined).settings);
    assert.equal(problems.length, 8);
    assert.match(
      problems.join('\n'),
      /aiTraceLens\.receiver\.port must be an integer from 1 to 65535, got 70000; using 4318/,
    );
    assert.match(
      problems.join('\n'),
      /aiTraceLens\.receiver\.grpcPort must be an integer from 0 to 65535, got -1; using 4317/,
    );
    assert.match(
      problems.join('\n'),
      /aiTraceLens\.store\.maxLogRecords must be an integer from 1000 to 10000000, got 999; using 50000/,
    );
    assert.match(
      problems.join('\n'),
      /aiTraceLens\.store\.maxMetricPoints must be an integer .*, got "5000"; using 100000/,
    );
  });
});

describe('parseCodeSettings', () => {
  test('defaults to no mappings and CodeLens on', () => {
    assert.deepEqual(
      parseCodeSettings(() => undefined),
      { settings: { pathMappings: [], codeLensEnabled: true }, problems: [] },
    );
  });

  test('keeps valid mappings, trimmed, and names each invalid entry', () => {
    const values: Record<string, unknown> = {
      pathMappings: [{ from: ' /app ', to: '/home/me/agent' }, { from: '/srv' }, 'C:\\build', { from: '', to: 'x' }],
      'codeLens.enabled': false,
    };
    const { settings, problems } = parseCodeSettings((key) => values[key]);
    assert.deepEqual(settings, { pathMappings: [{ from: '/app', to: '/home/me/agent' }], codeLensEnabled: false });
    assert.equal(problems.length, 3);
    assert.match(problems[0]!, /aiTraceLens\.pathMappings\[1\] must be an object with non-empty "from" and "to"/);
  });

  test('rejects a non-array mapping value and a non-boolean switch', () => {
    const values: Record<string, unknown> = { pathMappings: { from: '/app', to: '.' }, 'codeLens.enabled': 'no' };
    const { settings, problems } = parseCodeSettings((key) => values[key]);
    assert.deepEqual(settings, { pathMappings: [], codeLensEnabled: true });
    assert.equal(problems.length, 2);
  });
});
