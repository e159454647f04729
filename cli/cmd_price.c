/* cli/cmd_price.c -- placeholder until its issue lands. */
#include "cli.h"
#include "commands.h"
int cmd_price(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
int cmd_ir(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
