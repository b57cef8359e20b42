/**
 * Every id the extension shares with its package.json contribution surface, in one place, so that code and
 * manifest cannot drift apart unnoticed (test/unit/contributions.test.ts compares the two).
 * No `vscode` import: the unit tests read this file in plain Node.
 */

/** Each feature's commands: a feature registers exactly its group (`registerCommands` checks it at compile time). */
export const ReceiverCommands = {
  pauseReceiving: 'aiTraceLens.pauseReceiving',
  resumeReceiving: 'aiTraceLens.resumeReceiving',
  restartReceiver: 'aiTraceLens.restartReceiver',
  changePort: 'aiTraceLens.changePort',
  copyEndpoint: 'aiTraceLens.copyEndpoint',
  sendDemoTrace: 'aiTraceLens.sendDemoTrace',
  showReceiverActions: 'aiTraceLens.showReceiverActions',
  showLog: 'aiTraceLens.showLog',
  openSettings: 'aiTraceLens.openSettings',
  addTraceExportToLaunchConfiguration: 'aiTraceLens.addTraceExportToLaunchConfiguration',
} as const;

export const TracesCommands = {
  clearTraces: 'aiTraceLens.clearTraces',
  copyId: 'aiTraceLens.copyId',
  groupBySession: 'aiTraceLens.groupBySession',
  groupByTrace: 'aiTraceLens.groupByTrace',
  compareTraces: 'aiTraceLens.compareTraces',
  openTraceFile: 'aiTraceLens.openTraceFile',
  saveTrace: 'aiTraceLens.saveTrace',
  filterTraces: 'aiTraceLens.filterTraces',
  clearTraceFilter: 'aiTraceLens.clearTraceFilter',
  loadOlderTraces: 'aiTraceLens.loadOlderTraces',
} as const;

export const DetailsCommands = {
  showSpanDetails: 'aiTraceLens.showSpanDetails',
  showMetrics: 'aiTraceLens.showMetrics',
  showMetricsAsYaml: 'aiTraceLens.showMetricsAsYaml',
} as const;

export const FlameCommands = {
  openFlameGraph: 'aiTraceLens.openFlameGraph',
} as const;

export const CodeCommands = {
  jumpToCode: 'aiTraceLens.jumpToCode',
} as const;

export const GatewayCommands = {
  captureLlmCalls: 'aiTraceLens.captureLlmCalls',
  stopCapturingLlmCalls: 'aiTraceLens.stopCapturingLlmCalls',
  restartGateway: 'aiTraceLens.restartGateway',
  changeGatewayPort: 'aiTraceLens.changeGatewayPort',
} as const;

export const ServiceMapCommands = {
  showServiceMap: 'aiTraceLens.showServiceMap',
} as const;

export const ForwardCommands = {
  setForwardingHeaders: 'aiTraceLens.setForwardingHeaders',
} as const;

export const ReplayCommands = {
  replayLlmCall: 'aiTraceLens.replayLlmCall',
  runReplay: 'aiTraceLens.runReplay',
  runReplayTimes: 'aiTraceLens.runReplayTimes',
  diffReplayAnswers: 'aiTraceLens.diffReplayAnswers',
  forgetModelApiKeys: 'aiTraceLens.forgetModelApiKeys',
} as const;

export const EvaluationCommands = {
  evaluateWithJudge: 'aiTraceLens.evaluateWithJudge',
} as const;

/** Every command, as package.json declares them. */
export const Commands = {
  ...ReceiverCommands,
  ...TracesCommands,
  ...DetailsCommands,
  ...FlameCommands,
  ...CodeCommands,
  ...GatewayCommands,
  ...ForwardCommands,
  ...ServiceMapCommands,
  ...ReplayCommands,
  ...EvaluationCommands,
} as const;
export type CommandId = (typeof Commands)[keyof typeof Commands];

export const VIEW_CONTAINER_ID = 'aiTraceLens';
export const TRACES_VIEW_ID = 'aiTraceLens.traces';
/** The Statistics webview view: models, tools and MCP servers at a glance. */
export const STATISTICS_VIEW_ID = 'aiTraceLens.statistics';
/** The flame graph webview panels' type, which also names their activation event for restoring them after a reload. */
export const FLAME_GRAPH_VIEW_TYPE = 'aiTraceLens.flameGraph';
/** The service map webview panel's type: one panel per window. */
export const SERVICE_MAP_VIEW_TYPE = 'aiTraceLens.serviceMap';
/** The AI Metrics dashboard's webview panel type: one panel per window. */
export const METRICS_DASHBOARD_VIEW_TYPE = 'aiTraceLens.metricsDashboard';

