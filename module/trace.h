/* SPDX-License-Identifier: GPL-2.0 */
/*
 * trace.h - kslab's tracepoints, kslab:kslab_alloc and kslab:kslab_free,
 * for ftrace and perf. Each call site costs a static branch that is a
 * no-op while the event is off. Defined (CREATE_TRACE_POINTS) in trace.c.
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM kslab

#if !defined(_KSLAB_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _KSLAB_TRACE_H

#include <linux/tracepoint.h>

#include "compat.h"

struct kslab_cache;

TRACE_EVENT(kslab_alloc,
	    TP_PROTO(const char *cache, const void *obj, unsigned long caller,
		     gfp_t gfp, int node),
	    TP_ARGS(cache, obj, caller, gfp, node),
	    TP_STRUCT__entry(__string(cache, cache)
			     __field(const void *, obj)
			     __field(unsigned long, caller)
			     __field(unsigned long, gfp)
			     __field(int, node)),
	    TP_fast_assign(kslab_assign_str(cache, cache);
			   __entry->obj = obj;
			   __entry->caller = caller;
			   __entry->gfp = (__force unsigned long)gfp;
			   __entry->node = node;),
	    TP_printk("cache=%s object=%p caller=%pS gfp=%#lx node=%d",
		      __get_str(cache), __entry->obj, (void *)__entry->caller,
		      __entry->gfp, __entry->node)
);

TRACE_EVENT(kslab_free,
	    TP_PROTO(const char *cache, const void *obj, unsigned long caller),
	    TP_ARGS(cache, obj, caller),
	    TP_STRUCT__entry(__string(cache, cache)
			     __field(const void *, obj)
			     __field(unsigned long, caller)),
	    TP_fast_assign(kslab_assign_str(cache, cache);
			   __entry->obj = obj;
			   __entry->caller = caller;),
	    TP_printk("cache=%s object=%p caller=%pS", __get_str(cache),
		      __entry->obj, (void *)__entry->caller)
);

#endif /* _KSLAB_TRACE_H */

#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE trace
#include <trace/define_trace.h>
