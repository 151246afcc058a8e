// bench/score/post.mjs: latency of POST /api/v1/activities on the bench
// database, one request at a time (keep-alive), as a client sees it.
// Usage: node post.mjs BASE_URL TOKEN CONTACTS N
// Contacts are picked evenly over 1..CONTACTS (the ids gen.sql makes:
// 'c' and 15 digits as the 16 bytes of a UUID). Prints p50/p90/p99/max.
const [base, token, contactsArg, nArg] = process.argv.slice(2);
const contacts = Number(contactsArg), n = Number(nArg || 1000);

function idOf(k) {
  const hex = Buffer.from('c' + String(k).padStart(15, '0'), 'ascii').toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

async function post(k) {
  const t0 = process.hrtime.bigint();
  const res = await fetch(`${base}/api/v1/activities`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ contact_id: idOf(k), kind: 'email', direction: 'inbound', subject: 'bench' }),
  });
  await res.arrayBuffer();
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (res.status !== 201) throw new Error(`POST for contact ${k}: ${res.status}`);
  return ms;
}

const step = Math.max(1, Math.floor(contacts / (2 * n)));
for (let i = 0; i < 50; i++) await post(1 + ((2 * i + 1) * step) % contacts); // warm-up
const times = [];
for (let i = 0; i < n; i++) times.push(await post(1 + (2 * i * step) % contacts));
times.sort((a, b) => a - b);
const p = (q) => times[Math.min(times.length - 1, Math.round(q * (times.length - 1)))].toFixed(3);
console.log(`POST /api/v1/activities x${n}: p50 ${p(0.5)} ms  p90 ${p(0.9)} ms  p99 ${p(0.99)} ms  max ${times[times.length - 1].toFixed(3)} ms`);
