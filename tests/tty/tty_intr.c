// ^C typed at the terminal: SIGINT to the whole foreground process group (a child reading and its parent waiting), the input flushed.
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include "common.h"
static volatile sig_atomic_t got;
static void on_int(int sig) { (void)sig; got++; }
int main(void) {
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_int;
  sigaction(SIGINT, &sa, NULL);
  pid_t p = fork();
  if (p == 0) {
    signal(SIGINT, SIG_DFL);
    char buf[64];
    ready("child reading");
    ssize_t n = read(0, buf, sizeof buf);
    printf("child read %zd\n", n);
    return 0;
  }
  int st;
  while (waitpid(p, &st, 0) < 0) {}
  printf("child %s %d, parent got SIGINT %d\n", WIFSIGNALED(st) ? "killed by" : "exited", WIFSIGNALED(st) ? WTERMSIG(st) : WEXITSTATUS(st), got);
  char buf[64];
  ready("parent reading");
  show("parent got", buf, read(0, buf, sizeof buf));
  return 0;
}
