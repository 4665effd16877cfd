// A C++ exception thrown through C frames (built with -fexceptions)
// that own nested-function trampolines: GCC's cleanups release them.

#include <cstdio>
#include <stdexcept>

extern "C" {
long nested_cxx_recurse (int level, void (*callback) (void));
int nested_cxx_all_freed (void);
extern int nested_cxx_cleanups;
}

static void
thrower ()
{
  throw std::runtime_error ("through C frames");
}

int
main ()
{
  for (int round = 0; round < 10000; round++)
    {
      nested_cxx_cleanups = 0;
      try
	{
	  nested_cxx_recurse (0, thrower);
	  std::fprintf (stderr, "no exception\n");
	  return 1;
	}
      catch (const std::runtime_error &e)
	{
	}
      if (nested_cxx_cleanups != 20)
	{
	  std::fprintf (stderr, "round %d: %d cleanups, want 20\n", round,
			nested_cxx_cleanups);
	  return 1;
	}
      if (!nested_cxx_all_freed ())
	{
	  std::fprintf (stderr, "round %d: trampolines not released\n",
			round);
	  return 1;
	}
    }
  std::puts ("c++ exception: OK");
  return 0;
}
