-- 006_capture: lead capture (issue 6; API.md "Lead capture", DOMAIN.md A1):
-- the account's web forms, the log of captures (the dashboard's speed to
-- lead) and the round-robin turn of lead routing.
--
-- As in 001: account_id leads every key and index; ids are 16-byte BLOBs;
-- times INTEGER Unix seconds (NULL = absent).

-- A web form of the account. Its key is the public address of the form
-- (/capture/{key}): random, not guessable, unique across accounts (the
-- unauthenticated endpoint finds the account by it). allowed_origins is a
-- JSON list of origins ("https://example.com") that may post to it from a
-- browser; an empty list lets any origin. owner_id: the user a lead of
-- this form goes to when routing is "owner" (NULL: the account's first
-- owner or admin); no foreign key, so that a deleted user leaves the form
-- without owner (the trigger below), as tasks do.
CREATE TABLE capture_forms (
  account_id      BLOB NOT NULL REFERENCES accounts (id),
  id              BLOB NOT NULL,
  key             TEXT NOT NULL,
  name            TEXT NOT NULL,
  source          TEXT NOT NULL DEFAULT 'website',
  allowed_origins TEXT NOT NULL DEFAULT '[]',
  owner_id        BLOB,
  created_at      INTEGER NOT NULL,
  PRIMARY KEY (account_id, id)
) WITHOUT ROWID;
CREATE UNIQUE INDEX capture_forms_key ON capture_forms (key);
CREATE INDEX capture_forms_created ON capture_forms (account_id, created_at, id);

CREATE TRIGGER capture_forms_owner_deleted AFTER DELETE ON users BEGIN
  UPDATE capture_forms SET owner_id = NULL
    WHERE account_id = old.account_id AND owner_id = old.id;
END;

-- One form per account to start with: for the accounts there are, and for
-- each new one. The seeded ids are random 16 bytes (ids are opaque).
INSERT INTO capture_forms (account_id, id, key, name, created_at)
  SELECT id, randomblob(16), lower(hex(randomblob(16))), 'Website', created_at FROM accounts;
CREATE TRIGGER accounts_capture_form AFTER INSERT ON accounts BEGIN
  INSERT INTO capture_forms (account_id, id, key, name, created_at)
    VALUES (new.id, randomblob(16), lower(hex(randomblob(16))), 'Website', new.created_at);
END;

-- Every capture (POST /leads and /capture/{key}) that reached a contact:
-- created says it made the contact (a new lead) rather than matched one.
-- The dashboard's speed to lead reads the new ones of the last 30 days.
-- Purging the contact erases its captures.
CREATE TABLE captures (
  account_id  BLOB NOT NULL,
  id          BLOB NOT NULL,
  contact_id  BLOB NOT NULL,
  form_id     BLOB,                       -- NULL: through POST /api/v1/leads
  created     INTEGER NOT NULL,
  source      TEXT,
  captured_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX captures_new ON captures (account_id, created, captured_at);
CREATE INDEX captures_contact ON captures (account_id, contact_id);

-- The round-robin turn of the account's lead routing (settings.routing):
-- taken and advanced in the write transaction of the capture, so two
-- captures never get the same turn and the turn survives restarts.
CREATE TABLE routing_turns (
  account_id BLOB NOT NULL PRIMARY KEY,
  turn       INTEGER NOT NULL
) WITHOUT ROWID;
