/* cli/cmd_train.c -- placeholder until its issue lands. */
#include "cli.h"
#include "commands.h"
int cmd_train(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
int cmd_headline(int argc, char **argv) { (void)argc; (void)argv; cli_fail("not built yet"); }