/** Context keys read by `when` clauses in package.json. */
export const ContextKeys = {
  /** One of core/receiver/receiverSupervisor.ts's `RECEIVER_STATE_KINDS`. */
  receiverState: 'aiTraceLens.receiverState',
  /** True while the receiver is bound to the default 127.0.0.1:4318, which the static welcome text names. */
  defaultEndpoint: 'aiTraceLens.defaultEndpoint',
  hasTraces: 'aiTraceLens.hasTraces',
  /** True while new terminals get the variables that send traces to the receiver. */
  terminalEnvironment: 'aiTraceLens.terminalEnvironment',
  /** True while the Traces view groups traces by conversation session. */
  groupBySession: 'aiTraceLens.groupBySession',
  /** True while a TraceQL filter narrows the Traces view. */
  traceFilter: 'aiTraceLens.traceFilter',
  /** True while the durable store holds older traces than memory has loaded. */
  olderTracesOnDisk: 'aiTraceLens.olderTracesOnDisk',
  /** One of core/gateway/gatewaySupervisor.ts's `GATEWAY_STATE_KINDS`. */
  gatewayState: 'aiTraceLens.gatewayState',
  /** The `aiTraceLens.gateway.capture` setting: new terminals and debug launches send model SDK calls to the gateway. */
  gatewayCapture: 'aiTraceLens.gatewayCapture',
  /** True while the active editor is a replay document: its title shows Run Replay. */
  replayDocument: 'aiTraceLens.replayDocument',
} as const;

/** Tree item `contextValue`s, matched by the view/item menus. */
export const TreeItemContext = {
  trace: 'aiTraceLens.trace',
  span: 'aiTraceLens.span',
  /** A span that is a model call: it can be replayed and evaluated. */
  llmSpan: 'aiTraceLens.llmSpan',
  session: 'aiTraceLens.session',
} as const;

export const CONFIG_SECTION = 'aiTraceLens';

/** Setting keys relative to `CONFIG_SECTION`. */
export const SettingKeys = {
  receiverEnabled: 'receiver.enabled',
  receiverHost: 'receiver.host',
  receiverPort: 'receiver.port',
  receiverGrpcPort: 'receiver.grpcPort',
  receiverMaxBodySize: 'receiver.maxBodySize',
  storeMaxSpans: 'store.maxSpans',
  storeMaxLogRecords: 'store.maxLogRecords',
  storeMaxMetricPoints: 'store.maxMetricPoints',
  pathMappings: 'pathMappings',
  codeLensEnabled: 'codeLens.enabled',
  terminalInjectEnvironment: 'terminal.injectEnvironment',
  debugInjectEnvironment: 'debug.injectEnvironment',
  gatewayEnabled: 'gateway.enabled',
  gatewayHost: 'gateway.host',
  gatewayPort: 'gateway.port',
  gatewayMaxBodySize: 'gateway.maxBodySize',
  gatewayRecordContent: 'gateway.recordContent',
  gatewayCapture: 'gateway.capture',
  gatewayUpstreams: 'gateway.upstreams',
  forwardEnabled: 'forward.enabled',
  forwardEndpoint: 'forward.endpoint',
  storageEnabled: 'storage.enabled',
  storageMaxSize: 'storage.maxSize',
  storageMaxAge: 'storage.maxAge',
  prices: 'prices',
  findingsDisabledRules: 'findings.disabledRules',
  findingsToolLoopCalls: 'findings.toolLoop.calls',
  findingsAgentStepsMax: 'findings.agentSteps.max',
  findingsContextGrowthFactor: 'findings.contextGrowth.factor',
  findingsContextGrowthTokens: 'findings.contextGrowth.tokens',
  findingsSlowTtftMs: 'findings.slowTtft.ms',
  findingsSlowTtftMinSamples: 'findings.slowTtft.minSamples',
  findingsStallMs: 'findings.stall.ms',
  findingsLargeToolResultTokens: 'findings.largeToolResult.tokens',
  findingsCacheMissMinPrefixTokens: 'findings.cacheMiss.minPrefixTokens',
  replayEndpoint: 'replay.endpoint',
  replayEndpointModel: 'replay.endpointModel',
  modelServers: 'modelServers',
} as const;
export type SettingKey = (typeof SettingKeys)[keyof typeof SettingKeys];

/** URI scheme of the read-only span details documents. */
export const SPAN_DETAILS_SCHEME = 'ai-trace-lens';
/** URI scheme of the read-only documents Compare Traces shows side by side. */
export const COMPARE_SCHEME = 'ai-trace-lens-compare';
/** URI scheme of the read-only Replay ×N documents: the summary and each answer, for a diff. */
export const REPLAY_RUNS_SCHEME = 'ai-trace-lens-replay';
/** URI scheme of the read-only metrics document. */
export const METRICS_SCHEME = 'ai-trace-lens-metrics';

export const OUTPUT_CHANNEL_NAME = 'AI Trace Lens';

/** Tool names are global across extensions: the agent tools (core/agentTools) are contributed under this prefix. */
export const LANGUAGE_MODEL_TOOL_PREFIX = 'aiTraceLens_';

/**
 * What users type after `#` in chat to hand a tool to the model, by agent tool name; `#aiTraces`, the list, is where
 * a question about the app's runs starts, and the model goes on to the others by the ids it returns.
 */
export const TOOL_REFERENCE_NAMES: Readonly<Record<string, string>> = {
  list_traces: 'aiTraces',
  get_trace: 'aiTrace',
  get_span: 'aiSpan',
  list_findings: 'aiFindings',
  model_stats: 'aiModelStats',
};

/** The MCP server definition provider (`contributes.mcpServerDefinitionProviders`), where VS Code has the API. */
export const MCP_SERVER_PROVIDER_ID = 'aiTraceLens.mcpServer';
