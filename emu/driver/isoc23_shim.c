/* bochscpu-python 0.4.0's wheel was linked against glibc >= 2.38, where strtoull and
 * sscanf are bound to their C23 names. Debian 12 has glibc 2.36: this shim, loaded with
 * RTLD_GLOBAL before `import bochscpu` (machine.py), provides the two symbols it needs.
 * C23 only adds 0b prefixes and %b, which bochscpu does not parse. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

unsigned long long __isoc23_strtoull(const char *s, char **end, int base) {
    return strtoull(s, end, base);
}

int __isoc23_sscanf(const char *s, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    int r = vsscanf(s, fmt, ap);
    va_end(ap);
    return r;
}
