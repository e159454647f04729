/* commands.h -- the dmdprof subcommands.  Each returns the process exit code
 * (0 ok, 1 the work failed, 2 bad usage/input) and prints its own --help. */
#ifndef DMDPROF_COMMANDS_H
#define DMDPROF_COMMANDS_H

int cmd_train(int argc, char **argv);     /* cli/cmd_train.c */
int cmd_headline(int argc, char **argv);  /* cli/cmd_train.c */
int cmd_measure(int argc, char **argv);   /* cli/cmd_measure.c */
int cmd_price(int argc, char **argv);     /* cli/cmd_price.c */
int cmd_ir(int argc, char **argv);        /* cli/cmd_price.c */
int cmd_probes(int argc, char **argv);    /* cli/cmd_probes.c */
int cmd_callgrind(int argc, char **argv); /* cli/cmd_probes.c */
int cmd_example(int argc, char **argv);   /* cli/cmd_example.c */
int cmd_isa(int argc, char **argv);       /* cli/cmd_isa.c */

#endif
