/* The test data of the C examples, element i of the global vectors (0-based): integers
 * scaled by powers of two, exact in their type, spanning many binades with cancellation.
 * The same formulas are in distributed/examples/capi_reference.rs and examples/fortran/dot.f90. */
#ifndef PDOT_EXAMPLE_DATA_H
#define PDOT_EXAMPLE_DATA_H
#include <math.h>
#include <stdint.h>
#include <string.h>

static inline double data_x(int64_t i) { return ldexp((double)((i * 7919) % 2001 - 1000), (int)(i % 61) - 30); }
static inline double data_y(int64_t i) { return ldexp((double)((i * 104729) % 1999 - 999), 15 - (int)(i % 37)); }
static inline float data_xs(int64_t i) { return ldexpf((float)((i * 7919) % 2001 - 1000), (int)(i % 31) - 15); }
static inline float data_ys(int64_t i) { return ldexpf((float)((i * 104729) % 1999 - 999), 7 - (int)(i % 17)); }

static inline uint64_t bits64(double v) { uint64_t b; memcpy(&b, &v, 8); return b; }
static inline uint32_t bits32(float v) { uint32_t b; memcpy(&b, &v, 4); return b; }
#endif
