-- 006_capture: lead capture (issue 6; API.md "Lead capture", DOMAIN.md A1):
-- the account's web forms, the log of captures (the dashboard's speed to
-- lead) and the round-robin turn of lead routing.
--
-- As in 001: account_id leads every key and index; ids are 16-byte bytea;
-- times bigint Unix seconds (NULL = absent).

-- A web form of the account. Its key is the public address of the form
-- (/capture/{key}): random, not guessable, unique across accounts (the
-- unauthenticated endpoint finds the account by it). allowed_origins is a
-- JSON list of origins ("https://example.com") that may post to it from a
-- browser; an empty list lets any origin. owner_id: the user a lead of
-- this form goes to when routing is "owner" (NULL: the account's first
-- owner or admin); no foreign key, so that a deleted user leaves the form
-- without owner (the trigger below), as tasks do.
CREATE TABLE capture_forms (
  account_id      bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id              bytea NOT NULL,
  key             text COLLATE "C" NOT NULL,
  name            text COLLATE "C" NOT NULL,
  source          text COLLATE "C" NOT NULL DEFAULT 'website',
  allowed_origins text COLLATE "C" NOT NULL DEFAULT '[]',
  owner_id        bytea,
  created_at      bigint NOT NULL,
  PRIMARY KEY (account_id, id)
);
CREATE UNIQUE INDEX capture_forms_key ON capture_forms (key);
CREATE INDEX capture_forms_created ON capture_forms (account_id, created_at, id);

CREATE FUNCTION rp_capture_forms_owner_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  UPDATE capture_forms SET owner_id = NULL
    WHERE account_id = OLD.account_id AND owner_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER capture_forms_owner_deleted AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION rp_capture_forms_owner_deleted();

-- One form per account to start with: for the accounts there are, and for
-- each new one. The seeded ids are random 16 bytes (ids are opaque; here
-- a version 4 UUID's bytes), the keys as accounts.hook_key (005).
INSERT INTO capture_forms (account_id, id, key, name, created_at)
  SELECT id, uuid_send(gen_random_uuid()), rp_random_key(), 'Website', created_at FROM accounts;
CREATE FUNCTION rp_accounts_capture_form() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  INSERT INTO capture_forms (account_id, id, key, name, created_at)
    VALUES (NEW.id, uuid_send(gen_random_uuid()), rp_random_key(), 'Website', NEW.created_at);
  RETURN NULL;
END $$;
CREATE TRIGGER accounts_capture_form AFTER INSERT ON accounts
  FOR EACH ROW EXECUTE FUNCTION rp_accounts_capture_form();

-- Every capture (POST /leads and /capture/{key}) that reached a contact:
-- created says it made the contact (a new lead) rather than matched one.
-- The dashboard's speed to lead reads the new ones of the last 30 days.
-- Purging the contact erases its captures.
CREATE TABLE captures (
  account_id  bytea NOT NULL,
  id          bytea NOT NULL,
  contact_id  bytea NOT NULL,
  form_id     bytea,                       -- NULL: through POST /api/v1/leads
  created     bigint NOT NULL,
  source      text COLLATE "C",
  captured_at bigint NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE DEFERRABLE
);
CREATE INDEX captures_new ON captures (account_id, created, captured_at);
CREATE INDEX captures_contact ON captures (account_id, contact_id);

-- The round-robin turn of the account's lead routing (settings.routing):
-- taken and advanced in the write transaction of the capture, so two
-- captures never get the same turn and the turn survives restarts.
CREATE TABLE routing_turns (
  account_id bytea NOT NULL PRIMARY KEY,
  turn       bigint NOT NULL
);
