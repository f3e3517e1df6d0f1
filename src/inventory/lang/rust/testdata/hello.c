#include <stdio.h>
int main(void) { puts("hello from bulkhead test data"); return 0; }
