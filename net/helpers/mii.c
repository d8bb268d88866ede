// SPDX-License-Identifier: GPL-2.0
#include <linux/mii.h>

struct mii_ioctl_data *rbond_if_mii(struct ifreq *ifr) { return if_mii(ifr); }
