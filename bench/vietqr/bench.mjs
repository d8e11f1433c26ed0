// Times the npm peers `vietnam-qr-pay` and `promptparse` on the same VietQR input
// as peers-rs (NAPAS example 6.1.3) and prints one JSON line per measurement.
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const { QRPay } = require('vietnam-qr-pay');
const pp = require('promptparse');

const PAYLOAD =
  '00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E';
const SECONDS = Number(process.env.BENCH_SECONDS || 2);

let sink = 0;
// Calls per second of each function, measured as peers-rs does: after a warm-up,
// SECONDS are split into rounds of about 20 ms per function, the functions taking
// turns, and each rate is the median of its rounds (with the 10th and 90th
// percentiles).
function rates(fs) {
  const perRound = fs.map((f) => {
    const warmEnd = process.hrtime.bigint() + 300_000_000n;
    let calls = 0;
    while (process.hrtime.bigint() < warmEnd) {
      sink ^= f();
      calls++;
    }
    return Math.max(1, Math.floor(calls / 15));
  });
  const rounds = Math.max(1, Math.floor(SECONDS / 0.02));
  const all = fs.map(() => []);
  for (let r = 0; r < rounds; r++) {
    fs.forEach((f, k) => {
      const start = process.hrtime.bigint();
      for (let i = 0; i < perRound[k]; i++) sink ^= f();
      const t = Number(process.hrtime.bigint() - start) / 1e9;
      all[k].push(perRound[k] / t);
    });
  }
  return all.map((v) => {
    v.sort((a, b) => a - b);
    const at = (q) => v[Math.floor(((v.length - 1) * q) / 100)];
    return { per_sec: Math.round(at(50)), p10: Math.round(at(10)), p90: Math.round(at(90)) };
  });
}

function qrpayEncode() {
  const qr = QRPay.initVietQR({
    bankBin: '970403',
    bankNumber: '0011012345678',
    amount: '180000',
    purpose: 'thanh toan don hang',
  });
  qr.additionalData.billNumber = 'NPS6869';
  return qr.build();
}

function qrpayDecode(p) {
  const qr = new QRPay(p);
  if (!qr.isValid) throw new Error('invalid');
  return qr.amount.length + qr.consumer.bankNumber.length;
}

function ppEncode() {
  const { encode, tag, withCrcTag } = pp;
  const org = encode([tag('00', '970403'), tag('01', '0011012345678')]);
  const mai = encode([tag('00', 'A000000727'), tag('01', org), tag('02', 'QRIBFTTA')]);
  const add = encode([tag('01', 'NPS6869'), tag('08', 'thanh toan don hang')]);
  const body = encode([
    tag('00', '01'),
    tag('01', '12'),
    tag('38', mai),
    tag('53', '704'),
    tag('54', '180000'),
    tag('58', 'VN'),
    tag('62', add),
  ]);
  return withCrcTag(body, '63', true);
}

function ppDecode(p) {
  const qr = pp.parse(p, true, true);
  if (!qr) throw new Error('invalid');
  return qr.getTagValue('54').length + qr.getTagValue('38', '01').length;
}

for (const [name, out] of [['vietnam-qr-pay', qrpayEncode()], ['promptparse (npm)', ppEncode()]]) {
  if (out !== PAYLOAD) {
    console.error(`${name} encodes differently:\n  ${out}\n  ${PAYLOAD}`);
    process.exit(1);
  }
}

const runs = [
  ['vietnam-qr-pay', 'encode', () => qrpayEncode().length],
  ['vietnam-qr-pay', 'decode', () => qrpayDecode(PAYLOAD)],
  ['promptparse (npm)', 'encode', () => ppEncode().length],
  ['promptparse (npm)', 'decode', () => ppDecode(PAYLOAD)],
];
const measured = rates(runs.map(([, , f]) => f));
runs.forEach(([peer, op], k) => console.log(JSON.stringify({ peer, op, ...measured[k] })));
if (sink === 0.5) console.log(sink);
