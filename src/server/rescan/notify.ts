/** Webhook notifications: a JSON POST to every configured URL; failures are logged, never thrown. */
import type { Store } from '../store/index.js';
import type { NewFindingsEvent } from './rescan.js';

export function webhookNotifier(store: Store, log: (msg: string, data?: Record<string, unknown>) => void, timeoutMs = 10_000) {
  return async (event: NewFindingsEvent): Promise<void> => {
    for (const { url } of await store.admin.listNotifications()) {
      try {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'user-agent': 'bulkhead' },
          body: JSON.stringify(event),
          signal: AbortSignal.timeout(timeoutMs),
        });
        if (!res.ok) log('webhook answered with an error', { url: safeUrl(url), status: res.status });
        await res.body?.cancel();
      } catch (err) {
        log('webhook failed', { url: safeUrl(url), error: (err as Error).message });
      }
    }
  };
}

/** A URL without user info or query (they may carry secrets). */
function safeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.protocol}//${u.host}${u.pathname}`;
  } catch {
    return '<url>';
  }
}
