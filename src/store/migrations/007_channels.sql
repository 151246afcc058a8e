-- 007_channels: each account's channel settings (API.md "GET|PUT
-- /api/v1/settings/channels"): the SMTP server email goes out through, the
-- SMS provider (Twilio Messages API shape) and the IMAP mailbox replies are
-- read from. One row per account, written by PUT; no row = nothing set up.
--
-- The secrets (smtp_password, sms_auth_token, imap_password) are kept as
-- given: the server needs them in clear to log in. They are write-only in
-- the API (GET answers *_set booleans); protect the database file and its
-- backups accordingly (docs/operations.md "Outbox").

CREATE TABLE account_channels (
  account_id      BLOB PRIMARY KEY REFERENCES accounts (id),
  smtp_url        TEXT,                  -- smtp://host:587 or smtps://host:465
  smtp_from       TEXT,                  -- sender address
  smtp_username   TEXT,
  smtp_password   TEXT,                  -- secret
  sms_base_url    TEXT,                  -- https://api.twilio.com
  sms_account_sid TEXT,
  sms_auth_token  TEXT,                  -- secret; also checks inbound webhooks
  sms_from        TEXT,                  -- E.164
  imap_url        TEXT,                  -- imap:// or imaps://
  imap_username   TEXT,
  imap_password   TEXT,                  -- secret
  updated_at      INTEGER NOT NULL
) WITHOUT ROWID;

-- The public unsubscribe link (/unsubscribe/{message_id}) names a message
-- without its account: find it by id alone.
CREATE INDEX messages_id ON messages (id);
