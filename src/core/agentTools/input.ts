/**
 * Reading a tool's input by its schema. MCP clients and VS Code pass the model's JSON as it came, so each field is
 * checked here and a wrong one answered with an error that names the field, for the model to correct its call.
 */
import { AgentToolError, type ToolInputProperty } from './types';

export function optionalString(input: Readonly<Record<string, unknown>>, key: string): string | undefined {
  const value = input[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new AgentToolError(`"${key}" must be a string, not ${JSON.stringify(value)}.`);
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}

export function requiredString(input: Readonly<Record<string, unknown>>, key: string): string {
  const value = optionalString(input, key);
  if (value === undefined) throw new AgentToolError(`"${key}" is required.`);
  return value;
}

/** An integer within the property's bounds; `fallback` when absent. */
export function integerInput(
  input: Readonly<Record<string, unknown>>,
  key: string,
  property: Extract<ToolInputProperty, { type: 'integer' }>,
  fallback: number,
): number {
  const value = input[key];
  if (value === undefined || value === null) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < property.minimum || value > property.maximum) {
    throw new AgentToolError(
      `"${key}" must be a whole number from ${property.minimum} to ${property.maximum}, not ${JSON.stringify(value)}.`,
    );
  }
  return value;
}

/** One of `allowed`, or undefined when absent. */
export function enumInput<T extends string>(
  input: Readonly<Record<string, unknown>>,
  key: string,
  allowed: readonly T[],
): T | undefined {
  const value = optionalString(input, key);
  if (value === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(value)) {
    throw new AgentToolError(`"${key}" must be one of ${allowed.join(', ')}, not "${value}".`);
  }
  return value as T;
}
