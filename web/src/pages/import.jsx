// Import page (issues 7 and 8): upload a CSV, vCard or calendar file
// (POST /imports with the file as the body, API.md "Import and export"),
// follow the import's progress (GET /imports/{id} every 500 ms) with its
// counts and the rows refused; download the contacts (export); and review
// the possible duplicates (import_dups.jsx).
import { useEffect, useRef, useState } from 'preact/hooks';
import { api } from '../api.js';
import { Link } from '../router.jsx';
import { FORMATS, MAX_IMPORT_BYTES, fmtBytes, formatOf, uploadRaw } from './import_api.js';
import { Duplicates } from './import_dups.jsx';
import './import.css';

const LAST_KEY = 'rapport.import.last'; // {id, name} of this tab's last import
const POLL_MS = 500;
const ACCEPT = Object.keys(FORMATS)
  .map((x) => '.' + x)
  .join(',');

const POLICIES = [
  [
    'merge',
    'Merge',
    'add the row’s details to the existing contact (emails, phones, tags, blanks filled in).',
  ],
  ['skip', 'Skip', 'leave the existing contact as it is and drop the row.'],
  ['create', 'Create', 'add a new contact anyway (you can merge duplicates later, below).'],
];

function readLast() {
  try {
    const v = JSON.parse(sessionStorage.getItem(LAST_KEY) || 'null');
    return v && typeof v.id === 'string' ? v : null;
  } catch {
    return null;
  }
}

function writeLast(v) {
  if (v) sessionStorage.setItem(LAST_KEY, JSON.stringify(v));
  else sessionStorage.removeItem(LAST_KEY);
}

/* Why a file cannot be imported, checked before it is sent; '' when fine. */
function refusal(file) {
  if (!formatOf(file.name))
    return (
      `“${file.name}” is not a file the import reads: ` +
      'choose a .csv (or tab-separated .tsv, .txt), .vcf, .vcard or .ics file.'
    );
  if (file.size > MAX_IMPORT_BYTES)
    return (
      `“${file.name}” is ${fmtBytes(file.size)}; files over 256 MiB cannot be imported. ` +
      'Split it into smaller files.'
    );
  if (file.size === 0) return `“${file.name}” is empty.`;
  return '';
}

const plural = (n, one, many) => `${n} ${n === 1 ? one : many}`;

