/* SPDX-License-Identifier: Apache-2.0 */
#ifndef OSVIF_PLUGIN_H
#define OSVIF_PLUGIN_H

#include "cni/request.h"

/* The osvif plugin as the CNI layer dispatches it: config parsing and the verb handlers. */
extern const struct osvif_cni_plugin osvif_plugin;

#endif
