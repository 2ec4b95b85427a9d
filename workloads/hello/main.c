/*
 * hello: the smallest useful program.  Prints one line and exits 0, so its
 * launch-to-exit time is the fixed cost a runtime adds to a tiny function.
 */
#include <stdio.h>

int main(void)
{
	puts("hello from edgebench");
	return 0;
}
