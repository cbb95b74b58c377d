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
export const F1C = { SSE3: 1 << 0, SSSE3: 1 << 9, CX16: 1 << 13, SSE41: 1 << 19, SSE42: 1 << 20, MOVBE: 1 << 22, POPCNT: 1 << 23 };
// Leaf 7 EBX bits. ERMS: rep movsb/stosb are the fast way to copy and fill (glibc's memcpy and
// memset then use them for large sizes; ours run page-sized chunks on physical memory).
// BMI1, BMI2, ADX: the VEX-encoded bit manipulation (ops/bmi.ts) and adcx/adox (ops/movbe-adx.ts).
export const F7B = { BMI1: 1 << 3, BMI2: 1 << 8, ERMS: 1 << 9, ADX: 1 << 19 };
// Leaf 0x80000001 EDX / ECX bits.
export const FX1D = { SYSCALL: 1 << 11, NX: 1 << 20, LM: 1 << 29 };
export const FX1C = { LAHF: 1 << 0, ABM: 1 << 5 };

/** The feature words reported; instruction families raise bits as they become complete. */
export const features = {
  leaf1Edx: F1D.FPU | F1D.TSC | F1D.CX8 | F1D.CMOV | F1D.MMX | F1D.FXSR | F1D.SSE | F1D.SSE2,
  leaf1Ecx: F1C.POPCNT | F1C.CX16 | F1C.SSE3 | F1C.SSSE3 | F1C.SSE41 | F1C.SSE42 | F1C.MOVBE,
  leaf7Ebx: F7B.ERMS | F7B.BMI1 | F7B.BMI2 | F7B.ADX,
  leaf7Ecx: 0,
  ext1Edx: FX1D.SYSCALL | FX1D.NX | FX1D.LM,
  ext1Ecx: FX1C.LAHF | FX1C.ABM,
};

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
      a = 7;
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
