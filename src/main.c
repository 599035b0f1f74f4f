/* SPDX-License-Identifier: Apache-2.0 */
#include <stdio.h>
int main(void)
{
        fputs("osvif: under construction\n", stderr);
        return 1;
}
