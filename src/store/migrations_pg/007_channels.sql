-- 007_channels: each account's channel settings (API.md "GET|PUT
-- /api/v1/settings/channels"): the SMTP server email goes out through, the
-- SMS provider (Twilio Messages API shape) and the IMAP mailbox replies are
-- read from. One row per account, written by PUT; no row = nothing set up.
--
-- The secrets (smtp_password, sms_auth_token, imap_password) are kept as
-- given: the server needs them in clear to log in. They are write-only in
-- the API (GET answers *_set booleans); protect the database and its
-- backups accordingly (docs/operations.md "Outbox").

CREATE TABLE account_channels (
  account_id      bytea PRIMARY KEY REFERENCES accounts (id) DEFERRABLE,
  smtp_url        text COLLATE "C",                  -- smtp://host:587 or smtps://host:465
  smtp_from       text COLLATE "C",                  -- sender address
  smtp_username   text COLLATE "C",
  smtp_password   text COLLATE "C",                  -- secret
  sms_base_url    text COLLATE "C",                  -- https://api.twilio.com
  sms_account_sid text COLLATE "C",
  sms_auth_token  text COLLATE "C",                  -- secret; also checks inbound webhooks
  sms_from        text COLLATE "C",                  -- E.164
  imap_url        text COLLATE "C",                  -- imap:// or imaps://
  imap_username   text COLLATE "C",
  imap_password   text COLLATE "C",                  -- secret
  updated_at      bigint NOT NULL
);

-- The public unsubscribe link (/unsubscribe/{message_id}) names a message
-- without its account: find it by id alone. (On Citus a shard-local
-- index: the lookup asks every shard; it is rare. See 001.)
CREATE INDEX messages_id ON messages (id);
