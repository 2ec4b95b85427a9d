/*
 * cmd: the subcommands.  Each parses its own options, returns the process
 * exit status (0 ok, 1 failure during a run, 2 bad usage), and prints one
 * clear line on stderr when it fails.
 */
#ifndef EB_CMD_H
#define EB_CMD_H

int eb_cmd_list(int argc, char **argv);
int eb_cmd_run(int argc, char **argv);
int eb_cmd_load(int argc, char **argv);
int eb_cmd_report(int argc, char **argv);
int eb_cmd_serve(int argc, char **argv);
int eb_cmd_compare(int argc, char **argv);
int eb_cmd_operator(int argc, char **argv);
int eb_cmd_trace(int argc, char **argv);
int eb_cmd_replay(int argc, char **argv);
int eb_cmd_sweep(int argc, char **argv);   /* a run's guard's, not a user's (cmd_sweep.c) */

#endif
