-- 004_tasks: tasks (API.md Tasks): calls, emails, texts and to-dos, on a
-- contact or on none, assigned to a user, due at a time or not.
--
-- As in 001: account_id leads every key and index; ids are 16-byte bytea;
-- times bigint Unix seconds (NULL = absent); enums their API names as text.
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
  account_id      bytea NOT NULL REFERENCES accounts (id) DEFERRABLE,
  id              bytea NOT NULL,
  version         bigint NOT NULL,
  contact_id      bytea,                 -- NULL: on no contact
  title           text COLLATE "C" NOT NULL,
  kind            text COLLATE "C" NOT NULL,        -- call | email | sms | todo
  due_at          bigint,              -- NULL: no due time
  assignee_id     bytea,                 -- a user of the account, or NULL
  done_at         bigint,              -- NULL: open
  outcome         text COLLATE "C",                 -- NULL or an outcome name
  workflow_run_id bytea,
  activity_id     bytea,                 -- the call its completion recorded
  created_by      bytea,
  created_at      bigint NOT NULL,
  updated_at      bigint NOT NULL,
  ord             bigint NOT NULL,
  PRIMARY KEY (account_id, id),
  FOREIGN KEY (account_id, contact_id) REFERENCES contacts (account_id, id) ON DELETE CASCADE DEFERRABLE
);
-- The account's list; the trailing columns check an agent's visibility
-- (assigned, created, or on a contact it sees) without reading the rows.
CREATE INDEX tasks_ord ON tasks (account_id, ord, id, assignee_id, created_by, contact_id);
-- One user's tasks (?assignee_id=, the deleted-user trigger).
CREATE INDEX tasks_assignee ON tasks (account_id, assignee_id, ord, id);
-- One contact's tasks (?contact_id=, the purge cascade).
CREATE INDEX tasks_contact ON tasks (account_id, contact_id, ord, id);

CREATE FUNCTION rp_tasks_assignee_deleted() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('rapport.restore', true) = 'on' THEN RETURN NULL; END IF;
  UPDATE tasks SET assignee_id = NULL, version = version + 1
    WHERE account_id = OLD.account_id AND assignee_id = OLD.id;
  RETURN NULL;
END $$;
CREATE TRIGGER tasks_assignee_deleted AFTER DELETE ON users
  FOR EACH ROW EXECUTE FUNCTION rp_tasks_assignee_deleted();
