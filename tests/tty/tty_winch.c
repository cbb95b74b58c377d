// Window size: TIOCGWINSZ, a resize of the terminal (SIGWINCH), and TIOCSWINSZ by the program (SIGWINCH to its own group).
#include <signal.h>
#include <sys/ioctl.h>
#include "common.h"
static volatile sig_atomic_t winch;
static void on_winch(int sig) { (void)sig; winch++; }
int main(void) {
  struct winsize ws;
  ioctl(0, TIOCGWINSZ, &ws);
  printf("size %d x %d\n", ws.ws_row, ws.ws_col);
  signal(SIGWINCH, on_winch);
  sigset_t none, winchset;
  sigemptyset(&none);
  sigemptyset(&winchset);
  sigaddset(&winchset, SIGWINCH);
  sigprocmask(SIG_BLOCK, &winchset, NULL);
  ready("resize me");
  while (!winch) sigsuspend(&none);
  ioctl(0, TIOCGWINSZ, &ws);
  printf("SIGWINCH %d size %d x %d\n", winch, ws.ws_row, ws.ws_col);
  ws.ws_row = 50;
  ws.ws_col = 132;
  ioctl(0, TIOCSWINSZ, &ws);
  while (winch < 2) sigsuspend(&none);
  ioctl(0, TIOCGWINSZ, &ws);
  printf("SIGWINCH %d size %d x %d\n", winch, ws.ws_row, ws.ws_col);
  ioctl(0, TIOCSWINSZ, &ws);
  sigprocmask(SIG_UNBLOCK, &winchset, NULL);
  printf("same size again: SIGWINCH %d\n", winch);
  return 0;
}
