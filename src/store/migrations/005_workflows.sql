-- 005_workflows: workflows, their runs, the planned steps of each run (the
-- scheduler's queue) and the outbox of messages (issue 6; API.md
-- "Workflows, messages, channels"; DOMAIN.md A1, A5).
--
-- As in 001: account_id leads every key and index; ids are 16-byte BLOBs;
-- times INTEGER Unix seconds (NULL = absent); enums their API names as TEXT.

CREATE TABLE workflows (
  account_id     BLOB NOT NULL REFERENCES accounts (id),
  id             BLOB NOT NULL,
  version        INTEGER NOT NULL,
  name           TEXT NOT NULL,
  enabled        INTEGER NOT NULL,
  stop_on_reply  INTEGER NOT NULL,
  trigger_event  TEXT NOT NULL,          -- an event name of API.md, or manual
  trigger_json   TEXT NOT NULL,          -- {event, filter} as validated
  steps_json     TEXT NOT NULL,          -- [step...] as validated
  builtin        TEXT,                   -- the library workflow it was seeded from
  created_at     INTEGER NOT NULL,
  updated_at     INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
-- The workflows an event starts.
CREATE INDEX workflows_event ON workflows (account_id, trigger_event, enabled);
-- A library workflow is seeded once per account.
CREATE UNIQUE INDEX workflows_builtin ON workflows (account_id, builtin) WHERE builtin IS NOT NULL;

-- One enrolment of a contact in a workflow. A contact is in a workflow at
-- most once at a time (runs_active).
CREATE TABLE workflow_runs (
  account_id   BLOB NOT NULL,
  id           BLOB NOT NULL,
  workflow_id  BLOB NOT NULL,
  contact_id   BLOB NOT NULL,
  status       TEXT NOT NULL,            -- active | completed | stopped
  event        TEXT NOT NULL,            -- what enrolled it
  started_at   INTEGER NOT NULL,
  ended_at     INTEGER,
  stop_reason  TEXT,                     -- replied | by_user | workflow_deleted | ...
  created_by   BLOB,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE UNIQUE INDEX runs_active ON workflow_runs (account_id, workflow_id, contact_id)
  WHERE status = 'active';
CREATE INDEX runs_contact ON workflow_runs (account_id, contact_id, started_at);
CREATE INDEX runs_workflow ON workflow_runs (account_id, workflow_id, status);

-- Every step of a run, planned at enrolment (core/workflow.c): the
-- scheduler's queue. A step is done in the same transaction as its effect
-- (the message row, the task, the status change), so it runs once.
CREATE TABLE run_steps (
  account_id  BLOB NOT NULL,
  run_id      BLOB NOT NULL,
  step        INTEGER NOT NULL,          -- index in the workflow's steps
  due_at      INTEGER NOT NULL,
  status      TEXT NOT NULL,             -- pending | done | skipped | canceled | failed
  outcome     TEXT,                      -- what it did, or why not
  done_at     INTEGER,
  PRIMARY KEY (account_id, run_id, step),
  FOREIGN KEY (account_id, run_id) REFERENCES workflow_runs (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX run_steps_due ON run_steps (account_id, due_at) WHERE status = 'pending';

-- The outbox. A message is written in the same transaction as the step
-- (or the request) that makes it; the sender claims it with a lease
-- (status sending, lease_until), delivers it with the message id as the
-- Idempotency-Key on every try, and marks it sent with the provider's id.
CREATE TABLE messages (
  account_id      BLOB NOT NULL,
  id              BLOB NOT NULL,
  contact_id      BLOB,                  -- NULL: a notice to a user (notify)
  user_id         BLOB,                  -- the user it is sent for (agent.*), or the notified one
  channel         TEXT NOT NULL,         -- email | sms
  to_addr         TEXT NOT NULL,
  subject         TEXT,
  body            TEXT NOT NULL,
  status          TEXT NOT NULL,         -- queued | sending | sent | failed | suppressed
  reason          TEXT,
  attempts        INTEGER NOT NULL DEFAULT 0,
  next_attempt_at INTEGER,               -- queued: when to try; sending: the lease's end
  provider_id     TEXT,
  workflow_run_id BLOB,
  step            INTEGER,
  activity_id     BLOB,                  -- the outbound activity of a sent message
  created_by      BLOB,
  created_at      INTEGER NOT NULL,
  sent_at         INTEGER,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- No step ever makes two messages.
CREATE UNIQUE INDEX messages_step ON messages (account_id, workflow_run_id, step)
  WHERE workflow_run_id IS NOT NULL;
-- The sender's queue: queued and sending (a lease) by the time to look again.
CREATE INDEX messages_due ON messages (account_id, next_attempt_at)
  WHERE status IN ('queued', 'sending');
CREATE INDEX messages_contact ON messages (account_id, contact_id, created_at, id);
CREATE INDEX messages_list ON messages (account_id, created_at, id);

-- The key in the address of an account's inbound SMS hook
-- (/api/v1/hooks/sms/{account_key}): random, not guessable.
ALTER TABLE accounts ADD COLUMN hook_key TEXT;
UPDATE accounts SET hook_key = lower(hex(randomblob(16)));
CREATE UNIQUE INDEX accounts_hook_key ON accounts (hook_key);
CREATE TRIGGER accounts_hook_key AFTER INSERT ON accounts WHEN new.hook_key IS NULL BEGIN
  UPDATE accounts SET hook_key = lower(hex(randomblob(16))) WHERE id = new.id;
END;

-- Which library workflows (jobs/workflow_library.c) an account was given:
-- a library workflow is seeded once; one the account deletes stays gone.
CREATE TABLE workflow_library (
  account_id BLOB NOT NULL REFERENCES accounts (id),
  key        TEXT NOT NULL,
  seeded_at  INTEGER NOT NULL,
  PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
