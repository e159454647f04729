/* cli/cmd_probes.c -- placeholder until its issue lands. */
#include "cli.h"
#include "commands.h"
int cmd_probes(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
int cmd_callgrind(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
