/**
 * Same-origin client for /api/v1. The token lives in sessionStorage only (never
 * in the URL), so closing the tab logs out.
 */
const TOKEN_KEY = 'bulkhead.token';
export const API_BASE = '/api/v1';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token === null) sessionStorage.removeItem(TOKEN_KEY);
  else sessionStorage.setItem(TOKEN_KEY, token);
}

/** Listeners told when the server rejects the token, so the app returns to the login screen. */
const unauthorizedListeners = new Set<() => void>();
export function onUnauthorized(fn: () => void): () => void {
  unauthorizedListeners.add(fn);
  return () => unauthorizedListeners.delete(fn);
}

/** Pulls a readable message and hint out of whatever error body the server sent. */
export function describeErrorBody(status: number, body: unknown): { message: string; hint?: string } {
  if (body && typeof body === 'object') {
    const b = body as Record<string, unknown>;
    const inner = b.error && typeof b.error === 'object' ? (b.error as Record<string, unknown>) : b;
    const text = (v: unknown) => (typeof v === 'string' && v.trim() ? v.trim() : undefined);
    const base = text(inner.message) ?? text(b.error);
    const where = text(inner.where);
    const hint = text(inner.hint);
    const message = base && where ? `${base} (${where})` : base;
    if (message) return hint ? { message, hint } : { message };
  }
  if (typeof body === 'string' && body.trim()) return { message: body.trim().slice(0, 300) };
  return { message: `HTTP ${status}` };
}

async function request(path: string, init: RequestInit = {}): Promise<Response> {
  const token = getToken();
  const headers = new Headers(init.headers);
  if (token) headers.set('Authorization', `Bearer ${token}`);
  let res: Response;
  try {
    res = await fetch(API_BASE + path, { ...init, headers });
  } catch (err) {
    throw new ApiError(0, path, `cannot reach the Bulkhead server (${(err as Error).message})`, 'check that `bulkhead server` is running and reachable from this browser');
  }
  if (!res.ok) {
    const text = await res.text();
    let body: unknown = text;
    try {
      body = JSON.parse(text);
    } catch {
      /* not JSON: keep the text */
    }
    const { message, hint } = describeErrorBody(res.status, body);
    if (res.status === 401) unauthorizedListeners.forEach((fn) => fn());
    throw new ApiError(res.status, path, message, hint ?? defaultHint(res.status));
  }
  return res;
}

function defaultHint(status: number): string | undefined {
  if (status === 401) return 'log in again with a valid API token';
  if (status === 403) return 'this token’s role may not read this; ask an admin for a viewer token or higher';
  if (status >= 500) return 'see the server’s log for the cause';
  return undefined;
}

export async function getJson<T>(path: string): Promise<T> {
  const res = await request(path, { headers: { Accept: 'application/json' } });
  return (await res.json()) as T;
}

/** Downloads a file through fetch (the token must travel in a header, not the URL). */
export async function download(path: string, fileName: string): Promise<void> {
  const res = await request(path);
  const blob = await res.blob();
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function query(params: Record<string, string | number | boolean | undefined>): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== undefined && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `?${s}` : '';
}
