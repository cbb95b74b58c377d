// Checks job control: SIGSTOP/SIGTSTP stop a child, SIGCONT resumes it, waitpid WUNTRACED/WCONTINUED and waitid WSTOPPED report it, SIGKILL ends a stopped child.
// expect: exit 0
#include <signal.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
int main(void) {
  pid_t p = fork();
  /* The child gets a process group of its own whose parent is in another group of the same
     session, so the group is not orphaned and SIGTSTP stops it wherever the test runs. */
  if (p == 0) { setpgid(0, 0); for (int i = 0; i < 200; i++) usleep(10000); _exit(5); }
  setpgid(p, p);
  usleep(20000);
  kill(p, SIGSTOP);
  int st; pid_t w = waitpid(p, &st, WUNTRACED);
  printf("stopped=%d sig=%d same=%d\n", WIFSTOPPED(st), WSTOPSIG(st), w == p);
  kill(p, SIGCONT);
  w = waitpid(p, &st, WCONTINUED);
  printf("continued=%d\n", WIFCONTINUED(st));
  kill(p, SIGTSTP);
  siginfo_t si; waitid(P_PID, p, &si, WSTOPPED);
  printf("waitid stopped code=%d status=%d\n", si.si_code, si.si_status);
  kill(p, SIGKILL);
  waitpid(p, &st, 0);
  printf("killed=%d sig=%d\n", WIFSIGNALED(st), WTERMSIG(st));
  return 0;
}
