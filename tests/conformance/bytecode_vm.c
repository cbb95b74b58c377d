// Checks a small stack-based bytecode interpreter (computed dispatch via switch) running loops, calls and arithmetic.
#include <stdint.h>
#include <stdio.h>

enum { PUSH, ADD, SUB, MUL, DIVM, DUP, SWAP, DROP, JMP, JZ, JNZ, LOAD, STORE, CALL, RET, PRINT, LT, HALT, OVER };
typedef struct { int64_t stack[256]; int sp; int64_t mem[16]; int rstack[64]; int rsp; long steps; } VM;

static int64_t run(const int64_t *code, VM *vm) {
    int pc = 0;
    for (;;) {
        vm->steps++;
        int64_t op = code[pc++], a, b;
        switch (op) {
        case PUSH: vm->stack[vm->sp++] = code[pc++]; break;
        case ADD: b = vm->stack[--vm->sp]; a = vm->stack[--vm->sp]; vm->stack[vm->sp++] = a + b; break;
        case SUB: b = vm->stack[--vm->sp]; a = vm->stack[--vm->sp]; vm->stack[vm->sp++] = a - b; break;
        case MUL: b = vm->stack[--vm->sp]; a = vm->stack[--vm->sp]; vm->stack[vm->sp++] = a * b; break;
        case DIVM: b = vm->stack[--vm->sp]; a = vm->stack[--vm->sp]; vm->stack[vm->sp++] = a / b; vm->stack[vm->sp++] = a % b; break;
        case DUP: vm->stack[vm->sp] = vm->stack[vm->sp - 1]; vm->sp++; break;
        case OVER: vm->stack[vm->sp] = vm->stack[vm->sp - 2]; vm->sp++; break;
        case SWAP: a = vm->stack[vm->sp - 1]; vm->stack[vm->sp - 1] = vm->stack[vm->sp - 2]; vm->stack[vm->sp - 2] = a; break;
        case DROP: vm->sp--; break;
        case JMP: pc = (int)code[pc]; break;
        case JZ: a = vm->stack[--vm->sp]; pc = a == 0 ? (int)code[pc] : pc + 1; break;
        case JNZ: a = vm->stack[--vm->sp]; pc = a != 0 ? (int)code[pc] : pc + 1; break;
        case LOAD: vm->stack[vm->sp++] = vm->mem[code[pc++]]; break;
        case STORE: vm->mem[code[pc++]] = vm->stack[--vm->sp]; break;
        case CALL: vm->rstack[vm->rsp++] = pc + 1; pc = (int)code[pc]; break;
        case RET: pc = vm->rstack[--vm->rsp]; break;
        case PRINT: printf("vm: %lld\n", (long long)vm->stack[--vm->sp]); break;
        case LT: b = vm->stack[--vm->sp]; a = vm->stack[--vm->sp]; vm->stack[vm->sp++] = a < b; break;
        case HALT: return vm->sp ? vm->stack[vm->sp - 1] : 0;
        default: printf("bad opcode %lld\n", (long long)op); return -1;
        }
    }
}

int main(void) {
    /* sum of i*i for i in [0, 100000) mod 1e9+7, then gcd via calls, then factorial 20 */
    const int64_t prog[] = {
        PUSH, 0, STORE, 0, PUSH, 0, STORE, 1,             /* 0: i=0 acc=0 */
        LOAD, 0, PUSH, 100000, LT, JZ, 35,                /* 8: while i<100000 */
        LOAD, 0, DUP, MUL, LOAD, 1, ADD, PUSH, 1000000007, DIVM, SWAP, DROP, STORE, 1, /* 15: acc=(acc+i*i)%M */
        LOAD, 0, PUSH, 1, ADD, STORE, 0, JMP, 8,          /* 29..: i++ -- note: indices fixed below */
    };
    (void)prog;
    /* assemble with labels computed by hand to keep the VM tiny */
    int64_t code[256]; int n = 0;
#define E(x) code[n++] = (x)
    E(PUSH); E(0); E(STORE); E(0); E(PUSH); E(0); E(STORE); E(1);
    int loop = n;
    E(LOAD); E(0); E(PUSH); E(100000); E(LT); E(JZ); int patch_end = n; E(0);
    E(LOAD); E(0); E(DUP); E(MUL); E(LOAD); E(1); E(ADD); E(PUSH); E(1000000007); E(DIVM); E(SWAP); E(DROP); E(STORE); E(1);
    E(LOAD); E(0); E(PUSH); E(1); E(ADD); E(STORE); E(0); E(JMP); E(loop);
    code[patch_end] = n;
    E(LOAD); E(1); E(PRINT);
    /* gcd(1071, 462) via subroutine */
    E(PUSH); E(1071); E(PUSH); E(462); E(CALL); int patch_gcd = n; E(0); E(PRINT);
    /* factorial 20 */
    E(PUSH); E(1); E(STORE); E(2); E(PUSH); E(20); E(STORE); E(3);
    int floop = n;
    E(LOAD); E(2); E(LOAD); E(3); E(MUL); E(STORE); E(2);
    E(LOAD); E(3); E(PUSH); E(1); E(SUB); E(DUP); E(STORE); E(3); E(JNZ); E(floop);
    E(LOAD); E(2); E(PRINT);
    E(PUSH); E(12345); E(HALT);
    int gcd = n; code[patch_gcd] = gcd;
    /* stack: a b ; loop: if b==0 -> drop, ret ; else a b -> b (a%b) */
    E(DUP); E(JZ); int patch_ret = n; E(0);
    E(SWAP); E(OVER); E(DIVM); E(SWAP); E(DROP); E(JMP); E(gcd);
    code[patch_ret] = n; E(DROP); E(RET);
    VM vm = {0};
    int64_t r = run(code, &vm);
    printf("halt value=%lld steps=%ld code size=%d\n", (long long)r, vm.steps, n);
    return r == 12345 ? 0 : 1;
}
