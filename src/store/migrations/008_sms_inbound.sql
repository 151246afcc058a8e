-- 008_sms_inbound: the inbound texts the SMS hook took (API.md
-- POST /api/v1/hooks/sms/{account_key}), by the provider's MessageSid, so a
-- webhook the provider retries is recorded once.
CREATE TABLE sms_inbound (
  account_id  BLOB NOT NULL REFERENCES accounts (id),
  sid         TEXT NOT NULL,
  contact_id  BLOB NOT NULL,
  activity_id BLOB,
  received_at INTEGER NOT NULL,
  PRIMARY KEY (account_id, sid)
) WITHOUT ROWID;
