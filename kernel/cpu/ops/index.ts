/**
 * Loads every instruction family, each of which registers its rows in the opcode tables.
 * Add a family here when you add a file.
 */
import './alu.js';
import './mov.js';
import './branch.js';
import './stack.js';
import './misc.js';
import './priv.js';
import './muldiv.js';
import './shift.js';
import './bits.js';
import './atomic.js';
import './string.js';
import './sse-mov.js';
import './sse-int.js';
import './sse-shuf.js';
import './sse-fp.js';
import './sse-fcmp.js';
import './sse-cvt.js';
import './sse-misc.js';
import './sse-rcp.js';
import './x87.js';
import './mmx-int.js';
import './mmx-mov.js';
import './mmx-shuf.js';
import './mmx-cvt.js';
import './ssse3.js';
import './sse41-int.js';
import './sse41-mov.js';
import './sse42.js';
import './movbe-adx.js';
import './sse3.js';
import './sse41-fp.js';
// AVX: after every SSE family, whose rows avx-sse.ts derives VEX forms from.
import './avx-sse.js';
import './avx-mov.js';
import './bmi.js';
import './avx.js';
import './avx2.js';
import './fma.js';
import './f16c.js';
import './xsave.js';