function UploadForm({ busy, onStart }) {
  const [file, setFile] = useState(null);
  const [policy, setPolicy] = useState('merge');
  const [error, setError] = useState('');
  const [over, setOver] = useState(false);
  const input = useRef(null);

  const pick = (f) => {
    if (!f) return;
    const why = refusal(f);
    setError(why);
    setFile(why ? null : f);
    if (why && input.current) input.current.value = '';
  };
  const onDrop = (e) => {
    e.preventDefault();
    setOver(false);
    const fs = e.dataTransfer && e.dataTransfer.files;
    if (fs && fs.length > 1) setError('Drop one file at a time.');
    else pick(fs && fs[0]);
  };
  const submit = async (e) => {
    e.preventDefault();
    if (!file) {
      setError(error || 'Choose a file to import first.');
      return;
    }
    setError('');
    const why = await onStart(file, policy);
    if (why) setError(why);
    else {
      setFile(null);
      if (input.current) input.current.value = '';
    }
  };
  const fmt = file && formatOf(file.name);

  return (
    <form class="card im-upload" aria-labelledby="im-upload-title" onSubmit={submit} noValidate>
      <h2 id="im-upload-title">Import a file</h2>
      <ul class="im-formats">
        <li>
          <strong>CSV</strong> (.csv): contacts, one a row under a header row; common CRM and
          spreadsheet column names are recognised.
        </li>
        <li>
          <strong>vCard</strong> (.vcf, .vcard): contacts, vCard 3.0 or 4.0, as phones, Google,
          Apple and Outlook export them.
        </li>
        <li>
          <strong>Calendar</strong> (.ics): each event becomes an activity of the contacts whose
          emails attend it; no contacts are created.
        </li>
      </ul>
      <div
        class={'im-drop' + (over ? ' over' : '')}
        data-testid="drop-zone"
        onDragOver={(e) => {
          e.preventDefault();
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={onDrop}
      >
        <p class="im-drop-hint" aria-hidden="true">
          Drop a file here, or choose one:
        </p>
        <label for="im-file">File to import</label>
        <input
          id="im-file"
          ref={input}
          type="file"
          accept={ACCEPT}
          aria-describedby="im-file-note"
          aria-invalid={error ? 'true' : undefined}
          onChange={(e) => pick(e.currentTarget.files[0])}
        />
        <p id="im-file-note" class="muted small">
          {file
            ? `${file.name}: ${fmtBytes(file.size)}, ${fmt.name} (${fmt.becomes}).`
            : 'CSV, vCard or calendar file, 256 MiB at most.'}
        </p>
      </div>
      <fieldset class="im-policy">
        <legend>When a contact is already here (same email or phone)</legend>
        {POLICIES.map(([v, name, what]) => (
          <label class="check" key={v}>
            <input
              type="radio"
              name="on_duplicate"
              value={v}
              checked={policy === v}
              onChange={() => setPolicy(v)}
            />
            <span>
              <strong>{name}</strong>
              {v === 'merge' && ' (default)'}: {what}
            </span>
          </label>
        ))}
      </fieldset>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <div class="im-submit">
        <button type="submit" class="primary" disabled={busy}>
          Upload
        </button>
      </div>
    </form>
  );
}

function Counts({ job }) {
  const rows = [
    ['Created', job.created],
    ['Merged', job.merged],
    ['Skipped', job.skipped],
    ['Errors', job.error_count],
  ];
  return (
    <dl class="im-counts" data-testid="import-counts">
      {rows.map(([k, v]) => (
        <div key={k} class={k === 'Errors' && v ? 'bad' : ''}>
          <dt>{k}</dt>
          <dd>{v ?? 0}</dd>
        </div>
      ))}
    </dl>
  );
}

function ErrorRows({ job }) {
  if (!job.errors || !job.errors.length) return null;
  const shown = job.errors.length;
  return (
    <div class="im-errors">
      <h3 id="im-errors-title">Rows not imported</h3>
      <p class="muted small">
        Each of these rows had a problem and was skipped whole; every other row was imported. Fix
        them in the file and import it again
        {job.on_duplicate === 'create' ? ' with Merge, so the rows already in are not doubled' : ''}
        .{job.error_count > shown && ` The first ${shown} of ${job.error_count} are listed.`}
      </p>
      <div class="im-table-box" tabindex="0" role="region" aria-labelledby="im-errors-title">
        <table class="compact">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Problem</th>
            </tr>
          </thead>
          <tbody>
            {job.errors.map((e, i) => (
              <tr key={i}>
                <td class="im-line">{e.line}</td>
                <td>{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}

function statusText(job, upload) {
  if (upload) {
    const pct = upload.total ? Math.floor((100 * upload.sent) / upload.total) : 0;
    return `Uploading ${upload.name}: ${pct}%`;
  }
  if (!job) return 'Checking the import…';
  if (job.status === 'queued') return 'Uploaded; the import starts in a moment…';
  if (job.status === 'running') return 'Importing…';
  if (job.status === 'failed') return 'The import stopped.';
  const e = job.error_count;
  return (
    `Import finished: ${job.created} created, ${job.merged} merged, ${job.skipped} skipped, ` +
    `${plural(e, 'error', 'errors')}.`
  );
}

function Progress({ name, job, upload, error, onCancel, onClear }) {
  const finished = job && (job.status === 'done' || job.status === 'failed');
  let value; // undefined: an indeterminate bar
  let max = 1;
  if (upload) {
    if (upload.total) {
      value = upload.sent;
      max = upload.total;
    }
  } else if (job && (job.total > 0 || finished)) {
    max = Math.max(job.total, 1);
    value = job.total > 0 ? Math.min(job.processed, job.total) : 1;
  }
  return (
    <section class="card im-progress" aria-labelledby="im-progress-title">
      <h2 id="im-progress-title">{name ? `Import of ${name}` : 'Last import'}</h2>
      <progress
        max={max}
        value={value}
        aria-label={upload ? 'Upload progress' : 'Import progress'}
        data-testid="import-progress"
      />
      <p class="im-of" data-testid="import-of">
        {upload
          ? `${fmtBytes(upload.sent)} of ${fmtBytes(upload.total || 0)} sent`
          : job && job.total > 0
            ? `${job.processed} of ${job.total} records`
            : job && finished
              ? 'No records in the file'
              : 'Counting the records…'}
      </p>
      <p role="status" class="im-state">
        {statusText(job, upload)}
      </p>
      {job && !upload && <Counts job={job} />}
      {job && job.status === 'failed' && (
        <p class="error" role="alert">
          The import stopped: {job.failure || 'an unknown problem'}. The records before it were
          imported.
        </p>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {job && <ErrorRows job={job} />}
      <div class="actions im-after">
        {upload && (
          <button type="button" class="secondary" onClick={onCancel}>
            Cancel upload
          </button>
        )}
        {finished && <Link href="/contacts">Open the contacts list</Link>}
        {(finished || (!job && error)) && (
          <button type="button" class="link-button" onClick={onClear}>
            Hide this import
          </button>
        )}
      </div>
    </section>
  );
}

function Export() {
  const [v3, setV3] = useState(false);
  return (
    <section class="card im-export" aria-labelledby="im-export-title">
      <h2 id="im-export-title">Export</h2>
      <p class="muted">
        Download the contacts you can see, to keep a copy or move them. Importing the file again
        gives back the same contacts.
      </p>
      <div class="actions">
        <a class="im-download" href="/api/v1/export/contacts.csv" download="contacts.csv">
          Download CSV
        </a>
        <a
          class="im-download"
          href={'/api/v1/export/contacts.vcf' + (v3 ? '?version=3' : '')}
          download="contacts.vcf"
        >
          Download vCard
        </a>
      </div>
      <label class="check im-v3">
        <input type="checkbox" checked={v3} onChange={(e) => setV3(e.currentTarget.checked)} />
        <span>vCard 3.0, for older phones and address books (4.0 otherwise)</span>
      </label>
    </section>
  );
}

export function Import() {
  const [last, setLast] = useState(readLast); // {id, name}
  const [job, setJob] = useState(null);
  const [upload, setUpload] = useState(null); // {name, sent, total} while sending
  const [error, setError] = useState('');
  const [dupTick, setDupTick] = useState(0);
  const ctl = useRef(null);
  const fresh = useRef(false); // the import followed was just uploaded

  // follow the import until it is done or failed
  useEffect(() => {
    if (!last) return;
    let stop = false;
    let timer = 0;
    // uploaded here or seen unfinished: its end may bring new duplicates
    let waited = fresh.current;
    fresh.current = false;
    const poll = async () => {
      try {
        const j = await api('GET', `/imports/${encodeURIComponent(last.id)}`);
        if (stop) return;
        setJob(j);
        setError('');
        if (j.status === 'done' || j.status === 'failed') {
          if (waited && (j.created || j.merged)) setDupTick((t) => t + 1);
          return;
        }
        waited = true;
      } catch (e) {
        if (stop || e.status === 401) return;
        if (e.status === 404) {
          setError('That import is no longer known to the server.');
          return;
        }
        setError(`${e.message} Trying again…`);
      }
      timer = setTimeout(poll, POLL_MS);
    };
    poll();
    return () => {
      stop = true;
      clearTimeout(timer);
    };
  }, [last]);

  useEffect(() => () => ctl.current && ctl.current.abort(), []);

  /* Sends the file; resolves with why it was not taken, or ''. */
  const start = async (file, policy) => {
    const fmt = formatOf(file.name);
    const c = new AbortController();
    ctl.current = c;
    setError('');
    setJob(null);
    setLast(null);
    setUpload({ name: file.name, sent: 0, total: file.size });
    try {
      const j = await uploadRaw('/imports', file, {
        query: { on_duplicate: policy, file_name: file.name },
        contentType: fmt.type,
        signal: c.signal,
        onProgress: (sent, total) => setUpload({ name: file.name, sent, total }),
      });
      const l = { id: j.id, name: file.name };
      writeLast(l);
      fresh.current = true;
      setJob(j);
      setLast(l);
      return '';
    } catch (e) {
      if (e.name === 'AbortError') return 'The upload was cancelled; nothing was imported.';
      return e.status === 401 ? '' : `The file was not imported: ${e.message}`;
    } finally {
      ctl.current = null;
      setUpload(null);
    }
  };

  const clear = () => {
    writeLast(null);
    setLast(null);
    setJob(null);
    setError('');
  };

  const showProgress = last || upload;
  const busy = !!upload; // another file may go while an import runs: this page follows the last
  return (
    <section class="page im-page">
      <h1>Import</h1>
      <div class="im-top">
        <div class="col">
          <UploadForm busy={busy} onStart={start} />
          {showProgress && (
            <Progress
              name={upload ? upload.name : last && last.name}
              job={upload ? null : job}
              upload={upload}
              error={error}
              onCancel={() => ctl.current && ctl.current.abort()}
              onClear={clear}
            />
          )}
        </div>
        <Export />
      </div>
      <Duplicates tick={dupTick} />
    </section>
  );
}
