-- bench/score/gen.sql: fills a database made by `rapport init` with
-- :contacts contacts and about :contacts x :mean activities over the two
-- years before :now, straight into rapport's schema with the sqlite3 shell
-- (rapport demo would take many minutes at this size). run.sh sets the
-- parameters with .parameter and drops the activity and contact indexes
-- before, and recreates them after (a bulk load sorts once).
--
-- Shapes (not the demo's model, but realistic enough for the cost of a
-- scan): activity counts per contact are geometric (mean :mean, a long tail
-- of busy contacts, ~5 % with none); kinds email 35 %, sms 15 %, call 20 %,
-- social 5 %, meeting 6 %, visit 3 %, meal 2 %, party 1 %, card 3 %, note 8 %,
-- web 2 %; messages 45 % inbound; calls 0-20 min; 5 % high importance; ages
-- skewed to recent (age = span x u^2) and 2 % planned in the next 30 days;
-- statuses suspect 40 %, prospect 25 %, lead 10 %, client 5 %,
-- past_client 10 %, none 10 %; 5 % referred by an earlier contact; 20,000
-- closed listings with a commission.
--
-- Ids are 16-byte blobs like rapport's, made from ASCII ('c' and 15
-- digits for contact n) so that they sort as the loop runs: every table
-- and index is appended to in order.

PRAGMA synchronous = OFF;
PRAGMA cache_size = -400000;
BEGIN;

CREATE TEMP TABLE p AS SELECT id AS acct, :now AS now FROM accounts LIMIT 1;

-- one row per contact: its randomness, creation time, activity count
CREATE TEMP TABLE g (
  n INTEGER PRIMARY KEY, u1 REAL, u2 REAL, u3 REAL, created_at INTEGER, k INTEGER);
INSERT INTO g
SELECT value,
       (abs(random()) % 1000000 + 0.5) / 1000000.0,
       (abs(random()) % 1000000) / 1000000.0,
       (abs(random()) % 1000000) / 1000000.0,
       (SELECT now FROM p) - 3 * 31557600 + value * ((3 * 31557600 - 2592000) / :contacts),
       0
FROM generate_series(1, :contacts);
-- geometric counts with mean :mean: floor(-m ln u), m = 1 / ln(1 + 1/mean)
UPDATE g SET k = min(1000, CAST(-(1.0 / ln(1.0 + 1.0 / :mean)) * ln(u1) AS INTEGER));

INSERT INTO contacts (account_id, id, version, first_name, last_name, display_name, name_key,
                      emails_json, phones_json, company, birthday, status, stage, category, type,
                      intent, referred_by, known_since, created_at, updated_at)
SELECT p.acct, CAST(printf('c%015d', n) AS BLOB), 1, 'First' || n, 'Last' || (n * 7919 % 100003),
       'First' || n || ' Last' || (n * 7919 % 100003), 'last' || (n * 7919 % 100003),
       CASE WHEN u2 < 0.85 THEN '[{"address":"c' || n || '@example.com","label":"home"}]'
            ELSE '[]' END,
       CASE WHEN u3 < 0.70 THEN '[{"number":"+1512' || printf('%07d', n) || '","label":"mobile"}]'
            ELSE '[]' END,
       CASE WHEN u3 > 0.8 THEN 'Company ' || (n % 5000) END,
       CASE WHEN u3 < 0.15 THEN '--0' || (1 + n % 9) || '-1' || (n % 10) END,
       s.status, CASE WHEN s.status = 'none' THEN 'none'
                      WHEN s.status = 'suspect' THEN 'aware'
                      WHEN s.status IN ('prospect', 'lead') THEN 'know'
                      WHEN u3 < 0.1 THEN 'trust' ELSE 'like' END,
       CASE WHEN u3 < 0.05 THEN 'a' WHEN u3 < 0.2 THEN 'b' WHEN u3 < 0.5 THEN 'c'
            WHEN u3 < 0.7 THEN 'd' ELSE 'none' END,
       CASE WHEN s.status = 'none' THEN (CASE WHEN u3 < 0.5 THEN 'agent' ELSE 'vendor' END)
            WHEN u3 < 0.1 THEN 'personal' WHEN u3 < 0.15 THEN 'farm' ELSE 'client' END,
       CASE WHEN s.status = 'lead' THEN 'buy' ELSE 'none' END,
       CASE WHEN n > 1000 AND u2 > 0.95
            THEN CAST(printf('c%015d', 1 + abs(random()) % (n - 1)) AS BLOB) END,
       date(CASE WHEN u2 < 0.3 THEN created_at - CAST(u3 * 8 * 31557600 AS INTEGER)
                 ELSE created_at END, 'unixepoch'),
       created_at, created_at
FROM g, p,
     (SELECT n AS sn, CASE WHEN u2 < 0.10 THEN 'none' WHEN u2 < 0.50 THEN 'suspect'
                           WHEN u2 < 0.75 THEN 'prospect' WHEN u2 < 0.85 THEN 'lead'
                           WHEN u2 < 0.90 THEN 'client' ELSE 'past_client' END AS status
      FROM g) s
WHERE s.sn = g.n
ORDER BY n;

