-- 010_mail_sync: mailbox sync (issue 8, docs/api.md "Mailbox sync"): per
-- account and folder role, the IMAP folder read, its UIDVALIDITY and the
-- highest UID taken in, so each pass fetches only newer messages. The
-- messages already turned into activities are in external_refs (source
-- 'mail', ref the Message-ID), one row per contact.
CREATE TABLE mail_sync_state (
  account_id  BLOB NOT NULL REFERENCES accounts (id),
  role        TEXT NOT NULL,             -- inbox | sent
  folder      TEXT NOT NULL,             -- the IMAP name: INBOX, Sent, ...
  uidvalidity INTEGER NOT NULL,
  last_uid    INTEGER NOT NULL,          -- the highest UID handled
  synced_at   INTEGER NOT NULL,          -- the last pass that reached the server
  last_error  TEXT,                      -- why the last pass failed, or NULL
  PRIMARY KEY (account_id, role)
) WITHOUT ROWID;
