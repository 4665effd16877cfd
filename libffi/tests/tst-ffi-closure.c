/* Closures of the patched libffi: where their code comes from, the
   fallback, and the closures libffi does not allocate.

   usage: tst-ffi-closure MODE
     tramp     every closure's code is a <sys/tramp.h> trampoline;
     fallback  every closure's code is not one (run with the
	       tramp-fail.c shim), and still works;
     mixed     the first closures are trampolines, the later ones not
	       (the shim with TRAMP_FAIL_AFTER=3), freed in any order;
     nomem     ffi_closure_alloc returns NULL (the shim, TRAMP_FAIL=ENOMEM);
     user      a closure in memory the caller maps writable and
	       executable, prepared with itself as code address;
     raw       a raw closure (ffi_prep_raw_closure_loc);
     abi       i386 only: THISCALL and FASTCALL closures are refused
	       with FFI_BAD_ABI, STDCALL ones work;
     unprepared  a closure called before ffi_prep_closure_loc aborts
	       with libffi's message (in a child process);
     freed     a closure called after ffi_closure_free, and one freed
	       twice, abort with libffi's messages (child processes).
   tramp, fallback and mixed also re-prepare each closure for another
   entry point (double arguments: x86_64's SSE entry, AArch64's V one)
   and back.
   Exit status 0 on success, 1 on failure, 77 if MODE does not apply.  */

#include <ffi.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/tramp.h>
#include <sys/wait.h>
#include <unistd.h>

#define N 8

static void
add_handler (ffi_cif *cif, void *ret, void **args, void *user_data)
{
  (void) cif;
  *(ffi_arg *) ret = *(int *) args[0] + *(int *) args[1]
		     + (int) (long) user_data;
}

static void
dadd_handler (ffi_cif *cif, void *ret, void **args, void *user_data)
{
  (void) cif;
  *(double *) ret = *(double *) args[0] + *(double *) args[1]
		    + (long) user_data;
}

#if !FFI_NO_RAW_API
static void
raw_handler (ffi_cif *cif, void *ret, ffi_raw *args, void *user_data)
{
  (void) cif;
  *(ffi_arg *) ret = (int) args[0].sint + (int) args[1].sint
		     + (int) (long) user_data;
}
#endif

static int failures;

static void
check (int ok, const char *what, int i)
{
  if (!ok)
    {
      printf ("FAIL: %s (closure %d)\n", what, i);
      failures++;
    }
}

/* In a child process: call a closure before preparing it (HOW 0), after
   freeing it (1), or free it twice (2); check that the child aborts
   with MESSAGE on stderr.  */
static void
aborts (int how, ffi_cif *cif, const char *message)
{
  void *code;
  ffi_closure *c = ffi_closure_alloc (sizeof *c, &code);
  int fds[2];
  char buf[256];
  ssize_t n, len = 0;
  int status;
  check (c != NULL, "alloc", how);
  if (c == NULL || pipe (fds) != 0)
    return;
  if (how > 0)
    ffi_prep_closure_loc (c, cif, add_handler, NULL, code);
  fflush (stdout);
  pid_t pid = fork ();
  if (pid == 0)
    {
      dup2 (fds[1], 2);
      if (how > 0)
	ffi_closure_free (c);
      if (how < 2)
	((int (*) (int, int)) code) (1, 2);
      else
	ffi_closure_free (c);
      _exit (0);
    }
  close (fds[1]);
  while ((n = read (fds[0], buf + len, sizeof buf - 1 - len)) > 0)
    len += n;
  buf[len] = 0;
  close (fds[0]);
  waitpid (pid, &status, 0);
  check (WIFSIGNALED (status) && WTERMSIG (status) == SIGABRT,
	 "the child aborts", how);
  check (strstr (buf, message) != NULL, message, how);
  if (failures)
    printf ("child's stderr: %s\n", buf);
  ffi_closure_free (c);
}

