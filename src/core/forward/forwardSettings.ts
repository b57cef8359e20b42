/**
 * Forwarding's settings (`aiTraceLens.forward.*`) as checked values. As in core/settings.ts, an invalid value falls
 * back to its default with a problem message the host logs.
 */
import { booleanSetting } from '../settings';

export interface ForwardSettings {
  enabled: boolean;
  /** The team collector's OTLP/HTTP base URL; empty to use the one VS Code's own environment had (forwardTarget). */
  endpoint: string;
}

/** Defaults, mirrored by package.json (test/unit/contributions.test.ts keeps the two equal). */
export const FORWARD_SETTING_DEFAULTS = {
  'forward.enabled': true,
  'forward.endpoint': '',
} as const;

export type ForwardSettingKey = keyof typeof FORWARD_SETTING_DEFAULTS;

export function parseForwardSettings(get: (key: ForwardSettingKey) => unknown): {
  settings: ForwardSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const enabledKey = 'forward.enabled';
  const enabled = booleanSetting(enabledKey, get(enabledKey), FORWARD_SETTING_DEFAULTS[enabledKey], problems);
  const endpointValue = get('forward.endpoint');
  let endpoint: string = FORWARD_SETTING_DEFAULTS['forward.endpoint'];
  if (typeof endpointValue === 'string' && isHttpUrl(endpointValue.trim())) endpoint = endpointValue.trim();
  else if (endpointValue !== undefined && endpointValue !== null && endpointValue !== '') {
    problems.push(
      `aiTraceLens.forward.endpoint must be an http or https URL, got ${JSON.stringify(endpointValue)}; ` +
        "forwarding to VS Code's own OTLP endpoint, if it has one.",
    );
  }
  return { settings: { enabled, endpoint }, problems };
}

function isHttpUrl(text: string): boolean {
  return URL.canParse(text) && /^https?:$/.test(new URL(text).protocol);
}
