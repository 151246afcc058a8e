// Settings > Capture forms: GET|POST /capture-forms (docs/api.md "Lead
// capture"). Each form shows its key and an HTML snippet to paste on the
// agent's site: it posts form-encoded to /capture/{key} from script (no
// preflight), with the honeypot field hidden, and thanks the visitor.
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api.js';
import { CopyButton, SaveBar, bad, useSaver } from './settings_common.jsx';

/* The snippet for a form; origin is this server's address. */
export function snippet(form, origin) {
  const id = 'rapport-' + form.key.slice(0, 8);
  return `<form id="${id}" action="${origin}${form.path}" method="post">
  <label>First name <input name="first_name" autocomplete="given-name"></label>
  <label>Last name <input name="last_name" autocomplete="family-name"></label>
  <label>Email <input name="email" type="email" autocomplete="email"></label>
  <label>Phone <input name="phone" type="tel" autocomplete="tel"></label>
  <label>How can I help? <textarea name="message"></textarea></label>
  <input name="website" tabindex="-1" autocomplete="off" aria-hidden="true" style="display:none">
  <button type="submit">Send</button>
</form>
<script>
document.getElementById('${id}').addEventListener('submit', function (e) {
  e.preventDefault();
  var f = e.target;
  fetch(f.action, { method: 'POST', body: new URLSearchParams(new FormData(f)) })
    .then(function (r) {
      f.innerHTML = r.ok ? '<p>Thank you! I will be in touch very soon.</p>'
                         : '<p>Sorry, that did not go through. Please call or email me.</p>';
    });
});
</script>`;
}

export function CaptureForms({ canEdit }) {
  const [forms, setForms] = useState(null);
  const [error, setError] = useState('');
  const [name, setName] = useState('');
  const [state, run] = useSaver();
  const load = () =>
    api('GET', '/capture-forms')
      .then((r) => setForms(r.items))
      .catch((e) => setError(e.message));
  useEffect(() => {
    load();
  }, []);
  const create = (e) => {
    e.preventDefault();
    run(async () => {
      const body = name.trim() ? { name: name.trim() } : {};
      const f = await api('POST', '/capture-forms', { body });
      setName('');
      load();
      return `Created the form “${f.name}”.`;
    });
  };
  const origin = location.origin;
  return (
    <div class="col">
      <p class="muted">
        Paste a form’s snippet into your web site: a visitor who leaves an email or a phone
        becomes a suspect and starts the speed-to-lead workflow. The address is this server’s; if
        people reach it under another public address, use that one.
      </p>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {!forms && !error && <p class="muted">Loading…</p>}
      {forms &&
        forms.map((f) => (
          <section class="card" key={f.id} aria-labelledby={`cf-${f.id}`}>
            <h2 id={`cf-${f.id}`}>{f.name}</h2>
            <dl class="facts">
              <dt>Form key</dt>
              <dd>
                <code>{f.key}</code>
              </dd>
              <dt>Source given to its leads</dt>
              <dd>{f.source}</dd>
              {f.allowed_origins.length > 0 && <dt>Accepted from</dt>}
              {f.allowed_origins.length > 0 && <dd>{f.allowed_origins.join(', ')}</dd>}
            </dl>
            <div class="field snippet">
              <label for={`cf-snippet-${f.id}`}>HTML snippet</label>
              <textarea id={`cf-snippet-${f.id}`} readOnly rows={8} value={snippet(f, origin)} />
              <CopyButton
                text={snippet(f, origin)}
                inputId={`cf-snippet-${f.id}`}
                name="Copy snippet"
              />
            </div>
          </section>
        ))}
      {canEdit && (
        <form
          class="card settings-form"
          onSubmit={create}
          aria-labelledby="new-form-title"
          noValidate
        >
          <h2 id="new-form-title">New capture form</h2>
          <div class="field">
            <label for="cf-name">Form name</label>
            <input
              id="cf-name"
              value={name}
              placeholder="Website form"
              autocomplete="off"
              onInput={(e) => setName(e.currentTarget.value)}
              aria-invalid={bad(state, 'name') ? 'true' : undefined}
            />
          </div>
          <SaveBar state={state} label="Create form" />
        </form>
      )}
    </div>
  );
}
