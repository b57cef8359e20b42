/** What AI Trace Lens understands of one span: the classification table, then the extraction table. */
import type { Span } from '../model';
import { classifySpan } from './classify';
import { extractAiFields } from './extract';
import type { AiSpanInfo } from './types';

/** Runs on every ingested span: plain Map look-ups, no JSON parsing, no regular expressions. */
export function analyzeSpan(span: Span): AiSpanInfo {
  return extractAiFields(span, classifySpan(span));
}