int
main (int argc, char **argv)
{
  const char *mode = argc > 1 ? argv[1] : "tramp";
  ffi_cif cif;
  ffi_type *args[2] = { &ffi_type_sint, &ffi_type_sint };
  ffi_abi abi = FFI_DEFAULT_ABI;

  if (ffi_prep_cif (&cif, abi, 2, &ffi_type_sint, args) != FFI_OK)
    return 1;

  if (strcmp (mode, "user") == 0)
    {
      ffi_closure *c = mmap (NULL, 4096, PROT_READ | PROT_WRITE | PROT_EXEC,
			     MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (c == MAP_FAILED)
	return 77;
      check (ffi_prep_closure_loc (c, &cif, add_handler, (void *) 100L, c)
	     == FFI_OK, "prep of a closure in the caller's memory", 0);
      check (((int (*) (int, int)) (void *) c) (1, 2) == 103,
	     "call of a closure in the caller's memory", 0);
      return failures != 0;
    }

  if (strcmp (mode, "unprepared") == 0 || strcmp (mode, "freed") == 0)
    {
      if (strcmp (mode, "unprepared") == 0)
	aborts (0, &cif, "never prepared");
      else
	{
	  aborts (1, &cif, "closure that was freed");
	  aborts (2, &cif, "freed twice");
	}
      if (failures == 0)
	printf ("PASS: %s\n", mode);
      return failures != 0;
    }

  if (strcmp (mode, "raw") == 0)
    {
#if !FFI_NO_RAW_API
      void *code;
      ffi_raw_closure *c = ffi_closure_alloc (sizeof *c, &code);
      check (c != NULL, "alloc of a raw closure", 0);
      if (c == NULL)
	return 1;
      check (ffi_prep_raw_closure_loc (c, &cif, raw_handler, (void *) 100L,
				       code) == FFI_OK, "raw prep", 0);
      check (((int (*) (int, int)) code) (1, 2) == 103, "raw call", 0);
      ffi_closure_free (c);
      if (failures == 0)
	printf ("PASS: %s\n", mode);
      return failures != 0;
#else
      return 77;
#endif
    }

  if (strcmp (mode, "abi") == 0)
    {
#ifdef __i386__
      static const struct { ffi_abi abi; int ok; } abis[] =
	{ { FFI_SYSV, 1 }, { FFI_STDCALL, 1 }, { FFI_MS_CDECL, 1 },
	  { FFI_PASCAL, 1 }, { FFI_THISCALL, 0 }, { FFI_FASTCALL, 0 },
	  { FFI_REGISTER, 0 } };
      for (int i = 0; i < (int) (sizeof abis / sizeof abis[0]); i++)
	{
	  void *code;
	  ffi_closure *c = ffi_closure_alloc (sizeof *c, &code);
	  ffi_status s;
	  check (c != NULL, "alloc", i);
	  if (c == NULL)
	    continue;
	  check (ffi_prep_cif (&cif, abis[i].abi, 2, &ffi_type_sint, args)
		 == FFI_OK, "prep_cif", i);
	  s = ffi_prep_closure_loc (c, &cif, add_handler, NULL, code);
	  check (abis[i].ok ? s == FFI_OK : s == FFI_BAD_ABI,
		 abis[i].ok ? "ABI accepted" : "ABI refused with FFI_BAD_ABI", i);
	  if (s == FFI_OK && abis[i].abi == FFI_SYSV)
	    check (((int (*) (int, int)) code) (2, 3) == 5, "call", i);
	  if (s == FFI_OK && abis[i].abi == FFI_STDCALL)
	    check (((int __attribute__ ((stdcall)) (*) (int, int)) code) (2, 3)
		   == 5, "stdcall call", i);
	  ffi_closure_free (c);
	}
      return failures != 0;
#else
      return 77;
#endif
    }

  ffi_closure *c[N];
  void *code[N];
  for (int i = 0; i < N; i++)
    {
      c[i] = ffi_closure_alloc (sizeof (ffi_closure), &code[i]);
      if (strcmp (mode, "nomem") == 0)
	{
	  check (c[i] == NULL, "ffi_closure_alloc returns NULL", i);
	  if (c[i] != NULL)
	    ffi_closure_free (c[i]);
	  continue;
	}
      check (c[i] != NULL, "ffi_closure_alloc", i);
      if (c[i] == NULL)
	return 1;
      int is_tramp = tramp_data (code[i]) == c[i];
      int want = (strcmp (mode, "tramp") == 0
		  || (strcmp (mode, "mixed") == 0 && i < 3));
      check (is_tramp == want,
	     want ? "code is a trampoline" : "code is not a trampoline", i);
      check (ffi_prep_closure_loc (c[i], &cif, add_handler, (void *) (long) i,
				   code[i]) == FFI_OK, "prep", i);
    }
  if (strcmp (mode, "nomem") == 0)
    return failures != 0;
  for (int i = 0; i < N; i++)
    check (((int (*) (int, int)) code[i]) (40, 2) == 42 + i, "call", i);
  /* Re-prepare with other data, then free in an order mixing both
     kinds.  */
  for (int i = 0; i < N; i++)
    {
      ffi_prep_closure_loc (c[i], &cif, add_handler, (void *) 1000L, code[i]);
      check (((int (*) (int, int)) code[i]) (1, 1) == 1002, "re-prep", i);
    }
  /* Another entry point (double arguments) and back.  */
  ffi_cif dcif;
  ffi_type *dargs[2] = { &ffi_type_double, &ffi_type_double };
  if (ffi_prep_cif (&dcif, abi, 2, &ffi_type_double, dargs) != FFI_OK)
    return 1;
  for (int i = 0; i < N; i++)
    {
      check (ffi_prep_closure_loc (c[i], &dcif, dadd_handler,
				   (void *) (long) i, code[i]) == FFI_OK,
	     "prep with double arguments", i);
      check (((double (*) (double, double)) code[i]) (0.5, 1.25)
	     == 1.75 + i, "call with double arguments", i);
      check (ffi_prep_closure_loc (c[i], &cif, add_handler, (void *) 7L,
				   code[i]) == FFI_OK, "prep back", i);
      check (((int (*) (int, int)) code[i]) (1, 1) == 9, "call back", i);
    }
  for (int i = N - 1; i >= 0; i -= 2)
    ffi_closure_free (c[i]);
  for (int i = 0; i < N; i += 2)
    ffi_closure_free (c[i]);
  if (failures == 0)
    printf ("PASS: %s\n", mode);
  return failures != 0;
}
