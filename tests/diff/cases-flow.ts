// Control flow, stack and flag-consumer forms for the differential tests. A branch's target is
// always end+7 (see harness.c), so taken and not-taken runs both come back, and the result says
// which. Sequences (a flag-setting instruction followed by jcc/setcc/cmovcc) check the lazy flags
// through their consumers, including cond()'s shortcuts for cmp. Stack forms point rsp (and rbp
// for enter/leave) into scratch memory.
import { ARITH, AF, CF, OF, ZF, SF, PF, CODE, DF, State } from './record.js';
import { RAX, RCX, RSP, RBP, Rng, encode, le, memAt, scratchAddr } from './gen.js';
import type { Form } from './forms.js';

const ARITH_NO_AF = ARITH & ~AF;

function form(name: string, cases: number, make: (r: Rng, st: State) => number[], flags = ARITH): Form {
  return { name, cases, make: (r, st) => ({ code: make(r, st), flags }) };
}

/** rsp somewhere in the middle of scratch (usually 8-aligned, as the ABI keeps it). */
function stackIn(r: Rng, st: State): number {
  const sp = scratchAddr(r, 8, 0x800, 0x1800);
  st.gpr[RSP] = BigInt(sp);
  return sp;
}

const CC = ['o', 'no', 'b', 'ae', 'e', 'ne', 'be', 'a', 's', 'ns', 'p', 'np', 'l', 'ge', 'le', 'g'];
export const flowForms: Form[] = [];

for (let cc = 0; cc < 16; cc++) {
  flowForms.push(form(`j${CC[cc]} rel8`, 60, () => [0x70 + cc, 7]));
  flowForms.push(form(`j${CC[cc]} rel32`, 30, () => [0x0f, 0x80 + cc, 7, 0, 0, 0]));
}
flowForms.push(form('jmp rel8', 20, () => [0xeb, 7]), form('jmp rel32', 20, () => [0xe9, 7, 0, 0, 0]));
const countValues = [0n, 1n, 2n, 0x100000000n, 0x100000001n, 0xffffffffn, 0xffffffffffffffffn];
for (const [name, op] of [['loopne', 0xe0], ['loope', 0xe1], ['loop', 0xe2], ['jrcxz', 0xe3]] as const) {
  for (const a32 of [false, true]) {
    flowForms.push(
      form(`${name}${a32 ? ' a32' : ''}`, 100, (r, st) => {
        if (r.bool(0.6)) st.gpr[RCX] = r.pick(countValues);
        return [...(a32 ? [0x67] : []), op, 7];
      }),
    );
  }
}
flowForms.push(
  form('call rel32', 60, (r, st) => (stackIn(r, st), [0xe8, 7, 0, 0, 0])),
  form('ret', 60, (r, st) => {
    st.setMem(stackIn(r, st), 8, BigInt(CODE + 1 + 7));
    return [0xc3];
  }),
  form('ret imm16', 60, (r, st) => {
    st.setMem(stackIn(r, st), 8, BigInt(CODE + 3 + 7));
    return [0xc2, ...le(r.int(0x200), 2)];
  }),
);
for (const [name, digit, push] of [['call', 2, true], ['jmp', 4, false]] as const) {
  flowForms.push(
    form(`${name} r/m64 reg`, 60, (r, st) => {
      stackIn(r, st);
      const reg = r.pick([0, 1, 2, 3, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15]);
      const code = encode({ op: [0xff], reg: digit, rm: { reg } });
      st.gpr[reg] = BigInt(CODE + code.length + 7);
      void push;
      return code;
    }),
    form(`${name} r/m64 mem`, 60, (r, st) => {
      stackIn(r, st);
      const addr = scratchAddr(r, 8, 0x100, 0x700);
      const code = encode({ op: [0xff], reg: digit, rm: { mem: memAt(r, st, addr, [RSP]) } });
      st.setMem(addr, 8, BigInt(CODE + code.length + 7));
      return code;
    }),
  );
}

// ---- stack ----

for (const w16 of [false, true]) {
  const p = w16 ? [0x66] : [];
  const sfx = w16 ? '16' : '';
  flowForms.push(
    form(`push${sfx} r`, 80, (r, st) => {
      stackIn(r, st);
      const reg = r.int(16);
      return [...p, ...(reg >= 8 ? [0x41] : []), 0x50 | (reg & 7)];
    }),
    form(`pop${sfx} r`, 80, (r, st) => {
      stackIn(r, st);
      const reg = r.int(16);
      return [...p, ...(reg >= 8 ? [0x41] : []), 0x58 | (reg & 7)];
    }),
    form(`push${sfx} imm`, 40, (r, st) => (stackIn(r, st), [...p, 0x68, ...le(r.value(), w16 ? 2 : 4)])),
    form(`push${sfx} imm8`, 40, (r, st) => (stackIn(r, st), [...p, 0x6a, r.int(256)])),
    form(`push${sfx} r/m mem`, 60, (r, st) => {
      stackIn(r, st);
      return encode({ pfx: p, op: [0xff], reg: 6, rm: { mem: memAt(r, st, scratchAddr(r, 8, 0x100, 0x700), [RSP]) } });
    }),
    form(`pop${sfx} r/m mem`, 60, (r, st) => {
      stackIn(r, st);
      return encode({ pfx: p, op: [0x8f], reg: 0, rm: { mem: memAt(r, st, scratchAddr(r, 8, 0x100, 0x700), [RSP]) } });
    }),
    form(`pushf${sfx}`, 40, (r, st) => (stackIn(r, st), [...p, 0x9c])),
    form(`popf${sfx}`, 60, (r, st) => {
      // Only bits user code can change harmlessly (no TF, no AC).
      st.setMem(stackIn(r, st), w16 ? 2 : 8, BigInt((r.u32() & (ARITH | DF)) | 2));
      return [...p, 0x9d];
    }),
  );
}
flowForms.push(
  form('pop [rsp+disp8]', 60, (r, st) => {
    stackIn(r, st);
    return [0x8f, 0x44, 0x24, r.int(32) * 4 - 64];
  }),
  form('leave', 80, (r, st) => {
    stackIn(r, st);
    st.gpr[RBP] = BigInt(scratchAddr(r, 8, 0x800, 0x1800));
    return [0xc9];
  }),
);
for (const level of [0, 1, 2, 5]) {
  flowForms.push(
    form(`enter imm16,${level}`, 60, (r, st) => {
      stackIn(r, st);
      st.gpr[RBP] = BigInt(scratchAddr(r, 8, 0x1000, 0x1f00));
      return [0xc8, ...le(r.int(0x100), 2), level];
    }),
  );
}

