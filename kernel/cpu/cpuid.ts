/**
 * CPUID: what this CPU says it is. It reports exactly the features the interpreter implements and
 * no more, because glibc and many programs pick code paths from these bits (an advertised but
 * missing instruction would be a SIGILL in the middle of memcpy).
 *
 * The vendor is "AuthenticAMD" (as qemu's default CPU), because glibc then reads cache sizes from
 * the simple AMD leaves 0x80000005/6, which we can answer plainly.
 */

// Leaf 1 EDX / ECX bits.
export const F1D = { FPU: 1 << 0, TSC: 1 << 4, CX8: 1 << 8, CMOV: 1 << 15, MMX: 1 << 23, FXSR: 1 << 24, SSE: 1 << 25, SSE2: 1 << 26 };
export const F1C = {
  SSE3: 1 << 0, SSSE3: 1 << 9, FMA: 1 << 12, CX16: 1 << 13, SSE41: 1 << 19, SSE42: 1 << 20, MOVBE: 1 << 22, POPCNT: 1 << 23,
  XSAVE: 1 << 26, OSXSAVE: 1 << 27, AVX: 1 << 28, F16C: 1 << 29,
};
// Leaf 7 EBX bits. ERMS: rep movsb/stosb are the fast way to copy and fill (glibc's memcpy and
// memset then use them for large sizes; ours run page-sized chunks on physical memory).
// BMI1, BMI2, ADX: the VEX-encoded bit manipulation (ops/bmi.ts) and adcx/adox (ops/movbe-adx.ts).
// AVX2: ops/avx*.ts (with the VEX forms of every SSE instruction), differentially tested.
export const F7B = { BMI1: 1 << 3, AVX2: 1 << 5, BMI2: 1 << 8, ERMS: 1 << 9, ADX: 1 << 19 };
// Leaf 0x80000001 EDX / ECX bits.
export const FX1D = { SYSCALL: 1 << 11, NX: 1 << 20, LM: 1 << 29 };
export const FX1C = { LAHF: 1 << 0, ABM: 1 << 5 };

export interface FeatureWords {
  leaf1Edx: number;
  leaf1Ecx: number;
  leaf7Ebx: number;
  leaf7Ecx: number;
  ext1Edx: number;
  ext1Ecx: number;
}
const WORDS = ['leaf1Edx', 'leaf1Ecx', 'leaf7Ebx', 'leaf7Ecx', 'ext1Edx', 'ext1Ecx'] as const;

/**
 * Everything the interpreter implements completely (and tests differentially); instruction
 * families raise bits here as they become complete. AVX/AVX2/FMA/F16C/XSAVE (ops/avx*.ts, fma.ts,
 * f16c.ts, xsave.ts) with OSXSAVE: the kernel "enables" XSAVE (XCR0 = 7) and signal frames carry
 * the XSAVE layout (kernel/signal.ts).
 */
export const implemented: FeatureWords = {
  leaf1Edx: F1D.FPU | F1D.TSC | F1D.CX8 | F1D.CMOV | F1D.MMX | F1D.FXSR | F1D.SSE | F1D.SSE2,
  leaf1Ecx: F1C.POPCNT | F1C.CX16 | F1C.SSE3 | F1C.SSSE3 | F1C.SSE41 | F1C.SSE42 | F1C.MOVBE |
    F1C.FMA | F1C.XSAVE | F1C.OSXSAVE | F1C.AVX | F1C.F16C,
  leaf7Ebx: F7B.ERMS | F7B.BMI1 | F7B.BMI2 | F7B.ADX | F7B.AVX2,
  leaf7Ecx: 0,
  ext1Edx: FX1D.SYSCALL | FX1D.NX | FX1D.LM,
  ext1Ecx: FX1C.LAHF | FX1C.ABM,
};

/**
 * The x86-64 psABI micro-architecture levels: the feature bits each level adds to the one before.
 * A level is reported by masking off the bits of the levels above it; bits that belong to no level
 * (ERMS, ADX, TSC...) are reported at every level.
 */
export const LEVEL_BITS: { name: string; adds: Partial<FeatureWords> }[] = [
  { name: 'x86-64', adds: { leaf1Edx: F1D.FPU | F1D.CX8 | F1D.CMOV | F1D.MMX | F1D.FXSR | F1D.SSE | F1D.SSE2, ext1Edx: FX1D.SYSCALL | FX1D.LM } },
  { name: 'x86-64-v2', adds: { leaf1Ecx: F1C.CX16 | F1C.POPCNT | F1C.SSE3 | F1C.SSSE3 | F1C.SSE41 | F1C.SSE42, ext1Ecx: FX1C.LAHF } },
  {
    name: 'x86-64-v3',
    adds: {
      leaf1Ecx: F1C.AVX | F1C.FMA | F1C.F16C | F1C.MOVBE | F1C.XSAVE | F1C.OSXSAVE,
      leaf7Ebx: F7B.AVX2 | F7B.BMI1 | F7B.BMI2,
      ext1Ecx: FX1C.ABM,
    },
  },
];

