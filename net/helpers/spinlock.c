// SPDX-License-Identifier: GPL-2.0
#include <linux/spinlock.h>

/* Each spin_lock_init() is a lockdep class of its own: one for the locks
 * taken in process context, one for those also taken in softirq. */
void rbond_spin_lock_init(spinlock_t *l) { spin_lock_init(l); }
void rbond_spin_lock_init_bh(spinlock_t *l) { spin_lock_init(l); }
void rbond_spin_lock_nested(spinlock_t *l, unsigned int subclass) { spin_lock_nested(l, subclass); }
void rbond_spin_unlock(spinlock_t *l) { spin_unlock(l); }
void rbond_spin_lock_bh(spinlock_t *l) { spin_lock_bh(l); }
void rbond_spin_unlock_bh(spinlock_t *l) { spin_unlock_bh(l); }
