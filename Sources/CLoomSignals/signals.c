#include "CLoomSignals.h"
#include <signal.h>
#include <stdatomic.h>

#define LOOM_MAX_CHILDREN 1024
static _Atomic int children[LOOM_MAX_CHILDREN];

int loom_child_add(int pid) {
  for (int i = 0; i < LOOM_MAX_CHILDREN; i++) {
    int empty = 0;
    if (atomic_compare_exchange_strong(&children[i], &empty, pid)) return 1;
  }
  return 0;
}

void loom_child_remove(int pid) {
  for (int i = 0; i < LOOM_MAX_CHILDREN; i++) {
    int expected = pid;
    if (atomic_compare_exchange_strong(&children[i], &expected, 0)) return;
  }
}

static void on_interrupt(int sig) {
  for (int i = 0; i < LOOM_MAX_CHILDREN; i++) {
    int pid = atomic_load(&children[i]);
    if (pid > 0) {
      kill(-pid, SIGKILL);
      kill(pid, SIGKILL);
    }
  }
  signal(sig, SIG_DFL);
  raise(sig);  // blocked while this handler runs; delivered, with the default action, on return
}

void loom_install_interrupt_handlers(void) {
  struct sigaction action;
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;
  sigaction(SIGINT, &action, 0);
  sigaction(SIGTERM, &action, 0);
  sigaction(SIGHUP, &action, 0);
}
