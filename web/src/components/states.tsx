import type { ReactNode } from 'react';
import { ApiError } from '../api/client.js';

export function Loading({ what }: { what: string }) {
  return (
    <p className="state loading" role="status" aria-live="polite">
      Loading {what}…
    </p>
  );
}

/** An error with what failed and what to do next; pages never show a blank space on failure. */
export function ErrorState({ error, what }: { error: unknown; what: string }) {
  const e = error instanceof ApiError ? error : null;
  const message = e ? e.message : error instanceof Error ? error.message : String(error);
  return (
    <div className="state error" role="alert" data-testid="error-state">
      <h2>Could not load {what}</h2>
      <p>
        {e && e.status ? `HTTP ${e.status} from ${readablePath(e.path)}: ` : ''}
        {message}
      </p>
      {e?.hint ? <p className="hint">What to do: {e.hint}</p> : null}
    </div>
  );
}

export function EmptyState({ title, children }: { title: string; children: ReactNode }) {
  return (
    <div className="state empty" data-testid="empty-state">
      <h2>{title}</h2>
      <div>{children}</div>
    </div>
  );
}

function readablePath(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}
