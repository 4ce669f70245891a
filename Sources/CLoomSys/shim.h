// Process plumbing for the note runtime that Swift cannot call directly (prctl is variadic).
#pragma once
#include <signal.h>
#include <unistd.h>
#ifdef __linux__
#include <sys/prctl.h>
#endif

/// The note's program leads its own process group (so the runner can stop it and everything it
/// started with one kill) and dies with the runner (so a killed loom leaves no note running).
static inline void loom_detach_into_own_group(void) {
  setpgid(0, 0);
#ifdef __linux__
  prctl(PR_SET_PDEATHSIG, SIGKILL);
  // If the runner died before prctl took effect, we are already orphaned: stop now.
  if (getppid() == 1) _exit(137);
#endif
}

/// Loom adopts every process its children leave behind (Linux: a child subreaper), so when a
/// note's program dies, what it started can be found and stopped. 0 on success.
static inline int loom_become_subreaper(void) {
#ifdef __linux__
  return prctl(PR_SET_CHILD_SUBREAPER, 1);
#else
  return -1;
#endif
}
