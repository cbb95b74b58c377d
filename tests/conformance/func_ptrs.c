// Checks function pointers: tables of operations, callbacks, pointers returned from functions, indirect tail calls.
#include <stdio.h>
#include <stdlib.h>

typedef long (*binop)(long, long);
static long add(long a, long b) { return a + b; }
static long sub(long a, long b) { return a - b; }
static long mul(long a, long b) { return a * b; }
static long maxf(long a, long b) { return a > b ? a : b; }
static binop table[] = {add, sub, mul, maxf};
static const char *names[] = {"add", "sub", "mul", "max"};

static binop pick(const char *name) {
    for (int i = 0; i < 4; i++) if (names[i][0] == name[0] && names[i][1] == name[1]) return table[i];
    return NULL;
}
static long fold(const long *xs, int n, long init, binop f) { for (int i = 0; i < n; i++) init = f(init, xs[i]); return init; }
static void apply_each(void (*cb)(int, void *), void *ctx) { for (int i = 0; i < 5; i++) cb(i, ctx); }
static void accumulate(int i, void *ctx) { *(long *)ctx = *(long *)ctx * 10 + i; }

struct shape { const char *kind; double (*area)(const struct shape *); double a, b; };
static double rect_area(const struct shape *s) { return s->a * s->b; }
static double tri_area(const struct shape *s) { return 0.5 * s->a * s->b; }

int main(void) {
    long xs[] = {3, -4, 5, 9, -2, 7};
    for (int i = 0; i < 4; i++) printf("fold %s = %ld\n", names[i], fold(xs, 6, i == 2 ? 1 : 0, table[i]));
    binop f = pick("mu");
    printf("pick(mu)(6,7)=%ld pick(xx)=%s\n", f(6, 7), pick("xx") ? "found" : "null");
    long acc = 0;
    apply_each(accumulate, &acc);
    printf("callback acc=%ld\n", acc);
    struct shape shapes[] = {{"rect", rect_area, 3, 4}, {"tri", tri_area, 3, 4}, {"rect", rect_area, 2.5, 2}};
    double total = 0;
    for (int i = 0; i < 3; i++) { double a = shapes[i].area(&shapes[i]); printf("%s area=%.2f\n", shapes[i].kind, a); total += a; }
    printf("total=%.2f\n", total);
    volatile int sel = 3;
    long (*volatile indirect)(long, long) = table[sel];
    printf("indirect max(10,-10)=%ld\n", indirect(10, -10));
    int (*cmp)(const void *, const void *) = NULL;
    printf("null fn ptr is NULL: %d\n", cmp == NULL);
    return 0;
}
