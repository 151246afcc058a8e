// Settings > Users (owners, admins) and API tokens (everyone: their own;
// owners and admins see the account's). API.md "Auth and users",
// docs/api.md: only an owner makes or changes owners, an admin cannot
// change an owner, and nobody removes themselves. A token's secret is
// shown once, at creation.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { fmtDate, label } from '../format.jsx';
import { CopyButton, SaveBar, bad, isAdmin, useSaver } from './settings_common.jsx';

const ROLES = ['owner', 'admin', 'agent', 'assistant'];
const ROLE_HELP = {
  owner: 'everything, including owners',
  admin: 'the whole account and its settings',
  agent: 'their own contacts and the team’s shared ones',
  assistant: 'acts for the agents they are assigned to',
};

/* "Remove" that asks again in place (no browser dialog). */
function ConfirmButton({ text, confirm, onConfirm, busy }) {
  const [asking, setAsking] = useState(false);
  if (!asking)
    return (
      <button type="button" class="secondary" onClick={() => setAsking(true)} disabled={busy}>
        {text}
      </button>
    );
  return (
    <span class="confirm">
      <span class="small">{confirm}</span>
      <button type="button" class="danger" onClick={() => (setAsking(false), onConfirm())}>
        Yes, {text.toLowerCase()}
      </button>
      <button type="button" class="secondary" onClick={() => setAsking(false)}>
        Cancel
      </button>
    </span>
  );
}

