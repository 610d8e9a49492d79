// SPDX-License-Identifier: GPL-2.0
/*
 * trace.c - where kslab's tracepoints (trace.h) are defined, and exported
 * so that a module (kslab's tests among them) can attach probes.
 */
#define CREATE_TRACE_POINTS
#include "trace.h"

EXPORT_TRACEPOINT_SYMBOL_GPL(kslab_alloc);
EXPORT_TRACEPOINT_SYMBOL_GPL(kslab_free);
