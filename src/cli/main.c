/* SKELETON */
#include <stdio.h>
int main(void) { fputs("rapport: not built yet\n", stderr); return 1; }
