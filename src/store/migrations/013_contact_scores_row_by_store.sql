-- 013_contact_scores_row_by_store: the store writes, itself, what four of
-- SQLite's triggers wrote for it, because a statement that fires a
-- trigger runs it as a sub-program with a statement journal of its own,
-- on every row (docs/performance.md "The demo's 100,000 contacts"):
--
-- - a new contact's contact_scores row (011_contact_scores.sql), score and
--   all (store_contacts.c contact_insert); the trigger inserted it with
--   score 0 and the store's next statement moved its entry of
--   contact_scores_score to the real score;
-- - the copy of a contact's list filter columns in contact_scores when
--   an UPDATE of the contact names one of them (every lifecycle write
--   does): the store updates the copy when one moved (store_contacts.c
--   copy_filters, rp_store_contact_archive; store_auth.c for a deleted
--   owner);
-- - an activity's score_code (012_activity_score_code.sql): the store has
--   always written it with the row (store_activities.c); the triggers
--   were for a writer other than rapport, and on SQLite rapport is the
--   only one (a backup is restored only into its own schema, whose rows
--   carry the code).
--
-- PostgreSQL keeps all four (migrations_pg/013): an older node may write
-- during a rolling upgrade there.
--
-- The delete trigger of contact_scores stays (a contact's row goes with
-- it, rarely). A contact inserted or changed behind rapport's back (the
-- sqlite3 shell) needs its contact_scores row written with it, and an
-- activity its score_code, as bench/score/gen.sql does.
DROP TRIGGER contacts_scores_insert;
DROP TRIGGER contacts_scores_update;
DROP TRIGGER activities_score_code_insert;
DROP TRIGGER activities_score_code_update;
