// Checks ctype.h classification and case mapping for all 256 byte values (plus EOF) in the C locale.
#include <ctype.h>
#include <locale.h>
#include <stdio.h>

int main(void) {
    setlocale(LC_ALL, "C");
    const char *names[] = {"alpha", "digit", "alnum", "space", "upper", "lower", "punct", "print", "graph", "cntrl", "xdigit", "blank"};
    int (*fns[])(int) = {isalpha, isdigit, isalnum, isspace, isupper, islower, ispunct, isprint, isgraph, iscntrl, isxdigit, isblank};
    for (int f = 0; f < 12; f++) {
        int count = 0; unsigned long mask = 0;
        for (int c = -1; c < 256; c++) if (fns[f](c)) { count++; mask = mask * 131 + (unsigned long)(c + 1); }
        printf("is%-6s count=%3d signature=%lu\n", names[f], count, mask);
    }
    int lowered = 0, uppered = 0;
    for (int c = 0; c < 256; c++) { if (tolower(c) != c) lowered++; if (toupper(c) != c) uppered++; }
    printf("tolower changes %d, toupper changes %d, toupper(EOF)=%d tolower(0xC9)=%d\n", lowered, uppered, toupper(EOF), tolower(0xC9));
    printf("isspace chars:"); for (int c = 0; c < 256; c++) if (isspace(c)) printf(" %d", c); printf("\n");
    printf("punct: "); for (int c = 0; c < 128; c++) if (ispunct(c)) putchar(c); printf("\n");
    return 0;
}
