// Checks strtok/strtok_r/strsep, strchr/strrchr/strstr/strpbrk/strspn/strcspn and strdup/strndup on fixed inputs.
#define _GNU_SOURCE
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void) {
    char line[] = "  alpha, beta;;gamma ,delta  ;epsilon,,";
    int n = 0;
    for (char *t = strtok(line, " ,;"); t; t = strtok(NULL, " ,;")) printf("tok%d=[%s]\n", n++, t);
    char csv[] = "k1=v1&k2=v2&&k3=&=v4";
    char *save = NULL;
    for (char *kv = strtok_r(csv, "&", &save); kv; kv = strtok_r(NULL, "&", &save)) {
        char *eq = strchr(kv, '=');
        printf("pair key=[%.*s] value=[%s]\n", eq ? (int)(eq - kv) : (int)strlen(kv), kv, eq ? eq + 1 : "(none)");
    }
    char buf[] = "a::b:c:", *rest = buf, *f;
    while ((f = strsep(&rest, ":")) != NULL) printf("sep=[%s]\n", f);
    const char *path = "/usr/local/lib/librustos.so.1.2";
    printf("strrchr('/')=%s strchr('.')=%s strrchr('.')=%s\n", strrchr(path, '/'), strchr(path, '.'), strrchr(path, '.'));
    printf("strstr(lib)=%s strstr(missing)=%s strstr(empty) same=%d\n", strstr(path, "lib"), strstr(path, "xyz") ? "found" : "NULL", strstr(path, "") == path);
    printf("strpbrk=%s strspn=%zu strcspn=%zu\n", strpbrk(path, "0123456789"), strspn("/usr/", "/rsu"), strcspn(path, "."));
    printf("strcasestr=%s memmem=%s\n", strcasestr("Hello World", "WORLD"), (char *)memmem("abcabcabd", 9, "abd", 3));
    char *d = strdup(path), *nd = strndup(path, 4);
    printf("strdup=%s strndup=%s\n", d, nd);
    free(d); free(nd);
    const char *hay = "the cat sat on the mat with the hat";
    int count = 0;
    for (const char *p = hay; (p = strstr(p, "at")) != NULL; p += 2) count++;
    printf("occurrences of 'at': %d\n", count);
    printf("strchr NUL finds terminator: %d\n", strchr(hay, '\0') == hay + strlen(hay));
    return 0;
}
