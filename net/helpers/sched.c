// SPDX-License-Identifier: GPL-2.0
#include <linux/sched/signal.h>

int rbond_restart_syscall(void) { return restart_syscall(); }
bool rbond_fatal_signal_pending_current(void) { return fatal_signal_pending(current); }
bool rbond_irqs_disabled(void) { return irqs_disabled(); }
