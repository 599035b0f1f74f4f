/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_CLI_H
#define OSVIF_CLI_H

/*
 * The sub-commands for people (osvif --help). Only main.c calls this, and only when
 * CNI_COMMAND is unset and argv[1] is given: no runtime's CNI call reaches it.
 * Returns the exit status.
 */
int osvif_cli_main(int argc, char **argv);

#endif
