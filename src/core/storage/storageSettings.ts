/**
 * Durable storage's settings (`aiTraceLens.storage.*`) as checked values. As in core/settings.ts, an invalid value
 * falls back to its default with a problem message the host logs.
 */
import { booleanSetting, integerSetting } from '../settings';
import { DEFAULT_STORE_MAX_AGE_MS, DEFAULT_STORE_MAX_BYTES } from './segmentStore';

export interface StorageSettings {
  enabled: boolean;
  maxBytes: number;
  maxAgeMs: number;
}

const MIB = 1024 * 1024;
const DAY_MS = 24 * 60 * 60 * 1000;

/** Defaults, mirrored by package.json (test/unit/contributions.test.ts keeps the two equal). */
export const STORAGE_SETTING_DEFAULTS = {
  'storage.enabled': true,
  'storage.maxSize': DEFAULT_STORE_MAX_BYTES / MIB,
  'storage.maxAge': DEFAULT_STORE_MAX_AGE_MS / DAY_MS,
} as const;

export const STORAGE_SETTING_LIMITS = {
  'storage.maxSize': { minimum: 64, maximum: 1024 * 1024 },
  'storage.maxAge': { minimum: 1, maximum: 3650 },
} as const;

export type StorageSettingKey = keyof typeof STORAGE_SETTING_DEFAULTS;

export function parseStorageSettings(get: (key: StorageSettingKey) => unknown): {
  settings: StorageSettings;
  problems: string[];
} {
  const problems: string[] = [];
  const enabledKey = 'storage.enabled';
  const enabled = booleanSetting(enabledKey, get(enabledKey), STORAGE_SETTING_DEFAULTS[enabledKey], problems);
  const integer = (key: keyof typeof STORAGE_SETTING_LIMITS): number =>
    integerSetting(key, get(key), STORAGE_SETTING_DEFAULTS[key], STORAGE_SETTING_LIMITS[key], problems);
  return {
    settings: { enabled, maxBytes: integer('storage.maxSize') * MIB, maxAgeMs: integer('storage.maxAge') * DAY_MS },
    problems,
  };
}
