// The SSE3/SSSE3/SSE4 differential suite again, with every record run through the block compiler.
process.env.RUSTOS_DIFF_JIT = '1';
await import('./sse4.test.js');
