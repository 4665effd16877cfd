/* Operating system layer of the trampoline allocator.  Linux version.
   Copyright The GNU Toolchain Authors.
   This file is part of the GNU C Library.

   The GNU C Library is free software; you can redistribute it and/or
   modify it under the terms of the GNU Lesser General Public
   License as published by the Free Software Foundation; either
   version 2.1 of the License, or (at your option) any later version.

   The GNU C Library is distributed in the hope that it will be useful,
   but WITHOUT ANY WARRANTY; without even the implied warranty of
   MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the GNU
   Lesser General Public License for more details.

   You should have received a copy of the GNU Lesser General Public
   License along with the GNU C Library; if not, see
   <https://www.gnu.org/licenses/>.  */

#ifndef _TRAMP_OS_H
#define _TRAMP_OS_H 1

#include <atomic.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <ldsodefs.h>
#include <libc-lock.h>
#include <not-cancel.h>
#include <stdbool.h>
#include <stdio.h>
#include <sysdep.h>
#include <sys/auxv.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sysdep.h>
#include <unistd.h>

/* Linux provides everything misc/tramp.c needs: file mappings with
   MAP_FIXED and mremap duplicates of shared mappings.  */
#define TRAMP_OS_SUPPORTED 1

/* libc has no internal alias of munlock.  */
#define tramp_munlock(addr, len) INLINE_SYSCALL_CALL (munlock, addr, len)

/* libc's own TLS is static TLS.  */
#define TRAMP_TLS_MODEL attribute_tls_model_ie

/* __libc_thread_freeres calls __tramp_thread_freeres for every exiting
   thread after its thread-specific data destructors, so there is
   nothing to register.  */
static inline bool
tramp_thread_register (void)
{
  return true;
}

/* Open the file the dynamic linker mapped the object containing ADDR
   from (libc.so.6, or the executable in a static link), read-only and
   close-on-exec, and store the file offset of ADDR in *OFFSET.  Return
   the descriptor, or -1 with errno set (ELIBACC if the file cannot be
   found or opened, ELIBBAD if the file now at the recorded path is not
   the one the dynamic linker loaded).  Only needed where the kernel
   cannot copy the mapping itself (see tramp_map_code).

   The object is found with _dl_find_object, which needs no lock and
   also works in static binaries and in secondary namespaces.  Its
   link_map gives the path (l_name), the program headers and the
   identity of the file at load time (l_file_id), which is compared
   with the descriptor: a file replaced on disk since (a package
   upgrade) is never mapped.  The main program of a static link has no
   path and no recorded identity in its link_map: /proc/self/exe names
   the inode the kernel mapped even if its path was replaced.  Without
   /proc there is no way to check the identity of the executable, so
   the path the caller of execve chose (AT_EXECFN) is never used.  */
static inline int
tramp_open_image (const void *addr, off64_t *offset)
{
  struct dl_find_object dlfo;
  if (GLRO (dl_find_object) ((void *) addr, &dlfo) != 0)
    {
      __set_errno (ELIBACC);
      return -1;
    }
  const struct link_map *l = dlfo.dlfo_link_map;

  ElfW(Addr) a = (ElfW(Addr)) addr;
  const ElfW(Phdr) *load = NULL;
  for (size_t i = 0; i < l->l_phnum; i++)
    {
      const ElfW(Phdr) *ph = &l->l_phdr[i];
      if (ph->p_type == PT_LOAD && a >= l->l_addr + ph->p_vaddr
	  && a - (l->l_addr + ph->p_vaddr) < ph->p_filesz)
	{
	  load = ph;
	  break;
	}
    }
  if (load == NULL)
    {
      __set_errno (ELIBACC);
      return -1;
    }
  *offset = load->p_offset + (a - (l->l_addr + load->p_vaddr));

  bool main_program = l->l_name == NULL || l->l_name[0] == '\0';
  int fd;
  if (!main_program)
    fd = __open64_nocancel (l->l_name, O_RDONLY | O_CLOEXEC);
  else
    fd = __open64_nocancel ("/proc/self/exe", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    {
      if (errno != ENOMEM && errno != EMFILE && errno != ENFILE)
	__set_errno (ELIBACC);
      return -1;
    }

  if (!main_program)
    {
      struct r_file_id id;
      if (!_dl_get_file_id (fd, &id))
	{
	  __close_nocancel_nostatus (fd);
	  __set_errno (ELIBACC);
	  return -1;
	}
      if (!_dl_file_id_match_p (&id, &l->l_file_id))
	{
	  __close_nocancel_nostatus (fd);
	  __set_errno (ELIBBAD);
	  return -1;
	}
    }
  return fd;
}

/* Whether the page at PAGE is mapped.  mincore has no internal alias:
   call the kernel directly.  */
static inline bool
tramp_page_mapped (void *page)
{
  unsigned char vec[1];
  return INTERNAL_SYSCALL_CALL (mincore, page, __getpagesize (), vec) == 0;
}

/* Whether COPY, just mapped from the descriptor tramp_open_image
   returned, maps the file the loader mapped ADDR from: it already
   checked the descriptor's identity.  */
static inline bool
tramp_image_same (const void *addr, const void *copy)
{
  return true;
}

#endif /* tramp-os.h */
