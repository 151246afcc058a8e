-- 004_tasks: tasks (API.md Tasks): calls, emails, texts and to-dos, on a
-- contact or on none, assigned to a user, due at a time or not.
--
-- As in 001: account_id leads every key and index; ids are 16-byte BLOBs;
-- times INTEGER Unix seconds (NULL = absent); enums their API names as TEXT.
--
-- A contact's tasks go with it when it is purged (ON DELETE CASCADE, as
-- rp_store_contact_purge erases its activities); an archived contact keeps
-- them, as it keeps its activities. A deleted user's tasks are left
-- without assignee (the trigger below), as its contacts are left without
-- owner; created_by keeps its id as a record, like activities.owner_id.
-- workflow_run_id is a plain column: workflow runs come later.
--
-- ord is the order of every task list, kept by the store on each write:
-- open tasks first by due time (due_at), then open tasks without one
-- (1e15), then done tasks, most recently done first (2e15 - done_at). One
-- integer, so a page, the due filters (today, overdue, upcoming: ranges of
-- ord below 1e15) and open/done are ranges of one index.
CREATE TABLE tasks (
  account_id      BLOB NOT NULL REFERENCES accounts (id),
  id              BLOB NOT NULL,
  version         INTEGER NOT NULL,
  contact_id      BLOB,                 -- NULL: on no contact
  title           TEXT NOT NULL,
  kind            TEXT NOT NULL,        -- call | email | sms | todo
  due_at          INTEGER,              -- NULL: no due time
  assignee_id     BLOB,                 -- a user of the account, or NULL
  done_at         INTEGER,              -- NULL: open
  outcome         TEXT,                 -- NULL or an outcome name
  workflow_run_id BLOB,
  activity_id     BLOB,                 -- the call its completion recorded
  created_by      BLOB,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL,
  ord             INTEGER NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE
) WITHOUT ROWID;
-- The account's list; the trailing columns check an agent's visibility
-- (assigned, created, or on a contact it sees) without reading the rows.
CREATE INDEX tasks_ord ON tasks (account_id, ord, id, assignee_id, created_by, contact_id);
-- One user's tasks (?assignee_id=, the deleted-user trigger).
CREATE INDEX tasks_assignee ON tasks (account_id, assignee_id, ord, id);
-- One contact's tasks (?contact_id=, the purge cascade).
CREATE INDEX tasks_contact ON tasks (account_id, contact_id, ord, id);

CREATE TRIGGER tasks_assignee_deleted AFTER DELETE ON users BEGIN
  UPDATE tasks SET assignee_id = NULL, version = version + 1
    WHERE account_id = old.account_id AND assignee_id = old.id;
END;
