/**
 * The x87 FPU families (D8..DF and 9B): loading this module registers all of them.
 */
import './x87-common.js';
import './x87-ldst.js';
import './x87-arith.js';
import './x87-cmp.js';
import './x87-trans.js';
import './x87-control.js';
