# SPDX-License-Identifier: GPL-2.0
#
# Out-of-tree build of bonding.ko (Rust) and ifenslave.
#   make                  build bonding.ko against $(KDIR)
#   make ifenslave        build the ifenslave tool (static glibc, rustup toolchain)
#   make install          install both; ours wins over the kernel's bonding.ko
#   make clean
#
# KDIR defaults to the cached debug test kernel (scripts/build-kernel.sh).
# For your own kernel: make KDIR=/lib/modules/$(uname -r)/build, which needs
# CONFIG_RUST=y and the same rustc/bindgen the kernel was built with.

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
KDIR ?= $(shell bash -c '. $(TOP)/scripts/env.sh && rbond_kernel_dir')
RUST_LIB_SRC ?= $(lastword $(sort $(wildcard /usr/src/rustc-*/library)))
# A kernel built by clang (the KASAN test kernel) takes modules built by
# clang: LLVM=1, read off its .config.
KLLVM := $(shell grep -qs '^CONFIG_CC_IS_CLANG=y' $(KDIR)/.config && echo LLVM=1)
KMAKE = $(MAKE) -C $(KDIR) M=$(TOP) $(KLLVM) RUSTC=/usr/bin/rustc RUSTDOC=/usr/bin/rustdoc \
	RUST_LIB_SRC=$(RUST_LIB_SRC) BINDGEN=$(shell command -v bindgen || echo $(HOME)/.cargo/bin/bindgen)
KRELEASE = $(shell cat $(KDIR)/include/config/kernel.release 2>/dev/null)
INSTALL_MOD_PATH ?=
MODDIR = $(INSTALL_MOD_PATH)/lib/modules/$(KRELEASE)
IFENSLAVE = target/x86_64-unknown-linux-gnu/release/ifenslave

all: modules

# Kbuild compares command lines and timestamps, both blind to a change of
# KDIR (its paths are relative to the kernel tree): a module built for
# another kernel or config would look up to date. Remember which kernel
# the objects are for, and start clean when it changes.
KDIR_STAMP := $(TOP)/.rbond-kdir
KDIR_ID = $(KDIR) $(shell md5sum < $(KDIR)/.config 2>/dev/null | cut -c1-32)

kdir-check: FORCE
	@if [ "$$(cat $(KDIR_STAMP) 2>/dev/null)" != "$(KDIR_ID)" ]; then \
		echo "  CLEAN   objects built for another kernel ($$(cat $(KDIR_STAMP) 2>/dev/null || echo unknown))"; \
		$(KMAKE) clean >/dev/null; \
		rm -f net/bindings_generated.rs net/.bindings_generated.rs.cmd; \
		echo "$(KDIR_ID)" > $(KDIR_STAMP); \
	fi

modules: kdir-check
	$(KMAKE) modules

clippy: kdir-check
	$(KMAKE) CLIPPY=1 modules

ifenslave: $(IFENSLAVE)

$(IFENSLAVE): FORCE
	RUSTFLAGS='-C target-feature=+crt-static' cargo build --release -p ifenslave --target x86_64-unknown-linux-gnu

# updates/ is searched before kernel/ by depmod's default configuration
# (DKMS uses it for the same reason); extra/ would lose to
# kernel/drivers/net/bonding/bonding.ko.
# Installs what `make` and `make ifenslave` built (no rebuild, so that it
# also works from a read-only tree, e.g. as root over NFS or in the VM).
install:
	@test -f bonding.ko || { echo "run make first" >&2; exit 1; }
	@test -f $(IFENSLAVE) || { echo "run make ifenslave first" >&2; exit 1; }
	install -D -m 0644 bonding.ko $(MODDIR)/updates/bonding.ko
	depmod $(if $(INSTALL_MOD_PATH),-b $(INSTALL_MOD_PATH)) $(KRELEASE)
	install -D -m 0755 $(IFENSLAVE) $(INSTALL_MOD_PATH)/sbin/ifenslave

clean:
	$(KMAKE) clean
	rm -f net/bindings_generated.rs net/.bindings_generated.rs.cmd $(KDIR_STAMP)

.PHONY: all modules clippy ifenslave install clean kdir-check FORCE