/** The level names --cpu accepts (v1 = x86-64), in order. */
export function levelIndex(name: string): number {
  const n = name.toLowerCase().replace(/^x86-64-?/, '') || 'v1';
  return ['v1', 'v2', 'v3'].indexOf(n === 'baseline' ? 'v1' : n);
}

/** Feature names of a level that are not implemented (empty: the level is complete). */
export function missingForLevel(level: number): string[] {
  const out: string[] = [];
  const names: Record<string, Record<string, number>> = { leaf1Edx: F1D, leaf1Ecx: F1C, leaf7Ebx: F7B, ext1Edx: FX1D, ext1Ecx: FX1C };
  for (let l = 0; l <= level; l++) {
    for (const w of WORDS) {
      const need = LEVEL_BITS[l].adds[w] ?? 0;
      const miss = need & ~implemented[w];
      if (miss) for (const [n, bit] of Object.entries(names[w] ?? {})) if (miss & bit) out.push(n);
    }
  }
  return out;
}

/** The highest complete level. */
export function highestCompleteLevel(): number {
  let l = 0;
  while (l + 1 < LEVEL_BITS.length && missingForLevel(l + 1).length === 0) l++;
  return l;
}

/** The feature words reported (mutated in place by selectCpuLevel; exec.ts reads hwcap from it). */
export const features: FeatureWords = { ...implemented };
export let cpuLevel = 0;

/** Reports `level` (0 = x86-64, 1 = v2, 2 = v3): the implemented bits minus higher levels' bits. */
export function selectCpuLevel(level: number): void {
  cpuLevel = level;
  for (const w of WORDS) {
    let above = 0;
    for (let l = level + 1; l < LEVEL_BITS.length; l++) above |= LEVEL_BITS[l].adds[w] ?? 0;
    features[w] = implemented[w] & ~above;
  }
}
selectCpuLevel(highestCompleteLevel());

/** XSAVE is reported (and leaf 0xD answered) at this level. */
const xsaveOn = (): boolean => (features.leaf1Ecx & F1C.OSXSAVE) !== 0;

function str4(s: string, k: number): number {
  let v = 0;
  for (let j = 3; j >= 0; j--) v = (v << 8) | (s.charCodeAt(k + j) || 0);
  return v;
}

const BRAND = 'RustOS virtual x86-64 CPU'.padEnd(47, ' ') + '\0';

/** Writes EAX, EBX, ECX, EDX for leaf/subleaf into out[k..k+3]. */
export function cpuid(leaf: number, sub: number, out: Int32Array, k: number): void {
  let a = 0, b = 0, c = 0, d = 0;
  switch (leaf) {
    case 0:
      a = 0xd;
      b = str4('AuthenticAMD', 0);
      d = str4('AuthenticAMD', 4);
      c = str4('AuthenticAMD', 8);
      break;
    case 1:
      // Family 0x17 (extended family 8 + 15), model 1, stepping 0; one logical CPU; CLFLUSH 64 bytes.
      a = (8 << 20) | (0xf << 8) | (1 << 4);
      b = (1 << 16) | (8 << 8);
      c = features.leaf1Ecx;
      d = features.leaf1Edx;
      break;
    case 7:
      if (sub === 0) {
        b = features.leaf7Ebx;
        c = features.leaf7Ecx;
      }
      break;
    case 0xd:
      // XSAVE state components (ops/xsave.ts): x87, SSE, AVX in the standard layout.
      if (!xsaveOn()) break;
      if (sub === 0) { a = 7; b = 832; c = 832; }
      else if (sub === 1) a = 1 | 4; // XSAVEOPT, XGETBV with ECX = 1
      else if (sub === 2) { a = 256; b = 576; }
      break;
    case 0x80000000:
      a = 0x80000008;
      b = str4('AuthenticAMD', 0);
      d = str4('AuthenticAMD', 4);
      c = str4('AuthenticAMD', 8);
      break;
    case 0x80000001:
      a = (8 << 20) | (0xf << 8) | (1 << 4);
      c = features.ext1Ecx;
      d = features.ext1Edx;
      break;
    case 0x80000002:
    case 0x80000003:
    case 0x80000004: {
      const o = (leaf - 0x80000002) * 16;
      a = str4(BRAND, o);
      b = str4(BRAND, o + 4);
      c = str4(BRAND, o + 8);
      d = str4(BRAND, o + 12);
      break;
    }
    case 0x80000005:
      // L1d and L1i: 32 KiB, 8-way, 1 line per tag, 64-byte lines.
      c = 0x20080140;
      d = 0x20080140;
      break;
    case 0x80000006:
      // L2: 512 KiB, 8-way (code 6), 64-byte lines; L3: 16 MiB (32 x 512 KiB), 16-way (code 8).
      c = (512 << 16) | (6 << 12) | (1 << 8) | 64;
      d = (32 << 18) | (8 << 12) | (1 << 8) | 64;
      break;
    case 0x80000008:
      a = 0x3030; // 48 bits virtual, 48 bits physical
      break;
  }
  out[k] = a;
  out[k + 1] = b;
  out[k + 2] = c;
  out[k + 3] = d;
}
