/**
 * Runtime alert outputs: text, JSON lines, file (append) and HTTP webhook
 * sinks, with dedup and token-bucket rate limiting in front.
 */
export type { AlertSink, SinkStats, ErrorHandler } from './types.js';
export { textSink, jsonLinesSink, alertText, alertJson } from './text.js';
export { fileSink, type FileSinkOptions } from './file.js';
export { webhookSink, type WebhookSinkOptions } from './webhook.js';
export { DedupFilter, TokenBucket, type DedupOptions, type RateLimitOptions } from './throttle.js';
export { AlertOutput, type AlertOutputOptions, type AlertOutputStats } from './output.js';
