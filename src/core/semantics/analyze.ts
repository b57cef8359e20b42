/** What AI Trace Lens understands of one span: the classification table, then the extraction table. */
import type { Span } from '../model';
import { classifySpan } from './classify';
import { extractAiFields } from './extract';
import { familiesOf } from './keyFamilies';
import type { AiSpanInfo } from './types';

// Bound once: called for every span (an imported binding is a property read under CommonJS).
const families = familiesOf;
const classify = classifySpan;
const extract = extractAiFields;

/**
 * Runs on every ingested span: one pass over the span's attribute keys finds the conventions it carries, then plain Map
 * look-ups of their keys only; no regular expressions, and JSON parsed only for OpenInference's request model when no
 * key names it (extract.ts).
 */
export function analyzeSpan(span: Span): AiSpanInfo {
  const spanFamilies = families(span.attributes);
  return extract(span, classify(span, spanFamilies), spanFamilies);
}
