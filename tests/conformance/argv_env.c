// Checks argc/argv contents and the environment the runner sets (CONF_VAR, LC_ALL, PATH), via getenv, environ and main's envp.
// expect: exit 4
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

extern char **environ;

int main(int argc, char **argv, char **envp) {
    printf("argc=%d\n", argc);
    const char *base = strrchr(argv[0], '/');
    printf("argv[0] basename=%s\n", base ? base + 1 : argv[0]);
    for (int i = 1; i < argc; i++) printf("argv[%d]=\"%s\" (len %zu)\n", i, argv[i], strlen(argv[i]));
    printf("argv[argc] is NULL: %d\n", argv[argc] == NULL);
    printf("CONF_VAR=%s\n", getenv("CONF_VAR") ? getenv("CONF_VAR") : "(unset)");
    printf("LC_ALL=%s\n", getenv("LC_ALL") ? getenv("LC_ALL") : "(unset)");
    printf("PATH=%s\n", getenv("PATH") ? getenv("PATH") : "(unset)");
    printf("UNSET_THING=%s\n", getenv("RUSTOS_SURELY_UNSET") ? "set" : "(unset)");
    printf("envp == environ: %d\n", envp == environ);
    int conf = 0;
    for (char **e = envp; *e; e++) if (!strncmp(*e, "CONF_VAR=", 9)) conf++;
    printf("CONF_VAR entries in envp: %d\n", conf);
    setenv("NEW_VAR", "x", 1);
    setenv("CONF_VAR", "changed", 1);
    printf("after setenv: NEW_VAR=%s CONF_VAR=%s\n", getenv("NEW_VAR"), getenv("CONF_VAR"));
    unsetenv("CONF_VAR");
    printf("after unsetenv: %s\n", getenv("CONF_VAR") ? "still set" : "gone");
    /* argv strings are contiguous and writable */
    if (argc > 1) { argv[1][0] = 'A'; printf("modified argv[1]=%s\n", argv[1]); }
    return argc;
}
