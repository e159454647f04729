# dmd_example.mk -- what the examples' Makefiles share: build $(EXAMPLE)
# (plain) and $(EXAMPLE)_dmd (instrumented) against the installed dmdprof
# through pkg-config:  make PKG_CONFIG_PATH=/path/to/prefix/lib/pkgconfig
CC ?= cc
CFLAGS ?= -O2 -Wall -Wextra -ffp-contract=off
PKG_CONFIG ?= pkg-config
DMD_CFLAGS := $(shell $(PKG_CONFIG) --cflags dmdprof)
DMD_LIBS := $(shell $(PKG_CONFIG) --libs dmdprof)

all: $(EXAMPLE) $(EXAMPLE)_dmd
$(EXAMPLE): $(EXAMPLE).c ../dmd_example.h
	$(CC) $(CFLAGS) $< -o $@ $(DMD_CFLAGS) $(DMD_LIBS) -lm
$(EXAMPLE)_dmd: $(EXAMPLE).c ../dmd_example.h
	$(CC) $(CFLAGS) -DDMD_INSTRUMENT $< -o $@ $(DMD_CFLAGS) $(DMD_LIBS) -lm
clean:
	rm -f $(EXAMPLE) $(EXAMPLE)_dmd
.PHONY: all clean
