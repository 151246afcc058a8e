-- 009_imports: import jobs (API.md "Import and export", issue 8) and the
-- outside records already taken in (a calendar event's uid, later a mail's
-- Message-ID), so a second import of the same file adds nothing.
CREATE TABLE imports (
  account_id   BLOB NOT NULL REFERENCES accounts (id),
  id           BLOB NOT NULL,
  status       TEXT NOT NULL,            -- queued | running | done | failed
  format       TEXT NOT NULL,            -- csv | vcard | ics
  on_duplicate TEXT NOT NULL,            -- merge | skip | create
  file_name    TEXT,
  size         INTEGER NOT NULL,
  total        INTEGER NOT NULL DEFAULT 0,
  processed    INTEGER NOT NULL DEFAULT 0,
  created      INTEGER NOT NULL DEFAULT 0,
  merged       INTEGER NOT NULL DEFAULT 0,
  skipped      INTEGER NOT NULL DEFAULT 0,
  error_count  INTEGER NOT NULL DEFAULT 0,
  failure      TEXT,                     -- why a failed import stopped
  created_by   BLOB,
  created_at   INTEGER NOT NULL,
  started_at   INTEGER,
  finished_at  INTEGER,
  lease_until  INTEGER NOT NULL DEFAULT 0, -- a running job's worker holds it until then
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('queued', 'running');

-- The uploaded file until its import ends.
CREATE TABLE import_bodies (
  account_id BLOB NOT NULL,
  import_id  BLOB NOT NULL,
  body       BLOB NOT NULL,
  PRIMARY KEY (account_id, import_id)
) WITHOUT ROWID;

-- The first RP_IMPORT_ERRORS_MAX errors of an import, by line.
CREATE TABLE import_errors (
  account_id BLOB NOT NULL,
  import_id  BLOB NOT NULL,
  seq        INTEGER NOT NULL,
  line       INTEGER NOT NULL,
  message    TEXT NOT NULL,
  PRIMARY KEY (account_id, import_id, seq)
) WITHOUT ROWID;

CREATE TABLE external_refs (
  account_id  BLOB NOT NULL REFERENCES accounts (id),
  source      TEXT NOT NULL,             -- calendar | mail
  ref         TEXT NOT NULL,             -- the event's uid, the Message-ID
  contact_id  BLOB NOT NULL,
  activity_id BLOB,
  created_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, source, ref, contact_id)
) WITHOUT ROWID;
