-- 013_contact_scores_row_by_store (migrations/013 says why SQLite drops
-- four triggers). PostgreSQL keeps them: during a rolling upgrade an
-- older node may insert or change a contact (and count on the triggers
-- for its contact_scores row) or write an activity without its
-- score_code. The store's insert of the new contact's row is an upsert,
-- so it sets the score of the row the trigger made here, and its copy of
-- the filter columns finds them copied already. Nothing to change; the
-- number keeps the two engines' schemas in step (a backup names its
-- schema).
SELECT 1;
