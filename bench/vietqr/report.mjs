// Reads the JSON lines of bench.mjs and peers-rs and prints payloads per second
// for each peer and for vietqr (the median of interleaved rounds, with the 10th to
// 90th percentiles), the ratios of the medians, and whether the goals are met.
import { readFileSync } from 'node:fs';

const rows = readFileSync(process.argv[2], 'utf8')
  .split('\n')
  .filter((l) => l.startsWith('{'))
  .map((l) => JSON.parse(l));
const row = (peer, op) => rows.find((r) => r.peer === peer && r.op === op);
const get = (peer, op) => row(peer, op)?.per_sec;
const peers = [...new Set(rows.map((r) => r.peer))].filter((p) => p !== 'vietqr');
const fmt = (n) => (n === undefined ? '-' : Math.round(n).toLocaleString('en-US'));
const ns = (n) => (1e9 / n).toFixed(0);
const cell = (peer, op) => {
  const r = row(peer, op);
  return r ? `${fmt(r.per_sec)} (${fmt(r.p10)}–${fmt(r.p90)})` : '-';
};

console.log('| implementation | encode payloads/s (p10–p90) | decode+validate payloads/s (p10–p90) | vietqr/peer encode | vietqr/peer decode |');
console.log('|---|---:|---:|---:|---:|');
const ve = get('vietqr', 'encode');
const vd = get('vietqr', 'decode');
for (const p of peers) {
  const e = get(p, 'encode');
  const d = get(p, 'decode');
  console.log(`| ${p} | ${cell(p, 'encode')} | ${cell(p, 'decode')} | ${(ve / e).toFixed(1)}x | ${(vd / d).toFixed(1)}x |`);
}
console.log(`| **vietqr** | ${cell('vietqr', 'encode')}, ${ns(ve)} ns | ${cell('vietqr', 'decode')}, ${ns(vd)} ns | | |`);

const vi = get('vietqr', 'encode_into');
if (vi) console.log(`| vietqr, encode_into a reused String | ${cell('vietqr', 'encode_into')}, ${ns(vi)} ns | | | |`);
const vs = get('vietqr', 'decode_in_steps');
if (vs) console.log(`| vietqr, \`decode\` then \`.vietqr()\` | | ${cell('vietqr', 'decode_in_steps')}, ${ns(vs)} ns | | |`);

const fastestE = Math.max(...peers.map((p) => get(p, 'encode')));
const fastestD = Math.max(...peers.map((p) => get(p, 'decode')));
console.log('');
console.log(`vs fastest peer: encode ${(ve / fastestE).toFixed(1)}x, decode ${(vd / fastestD).toFixed(1)}x (goal >= 20x)`);
console.log(
  `vietqr: encode ${ns(ve)} ns, encode_into ${vi ? ns(vi) : '-'} ns (goal <= 150), decode+validate ${ns(vd)} ns (goal <= 250)`,
);