export function Users({ user }) {
  const owner = user.role === 'owner';
  const [users, setUsers] = useState(null);
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const load = () =>
    api('GET', '/users', { query: { limit: 500 } })
      .then((r) => setUsers(r.items))
      .catch((e) => setError(e.message));
  useEffect(() => {
    load();
  }, []);

  const act = async (fn, done) => {
    setError('');
    setNote('');
    let ok = false;
    try {
      await fn();
      ok = true;
    } catch (e) {
      setError(e.message);
    }
    // The note is said once the list shows the change, not before.
    await load();
    if (ok) setNote(done);
  };
  const roles = owner ? ROLES : ROLES.filter((r) => r !== 'owner');

  return (
    <div class="col">
      <section class="card" aria-labelledby="users-title">
        <h2 id="users-title">Users</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="saved" role="status" aria-live="polite">
          {note}
        </p>
        {!users ? (
          <p class="muted">Loading…</p>
        ) : (
          <div class="table-box">
            <table class="compact settings-table" data-testid="users-table">
              <thead>
                <tr>
                  <th scope="col">User</th>
                  <th scope="col">Role</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {users.map((u) => {
                  const who = u.name || u.email;
                  const locked = (u.role === 'owner' && !owner) || u.id === user.id;
                  return (
                    <tr key={u.id}>
                      <td>
                        <strong>{who}</strong>
                        {u.id === user.id && <span class="muted small"> (you)</span>}
                        {u.name && <div class="muted small sub">{u.email}</div>}
                      </td>
                      <td>
                        <label class="sr-only" for={`role-${u.id}`}>
                          Role of {who}
                        </label>
                        <select
                          id={`role-${u.id}`}
                          value={u.role}
                          disabled={locked}
                          onChange={(e) => {
                            const role = e.currentTarget.value;
                            act(
                              () => api('PATCH', `/users/${u.id}`, { body: { role } }),
                              `${who} is now ${label(role).toLowerCase()}.`
                            );
                          }}
                        >
                          {(locked ? ROLES : roles).map((r) => (
                            <option key={r} value={r}>
                              {label(r)}
                            </option>
                          ))}
                        </select>
                      </td>
                      <td>
                        {!locked && (
                          <ConfirmButton
                            text="Remove"
                            confirm={`Remove ${who}?`}
                            onConfirm={() =>
                              act(() => api('DELETE', `/users/${u.id}`), `${who} was removed.`)
                            }
                          />
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </section>
      <AddUser roles={roles} onAdded={load} />
    </div>
  );
}

function AddUser({ roles, onAdded }) {
  const empty = { email: '', name: '', password: '', role: 'agent', phone: '' };
  const [v, setV] = useState(empty);
  const [state, run] = useSaver();
  const set = (k) => (e) => setV({ ...v, [k]: e.currentTarget.value });
  const submit = (e) => {
    e.preventDefault();
    run(async () => {
      const body = { email: v.email.trim(), password: v.password, role: v.role };
      if (v.name.trim()) body.name = v.name.trim();
      if (v.phone.trim()) body.phone = v.phone.trim();
      const u = await api('POST', '/users', { body });
      setV(empty);
      await onAdded();
      return `Added ${u.email} as ${label(u.role).toLowerCase()}.`;
    });
  };
  const inv = (k) => (bad(state, k) ? 'true' : undefined);
  return (
    <form class="card settings-form" onSubmit={submit} aria-labelledby="add-user-title" noValidate>
      <h2 id="add-user-title">Add a user</h2>
      <div class="form-grid">
        <div class="field">
          <label for="nu-email">Email</label>
          <input
            id="nu-email"
            type="email"
            autocomplete="off"
            value={v.email}
            onInput={set('email')}
            aria-invalid={inv('email')}
          />
        </div>
        <div class="field">
          <label for="nu-name">Name</label>
          <input
            id="nu-name"
            autocomplete="off"
            value={v.name}
            onInput={set('name')}
            aria-invalid={inv('name')}
          />
        </div>
        <div class="field">
          <label for="nu-password">Password</label>
          <input
            id="nu-password"
            type="password"
            autocomplete="new-password"
            value={v.password}
            onInput={set('password')}
            aria-invalid={inv('password')}
          />
        </div>
        <div class="field">
          <label for="nu-phone">Phone (optional)</label>
          <input
            id="nu-phone"
            type="tel"
            autocomplete="off"
            value={v.phone}
            onInput={set('phone')}
            aria-invalid={inv('phone')}
          />
        </div>
        <div class="field">
          <label for="nu-role">Role</label>
          <select
            id="nu-role"
            value={v.role}
            onChange={set('role')}
            aria-describedby="nu-role-help"
          >
            {roles.map((r) => (
              <option key={r} value={r}>
                {label(r)}
              </option>
            ))}
          </select>
          <span id="nu-role-help" class="muted small">
            {label(v.role)}: {ROLE_HELP[v.role]}.
          </span>
        </div>
      </div>
      <SaveBar state={state} label="Add user" />
    </form>
  );
}

export function Tokens({ user }) {
  const admin = isAdmin(user);
  const [tokens, setTokens] = useState(null);
  const [emails, setEmails] = useState({});
  const [error, setError] = useState('');
  const [note, setNote] = useState('');
  const [created, setCreated] = useState(null);
  const [name, setName] = useState('');
  const [state, run] = useSaver();
  const load = () =>
    api('GET', '/tokens')
      .then((r) => setTokens(r.items))
      .catch((e) => setError(e.message));
  useEffect(() => {
    load();
    if (admin)
      api('GET', '/users', { query: { limit: 500 } })
        .then((r) => setEmails(Object.fromEntries(r.items.map((u) => [u.id, u.email]))))
        .catch(() => {});
  }, []);

  const create = (e) => {
    e.preventDefault();
    setCreated(null);
    setNote('');
    run(async () => {
      const t = await api('POST', '/tokens', { body: { name: name.trim() } });
      setCreated(t);
      setName('');
      await load();
      return `Created the token “${t.name}”.`;
    });
  };
  const revoke = async (t) => {
    setError('');
    setNote('');
    let ok = false;
    try {
      await api('DELETE', `/tokens/${t.id}`);
      ok = true;
      if (created && created.id === t.id) setCreated(null);
    } catch (e) {
      setError(e.message);
    }
    await load();
    if (ok) setNote(`Revoked “${t.name}”.`);
  };

  return (
    <div class="col">
      <form
        class="card settings-form"
        onSubmit={create}
        aria-labelledby="new-token-title"
        noValidate
      >
        <h2 id="new-token-title">New API token</h2>
        <p class="muted small">
          For scripts and integrations: send it as <code>Authorization: Bearer …</code>. A token
          acts as you and never expires; revoke it when it is no longer used.
        </p>
        <div class="form-row">
          <div class="field grow">
            <label for="token-name">Token name</label>
            <input
              id="token-name"
              value={name}
              autocomplete="off"
              placeholder="Zapier, backup script…"
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={bad(state, 'name') ? 'true' : undefined}
            />
          </div>
        </div>
        <SaveBar state={state} label="Create token" />
        {created && (
          <div class="secret-box" data-testid="new-token">
            <label for="token-secret">
              Copy the token now: it is shown only this once.
            </label>
            <div class="copy-row">
              <input
                id="token-secret"
                readOnly
                value={created.token}
                onFocus={(e) => e.currentTarget.select()}
              />
              <CopyButton text={created.token} inputId="token-secret" name="Copy token" />
            </div>
            <button type="button" class="link-button" onClick={() => setCreated(null)}>
              Done, hide it
            </button>
          </div>
        )}
      </form>
      <section class="card" aria-labelledby="tokens-title">
        <h2 id="tokens-title">API tokens</h2>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <p class="saved" role="status" aria-live="polite">
          {note}
        </p>
        {!tokens ? (
          <p class="muted">Loading…</p>
        ) : tokens.length === 0 ? (
          <p class="muted">No API tokens.</p>
        ) : (
          <div class="table-box">
            <table class="compact settings-table" data-testid="tokens-table">
              <thead>
                <tr>
                  <th scope="col">Name</th>
                  <th scope="col">Created</th>
                  <th scope="col">Last used</th>
                  <th scope="col">
                    <span class="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {tokens.map((t) => (
                  <tr key={t.id}>
                    <td>
                      <strong>{t.name}</strong>
                      {t.user_id !== user.id && emails[t.user_id] && (
                        <div class="muted small sub">{emails[t.user_id]}</div>
                      )}
                    </td>
                    <td>{fmtDate(t.created_at)}</td>
                    <td>{t.last_used_at ? fmtDate(t.last_used_at) : 'Never'}</td>
                    <td>
                      <ConfirmButton
                        text="Revoke"
                        confirm={`Revoke “${t.name}”?`}
                        onConfirm={() => revoke(t)}
                      />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </section>
    </div>
  );
}
