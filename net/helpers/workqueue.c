// SPDX-License-Identifier: GPL-2.0
#include <linux/workqueue.h>
#include <linux/jiffies.h>

void rbond_init_delayed_work(struct delayed_work *dw, void (*fn)(struct work_struct *)) { INIT_DELAYED_WORK(dw, fn); }
bool rbond_queue_delayed_work(struct delayed_work *dw, unsigned long delay) { return queue_delayed_work(system_wq, dw, delay); }
bool rbond_mod_delayed_work(struct delayed_work *dw, unsigned long delay) { return mod_delayed_work(system_wq, dw, delay); }
unsigned long rbond_msecs_to_jiffies(unsigned int ms) { return msecs_to_jiffies(ms); }
u64 rbond_get_jiffies_64(void) { return get_jiffies_64(); }