-- each contact's kept-score row, as the store writes it with the contact
-- (migrations/011 and 013; the list's filter columns copied)
INSERT INTO contact_scores
  (account_id, contact_id, seq, score, archived, status, stage, category, type, owner_id)
SELECT account_id, id, seq, 0, archived, status, stage, category, type, owner_id
FROM contacts ORDER BY account_id, id;

UPDATE contacts SET referral_count = r.c
FROM (SELECT referred_by AS rid, count(*) AS c FROM contacts
      WHERE referred_by IS NOT NULL GROUP BY referred_by) r
WHERE contacts.account_id = (SELECT acct FROM p) AND contacts.id = r.rid;

-- Per-activity randomness is a Lehmer generator seeded by (contact,
-- position), not random(): deterministic expressions survive SQLite's
-- subquery flattening (random() in a subquery might be evaluated once, or
-- once per reference).
INSERT INTO activities (account_id, id, contact_id, version, kind, direction, occurred_at,
                        duration_s, importance, two_way, score_code, created_at, updated_at)
SELECT acct, aid, cid, 1, kind, dir, at, dur, imp,
       CASE WHEN kind IN ('meeting', 'visit', 'meal', 'party') THEN 1
            WHEN kind IN ('email', 'sms', 'social') THEN dir = 'inbound'
            WHEN kind = 'call' THEN dir = 'inbound' OR coalesce(dur, 0) >= 60
            ELSE 0 END,
       -- score_code as migrations/012_activity_score_code.sql computes it
       (CASE kind WHEN 'email' THEN 0 WHEN 'sms' THEN 1 WHEN 'call' THEN 2 WHEN 'social' THEN 3
          WHEN 'meeting' THEN 4 WHEN 'visit' THEN 5 WHEN 'meal' THEN 6 WHEN 'party' THEN 7
          WHEN 'card' THEN 8 WHEN 'note' THEN 9 WHEN 'web' THEN 10 ELSE 11 END)
       + 16 * (CASE dir WHEN 'none' THEN 0 WHEN 'inbound' THEN 1 WHEN 'outbound' THEN 2 ELSE 3 END)
       + 64 * (CASE imp WHEN 'normal' THEN 0 WHEN 'high' THEN 1 ELSE 2 END),
       min(at, now), min(at, now)
FROM (
  SELECT acct, now, aid, cid, kind,
         CASE WHEN kind IN ('email', 'sms', 'social', 'call')
                THEN (CASE WHEN dr < 450 THEN 'inbound' ELSE 'outbound' END)
              WHEN kind = 'card' THEN 'outbound'
              WHEN kind = 'web' THEN 'inbound'
              ELSE 'none' END AS dir,
         CASE WHEN dr >= 980 THEN now + tr * 26
              ELSE now - CAST(min(63115200, now - created_at) * (tr / 100000.0)
                              * (tr / 100000.0) AS INTEGER) END AS at,
         CASE WHEN kind = 'call' THEN x4 % 1201 END AS dur,
         CASE WHEN dr % 20 = 0 THEN 'high' ELSE 'normal' END AS imp
  FROM (
    SELECT acct, now, aid, cid, created_at, x2 % 1000 AS dr, x3 % 100000 AS tr, x4,
           CASE WHEN x1 % 1000 < 350 THEN 'email' WHEN x1 % 1000 < 500 THEN 'sms'
                WHEN x1 % 1000 < 700 THEN 'call' WHEN x1 % 1000 < 750 THEN 'social'
                WHEN x1 % 1000 < 810 THEN 'meeting' WHEN x1 % 1000 < 840 THEN 'visit'
                WHEN x1 % 1000 < 860 THEN 'meal' WHEN x1 % 1000 < 870 THEN 'party'
                WHEN x1 % 1000 < 900 THEN 'card' WHEN x1 % 1000 < 980 THEN 'note'
                ELSE 'web' END AS kind
    FROM (
      SELECT acct, now, aid, cid, created_at, x1, x2, x3, x3 * 48271 % 2147483647 AS x4
      FROM (
        SELECT acct, now, aid, cid, created_at, x1, x2, x2 * 48271 % 2147483647 AS x3
        FROM (
          SELECT acct, now, aid, cid, created_at, x1, x1 * 48271 % 2147483647 AS x2
          FROM (
            SELECT p.acct, p.now, g.created_at,
                   CAST(printf('a%07d%08d', g.n, s.value) AS BLOB) AS aid,
                   CAST(printf('c%015d', g.n) AS BLOB) AS cid,
                   ((g.n * 1000003 + s.value * 7919 + 12345) % 2147483647) * 48271
                     % 2147483647 AS x1
            FROM g, p, generate_series(1, g.k) s
            WHERE g.k > 0
            ORDER BY g.n, s.value))))));

-- 20,000 closed listings, each with one seller, over the last two years
INSERT INTO properties (account_id, id, version, status, commission, close_date, created_at,
                        updated_at)
SELECT p.acct, CAST(printf('p%015d', value) AS BLOB), 1, 'closed', 3000 + (value * 37 % 20000),
       date(p.now - (value * 3163 % 63115200), 'unixepoch'), p.now - 63115200, p.now - 63115200
FROM generate_series(1, 20000), p;
INSERT INTO deal_parties (account_id, deal_kind, deal_id, position, contact_id, role)
SELECT p.acct, 'property', CAST(printf('p%015d', value) AS BLOB), 0,
       CAST(printf('c%015d', 1 + (value * 48271 % :contacts)) AS BLOB), 'seller'
FROM generate_series(1, 20000), p;

COMMIT;