// ---- sequences: a flag producer then a consumer ----

const PRODUCERS: { name: string; op: number; digit?: number; imm?: boolean }[] = [
  { name: 'add', op: 0x01 }, { name: 'or', op: 0x09 }, { name: 'adc', op: 0x11 }, { name: 'sbb', op: 0x19 },
  { name: 'and', op: 0x21 }, { name: 'sub', op: 0x29 }, { name: 'xor', op: 0x31 }, { name: 'cmp', op: 0x39 },
  { name: 'test', op: 0x85 }, { name: 'inc', op: 0xff, digit: 0 }, { name: 'dec', op: 0xff, digit: 1 },
  { name: 'neg', op: 0xf7, digit: 3 }, { name: 'shl1', op: 0xd1, digit: 4 }, { name: 'shr1', op: 0xd1, digit: 5 },
  { name: 'sar1', op: 0xd1, digit: 7 },
];
const SIZES = [
  { name: '8', pfx: [] as number[], w: false, byte: true },
  { name: '16', pfx: [0x66], w: false, byte: false },
  { name: '32', pfx: [], w: false, byte: false },
  { name: '64', pfx: [], w: true, byte: false },
];
for (const p of PRODUCERS) {
  for (const sz of SIZES) {
    const producer = (r: Rng, st: State): number[] => {
      const a = r.int(16), b = r.int(16);
      if (r.bool(0.25)) st.gpr[b] = st.gpr[a];
      const op = sz.byte ? p.op & ~1 : p.op;
      return encode({ pfx: sz.pfx, w: sz.w, rex: sz.byte, op: [op], reg: p.digit ?? b, rm: { reg: a } });
    };
    flowForms.push(
      form(`${p.name}${sz.name}; jcc`, 160, (r, st) => [...producer(r, st), 0x70 + r.int(16), 7], ARITH_NO_AF),
      form(`${p.name}${sz.name}; setcc`, 80, (r, st) => {
        const code = producer(r, st);
        return [...code, ...encode({ rex: true, op: [0x0f, 0x90 + r.int(16)], reg: 0, rm: { reg: r.int(16) } })];
      }, ARITH_NO_AF),
      form(`${p.name}${sz.name}; cmovcc`, 80, (r, st) => {
        const code = producer(r, st);
        return [...code, ...encode({ w: r.bool(), op: [0x0f, 0x40 + r.int(16)], reg: r.int(16), rm: { reg: r.int(16) } })];
      }, ARITH_NO_AF),
    );
  }
}
// New-family producers whose consumed flags are defined: bt (CF), bsf (ZF), popcnt/tzcnt (ZF, CF),
// imul (OF/CF), shl by cl (CF/SF/ZF/PF when the count is not 0).
const PRODUCERS2: { name: string; code: (r: Rng, st: State) => number[]; cc: number[]; flags: number }[] = [
  { name: 'bt', code: (r) => [0x48, 0x0f, 0xa3, 0xc0 | (r.int(8) << 3) | r.int(8)], cc: [2, 3], flags: CF | ZF },
  { name: 'bsf', code: (r) => [0x48, 0x0f, 0xbc, 0xc0 | (r.int(8) << 3) | r.int(8)], cc: [4, 5], flags: ZF },
  { name: 'popcnt', code: (r) => [0xf3, 0x48, 0x0f, 0xb8, 0xc0 | (r.int(8) << 3) | r.int(8)], cc: [...Array(16).keys()], flags: ARITH },
  { name: 'tzcnt', code: (r) => [0xf3, 0x0f, 0xbc, 0xc0 | (r.int(8) << 3) | r.int(8)], cc: [2, 3, 4, 5], flags: CF | ZF },
  { name: 'imul', code: (r) => [0x48, 0x0f, 0xaf, 0xc0 | (r.int(8) << 3) | r.int(8)], cc: [0, 1, 2, 3], flags: CF | OF },
  {
    name: 'shl cl', cc: [2, 3, 4, 5, 8, 9, 10, 11], flags: CF | ZF | SF | PF,
    code: (r, st) => {
      st.gpr[RCX] = BigInt(1 + r.int(31));
      return [0xd3, 0xe0 | r.pick([0, 2, 3, 5, 6, 7])];
    },
  },
];
for (const p of PRODUCERS2) {
  flowForms.push(form(`${p.name}; jcc`, 200, (r, st) => [...p.code(r, st), 0x70 + r.pick(p.cc), 7], p.flags));
}
void RAX;
