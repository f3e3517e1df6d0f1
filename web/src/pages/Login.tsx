import { useState, type FormEvent } from 'react';
import { ApiError, getJson, setToken } from '../api/client.js';

/** Asks for an API token once; it is checked against the server before it is kept (sessionStorage). */
export function Login({ onLogin, reason }: { onLogin: () => void; reason?: string }) {
  const [token, setValue] = useState('');
  const [error, setError] = useState<string | null>(reason ?? null);
  const [busy, setBusy] = useState(false);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const t = token.trim();
    if (!t) {
      setError('Enter an API token.');
      return;
    }
    setBusy(true);
    setToken(t);
    try {
      await getJson('/overview');
      onLogin();
    } catch (err) {
      setToken(null);
      setError(err instanceof ApiError ? `${err.message}${err.hint ? ` — ${err.hint}` : ''}` : String(err));
    } finally {
      setBusy(false);
    }
  }
  return (
    <main className="login">
      <h1>Bulkhead</h1>
      <form onSubmit={submit} aria-describedby="login-help">
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="off" value={token} onChange={(e) => setValue(e.target.value)} autoFocus />
        <button type="submit" disabled={busy}>
          {busy ? 'Checking…' : 'Log in'}
        </button>
        <p id="login-help" className="muted">
          The token is kept for this browser tab only and is sent as <code>Authorization: Bearer</code>. The server prints its admin token when it first starts.
        </p>
        {error ? (
          <p className="form-error" role="alert">
            {error}
          </p>
        ) : null}
      </form>
    </main>
  );
}
