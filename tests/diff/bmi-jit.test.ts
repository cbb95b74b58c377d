// The BMI differential suite again, with every record run through the block compiler.
process.env.RUSTOS_DIFF_JIT = '1';
await import('./bmi.test.js');
