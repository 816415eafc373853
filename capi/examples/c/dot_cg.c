/* pdot from C: a distributed dot product on rank-strided data (the classic MPI lesson:
 * rank r owns elements r, r + P, r + 2P, ...), then a small CG on the 1-D Poisson problem.
 * Prints the bits of the Exact results (rank 0); asserts they are the same on every rank.
 *
 *   mpicc dot_cg.c $(pkg-config --cflags --libs pdot) -o dot_cg && mpiexec -n 4 ./dot_cg
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>

#include <mpi.h>
#include <pdot.h>

#include "data.h"

#define N 10007   /* global length of the dot product */
#define M 200     /* unknowns of the Poisson problem */

static int rank, size;

static void check(int status, const char *what) {
    if (status != PDOT_SUCCESS) {
        fprintf(stderr, "rank %d: %s failed: %s: %s\n", rank, what, pdot_status_name(status),
                pdot_last_error());
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

/* Every rank holds the same bits (checked with an MPI all-reduce of min and max). */
static void same_everywhere(uint64_t bits, const char *what) {
    uint64_t lo, hi;
    MPI_Allreduce(&bits, &lo, 1, MPI_UINT64_T, MPI_MIN, MPI_COMM_WORLD);
    MPI_Allreduce(&bits, &hi, 1, MPI_UINT64_T, MPI_MAX, MPI_COMM_WORLD);
    if (lo != hi) {
        fprintf(stderr, "rank %d: %s differs between ranks\n", rank, what);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
}

static void print(const char *label, uint64_t bits) {
    same_everywhere(bits, label);
    if (rank == 0) printf("%s %016" PRIx64 "\n", label, bits);
}

/* The rank-strided dot products: the local shares read in place with increment P from the
 * global arrays, and again from contiguous copies; Exact gives the same bits both ways. */
static void strided_dots(void) {
    double *x = malloc(N * sizeof *x), *y = malloc(N * sizeof *y);
    float *xs = malloc(N * sizeof *xs), *ys = malloc(N * sizeof *ys);
    for (int64_t i = 0; i < N; i++) {
        x[i] = data_x(i), y[i] = data_y(i), xs[i] = data_xs(i), ys[i] = data_ys(i);
    }
    int64_t mine = (N - rank + size - 1) / size; /* elements r, r + P, ... below N */
    double d, d2, n2;
    float s;
    double ds;
    check(pdot_mpi_ddot(MPI_COMM_WORLD, mine, x + rank, size, y + rank, size, PDOT_EXACT, &d),
          "pdot_mpi_ddot");
    double *xl = malloc((mine + 1) * sizeof *xl), *yl = malloc((mine + 1) * sizeof *yl);
    for (int64_t j = 0; j < mine; j++) xl[j] = x[rank + j * size], yl[j] = y[rank + j * size];
    check(pdot_mpi_ddot(MPI_COMM_WORLD, mine, xl, 1, yl, 1, PDOT_EXACT, &d2), "pdot_mpi_ddot");
    if (bits64(d) != bits64(d2)) {
        fprintf(stderr, "rank %d: strided and contiguous shares differ\n", rank);
        MPI_Abort(MPI_COMM_WORLD, 1);
    }
    check(pdot_mpi_sdot(MPI_COMM_WORLD, mine, xs + rank, size, ys + rank, size, PDOT_EXACT, &s),
          "pdot_mpi_sdot");
    check(pdot_mpi_dsdot(MPI_COMM_WORLD, mine, xs + rank, size, ys + rank, size, PDOT_EXACT, &ds),
          "pdot_mpi_dsdot");
    check(pdot_mpi_dnrm2(MPI_COMM_WORLD, mine, x + rank, size, PDOT_EXACT, &n2), "pdot_mpi_dnrm2");
    print("ddot", bits64(d));
    print("sdot", bits32(s));
    print("dsdot", bits64(ds));
    print("dnrm2", bits64(n2));
    /* The single-core entry on the whole vectors: the same correctly rounded result. */
    double whole;
    check(pdot_ddot(N, x, 1, y, 1, PDOT_EXACT, &whole), "pdot_ddot");
    print("ddot-single", bits64(whole));
    free(x), free(y), free(xs), free(ys), free(xl), free(yl);
}

/* y = A x for the 1-D Poisson matrix tridiag(-1, 2, -1), x distributed in blocks; the
 * neighbours' boundary values come by MPI_Sendrecv on the caller's communicator. */
static void poisson(const double *x, double *y, int64_t n) {
    double left = 0.0, right = 0.0;
    int lo = rank > 0 ? rank - 1 : MPI_PROC_NULL, hi = rank < size - 1 ? rank + 1 : MPI_PROC_NULL;
    double first = n > 0 ? x[0] : 0.0, last = n > 0 ? x[n - 1] : 0.0;
    MPI_Sendrecv(&last, 1, MPI_DOUBLE, hi, 7, &left, 1, MPI_DOUBLE, lo, 7, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    MPI_Sendrecv(&first, 1, MPI_DOUBLE, lo, 8, &right, 1, MPI_DOUBLE, hi, 8, MPI_COMM_WORLD, MPI_STATUS_IGNORE);
    for (int64_t i = 0; i < n; i++) {
        double l = i > 0 ? x[i - 1] : left, r = i < n - 1 ? x[i + 1] : right;
        y[i] = 2.0 * x[i] - l - r;
    }
}

/* CG on A x = 1 with Exact dot products: the same iterates, bit for bit, for every P. */
static void cg(void) {
    int64_t n = M / size + (rank < M % size), iterations = 0;
    double *x = calloc(n + 1, sizeof *x), *r = malloc((n + 1) * sizeof *r);
    double *p = malloc((n + 1) * sizeof *p), *q = malloc((n + 1) * sizeof *q);
    for (int64_t i = 0; i < n; i++) r[i] = 1.0, p[i] = 1.0;
    double rr, pq, bb;
    check(pdot_mpi_ddot(MPI_COMM_WORLD, n, r, 1, r, 1, PDOT_EXACT, &rr), "r.r");
    bb = rr;
    while (rr > 1e-24 * bb && iterations < 10 * M) {
        poisson(p, q, n);
        check(pdot_mpi_ddot(MPI_COMM_WORLD, n, p, 1, q, 1, PDOT_EXACT, &pq), "p.Ap");
        double alpha = rr / pq;
        for (int64_t i = 0; i < n; i++) x[i] += alpha * p[i], r[i] -= alpha * q[i];
        /* r.r split-phase: started, then finished (nothing to overlap in this small CG). */
        pdot_request *request;
        double rr_new;
        check(pdot_mpi_ddot_begin(MPI_COMM_WORLD, n, r, 1, r, 1, PDOT_EXACT, &rr_new, &request), "begin");
        check(pdot_wait(&request), "pdot_wait");
        double beta = rr_new / rr;
        rr = rr_new;
        for (int64_t i = 0; i < n; i++) p[i] = r[i] + beta * p[i];
        iterations++;
    }
    double xx;
    check(pdot_mpi_ddot(MPI_COMM_WORLD, n, x, 1, x, 1, PDOT_EXACT, &xx), "x.x");
    print("cg-iterations", (uint64_t)iterations);
    print("cg-rr", bits64(rr));
    print("cg-xx", bits64(xx));
    free(x), free(r), free(p), free(q);
}

int main(int argc, char **argv) {
    MPI_Init(&argc, &argv);
    MPI_Comm_rank(MPI_COMM_WORLD, &rank);
    MPI_Comm_size(MPI_COMM_WORLD, &size);
    strided_dots();
    cg();
    MPI_Finalize();
    return 0;
}
