/**
 * Spans recorded by AI Trace Lens's own gateway. They are plain OTel GenAI, so the classifier and extractor read them
 * like any instrumented model call; this module adds what only the gateway measures (core/gateway/spanAttributes.ts)
 * and how an app's LLM span above a gateway span takes the gateway's figures where its own instrumentation recorded
 * none.
 */
import type { AttributeMap, Span } from '../model';
import { GATEWAY_SCOPE, GatewayAttributes } from '../gateway/spanAttributes';
import { readBoolean, readNonNegative } from './attributes';
import type { AiSpanInfo } from './types';

export function isGatewaySpan(span: Span): boolean {
  return span.scope.name === GATEWAY_SCOPE;
}

/** The gateway's own figures, in milliseconds; each undefined when the span does not carry it. */
export interface GatewayFigures {
  tpotMs: number | undefined;
  tokensEstimated: boolean | undefined;
  firstTextMs: number | undefined;
  longestGapMs: number | undefined;
  stalls: number | undefined;
}

function secondsToMs(attributes: AttributeMap, key: string): number | undefined {
  const seconds = readNonNegative(attributes, key);
  return seconds === undefined ? undefined : seconds * 1000;
}

/** The figures a gateway span (`isGatewaySpan`) carries. */
export function gatewayFiguresOf(span: Span): GatewayFigures {
  const attributes = span.attributes;
  const input = readBoolean(attributes, GatewayAttributes.inputTokensEstimated);
  const output = readBoolean(attributes, GatewayAttributes.outputTokensEstimated);
  return {
    tpotMs: secondsToMs(attributes, GatewayAttributes.timePerOutputToken),
    tokensEstimated: input === true || output === true ? true : (input ?? output),
    firstTextMs: secondsToMs(attributes, GatewayAttributes.timeToFirstText),
    longestGapMs: secondsToMs(attributes, GatewayAttributes.longestChunkGap),
    stalls: readNonNegative(attributes, GatewayAttributes.stalls),
  };
}

/**
 * `own` (an app LLM span's figures) with those it lacks taken from `gateway` (the gateway span of the same call),
 * marked as measured at the gateway. Tokens go as a whole: an app span that reports any count keeps all of its own,
 * so a total never mixes two sources' counts. The stream figures are the gateway's alone.
 */
export function withGatewayFigures(own: AiSpanInfo, gateway: AiSpanInfo): AiSpanInfo {
  const info: AiSpanInfo = { ...own };
  if (own.ttftMs === undefined && gateway.ttftMs !== undefined) {
    info.ttftMs = gateway.ttftMs;
    info.ttftSource = 'gateway';
  }
  if (own.tpotMs === undefined && gateway.tpotMs !== undefined) {
    info.tpotMs = gateway.tpotMs;
    info.tpotSource = 'gateway';
  }
  const ownTokens = own.inputTokens !== undefined || own.outputTokens !== undefined;
  if (!ownTokens && (gateway.inputTokens !== undefined || gateway.outputTokens !== undefined)) {
    info.inputTokens = gateway.inputTokens;
    info.outputTokens = gateway.outputTokens;
    info.cachedTokens = gateway.cachedTokens;
    info.cacheWriteTokens = gateway.cacheWriteTokens;
    info.reasoningTokens = gateway.reasoningTokens;
    info.tokensEstimated = gateway.tokensEstimated;
    info.tokensSource = 'gateway';
  }
  info.streaming ??= gateway.streaming;
  info.firstTextMs ??= gateway.firstTextMs;
  info.longestGapMs ??= gateway.longestGapMs;
  info.stalls ??= gateway.stalls;
  return info;
}
