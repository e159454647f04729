/* cli/cmd_measure.c -- placeholder until its issue lands. */
#include "cli.h"
#include "commands.h"
int cmd_measure(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
