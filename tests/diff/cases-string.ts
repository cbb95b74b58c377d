// String instruction forms for the differential tests: movs/stos/lods/cmps/scas at every size,
// without and with rep/repe/repne, 64- and 32-bit address size, both directions, counts from 0 to
// a few pages (the bulk paths), overlapping movs, and runs off the end of the scratch region so
// the fault's rCX/rSI/rDI progress is compared too. Plus xlat.
import { ARITH, DF, SCRATCH, SCRATCH_SIZE, State } from './record.js';
import { RAX, RCX, RBX, RSI, RDI, Rng } from './gen.js';
import type { Form } from './forms.js';

const SIZES = [
  { name: 'b', size: 1, pfx: [] as number[], rex: [] as number[], odd: 0 },
  { name: 'w', size: 2, pfx: [0x66], rex: [], odd: 1 },
  { name: 'd', size: 4, pfx: [], rex: [], odd: 1 },
  { name: 'q', size: 8, pfx: [], rex: [0x48], odd: 1 },
];

const OPS = [
  { name: 'movs', op: 0xa4, src: true, dst: true, cmp: false },
  { name: 'stos', op: 0xaa, src: false, dst: true, cmp: false },
  { name: 'lods', op: 0xac, src: true, dst: false, cmp: false },
  { name: 'cmps', op: 0xa6, src: true, dst: true, cmp: true },
  { name: 'scas', op: 0xae, src: false, dst: true, cmp: true },
];

function setLow32(st: State, reg: number, v: number, a32: boolean, r: Rng): void {
  st.gpr[reg] = BigInt(v >>> 0) | (a32 ? BigInt(r.u32()) << 32n : 0n);
}

function makeString(op: (typeof OPS)[number], sz: (typeof SIZES)[number], rep: number, a32: boolean, r: Rng, st: State): number[] {
  const size = sz.size;
  const df = (st.flags & DF) !== 0;
  let n = 1;
  if (rep) {
    const k = r.int(10);
    n = k < 2 ? r.int(3) : k < 7 ? r.int(40) : Math.floor(r.int(6000) / size);
    setLow32(st, RCX, n, a32, r);
    if (!a32) st.gpr[RCX] = BigInt(n);
  }
  const bytes = n * size;
  // Start addresses: the whole run inside scratch, or (10%) running off its end (or start, backward).
  const runOff = r.bool(0.1);
  const place = (): number => {
    const room = Math.max(1, SCRATCH_SIZE - bytes - 2 * size);
    let off = runOff ? (df ? r.int(64) : SCRATCH_SIZE - r.int(64)) : df ? bytes + r.int(room) : r.int(room);
    if (r.bool(0.6)) off &= ~(size - 1);
    if (!runOff) off = Math.min(Math.max(off, df ? bytes : 0), SCRATCH_SIZE - (df ? size : bytes + size));
    return SCRATCH + off;
  };
  const si = place();
  let di = place();
  if (op.name === 'movs' && r.bool(0.3)) di = Math.min(Math.max(si + r.int(33) - 16, SCRATCH), SCRATCH + SCRATCH_SIZE - 8);
  setLow32(st, RSI, si, a32, r);
  setLow32(st, RDI, di, a32, r);
  // cmps/scas: make a prefix of the run equal so repe runs a while.
  if (op.cmp && r.bool(0.6)) {
    const len = r.int(n + 1) * size;
    const step = df ? -1 : 1;
    const acc = st.gpr[RAX];
    for (let k = 0; k < len; k++) {
      const d = di - SCRATCH + step * k, s = si - SCRATCH + step * k;
      if (d < 0 || d >= SCRATCH_SIZE || s < 0 || s >= SCRATCH_SIZE) break;
      if (op.name === 'cmps') st.mem[d] = st.mem[s];
      else {
        const lane = ((k % size) + size) % size;
        st.mem[d] = Number((acc >> BigInt(8 * (df ? size - 1 - lane : lane))) & 0xffn);
      }
    }
  }
  return [...(a32 ? [0x67] : []), ...sz.pfx, ...(rep ? [rep] : []), ...sz.rex, op.op | sz.odd];
}

export const stringForms: Form[] = [];
for (const op of OPS) {
  for (const sz of SIZES) {
    const reps = [0, 0xf3, 0xf2]; // F2 on movs/stos/lods repeats like F3
    for (const rep of reps) {
      for (const a32 of [false, true]) {
        const pre = rep === 0 ? '' : rep === 0xf3 ? (op.cmp ? 'repe ' : 'rep ') : op.cmp ? 'repne ' : 'rep(f2) ';
        stringForms.push({
          name: `${pre}${op.name}${sz.name}${a32 ? ' a32' : ''}`,
          cases: rep ? 300 : 200,
          make: (r, st) => ({ code: makeString(op, sz, rep, a32, r, st), flags: ARITH }),
        });
      }
    }
  }
}
for (const a32 of [false, true]) {
  stringForms.push({
    name: `xlat${a32 ? ' a32' : ''}`,
    cases: 200,
    make: (r, st) => {
      setLow32(st, RBX, SCRATCH + 0x100 + r.int(0x1000), a32, r);
      return { code: [...(a32 ? [0x67] : []), 0xd7], flags: ARITH };
    },
  });
}
