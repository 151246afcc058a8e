// Sign in: labelled email and password fields; the API's message on a
// wrong password, a plain one on 429 (API.md: 10 failures in 15 minutes).
import { useState } from 'preact/hooks';
import { login } from '../api.js';

export function SignIn({ onSignedIn }) {
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState('');
  const [busy, setBusy] = useState(false);

  const submit = async (e) => {
    e.preventDefault();
    setBusy(true);
    setError('');
    try {
      onSignedIn(await login(email.trim(), password));
    } catch (err) {
      if (err.status === 429)
        setError('Too many failed attempts for this email. Wait 15 minutes and try again.');
      else if (err.status === 401) setError(err.message || 'Wrong email or password.');
      else setError(err.message);
      setBusy(false);
    }
  };

  return (
    <main class="signin">
      <form class="card signin-card" onSubmit={submit} aria-labelledby="signin-title">
        <h1 id="signin-title">Sign in to rapport</h1>
        <label for="signin-email">Email</label>
        <input
          id="signin-email"
          type="email"
          autocomplete="username"
          required
          value={email}
          onInput={(e) => setEmail(e.currentTarget.value)}
        />
        <label for="signin-password">Password</label>
        <input
          id="signin-password"
          type="password"
          autocomplete="current-password"
          required
          value={password}
          onInput={(e) => setPassword(e.currentTarget.value)}
        />
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" class="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
