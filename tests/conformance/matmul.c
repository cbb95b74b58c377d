// Checks matrix multiplication with ints (wrapping uint32), int64 and doubles, in naive and transposed loop orders.
#include <stdint.h>
#include <stdio.h>

#define N 96
static uint32_t A[N][N], B[N][N], C[N][N];
static int64_t L[N][N], M[N][N], P[N][N];
static double X[N][N], Y[N][N], Z[N][N], Zt[N][N];

int main(void) {
    uint32_t s = 7;
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) {
        s = s * 1103515245u + 12345u; A[i][j] = s >> 7;
        s = s * 1103515245u + 12345u; B[i][j] = s >> 9;
        L[i][j] = (int64_t)(i * 31 - j * 17); M[i][j] = (int64_t)(j * 7 - i * 3) * 1000003;
        X[i][j] = (double)(i + 1) / (j + 2); Y[i][j] = (double)(i - j) * 0.125 + 1.0 / (i + j + 1);
    }
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) {
        uint32_t acc = 0; int64_t a64 = 0; double d = 0;
        for (int k = 0; k < N; k++) { acc += A[i][k] * B[k][j]; a64 += L[i][k] * M[k][j]; d += X[i][k] * Y[k][j]; }
        C[i][j] = acc; P[i][j] = a64; Z[i][j] = d;
    }
    for (int i = 0; i < N; i++) for (int k = 0; k < N; k++) { double x = X[i][k]; for (int j = 0; j < N; j++) Zt[i][j] += x * Y[k][j]; }
    uint64_t hc = 0; int64_t hp = 0; double tr = 0, maxdiff = 0, total = 0;
    for (int i = 0; i < N; i++) for (int j = 0; j < N; j++) {
        hc = hc * 1000003 + C[i][j]; hp += P[i][j] * (i ^ j); total += Z[i][j];
        double diff = Z[i][j] - Zt[i][j]; if (diff < 0) diff = -diff; if (diff > maxdiff) maxdiff = diff;
    }
    for (int i = 0; i < N; i++) tr += Z[i][i];
    printf("uint32 hash=%016llx\n", (unsigned long long)hc);
    printf("int64 weighted=%lld P[5][7]=%lld\n", (long long)hp, (long long)P[5][7]);
    printf("double trace=%.17g total=%.17g Z[3][4]=%.17g\n", tr, total, Z[3][4]);
    printf("loop-order max diff=%.3g\n", maxdiff);
    return 0;
}
