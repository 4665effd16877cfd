#ifndef _SYS_TRAMP_H
#include <misc/sys/tramp.h>

# ifndef _ISOMAC

libc_hidden_proto (tramp_alloc)
libc_hidden_proto (tramp_set)
libc_hidden_proto (tramp_free)
libc_hidden_proto (tramp_code)
libc_hidden_proto (tramp_data)

/* Called by __libc_thread_freeres when a thread exits: the thread's
   cache of free trampolines goes back to the tables.  */
extern void __tramp_thread_freeres (void) attribute_hidden;

/* Called by fork around _Fork in a multi-threaded process, like the
   malloc fork handlers: take the allocator's lock, release it in the
   parent, reinitialize it in the child.  */
extern void __tramp_fork_lock (void) attribute_hidden;
extern void __tramp_fork_unlock_parent (void) attribute_hidden;
extern void __tramp_fork_unlock_child (void) attribute_hidden;

# endif /* !_ISOMAC */
#endif
