import { useState } from 'preact/hooks';
import { control, Failure, session } from './api.js';

/** The admin token, checked against the control plane, then kept in sessionStorage only. */
export function LoginForm({ notice, onSignedIn }: { notice: string | null; onSignedIn: () => void }) {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      await control('GET', '/clock', undefined, token.trim());
      session.set(token.trim());
      onSignedIn();
    } catch (failure) {
      setError(
        failure instanceof Failure && failure.status === 401
          ? 'That is not the admin token (401 INVALID_SESSION_ID).'
          : `The server could not be reached: ${(failure as Error).message}`,
      );
    } finally {
      setBusy(false);
    }
  };

  return (
    <form class="login" onSubmit={submit}>
      <h1>Chatterbox Console</h1>
      <p>
        Sign in with the admin token that <code>chatterbox serve</code> printed at start (or
        <code> --admin-token</code>). It stays in this tab only.
      </p>
      {notice && <p class="notice">{notice}</p>}
      <label>
        Admin token
        <input
          type="password"
          name="token"
          autocomplete="off"
          value={token}
          onInput={(e) => setToken((e.target as HTMLInputElement).value)}
          required
        />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button type="submit" disabled={busy || token.trim() === ''}>
        Sign in
      </button>
    </form>
  );
}
