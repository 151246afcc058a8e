-- 005_workflows: workflows, their runs, the planned steps of each run (the
-- scheduler's queue) and the outbox of messages (issue 6; API.md
-- "Workflows, messages, channels"; DOMAIN.md A1, A5).
--
-- As in 001: account_id leads every key and index; ids are 16-byte bytea;
-- times bigint Unix seconds (NULL = absent); enums their API names as text.

CREATE TABLE workflows (
  account_id     bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id             bytea NOT NULL,
  version        bigint NOT NULL,
  name           text COLLATE "C" NOT NULL,
  enabled        bigint NOT NULL,
  stop_on_reply  bigint NOT NULL,
  trigger_event  text COLLATE "C" NOT NULL,          -- an event name of API.md, or manual
  trigger_json   text COLLATE "C" NOT NULL,          -- {event, filter} as validated
  steps_json     text COLLATE "C" NOT NULL,          -- [step...] as validated
  builtin        text COLLATE "C",                   -- the library workflow it was seeded from
  created_at     bigint NOT NULL,
  updated_at     bigint NOT NULL,
  PRIMARY KEY (account_id, id)
);
-- The workflows an event starts.
CREATE INDEX workflows_event ON workflows (account_id, trigger_event, enabled);
-- A library workflow is seeded once per account.
CREATE UNIQUE INDEX workflows_builtin ON workflows (account_id, builtin) WHERE builtin IS NOT NULL;

-- One enrolment of a contact in a workflow. A contact is in a workflow at
-- most once at a time (runs_active).
CREATE TABLE workflow_runs (
  account_id   bytea NOT NULL,
  id           bytea NOT NULL,
  workflow_id  bytea NOT NULL,
  contact_id   bytea NOT NULL,
  status       text COLLATE "C" NOT NULL,            -- active | completed | stopped
  event        text COLLATE "C" NOT NULL,            -- what enrolled it
  started_at   bigint NOT NULL,
  ended_at     bigint,
  stop_reason  text COLLATE "C",                     -- replied | by_user | workflow_deleted | ...
  created_by   bytea,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE DEFERRABLE
);
CREATE UNIQUE INDEX runs_active ON workflow_runs (account_id, workflow_id, contact_id)
  WHERE status = 'active';
CREATE INDEX runs_contact ON workflow_runs (account_id, contact_id, started_at);
CREATE INDEX runs_workflow ON workflow_runs (account_id, workflow_id, status);

-- Every step of a run, planned at enrolment (core/workflow.c): the
-- scheduler's queue. A step is done in the same transaction as its effect
-- (the message row, the task, the status change), so it runs once.
CREATE TABLE run_steps (
  account_id  bytea NOT NULL,
  run_id      bytea NOT NULL,
  step        bigint NOT NULL,          -- index in the workflow's steps
  due_at      bigint NOT NULL,
  status      text COLLATE "C" NOT NULL,             -- pending | done | skipped | canceled | failed
  outcome     text COLLATE "C",                      -- what it did, or why not
  done_at     bigint,
  PRIMARY KEY (account_id, run_id, step),
  FOREIGN KEY (account_id, run_id) REFERENCES workflow_runs (account_id, id) ON DELETE CASCADE DEFERRABLE
);
CREATE INDEX run_steps_due ON run_steps (account_id, due_at) WHERE status = 'pending';

-- The outbox. A message is written in the same transaction as the step
-- (or the request) that makes it; the sender claims it with a lease
-- (status sending, lease_until), delivers it with the message id as the
-- Idempotency-Key on every try, and marks it sent with the provider's id.
CREATE TABLE messages (
  account_id      bytea NOT NULL,
  id              bytea NOT NULL,
  contact_id      bytea,                  -- NULL: a notice to a user (notify)
  user_id         bytea,                  -- the user it is sent for (agent.*), or the notified one
  channel         text COLLATE "C" NOT NULL,         -- email | sms
  to_addr         text COLLATE "C" NOT NULL,
  subject         text COLLATE "C",
  body            text COLLATE "C" NOT NULL,
  status          text COLLATE "C" NOT NULL,         -- queued | sending | sent | failed | suppressed
  reason          text COLLATE "C",
  attempts        bigint NOT NULL DEFAULT 0,
  next_attempt_at bigint,               -- queued: when to try; sending: the lease's end
  provider_id     text COLLATE "C",
  workflow_run_id bytea,
  step            bigint,
  activity_id     bytea,                  -- the outbound activity of a sent message
  created_by      bytea,
  created_at      bigint NOT NULL,
  sent_at         bigint,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE DEFERRABLE
);
-- No step ever makes two messages.
CREATE UNIQUE INDEX messages_step ON messages (account_id, workflow_run_id, step)
  WHERE workflow_run_id IS NOT NULL;
-- The sender's queue: queued and sending (a lease) by the time to look again.
CREATE INDEX messages_due ON messages (account_id, next_attempt_at)
  WHERE status IN ('queued', 'sending');
CREATE INDEX messages_contact ON messages (account_id, contact_id, created_at, id);
CREATE INDEX messages_list ON messages (account_id, created_at, id);

-- The key in the address of an account's inbound SMS hook
-- (/api/v1/hooks/sms/{account_key}): random, not guessable: 32 lower-case
-- hex digits (SQLite: lower(hex(randomblob(16)))), here a version 4 UUID's
-- 16 bytes (122 random bits from the server's strong random source). Set
-- before the row is written when the insert gives none (SQLite: an update
-- after it; the same row in the end).
CREATE FUNCTION rp_random_key() RETURNS text
  LANGUAGE sql VOLATILE PARALLEL SAFE
  AS $$ SELECT encode(uuid_send(gen_random_uuid()), 'hex') COLLATE "C" $$;
ALTER TABLE accounts ADD COLUMN hook_key text COLLATE "C";
UPDATE accounts SET hook_key = rp_random_key();
CREATE UNIQUE INDEX accounts_hook_key ON accounts (hook_key);
CREATE FUNCTION rp_accounts_hook_key() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NEW; END IF;
  NEW.hook_key := rp_random_key();
  RETURN NEW;
END $$;
CREATE TRIGGER accounts_hook_key BEFORE INSERT ON accounts
  FOR EACH ROW WHEN (NEW.hook_key IS NULL) EXECUTE FUNCTION rp_accounts_hook_key();

-- Which library workflows (jobs/workflow_library.c) an account was given:
-- a library workflow is seeded once; one the account deletes stays gone.
CREATE TABLE workflow_library (
  account_id bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  key        text COLLATE "C" NOT NULL,
  seeded_at  bigint NOT NULL,
  PRIMARY KEY (account_id, key)
);
