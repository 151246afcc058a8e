-- 009_imports: import jobs (API.md "Import and export", issue 8) and the
-- outside records already taken in (a calendar event's uid, later a mail's
-- Message-ID), so a second import of the same file adds nothing.
CREATE TABLE imports (
  account_id   bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id           bytea NOT NULL,
  status       text COLLATE "C" NOT NULL,            -- queued | running | done | failed
  format       text COLLATE "C" NOT NULL,            -- csv | vcard | ics
  on_duplicate text COLLATE "C" NOT NULL,            -- merge | skip | create
  file_name    text COLLATE "C",
  size         bigint NOT NULL,
  total        bigint NOT NULL DEFAULT 0,
  processed    bigint NOT NULL DEFAULT 0,
  created      bigint NOT NULL DEFAULT 0,
  merged       bigint NOT NULL DEFAULT 0,
  skipped      bigint NOT NULL DEFAULT 0,
  error_count  bigint NOT NULL DEFAULT 0,
  failure      text COLLATE "C",                     -- why a failed import stopped
  created_by   bytea,
  created_at   bigint NOT NULL,
  started_at   bigint,
  finished_at  bigint,
  lease_until  bigint NOT NULL DEFAULT 0, -- a running job's worker holds it until then
  PRIMARY KEY (account_id, id)
);
-- The import worker's queue, across accounts (on Citus a shard-local
-- index the worker's scan reads on every shard; see 001).
CREATE INDEX imports_pending ON imports (created_at) WHERE status IN ('queued', 'running');

-- The uploaded file until its import ends.
CREATE TABLE import_bodies (
  account_id bytea NOT NULL,
  import_id  bytea NOT NULL,
  body       bytea NOT NULL,
  PRIMARY KEY (account_id, import_id)
);

-- The first RP_IMPORT_ERRORS_MAX errors of an import, by line.
CREATE TABLE import_errors (
  account_id bytea NOT NULL,
  import_id  bytea NOT NULL,
  seq        bigint NOT NULL,
  line       bigint NOT NULL,
  message    text COLLATE "C" NOT NULL,
  PRIMARY KEY (account_id, import_id, seq)
);

CREATE TABLE external_refs (
  account_id  bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  source      text COLLATE "C" NOT NULL,             -- calendar | mail
  ref         text COLLATE "C" NOT NULL,             -- the event's uid, the Message-ID
  contact_id  bytea NOT NULL,
  activity_id bytea,
  created_at  bigint NOT NULL,
  PRIMARY KEY (account_id, source, ref, contact_id)
);
