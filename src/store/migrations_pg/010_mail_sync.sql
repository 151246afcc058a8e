-- 010_mail_sync: mailbox sync (issue 8, docs/api.md "Mailbox sync"): per
-- account and folder role, the IMAP folder read, its UIDVALIDITY and the
-- highest UID taken in, so each pass fetches only newer messages. The
-- messages already turned into activities are in external_refs (source
-- 'mail', ref the Message-ID), one row per contact.
CREATE TABLE mail_sync_state (
  account_id  bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  role        text COLLATE "C" NOT NULL,             -- inbox | sent
  folder      text COLLATE "C" NOT NULL,             -- the IMAP name: INBOX, Sent, ...
  uidvalidity bigint NOT NULL,
  last_uid    bigint NOT NULL,          -- the highest UID handled
  synced_at   bigint NOT NULL,          -- the last pass that reached the server
  last_error  text COLLATE "C",                      -- why the last pass failed, or NULL
  PRIMARY KEY (account_id, role)
);
