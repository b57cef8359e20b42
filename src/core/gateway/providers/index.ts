/** Every provider's wire format, by the id the gateway routes it under (`/openai`, `/anthropic`, …). */
import type { ProviderId, ProviderWire } from '../wire';
import { anthropic } from './anthropic';
import { gemini } from './gemini';
import { ollama } from './ollama';
import { openai } from './openai';

export const PROVIDERS: Readonly<Record<ProviderId, ProviderWire>> = { openai, anthropic, gemini, ollama };
