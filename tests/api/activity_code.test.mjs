// An activity written without its score_code (migration 012: the kind,
// direction and importance as one integer that the score reads): a row
// loaded behind rapport's back, or on PostgreSQL one written by an older
// rapport node still serving during a rolling upgrade (docs/operations.md).
// The database's triggers give it the code of its texts, so the score
// counts it as what it is. Black box but for the one row written with
// psql, as that writer would. PostgreSQL only: on SQLite rapport is the
// database's only writer, and migrations/013 dropped those triggers there
// (each insert paid for them; the store writes the code itself).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import { after, before, describe, test } from 'node:test';

import { expectStatus } from './lib/expect.mjs';
import { createActivity, createContact, getOk } from './lib/fixtures.mjs';
import { onPostgres, startServer, uniq } from './lib/server.mjs';

/** Runs SQL on the server's database with the engine's own shell. */
function sql(db, text) {
  const r = onPostgres
    ? spawnSync('psql', ['-qAtX', '-v', 'ON_ERROR_STOP=1', '-d', db, '-c', text], { encoding: 'utf8' })
    : spawnSync('sqlite3', ['-bail', db, text], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${onPostgres ? 'psql' : 'sqlite3'}: ${r.stderr || r.error}`);
  return r.stdout.trim();
}

/** An id as a literal of the engine's id type (16 bytes). */
const idLit = (uuid) => (onPostgres ? `'\\x${uuid.replace(/-/g, '')}'::bytea` : `x'${uuid.replace(/-/g, '')}'`);

describe('an activity written without score_code (an older writer)', { skip: !onPostgres && 'SQLite: no writer but rapport (migrations/013)' }, () => {
  let srv;
  let req;
  before(async () => {
    srv = await startServer();
    req = srv.request;
  });
  after(async () => {
    await srv?.stop();
  });

  // the factors an activity moves (SCORING.md; status and stage move by
  // the rules, which a write behind rapport's back does not run)
  const FROM_ACTIVITIES = ['details', 'engagement', 'bonding', 'relationship', 'intensity', 'reply_intensity', 'frequency'];
  const factors = async (id) => {
    const s = await getOk(req, `/api/v1/contacts/${id}/score`);
    return Object.fromEntries(s.factors.filter((f) => FROM_ACTIVITIES.includes(f.name)).map((f) => [f.name, f.points]));
  };

  test('counts as its kind, direction and importance, before and after an edit of its texts', async () => {
    const at = new Date(Date.now() - 3 * 86400 * 1000).toISOString().replace(/\.\d+Z$/, 'Z');
    const body = (n) => ({ first_name: `Code${n}`, last_name: uniq('c'), emails: [{ address: `${uniq('code')}@example.com` }] });
    const viaApi = await createContact(req, body(1));
    const viaSql = await createContact(req, body(2));
    const bare = await factors(viaSql.id);

    const act = await createActivity(req, { contact_id: viaApi.id, kind: 'meal', direction: 'none', importance: 'high', occurred_at: at });
    const aid = crypto.randomUUID();
    const t = Math.floor(Date.parse(at) / 1000);
    sql(
      srv.db,
      `INSERT INTO activities (account_id, id, contact_id, version, kind, direction, occurred_at, importance, two_way, created_at, updated_at)
       SELECT account_id, ${idLit(aid)}, id, 1, 'meal', 'none', ${t}, 'high', 1, ${t}, ${t} FROM contacts WHERE id = ${idLit(viaSql.id)}`,
    );
    assert.equal(sql(srv.db, `SELECT score_code FROM activities WHERE id = ${idLit(aid)}`), String(6 + 16 * 0 + 64 * 1), 'meal, none, high');
    const withMeal = await factors(viaSql.id);
    assert.deepEqual(withMeal, await factors(viaApi.id), 'the row written by SQL scores as the one written by the API');
    assert.notDeepEqual(withMeal, bare, 'the meal counts for something');

    // an edit of the texts alone (as an older node's PATCH would write it)
    sql(srv.db, `UPDATE activities SET kind = 'email', direction = 'inbound', importance = 'normal' WHERE id = ${idLit(aid)}`);
    assert.equal(sql(srv.db, `SELECT score_code FROM activities WHERE id = ${idLit(aid)}`), String(0 + 16 * 1 + 64 * 0), 'email, inbound, normal');
    const p = await req('PATCH', `/api/v1/activities/${act.id}`, {
      body: { kind: 'email', direction: 'inbound', importance: 'normal', version: act.version },
    });
    expectStatus(p, 200, 'PATCH the API one the same way');
    const withEmail = await factors(viaSql.id);
    assert.deepEqual(withEmail, await factors(viaApi.id), 'after the edit, both score alike again');
    assert.notDeepEqual(withEmail, withMeal, 'an inbound email is not a meal');
  });
});
