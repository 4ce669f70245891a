// What loom does when it is interrupted (SIGINT, SIGTERM, SIGHUP): stop every child it runs, and
// the process group each leads, then die of the same signal. A real signal handler reading a
// lock-free table, not a dispatch source: dispatch's signal sources need the signal ignored, and on
// Linux an ignored signal is dropped before anyone sees it (loom then ignored Ctrl-C and timeouts).
#pragma once

/// Records a running child; false when the table is full (it then is not stopped on interrupt).
int loom_child_add(int pid);
/// Forgets a child that ended.
void loom_child_remove(int pid);
/// Installs the handler for SIGINT, SIGTERM and SIGHUP.
void loom_install_interrupt_handlers(void);
