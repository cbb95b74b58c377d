// The AVX differential test with every block compiled by the block compiler (RUSTOS_DIFF_JIT=1).
process.env.RUSTOS_DIFF_JIT = '1';
await import('./avx.test.js');
