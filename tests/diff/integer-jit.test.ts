// The integer differential suite again, with every record run through the block compiler
// (kernel/cpu/jit) instead of the interpreter: compiled code must match the real CPU too.
process.env.RUSTOS_DIFF_JIT = '1';
await import('./integer.test.js');
